//! The label of one segment: phase, step, direction, closer role, anomalies.

use core::fmt;

/// Where a segment stands in the life of its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Phase {
    /// The SYN, the SYN-ACK and the ACK that completes them.
    Handshake = 0,
    /// ESTABLISHED, before the first FIN.
    Data = 1,
    /// Sent by the side that sent the first FIN, from that FIN on.
    ActiveClose = 2,
    /// Sent by the other side in answer to the first FIN.
    PassiveClose = 3,
    /// Data and its ACKs in the still-open direction between the two FINs.
    HalfClose = 4,
    /// A segment with RST.
    Reset = 5,
    /// Belongs to no phase: after a reset, on an ended connection, an ICMP
    /// error about the connection, or malformed.
    Other = 6,
}

impl Phase {
    /// Every phase, in discriminant order.
    pub const ALL: [Phase; 7] = [
        Phase::Handshake,
        Phase::Data,
        Phase::ActiveClose,
        Phase::PassiveClose,
        Phase::HalfClose,
        Phase::Reset,
        Phase::Other,
    ];

    /// The spelling every face prints (`active-close`).
    pub const fn name(self) -> &'static str {
        match self {
            Phase::Handshake => "handshake",
            Phase::Data => "data",
            Phase::ActiveClose => "active-close",
            Phase::PassiveClose => "passive-close",
            Phase::HalfClose => "half-close",
            Phase::Reset => "reset",
            Phase::Other => "other",
        }
    }

    /// The phase named `name`, as [`Phase::name`] spells it.
    pub fn from_name(name: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// What a segment does within its phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Step {
    /// Handshake: the SYN.
    Syn = 0,
    /// Handshake: the SYN-ACK.
    SynAck = 1,
    /// An acknowledgement without data (handshake, data, closes, half-close).
    Ack = 2,
    /// A segment carrying payload (data, half-close).
    Data = 3,
    /// A FIN (closes).
    Fin = 4,
    /// The passive side's FIN that also acknowledges the first FIN.
    FinAck = 5,
    /// The final ACK of the peer's FIN.
    LastAck = 6,
    /// Reset: a RST answering a SYN.
    Refused = 7,
    /// Reset: a RST ending a connection.
    Abort = 8,
    /// Reset: a further RST from the side that already reset.
    RstRepeat = 9,
    /// Reset: a RST answering a segment on a connection that had ended.
    RstLate = 10,
    /// Other: a segment on a connection that had ended.
    Stray = 11,
    /// Other: a segment after a reset.
    AfterReset = 12,
    /// Other: a frame that does not parse.
    Malformed = 13,
    /// Reset: a RST outside the receiver's window, which the receiver
    /// drops (RFC 9293 section 3.10.7.4); the connection goes on.
    RstIgnored = 14,
    /// Other: an ICMP or ICMPv6 error quoting one of the connection's segments.
    IcmpError = 15,
}

impl Step {
    /// Every step, in discriminant order.
    pub const ALL: [Step; 16] = [
        Step::Syn,
        Step::SynAck,
        Step::Ack,
        Step::Data,
        Step::Fin,
        Step::FinAck,
        Step::LastAck,
        Step::Refused,
        Step::Abort,
        Step::RstRepeat,
        Step::RstLate,
        Step::Stray,
        Step::AfterReset,
        Step::Malformed,
        Step::RstIgnored,
        Step::IcmpError,
    ];

    /// The spelling every face prints (`fin-ack`).
    pub const fn name(self) -> &'static str {
        match self {
            Step::Syn => "syn",
            Step::SynAck => "syn-ack",
            Step::Ack => "ack",
            Step::Data => "data",
            Step::Fin => "fin",
            Step::FinAck => "fin-ack",
            Step::LastAck => "last-ack",
            Step::Refused => "refused",
            Step::Abort => "abort",
            Step::RstRepeat => "rst-repeat",
            Step::RstLate => "rst-late",
            Step::Stray => "stray",
            Step::AfterReset => "after-reset",
            Step::Malformed => "malformed",
            Step::RstIgnored => "rst-ignored",
            Step::IcmpError => "icmp-error",
        }
    }
}

/// Which way a segment travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Direction {
    /// From the client (the endpoint that sent the first SYN) to the server.
    ClientToServer = 0,
    /// From the server to the client.
    ServerToClient = 1,
}

