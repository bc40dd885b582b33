//! The RFC 9293 connection states of one endpoint.

use core::fmt;

/// An endpoint's state (RFC 9293 section 3.3.2), as an observer at the
/// capture point infers it.
///
/// `Display` prints the RFC spelling; [`TcpState::netstat_name`] and
/// [`TcpState::ss_name`] the spellings of those tools.
///
/// ```
/// use tcpphase::phase::TcpState;
/// assert_eq!(TcpState::FinWait2.to_string(), "FIN-WAIT-2");
/// assert_eq!(TcpState::FinWait2.netstat_name(), "FIN_WAIT2");
/// assert_eq!(TcpState::SynReceived.ss_name(), "SYN-RECV");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TcpState {
    /// Waiting for a connection request (the passive opener before the SYN).
    Listen = 0,
    /// Sent a SYN, waiting for the SYN-ACK.
    SynSent = 1,
    /// Received a SYN and answered it, waiting for the ACK.
    SynReceived = 2,
    /// Open: data flows both ways.
    Established = 3,
    /// Sent a FIN, waiting for its ACK (or the peer's FIN).
    FinWait1 = 4,
    /// Its FIN is acknowledged; waiting for the peer's FIN.
    FinWait2 = 5,
    /// Received the peer's FIN; its own direction is still open.
    CloseWait = 6,
    /// Both FINs sent, its own not yet acknowledged (simultaneous close).
    Closing = 7,
    /// Sent its FIN after the peer's, waiting for the ACK.
    LastAck = 8,
    /// Both FINs acknowledged; waiting 2 x MSL before closing.
    TimeWait = 9,
    /// No connection.
    Closed = 10,
    /// Not inferable from what the capture shows.
    Unknown = 11,
}

impl TcpState {
    /// Every state, in discriminant order.
    pub const ALL: [TcpState; 12] = [
        TcpState::Listen,
        TcpState::SynSent,
        TcpState::SynReceived,
        TcpState::Established,
        TcpState::FinWait1,
        TcpState::FinWait2,
        TcpState::CloseWait,
        TcpState::Closing,
        TcpState::LastAck,
        TcpState::TimeWait,
        TcpState::Closed,
        TcpState::Unknown,
    ];

    /// The RFC 9293 spelling (`FIN-WAIT-1`), as every face prints it.
    pub const fn name(self) -> &'static str {
        match self {
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN-SENT",
            TcpState::SynReceived => "SYN-RECEIVED",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN-WAIT-1",
            TcpState::FinWait2 => "FIN-WAIT-2",
            TcpState::CloseWait => "CLOSE-WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST-ACK",
            TcpState::TimeWait => "TIME-WAIT",
            TcpState::Closed => "CLOSED",
            TcpState::Unknown => "UNKNOWN",
        }
    }

    /// The spelling of `netstat -tan` (net-tools).
    pub const fn netstat_name(self) -> &'static str {
        match self {
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynReceived => "SYN_RECV",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN_WAIT1",
            TcpState::FinWait2 => "FIN_WAIT2",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST_ACK",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Closed => "CLOSE",
            TcpState::Unknown => "UNKNOWN",
        }
    }

    /// The spelling of `ss -tan` (iproute2).
    pub const fn ss_name(self) -> &'static str {
        match self {
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN-SENT",
            TcpState::SynReceived => "SYN-RECV",
            TcpState::Established => "ESTAB",
            TcpState::FinWait1 => "FIN-WAIT-1",
            TcpState::FinWait2 => "FIN-WAIT-2",
            TcpState::CloseWait => "CLOSE-WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST-ACK",
            TcpState::TimeWait => "TIME-WAIT",
            TcpState::Closed => "UNCONN",
            TcpState::Unknown => "UNKNOWN",
        }
    }

    /// The states RFC 9293's diagram (section 3.3.2) goes to from `self`
    /// in one arrow, leaving aside the arrows to CLOSED (a reset can come in
    /// any state) and a closed endpoint's new open.
    const fn arrows(self) -> &'static [TcpState] {
        use TcpState::*;
        match self {
            Listen => &[SynReceived, SynSent],
            SynSent => &[SynReceived, Established],
            SynReceived => &[Established, FinWait1],
            Established => &[FinWait1, CloseWait],
            FinWait1 => &[FinWait2, Closing, TimeWait],
            FinWait2 => &[TimeWait],
            CloseWait => &[LastAck],
            Closing => &[TimeWait],
            LastAck | TimeWait | Closed | Unknown => &[],
        }
    }

    /// Whether an observer may see an endpoint go from `self` to `next`
    /// between two segments: staying put; any way forward along RFC 9293's
    /// arrows (several at once when the segments that made the moves were
    /// not captured, such as a server's SYN-ACK missing before its FIN);
    /// to CLOSED (a reset, or the end of TIME-WAIT); from CLOSED to
    /// SYN-SENT or LISTEN, and on from there (a server a refusal had shown
    /// CLOSED answers a later SYN: it listened since); anywhere from UNKNOWN. One move goes back: a FIN
    /// sent again after the capture showed its ACK proves that ACK was lost,
    /// so the sender returns to waiting for it (CLOSED to LAST-ACK,
    /// TIME-WAIT to CLOSING, FIN-WAIT-2 to FIN-WAIT-1, or FIN-WAIT-2 to
    /// CLOSING when that FIN also acknowledges the peer's).
    ///
    /// ```
    /// use tcpphase::phase::TcpState::*;
    /// assert!(Listen.may_become(FinWait1)); // SYN-ACK not captured
    /// assert!(FinWait1.may_become(TimeWait));
    /// assert!(!Established.may_become(SynSent));
    /// assert!(!CloseWait.may_become(FinWait1));
    /// ```
    pub fn may_become(self, next: TcpState) -> bool {
        use TcpState::*;
        if self == next || self == Unknown || next == Closed {
            return true;
        }
        if matches!(
            (self, next),
            (Closed, SynSent | Listen)
                | (Closed, LastAck)
                | (TimeWait, Closing)
                | (FinWait2, FinWait1)
                | (FinWait2, Closing)
        ) {
            return true;
        }
        if self == Closed && next != Closed {
            // A server a refusal had shown CLOSED answers a later SYN: it
            // has listened since, and moves on as from LISTEN.
            return Listen.may_become(next);
        }
        // Forward along the arrows: the diagram is small and has no cycle
        // once CLOSED is left aside, so a walk of at most a few steps.
        let mut frontier = [self; 12];
        let mut len = 1;
        let mut seen = 0u16;
        while len > 0 {
            len -= 1;
            let state = frontier[len];
            for &to in state.arrows() {
                if to == next {
                    return true;
                }
                let bit = 1u16 << (to as u8);
                if seen & bit == 0 && len < frontier.len() {
                    seen |= bit;
                    frontier[len] = to;
                    len += 1;
                }
            }
        }
        false
    }
}

impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
