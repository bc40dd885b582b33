//! The labels of a segment as C enums, and their names, spelled by the
//! core's `name()` methods exactly as the CLI prints them.
//!
//! Each C enum has its own values, 0 meaning none (a zeroed struct reads
//! as "nothing"); `mirror!` maps every core value to one, exhaustively, and
//! each name table is filled from the core's values at their C values,
//! checked slot by slot at compile time. Name functions take a plain
//! `uint32_t` so that an out-of-range value from C is a NULL answer, not
//! undefined behaviour. `tcpphase_status_name` is here too, with the others.

use crate::boundary::{c_name, guard_value, NAME_CAPACITY};
use crate::status::tcpphase_status;
use libc::c_char;
use tcpphase_core::phase::{AnomalyFlags, Closer, Direction, Phase, Step, TcpState};

/// Makes a C enum mirror a core enum: a const `of` and `From`, exhaustive
/// over the core's values, so a core value without a C value does not
/// compile. The C values are the C enum's own: 0 is kept for "none".
macro_rules! mirror {
    ($c:ident <- $core:ident { $($v:ident),* $(,)? }) => {
        impl $c {
            /// The C value of a core value.
            pub(crate) const fn of(x: $core) -> Self {
                match x { $($core::$v => $c::$v),* }
            }
        }
        impl From<$core> for $c {
            fn from(x: $core) -> Self {
                Self::of(x)
            }
        }
    };
}
pub(crate) use mirror;

/// A table of NUL-terminated names indexed by C value, built at compile
/// time: each core value's `name()` lands at its C value (`$c::of`), and
/// `none` names the value 0 when no core value maps there. It does not
/// compile when a slot is left empty or filled twice, so the table, the C
/// enum and the core agree.
macro_rules! name_table {
    ($name:ident: $c:ident, $n:expr, $values:expr, $f:expr $(, none = $none:expr)?) => {
        static $name: [[u8; $crate::boundary::NAME_CAPACITY]; $n] = {
            let values = $values;
            let mut table = [[0u8; $crate::boundary::NAME_CAPACITY]; $n];
            let mut filled = [false; $n];
            $(
                table[0] = $crate::boundary::c_name($none);
                filled[0] = true;
            )?
            let mut i = 0;
            while i < values.len() {
                let at = $c::of(values[i]) as usize;
                assert!(!filled[at], "two values share a C value");
                table[at] = $crate::boundary::c_name($f(values[i]));
                filled[at] = true;
                i += 1;
            }
            let mut i = 0;
            while i < $n {
                assert!(filled[i], "a C value has no name");
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

/// Where a segment stands in the life of its connection (`phase` in docs/labels.md).
/// 0 is none: a frame that is no TCP segment has no phase.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_phase {
    /// No phase (the frame is no TCP segment); its name is the empty string.
    None = 0,
    /// `handshake`: the SYN, the SYN-ACK and the ACK that completes them.
    Handshake = 1,
    /// `data`: ESTABLISHED, before the first FIN.
    Data = 2,
    /// `active-close`: sent by the side that sent the first FIN, from that FIN on.
    ActiveClose = 3,
    /// `passive-close`: sent by the other side in answer to the first FIN.
    PassiveClose = 4,
    /// `half-close`: data and its ACKs in the still-open direction between the FINs.
    HalfClose = 5,
    /// `reset`: a segment with RST.
    Reset = 6,
    /// `other`: after a reset, on an ended connection, or malformed.
    Other = 7,
}
mirror!(tcpphase_phase <- Phase { Handshake, Data, ActiveClose, PassiveClose, HalfClose, Reset, Other });

/// What a segment does within its phase (`step` in docs/labels.md). 0 is none: a
/// frame that is no TCP segment has no step.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_step {
    /// No step (the frame is no TCP segment); its name is the empty string.
    None = 0,
    /// `syn`
    Syn = 1,
    /// `syn-ack`
    SynAck = 2,
    /// `ack`
    Ack = 3,
    /// `data`
    Data = 4,
    /// `fin`
    Fin = 5,
    /// `fin-ack`
    FinAck = 6,
    /// `last-ack`
    LastAck = 7,
    /// `refused`
    Refused = 8,
    /// `abort`
    Abort = 9,
    /// `rst-repeat`
    RstRepeat = 10,
    /// `rst-late`
    RstLate = 11,
    /// `stray`
    Stray = 12,
    /// `after-reset`
    AfterReset = 13,
    /// `malformed`
    Malformed = 14,
    /// `rst-ignored`
    RstIgnored = 15,
    /// `icmp-error`
    IcmpError = 16,
}
mirror!(tcpphase_step <- Step {
    Syn, SynAck, Ack, Data, Fin, FinAck, LastAck, Refused, Abort, RstRepeat, RstLate, Stray,
    AfterReset, Malformed, RstIgnored, IcmpError,
});

/// An endpoint's RFC 9293 state as an observer infers it (`client_state` /
/// `server_state` in docs/labels.md). 0 is `UNKNOWN`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_state {
    /// `UNKNOWN`: not inferable from the capture (or no TCP segment).
    Unknown = 0,
    /// `LISTEN`
    Listen = 1,
    /// `SYN-SENT`
    SynSent = 2,
    /// `SYN-RECEIVED`
    SynReceived = 3,
    /// `ESTABLISHED`
    Established = 4,
    /// `FIN-WAIT-1`
    FinWait1 = 5,
    /// `FIN-WAIT-2`
    FinWait2 = 6,
    /// `CLOSE-WAIT`
    CloseWait = 7,
    /// `CLOSING`
    Closing = 8,
    /// `LAST-ACK`
    LastAck = 9,
    /// `TIME-WAIT`
    TimeWait = 10,
    /// `CLOSED`
    Closed = 11,
}
mirror!(tcpphase_state <- TcpState {
    Listen, SynSent, SynReceived, Established, FinWait1, FinWait2, CloseWait, Closing, LastAck,
    TimeWait, Closed, Unknown,
});

/// Which way a segment travels (`dir` in docs/labels.md). 0 is none.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_dir {
    /// No direction (the frame is no TCP segment); its name is the empty string.
    None = 0,
    /// `c2s`: from the client (the endpoint that sent the first SYN).
    ClientToServer = 1,
    /// `s2c`: from the server.
    ServerToClient = 2,
}
mirror!(tcpphase_dir <- Direction { ClientToServer, ServerToClient });

