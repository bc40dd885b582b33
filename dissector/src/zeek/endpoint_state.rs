//! Zeek's TCP endpoint states (`TCP_ENDPOINT_*` in Zeek's
//! `src/analyzer/protocol/tcp/TCP_Endpoint.h`; `TCP_INACTIVE` ... in scripts).

/// Where one side of a connection stands, as Zeek's TCP analyzer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EndpointState {
    /// Nothing seen from this side yet.
    #[default]
    Inactive,
    /// Sent a SYN.
    SynSent,
    /// Sent a SYN-ACK as the originator.
    SynAckSent,
    /// Seen sending without its SYN (picked up mid-stream).
    Partial,
    /// The handshake completed.
    Established,
    /// Sent a FIN.
    Closed,
    /// Sent a RST.
    Reset,
}

impl EndpointState {
    /// Zeek's script-level name (`TCP_SYN_SENT`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            EndpointState::Inactive => "TCP_INACTIVE",
            EndpointState::SynSent => "TCP_SYN_SENT",
            EndpointState::SynAckSent => "TCP_SYN_ACK_SENT",
            EndpointState::Partial => "TCP_PARTIAL",
            EndpointState::Established => "TCP_ESTABLISHED",
            EndpointState::Closed => "TCP_CLOSED",
            EndpointState::Reset => "TCP_RESET",
        }
    }

    /// Still in the handshake (Zeek's `is_handshake`).
    pub const fn is_handshake(self) -> bool {
        matches!(
            self,
            EndpointState::Inactive | EndpointState::SynSent | EndpointState::SynAckSent
        )
    }
}
