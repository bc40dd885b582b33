//! The phase brackets' groups: the close's two phases share one bracket.

use tcpphase::phase::Phase;

/// A bracketed run of segments: a phase, or the close (active and passive
/// segments alternate there, so they share one bracket).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// The three-way handshake.
    Handshake,
    /// The data phase.
    Data,
    /// The FIN close, active and passive.
    Close,
    /// Data still flowing one way between the two FINs.
    HalfClose,
    /// A reset.
    Reset,
    /// Segments that belong to no phase.
    Other,
}

impl Group {
    /// The group of a phase.
    pub const fn of(phase: Phase) -> Group {
        match phase {
            Phase::Handshake => Group::Handshake,
            Phase::Data => Group::Data,
            Phase::ActiveClose | Phase::PassiveClose => Group::Close,
            Phase::HalfClose => Group::HalfClose,
            Phase::Reset => Group::Reset,
            Phase::Other => Group::Other,
        }
    }

    /// The bracket's label.
    pub const fn name(self) -> &'static str {
        match self {
            Group::Handshake => "handshake",
            Group::Data => "data",
            Group::Close => "close",
            Group::HalfClose => "half-close",
            Group::Reset => "reset",
            Group::Other => "other",
        }
    }

    /// The phase whose colour the bracket takes.
    pub const fn color_phase(self) -> Phase {
        match self {
            Group::Handshake => Phase::Handshake,
            Group::Data => Phase::Data,
            Group::Close => Phase::ActiveClose,
            Group::HalfClose => Phase::HalfClose,
            Group::Reset => Phase::Reset,
            Group::Other => Phase::Other,
        }
    }
}
