//! The labels of a segment as C enums, and their names, spelled by the
//! core's `name()` methods exactly as the CLI prints them.
//!
//! Each enum's values equal the core's discriminants (checked at compile
//! time), so a name table built from the core's `ALL` array is indexed by
//! the C value. Name functions take a plain `uint32_t` so that an
//! out-of-range value from C is a NULL answer, not undefined behaviour.

use crate::boundary::{guard_value, NAME_CAPACITY};
use libc::c_char;
use tcpphase_core::phase::{AnomalyFlags, Closer, Direction, Phase, Step, TcpState};

/// Makes a C enum mirror a core enum: `From`, and a compile-time check
/// that every value is the same.
macro_rules! mirror {
    ($c:ident <- $core:ident { $($v:ident),* $(,)? }) => {
        impl From<$core> for $c {
            fn from(x: $core) -> Self {
                match x { $($core::$v => $c::$v),* }
            }
        }
        const _: () = { $(assert!($core::$v as u32 == $c::$v as u32);)* };
    };
}

/// A table of NUL-terminated names, built at compile time from core values.
macro_rules! name_table {
    ($name:ident, $n:expr, $values:expr, $f:expr) => {
        static $name: [[u8; $crate::boundary::NAME_CAPACITY]; $n] = {
            let values = $values;
            let mut table = [[0u8; $crate::boundary::NAME_CAPACITY]; $n];
            let mut i = 0;
            while i < $n {
                table[i] = $crate::boundary::c_name($f(values[i]));
                i += 1;
            }
            table
        };
    };
}
pub(crate) use name_table;

/// The name at index `value` of a table, or NULL.
pub(crate) fn lookup(table: &'static [[u8; NAME_CAPACITY]], value: u32) -> *const c_char {
    guard_value(std::ptr::null(), || {
        table
            .get(value as usize)
            .map_or(std::ptr::null(), |name| name.as_ptr().cast())
    })
}

/// Where a segment stands in the life of its connection (DESIGN's `phase`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_phase {
    /// `handshake`: the SYN, the SYN-ACK and the ACK that completes them.
    Handshake = 0,
    /// `data`: ESTABLISHED, before the first FIN.
    Data = 1,
    /// `active-close`: sent by the side that sent the first FIN, from that FIN on.
    ActiveClose = 2,
    /// `passive-close`: sent by the other side in answer to the first FIN.
    PassiveClose = 3,
    /// `half-close`: data and its ACKs in the still-open direction between the FINs.
    HalfClose = 4,
    /// `reset`: a segment with RST.
    Reset = 5,
    /// `other`: after a reset, on an ended connection, or malformed.
    Other = 6,
}
mirror!(tcpphase_phase <- Phase { Handshake, Data, ActiveClose, PassiveClose, HalfClose, Reset, Other });

/// What a segment does within its phase (DESIGN's `step`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_step {
    /// `syn`
    Syn = 0,
    /// `syn-ack`
    SynAck = 1,
    /// `ack`
    Ack = 2,
    /// `data`
    Data = 3,
    /// `fin`
    Fin = 4,
    /// `fin-ack`
    FinAck = 5,
    /// `last-ack`
    LastAck = 6,
    /// `refused`
    Refused = 7,
    /// `abort`
    Abort = 8,
    /// `rst-repeat`
    RstRepeat = 9,
    /// `rst-late`
    RstLate = 10,
    /// `stray`
    Stray = 11,
    /// `after-reset`
    AfterReset = 12,
    /// `malformed`
    Malformed = 13,
}
mirror!(tcpphase_step <- Step {
    Syn, SynAck, Ack, Data, Fin, FinAck, LastAck, Refused, Abort, RstRepeat, RstLate, Stray,
    AfterReset, Malformed,
});

/// An endpoint's RFC 9293 state as an observer infers it (DESIGN's
/// `client_state` / `server_state`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_state {
    /// `LISTEN`
    Listen = 0,
    /// `SYN-SENT`
    SynSent = 1,
    /// `SYN-RECEIVED`
    SynReceived = 2,
    /// `ESTABLISHED`
    Established = 3,
    /// `FIN-WAIT-1`
    FinWait1 = 4,
    /// `FIN-WAIT-2`
    FinWait2 = 5,
    /// `CLOSE-WAIT`
    CloseWait = 6,
    /// `CLOSING`
    Closing = 7,
    /// `LAST-ACK`
    LastAck = 8,
    /// `TIME-WAIT`
    TimeWait = 9,
    /// `CLOSED`
    Closed = 10,
    /// `UNKNOWN`
    Unknown = 11,
}
mirror!(tcpphase_state <- TcpState {
    Listen, SynSent, SynReceived, Established, FinWait1, FinWait2, CloseWait, Closing, LastAck,
    TimeWait, Closed, Unknown,
});

/// Which way a segment travels (DESIGN's `dir`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_dir {
    /// `c2s`: from the client (the endpoint that sent the first SYN).
    ClientToServer = 0,
    /// `s2c`: from the server.
    ServerToClient = 1,
}
mirror!(tcpphase_dir <- Direction { ClientToServer, ServerToClient });

