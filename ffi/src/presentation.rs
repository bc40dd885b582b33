//! How a face shows a segment's label: its Info-column text and the expert
//! class it raises, built from the core's names so that a face (the
//! Wireshark plugin) spells no label itself.

use crate::labels::{tcpphase_phase, tcpphase_step};
use libc::c_char;
use std::ffi::CString;
use std::sync::OnceLock;
use tcpphase_core::phase::{AnomalyFlags, Phase, Step};

/// The TCP flag words that a step's name holds, shown in capitals.
const FLAG_WORDS: [&str; 4] = ["syn", "ack", "fin", "rst"];

/// A step's words as a packet list shows them: flag words in capitals,
/// joined by `-` when all are flags (`SYN-ACK`), else by spaces (`last ACK`).
fn step_words(step: Step) -> String {
    let words: Vec<&str> = step.name().split('-').collect();
    let all_flags = words.iter().all(|w| FLAG_WORDS.contains(w));
    let shown: Vec<String> = words
        .iter()
        .map(|w| {
            if FLAG_WORDS.contains(w) {
                w.to_uppercase()
            } else {
                (*w).to_owned()
            }
        })
        .collect();
    shown.join(if all_flags { "-" } else { " " })
}

/// The Info text of a phase and step: `[phase STEP]`; the handshake counts
/// its steps (`[handshake 2/3 SYN-ACK]`), a step named as its phase is not
/// repeated (`[data]`), and phase `other` shows the step alone (`[stray]`).
pub fn info_text(phase: Phase, step: Step) -> String {
    const HANDSHAKE: [Step; 3] = [Step::Syn, Step::SynAck, Step::Ack];
    match (phase, HANDSHAKE.iter().position(|s| *s == step)) {
        (Phase::Handshake, Some(i)) => format!(
            "[{} {}/{} {}]",
            phase.name(),
            i + 1,
            HANDSHAKE.len(),
            step_words(step)
        ),
        (Phase::Other, _) => format!("[{}]", step_words(step)),
        _ if phase.name() == step.name() => format!("[{}]", phase.name()),
        _ => format!("[{} {}]", phase.name(), step_words(step)),
    }
}

/// The core value a C phase value stands for (whatever the C numbering).
fn phase_of(value: u32) -> Option<Phase> {
    Phase::ALL
        .into_iter()
        .find(|p| tcpphase_phase::from(*p) as u32 == value)
}

/// The core value a C step value stands for (whatever the C numbering).
fn step_of(value: u32) -> Option<Step> {
    Step::ALL
        .into_iter()
        .find(|s| tcpphase_step::from(*s) as u32 == value)
}

/// Every Info text, by phase then step, built once.
fn info_table() -> &'static [CString] {
    static TABLE: OnceLock<Vec<CString>> = OnceLock::new();
    TABLE.get_or_init(|| {
        Phase::ALL
            .into_iter()
            .flat_map(|p| Step::ALL.into_iter().map(move |s| (p, s)))
            .map(|(p, s)| CString::new(info_text(p, s)).unwrap_or_default())
            .collect()
    })
}

/// The Info-column text of a segment labelled `phase` / `step`
/// (`tcpphase_phase` and `tcpphase_step` values), e.g.
/// `"[handshake 1/3 SYN]"`, `"[active-close FIN-ACK]"`, `"[reset refused]"`;
/// NULL when either value is none.
///
/// Ownership: a static string; do not free; valid for the life of the
/// process. Threads: any thread, any time (the texts are built once, at
/// the first call).
#[no_mangle]
pub extern "C" fn tcpphase_info_text(phase: u32, step: u32) -> *const c_char {
    crate::boundary::guard_value(std::ptr::null(), || {
        match (phase_of(phase), step_of(step)) {
            (Some(p), Some(s)) => {
                let index = p as usize * Step::ALL.len() + s as usize;
                info_table()
                    .get(index)
                    .map_or(std::ptr::null(), |text| text.as_ptr())
            }
            _ => std::ptr::null(),
        }
    })
}

/// The expert class a segment raises in an analyzer's list of notable
/// events; `NONE` for an ordinary segment.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_expert {
    /// Nothing notable.
    None = 0,
    /// A RST answers the SYN (step `refused`).
    Refused = 1,
    /// A RST ends an open connection (step `abort`).
    Abort = 2,
    /// Another RST after the first (step `rst-repeat`).
    RstRepeat = 3,
    /// A RST on a connection that had already ended, or any other reset step.
    RstLate = 4,
    /// The first FIN of a simultaneous close (flag `simultaneous-close`).
    SimultaneousClose = 5,
    /// Data after the peer's FIN (phase `half-close`, step `data`).
    HalfClose = 6,
    /// The segment does not parse (step `malformed`).
    Malformed = 7,
}

