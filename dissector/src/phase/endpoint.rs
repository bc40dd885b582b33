//! What the observer knows of one endpoint: its state and its sequence space.

use super::state::TcpState;
use crate::wire::SeqNumber;

/// One endpoint of a connection, as far as its segments and its peer's
/// acknowledgements show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// Its RFC 9293 state right now.
    pub state: TcpState,
    /// Sequence number of its SYN, once seen.
    pub isn: Option<SeqNumber>,
    /// One past the highest sequence number it has sent (SYN and FIN count).
    pub next_seq: Option<SeqNumber>,
    /// The sequence number its FIN occupies, once it sent one.
    pub fin_seq: Option<SeqNumber>,
    /// Its FIN has been acknowledged by the peer.
    pub fin_acked: bool,
    /// It has acknowledged the peer's FIN.
    pub acked_peer_fin: bool,
    /// It sent a SYN without ACK.
    pub sent_syn: bool,
    /// It sent a SYN with ACK.
    pub sent_syn_ack: bool,
    /// It sent a RST.
    pub sent_rst: bool,
    /// Highest acknowledgement number it has sent: the left edge of the
    /// window it offers.
    pub highest_ack: Option<SeqNumber>,
    /// Start of sequence space it sent that the capture skipped (a later
    /// segment began beyond `next_seq`), until something fills or acks it.
    pub hole_start: Option<SeqNumber>,
    /// The window field of its latest segment (unscaled).
    pub window: u16,
    /// Window scale shift its SYN offered (`None`: no option, or no SYN seen).
    pub window_scale: Option<u8>,
    /// Capture time (ns) it entered TIME-WAIT.
    pub time_wait_since: Option<u64>,
}

impl Endpoint {
    /// An endpoint in `state` of which nothing else is known yet.
    pub const fn new(state: TcpState) -> Self {
        Endpoint {
            state,
            isn: None,
            next_seq: None,
            fin_seq: None,
            fin_acked: false,
            acked_peer_fin: false,
            sent_syn: false,
            sent_syn_ack: false,
            sent_rst: false,
            highest_ack: None,
            hole_start: None,
            window: 0,
            window_scale: None,
            time_wait_since: None,
        }
    }

    /// Whether it is in a state that had completed (or skipped) the handshake.
    pub const fn is_synchronized(&self) -> bool {
        !matches!(
            self.state,
            TcpState::Listen | TcpState::SynSent | TcpState::SynReceived | TcpState::Unknown
        )
    }
}