/// The sender's role in the FIN close (DESIGN's `closer`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_closer {
    /// No FIN seen yet; its name is the empty string.
    None = 0,
    /// `active`: sent the first FIN (or either FIN of a simultaneous close).
    Active = 1,
    /// `passive`: answered the other side's FIN.
    Passive = 2,
}
mirror!(tcpphase_closer <- Closer { None, Active, Passive });

/// One anomaly marker (DESIGN's `flags`); an annotation's `flags` member is
/// a bit mask of these.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_flag {
    /// `retransmission`
    Retransmission = 1,
    /// `simultaneous-open`
    SimultaneousOpen = 2,
    /// `simultaneous-close`
    SimultaneousClose = 4,
    /// `midstream`
    Midstream = 8,
    /// `out-of-window`
    OutOfWindow = 16,
    /// `port-reuse`
    PortReuse = 32,
    /// `ack-unseen`
    AckUnseen = 64,
    /// `options-cut`
    OptionsCut = 128,
}
const _: () = {
    let core = AnomalyFlags::ALL;
    let ours = [
        tcpphase_flag::Retransmission,
        tcpphase_flag::SimultaneousOpen,
        tcpphase_flag::SimultaneousClose,
        tcpphase_flag::Midstream,
        tcpphase_flag::OutOfWindow,
        tcpphase_flag::PortReuse,
        tcpphase_flag::AckUnseen,
        tcpphase_flag::OptionsCut,
    ];
    assert!(core.len() == ours.len());
    let mut i = 0;
    while i < ours.len() {
        assert!(core[i].0 .0 as u32 == ours[i] as u32);
        i += 1;
    }
};

name_table!(PHASE_NAMES, 7, Phase::ALL, Phase::name);
name_table!(STEP_NAMES, 14, Step::ALL, Step::name);
name_table!(STATE_NAMES, 12, TcpState::ALL, TcpState::name);
name_table!(
    DIR_NAMES,
    2,
    [Direction::ClientToServer, Direction::ServerToClient],
    Direction::name
);
name_table!(
    CLOSER_NAMES,
    3,
    [Closer::None, Closer::Active, Closer::Passive],
    Closer::name
);
const fn flag_name(entry: (AnomalyFlags, &'static str)) -> &'static str {
    entry.1
}
name_table!(FLAG_NAMES, 8, AnomalyFlags::ALL, flag_name);

/// The name of a `tcpphase_phase` value (`"handshake"`, `"active-close"`,
/// ...), or NULL for a value that is none.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_phase_name(phase: u32) -> *const c_char {
    lookup(&PHASE_NAMES, phase)
}

/// The name of a `tcpphase_step` value (`"syn-ack"`, `"fin-ack"`, ...), or
/// NULL for a value that is none.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_step_name(step: u32) -> *const c_char {
    lookup(&STEP_NAMES, step)
}

/// The name of a `tcpphase_state` value (`"FIN-WAIT-1"`, ...), or NULL for
/// a value that is none.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_state_name(state: u32) -> *const c_char {
    lookup(&STATE_NAMES, state)
}

/// The name of a `tcpphase_dir` value (`"c2s"` or `"s2c"`), or NULL for a
/// value that is none.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_dir_name(dir: u32) -> *const c_char {
    lookup(&DIR_NAMES, dir)
}

/// The name of a `tcpphase_closer` value (`"active"`, `"passive"`, or `""`
/// for `TCPPHASE_CLOSER_NONE`), or NULL for a value that is none.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_closer_name(closer: u32) -> *const c_char {
    lookup(&CLOSER_NAMES, closer)
}

/// The name of one `tcpphase_flag` bit (`"retransmission"`, ...), or NULL
/// when `flag` is not exactly one known bit. To list a mask's names in the
/// CLI's order, test the bits from the lowest up.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_flag_name(flag: u32) -> *const c_char {
    guard_value(std::ptr::null(), || {
        match AnomalyFlags::ALL
            .iter()
            .position(|(f, _)| u32::from(f.0) == flag)
        {
            Some(i) => FLAG_NAMES[i].as_ptr().cast(),
            None => std::ptr::null(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn text(p: *const c_char) -> &'static str {
        assert!(!p.is_null());
        // SAFETY: the name functions return static NUL-terminated strings.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap()
    }

    #[test]
    fn names_are_the_cores() {
        for p in Phase::ALL {
            assert_eq!(
                text(tcpphase_phase_name(tcpphase_phase::from(p) as u32)),
                p.name()
            );
        }
        for s in Step::ALL {
            assert_eq!(
                text(tcpphase_step_name(tcpphase_step::from(s) as u32)),
                s.name()
            );
        }
        for s in TcpState::ALL {
            assert_eq!(
                text(tcpphase_state_name(tcpphase_state::from(s) as u32)),
                s.name()
            );
        }
        for d in [Direction::ClientToServer, Direction::ServerToClient] {
            assert_eq!(
                text(tcpphase_dir_name(tcpphase_dir::from(d) as u32)),
                d.name()
            );
        }
        for c in [Closer::None, Closer::Active, Closer::Passive] {
            assert_eq!(
                text(tcpphase_closer_name(tcpphase_closer::from(c) as u32)),
                c.name()
            );
        }
        for (f, name) in AnomalyFlags::ALL {
            assert_eq!(text(tcpphase_flag_name(u32::from(f.0))), name);
        }
        assert!(tcpphase_phase_name(7).is_null());
        assert!(tcpphase_flag_name(0).is_null());
    }
}