/// How much an expert class matters, after Wireshark's severities.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_severity {
    /// A usual event worth a look.
    Chat = 0,
    /// Notable, not an error.
    Note = 1,
    /// A problem, possibly.
    Warn = 2,
    /// The input is broken.
    Error = 3,
}

/// Every class but `NONE`, in value order.
const EXPERTS: [tcpphase_expert; 7] = [
    tcpphase_expert::Refused,
    tcpphase_expert::Abort,
    tcpphase_expert::RstRepeat,
    tcpphase_expert::RstLate,
    tcpphase_expert::SimultaneousClose,
    tcpphase_expert::HalfClose,
    tcpphase_expert::Malformed,
];

/// The class of a label.
pub fn expert_of(phase: Phase, step: Step, flags: AnomalyFlags) -> tcpphase_expert {
    match (phase, step) {
        (_, Step::Malformed) => tcpphase_expert::Malformed,
        (Phase::Reset, Step::Refused) => tcpphase_expert::Refused,
        (Phase::Reset, Step::Abort) => tcpphase_expert::Abort,
        (Phase::Reset, Step::RstRepeat) => tcpphase_expert::RstRepeat,
        (Phase::Reset, _) => tcpphase_expert::RstLate,
        (_, Step::Fin) if flags.contains(AnomalyFlags::SIMULTANEOUS_CLOSE) => {
            tcpphase_expert::SimultaneousClose
        }
        (Phase::HalfClose, Step::Data) => tcpphase_expert::HalfClose,
        _ => tcpphase_expert::None,
    }
}

/// Name (the part after `tcpphase.` of a filter), summary and severity.
fn describe(e: tcpphase_expert) -> (String, &'static str, tcpphase_severity) {
    use tcpphase_severity::{Chat, Error, Note, Warn};
    let reset = |s: Step| format!("{}.{}", Phase::Reset.name(), s.name());
    match e {
        tcpphase_expert::None => (String::new(), "", Chat),
        tcpphase_expert::Refused => (
            reset(Step::Refused),
            "Connection refused: RST answers the SYN",
            Note,
        ),
        tcpphase_expert::Abort => (reset(Step::Abort), "Connection aborted by RST", Warn),
        tcpphase_expert::RstRepeat => (
            reset(Step::RstRepeat),
            "RST repeated: the peer kept sending after the first RST",
            Warn,
        ),
        tcpphase_expert::RstLate => (
            reset(Step::RstLate),
            "RST on a connection that had already ended",
            Note,
        ),
        tcpphase_expert::SimultaneousClose => (
            AnomalyFlags::ALL[2].1.to_owned(),
            "Simultaneous close: both FINs crossed",
            Chat,
        ),
        tcpphase_expert::HalfClose => (
            Phase::HalfClose.name().to_owned(),
            "Half-close: data after the peer's FIN",
            Chat,
        ),
        tcpphase_expert::Malformed => (
            Step::Malformed.name().to_owned(),
            "Segment does not parse",
            Error,
        ),
    }
}

/// The classes' names as C strings, built once (index = value).
fn expert_names() -> &'static [CString] {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    NAMES.get_or_init(|| {
        std::iter::once(tcpphase_expert::None)
            .chain(EXPERTS)
            .map(|e| CString::new(describe(e).0).unwrap_or_default())
            .collect()
    })
}

/// The class of `tcpphase_expert` values a label raises: `phase` and
/// `step` are `tcpphase_phase` / `tcpphase_step` values, `flags` the
/// annotation's `tcpphase_flag` mask. `TCPPHASE_EXPERT_NONE` for an
/// ordinary segment or an unknown value.
///
/// Ownership: none. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_expert_of(phase: u32, step: u32, flags: u32) -> u32 {
    crate::boundary::guard_value(tcpphase_expert::None as u32, || {
        match (phase_of(phase), step_of(step)) {
            (Some(p), Some(s)) => expert_of(p, s, AnomalyFlags(flags as u16)) as u32,
            _ => tcpphase_expert::None as u32,
        }
    })
}

/// How many expert classes there are besides `NONE`: their values run from
/// 1 to this count, for registering them all in a loop.
///
/// Ownership: none. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_expert_count() -> u32 {
    EXPERTS.len() as u32
}