impl Direction {
    /// `c2s` or `s2c`.
    pub const fn name(self) -> &'static str {
        match self {
            Direction::ClientToServer => "c2s",
            Direction::ServerToClient => "s2c",
        }
    }

    /// The other direction.
    pub const fn reverse(self) -> Direction {
        match self {
            Direction::ClientToServer => Direction::ServerToClient,
            Direction::ServerToClient => Direction::ClientToServer,
        }
    }
}

/// The sender's role in the FIN close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Closer {
    /// Not in a close yet: no FIN seen (printed empty).
    None = 0,
    /// Sent the first FIN (or, in a simultaneous close, either FIN).
    Active = 1,
    /// Answered the other side's FIN.
    Passive = 2,
}

impl Closer {
    /// `active`, `passive`, or the empty string.
    pub const fn name(self) -> &'static str {
        match self {
            Closer::None => "",
            Closer::Active => "active",
            Closer::Passive => "passive",
        }
    }
}

/// Anomaly markers of a segment, a set of bits.
///
/// ```
/// use tcpphase::phase::AnomalyFlags;
/// let f = AnomalyFlags::RETRANSMISSION | AnomalyFlags::PORT_REUSE;
/// assert!(f.contains(AnomalyFlags::RETRANSMISSION));
/// assert_eq!(f.names().collect::<Vec<_>>(), ["retransmission", "port-reuse"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AnomalyFlags(pub u16);

impl AnomalyFlags {
    /// No flag.
    pub const NONE: AnomalyFlags = AnomalyFlags(0);
    /// Sends again sequence space already sent (SYN, data or FIN).
    pub const RETRANSMISSION: AnomalyFlags = AnomalyFlags(1 << 0);
    /// Both sides sent a SYN without ACK.
    pub const SIMULTANEOUS_OPEN: AnomalyFlags = AnomalyFlags(1 << 1);
    /// Both FINs were sent before either was received.
    pub const SIMULTANEOUS_CLOSE: AnomalyFlags = AnomalyFlags(1 << 2);
    /// The connection was picked up after its handshake.
    pub const MIDSTREAM: AnomalyFlags = AnomalyFlags(1 << 3);
    /// The sequence number lies outside what the receiver can accept.
    pub const OUT_OF_WINDOW: AnomalyFlags = AnomalyFlags(1 << 4);
    /// A new connection on a 4-tuple used before.
    pub const PORT_REUSE: AnomalyFlags = AnomalyFlags(1 << 5);
    /// Acknowledges data the capture never showed.
    pub const ACK_UNSEEN: AnomalyFlags = AnomalyFlags(1 << 6);
    /// The snap length cut the TCP options (the fixed header was captured).
    pub const OPTIONS_CUT: AnomalyFlags = AnomalyFlags(1 << 7);

    /// Every flag with its name, in bit order.
    pub const ALL: [(AnomalyFlags, &'static str); 8] = [
        (AnomalyFlags::RETRANSMISSION, "retransmission"),
        (AnomalyFlags::SIMULTANEOUS_OPEN, "simultaneous-open"),
        (AnomalyFlags::SIMULTANEOUS_CLOSE, "simultaneous-close"),
        (AnomalyFlags::MIDSTREAM, "midstream"),
        (AnomalyFlags::OUT_OF_WINDOW, "out-of-window"),
        (AnomalyFlags::PORT_REUSE, "port-reuse"),
        (AnomalyFlags::ACK_UNSEEN, "ack-unseen"),
        (AnomalyFlags::OPTIONS_CUT, "options-cut"),
    ];

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: AnomalyFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Sets the bits of `other`.
    pub fn insert(&mut self, other: AnomalyFlags) {
        self.0 |= other.0;
    }

    /// The names of the set flags, in bit order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        AnomalyFlags::ALL
            .into_iter()
            .filter(move |(f, _)| self.contains(*f))
            .map(|(_, n)| n)
    }
}

impl core::ops::BitOr for AnomalyFlags {
    type Output = AnomalyFlags;
    fn bitor(self, rhs: AnomalyFlags) -> AnomalyFlags {
        AnomalyFlags(self.0 | rhs.0)
    }
}

macro_rules! display_by_name {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    )*};
}
display_by_name!(Phase, Step, Direction, Closer);

impl fmt::Display for AnomalyFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}