/// The sender's role in the FIN close (`closer` in docs/labels.md). 0 is none.
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

/// One anomaly marker (`flags` in docs/labels.md); an annotation's `flags` member is
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

name_table!(PHASE_NAMES: tcpphase_phase, 8, Phase::ALL, Phase::name, none = "");
name_table!(STEP_NAMES: tcpphase_step, 17, Step::ALL, Step::name, none = "");
name_table!(STATE_NAMES: tcpphase_state, 12, TcpState::ALL, TcpState::name);
name_table!(
    DIR_NAMES: tcpphase_dir,
    3,
    [Direction::ClientToServer, Direction::ServerToClient],
    Direction::name,
    none = ""
);
name_table!(
    CLOSER_NAMES: tcpphase_closer,
    3,
    [Closer::None, Closer::Active, Closer::Passive],
    Closer::name
);
/// The flag names, in the order of `AnomalyFlags::ALL` (lowest bit first).
static FLAG_NAMES: [[u8; NAME_CAPACITY]; 8] = {
    let mut table = [[0u8; NAME_CAPACITY]; 8];
    let mut i = 0;
    while i < table.len() {
        table[i] = c_name(AnomalyFlags::ALL[i].1);
        i += 1;
    }
    table
};

/// The name of a `tcpphase_phase` value (`"handshake"`, `"active-close"`,
/// ...; `""` for `TCPPHASE_PHASE_NONE`), or NULL for a value that is no
/// phase.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_phase_name(phase: u32) -> *const c_char {
    lookup(&PHASE_NAMES, phase)
}

/// The name of a `tcpphase_step` value (`"syn-ack"`, `"fin-ack"`, ...; `""`
/// for `TCPPHASE_STEP_NONE`), or NULL for a value that is no step.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_step_name(step: u32) -> *const c_char {
    lookup(&STEP_NAMES, step)
}

/// The name of a `tcpphase_state` value (`"FIN-WAIT-1"`, ...; `"UNKNOWN"`
/// for `TCPPHASE_STATE_UNKNOWN`, 0), or NULL for a value that is no state.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_state_name(state: u32) -> *const c_char {
    lookup(&STATE_NAMES, state)
}

/// The name of a `tcpphase_dir` value (`"c2s"` or `"s2c"`; `""` for
/// `TCPPHASE_DIR_NONE`), or NULL for a value that is no direction.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_dir_name(dir: u32) -> *const c_char {
    lookup(&DIR_NAMES, dir)
}

/// The name of a `tcpphase_closer` value (`"active"`, `"passive"`; `""` for
/// `TCPPHASE_CLOSER_NONE`), or NULL for a value that is no closer.
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

/// The status names, indexed by value.
static STATUS_NAMES: [&std::ffi::CStr; 9] = [
    c"ok",
    c"not-tcp",
    c"malformed",
    c"unsupported-linktype",
    c"none",
    c"null-argument",
    c"invalid-argument",
    c"buffer-too-small",
    c"panic",
];
const _: () = assert!(tcpphase_status::Panic as usize + 1 == STATUS_NAMES.len());

/// The name of a status value (`"ok"`, `"not-tcp"`, `"malformed"`, ...), or
/// NULL for a value that is no `tcpphase_status`.
///
/// Ownership: the string is static; do not free it; valid for the life of
/// the process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_status_name(status: u32) -> *const c_char {
    guard_value(std::ptr::null(), || {
        STATUS_NAMES
            .get(status as usize)
            .map_or(std::ptr::null(), |name| name.as_ptr())
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
        for none in [
            tcpphase_phase_name(tcpphase_phase::None as u32),
            tcpphase_step_name(tcpphase_step::None as u32),
            tcpphase_dir_name(tcpphase_dir::None as u32),
            tcpphase_closer_name(tcpphase_closer::None as u32),
        ] {
            assert_eq!(text(none), "");
        }
        assert_eq!(text(tcpphase_state_name(0)), "UNKNOWN");
        assert_eq!(tcpphase_state::Unknown as u32, 0);
        assert!(tcpphase_phase_name(8).is_null());
        assert!(tcpphase_step_name(17).is_null());
        assert!(tcpphase_state_name(12).is_null());
        assert!(tcpphase_dir_name(3).is_null());
        assert_eq!(
            text(tcpphase_status_name(tcpphase_status::Panic as u32)),
            "panic"
        );
        assert!(tcpphase_status_name(9).is_null());
        assert!(tcpphase_flag_name(0).is_null());
    }
}