/// The name of a `tcpphase_expert` value, dotted as a filter field after
/// `tcpphase.` (`"reset.abort"`, `"half-close"`), or NULL for `NONE` and
/// unknown values.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_expert_name(expert: u32) -> *const c_char {
    crate::boundary::guard_value(std::ptr::null(), || match expert {
        0 => std::ptr::null(),
        e => expert_names()
            .get(e as usize)
            .map_or(std::ptr::null(), |n| n.as_ptr()),
    })
}

/// The one-line summary of a `tcpphase_expert` value (`"Connection aborted
/// by RST"`), or NULL for `NONE` and unknown values.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_expert_summary(expert: u32) -> *const c_char {
    static SUMMARIES: OnceLock<Vec<CString>> = OnceLock::new();
    crate::boundary::guard_value(std::ptr::null(), || {
        let table = SUMMARIES.get_or_init(|| {
            std::iter::once(tcpphase_expert::None)
                .chain(EXPERTS)
                .map(|e| CString::new(describe(e).1).unwrap_or_default())
                .collect()
        });
        match expert {
            0 => std::ptr::null(),
            e => table
                .get(e as usize)
                .map_or(std::ptr::null(), |s| s.as_ptr()),
        }
    })
}

/// The `tcpphase_severity` of a `tcpphase_expert` value
/// (`TCPPHASE_SEVERITY_CHAT` for `NONE` and unknown values).
///
/// Ownership: none. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_expert_severity(expert: u32) -> u32 {
    crate::boundary::guard_value(tcpphase_severity::Chat as u32, || {
        EXPERTS
            .into_iter()
            .find(|e| *e as u32 == expert)
            .map_or(tcpphase_severity::Chat, |e| describe(e).2) as u32
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn text(p: *const c_char) -> &'static str {
        assert!(!p.is_null());
        // SAFETY: the functions return static NUL-terminated strings.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap()
    }

    #[test]
    fn info_texts_come_from_the_core_names() {
        let t = |p: Phase, s: Step| {
            text(tcpphase_info_text(
                tcpphase_phase::from(p) as u32,
                tcpphase_step::from(s) as u32,
            ))
        };
        assert_eq!(t(Phase::Handshake, Step::Syn), "[handshake 1/3 SYN]");
        assert_eq!(t(Phase::Handshake, Step::SynAck), "[handshake 2/3 SYN-ACK]");
        assert_eq!(t(Phase::Data, Step::Data), "[data]");
        assert_eq!(t(Phase::Data, Step::Ack), "[data ACK]");
        assert_eq!(
            t(Phase::ActiveClose, Step::LastAck),
            "[active-close last ACK]"
        );
        assert_eq!(t(Phase::Reset, Step::RstRepeat), "[reset RST repeat]");
        assert_eq!(t(Phase::Other, Step::Malformed), "[malformed]");
        assert!(tcpphase_info_text(u32::MAX, 0).is_null());
        // Every label has a text naming its step's words.
        for p in Phase::ALL {
            for s in Step::ALL {
                let shown = t(p, s).to_lowercase();
                for word in s.name().split('-') {
                    assert!(shown.contains(word), "{shown} lacks {word}");
                }
            }
        }
    }

    #[test]
    fn every_reset_step_raises_a_class_and_every_class_is_described() {
        let of = |p: Phase, s: Step, f: AnomalyFlags| {
            tcpphase_expert_of(
                tcpphase_phase::from(p) as u32,
                tcpphase_step::from(s) as u32,
                u32::from(f.0),
            )
        };
        for s in Step::ALL {
            assert_ne!(of(Phase::Reset, s, AnomalyFlags::NONE), 0, "{s:?}");
        }
        assert_eq!(
            of(Phase::Reset, Step::Abort, AnomalyFlags::NONE),
            tcpphase_expert::Abort as u32
        );
        assert_eq!(of(Phase::Data, Step::Data, AnomalyFlags::NONE), 0);
        assert_eq!(
            of(
                Phase::ActiveClose,
                Step::Fin,
                AnomalyFlags::SIMULTANEOUS_CLOSE
            ),
            tcpphase_expert::SimultaneousClose as u32
        );
        assert_eq!(tcpphase_expert_count() as usize, EXPERTS.len());
        for e in 1..=tcpphase_expert_count() {
            assert!(!text(tcpphase_expert_name(e)).is_empty());
            assert!(!text(tcpphase_expert_summary(e)).is_empty());
        }
        assert_eq!(text(tcpphase_expert_name(2)), "reset.abort");
        assert!(tcpphase_expert_name(0).is_null());
        assert!(tcpphase_expert_name(99).is_null());
        assert_eq!(tcpphase_expert_severity(2), tcpphase_severity::Warn as u32);
    }
}
