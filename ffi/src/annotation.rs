//! The annotation of one segment as C sees it: the labels, then the
//! segment's own.

use crate::boundary::{guard, write_text};
use crate::endpoint::tcpphase_endpoint;
use crate::labels::{tcpphase_closer, tcpphase_dir, tcpphase_phase, tcpphase_state, tcpphase_step};
use crate::status::tcpphase_status;
use libc::c_char;
use tcpphase_core::phase::{Phase, Step};
use tcpphase_core::track::Annotation;
use tcpphase_core::wire::TcpFlags;

/// Everything tcpphase says about one TCP segment. Member names are
/// those of docs/labels.md, the same as the CLI's JSON keys and Wireshark's fields.
///
/// Filled by `tcpphase_tracker_feed`. With `TCPPHASE_STATUS_OK` every member
/// is meaningful; with `NOT_TCP` only `frame` and `ts_ns` are, the rest being
/// zero, which in every label enum means none (`TCPPHASE_PHASE_NONE`,
/// `TCPPHASE_STEP_NONE`, `TCPPHASE_STATE_UNKNOWN`, `TCPPHASE_DIR_NONE`, ...)
/// and in `src` / `dst` the unset endpoint; with `MALFORMED` or
/// `UNSUPPORTED_LINKTYPE` the same except `phase` / `step`, `OTHER` /
/// `MALFORMED`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct tcpphase_annotation {
    /// 1-based frame number: the count of frames fed to the tracker so far.
    pub frame: u64,
    /// Wireshark's stream index (`tcp.stream`), 0-based.
    pub stream: u64,
    /// The connection (RFC 9293 sense), 0-based, in order of first appearance.
    pub conn: u64,
    /// Client to server or back.
    pub dir: tcpphase_dir,
    /// Phase of the segment.
    pub phase: tcpphase_phase,
    /// Step within the phase.
    pub step: tcpphase_step,
    /// The client's state right after this segment.
    pub client_state: tcpphase_state,
    /// The server's state right after this segment.
    pub server_state: tcpphase_state,
    /// The sender's role in the close.
    pub closer: tcpphase_closer,
    /// Anomaly markers: a bit mask of `tcpphase_flag` values.
    pub flags: u32,
    /// The client was guessed (no SYN seen).
    pub origin_guessed: bool,
    /// Capture time, ns since the epoch (as given to `tcpphase_tracker_feed`).
    pub ts_ns: u64,
    /// Source address and port.
    pub src: tcpphase_endpoint,
    /// Destination address and port.
    pub dst: tcpphase_endpoint,
    /// The TCP flag bits: FIN 0x001, SYN 0x002, RST 0x004, PSH 0x008, ACK 0x010,
    /// URG 0x020, ECE 0x040, CWR 0x080, AE 0x100; `tcpphase_tcp_flags_text` spells them.
    pub tcp_flags: u16,
    /// Raw window field.
    pub window: u16,
    /// Sequence number relative to the sender's first (as Wireshark shows it).
    pub seq: u32,
    /// Acknowledgment number relative to the receiver's first (0 without ACK).
    pub ack: u32,
    /// Payload length.
    pub len: u32,
}

impl tcpphase_annotation {
    /// The annotation of a frame that is no TCP segment (or does not parse):
    /// all zero, that is none, but for its number, time and, when
    /// malformed, phase and step.
    pub fn frame_only(frame: u64, ts_ns: u64, malformed: bool) -> Self {
        let (phase, step) = if malformed {
            (Phase::Other.into(), Step::Malformed.into())
        } else {
            (tcpphase_phase::None, tcpphase_step::None)
        };
        tcpphase_annotation {
            frame,
            stream: 0,
            conn: 0,
            dir: tcpphase_dir::None,
            phase,
            step,
            client_state: tcpphase_state::Unknown,
            server_state: tcpphase_state::Unknown,
            closer: tcpphase_closer::None,
            flags: 0,
            origin_guessed: false,
            ts_ns,
            src: tcpphase_endpoint::UNSET,
            dst: tcpphase_endpoint::UNSET,
            tcp_flags: 0,
            window: 0,
            seq: 0,
            ack: 0,
            len: 0,
        }
    }
}

impl From<&Annotation> for tcpphase_annotation {
    fn from(a: &Annotation) -> Self {
        tcpphase_annotation {
            frame: a.frame,
            stream: a.stream,
            conn: a.conn,
            dir: a.dir.into(),
            phase: a.phase.into(),
            step: a.step.into(),
            client_state: a.client_state.into(),
            server_state: a.server_state.into(),
            closer: a.closer.into(),
            flags: u32::from(a.flags.0),
            origin_guessed: a.origin_guessed,
            ts_ns: a.ts_ns,
            src: tcpphase_endpoint::of(a.src),
            dst: tcpphase_endpoint::of(a.dst),
            tcp_flags: a.tcp_flags.0,
            window: a.window,
            seq: a.seq,
            ack: a.ack,
            len: a.len,
        }
    }
}

/// Writes the TCP flags as the CLI prints them (`tcp_flags` column): the set
/// flags' letters in the order `S F R P A U E C N` (`"SA"` for a SYN-ACK, `""`
/// for none), NUL-terminated, into `buf` of `len` bytes; 10 bytes always
/// suffice. Bits above 0x1ff are ignored.
///
/// Returns `OK`, `BUFFER_TOO_SMALL` (what fits is written), `NULL_ARGUMENT`
/// or `INVALID_ARGUMENT` (a length above `PTRDIFF_MAX`).
///
/// Ownership: writes `buf` during the call only. Threads: any thread.
///
/// # Safety
/// `buf` must be NULL or valid for writes of `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn tcpphase_tcp_flags_text(
    tcp_flags: u16,
    buf: *mut c_char,
    len: usize,
) -> tcpphase_status {
    guard(|| {
        let mut letters = [0u8; 9];
        let text = TcpFlags(tcp_flags & 0x1ff).letters(&mut letters);
        // SAFETY: the caller vouches for `buf` and `len`.
        unsafe { write_text(buf, len, text) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_not_tcp_annotation_is_zero_but_for_frame_and_time() {
        let a = tcpphase_annotation::frame_only(7, 99, false);
        let labels = [
            a.dir as u32,
            a.phase as u32,
            a.step as u32,
            a.client_state as u32,
            a.server_state as u32,
            a.closer as u32,
        ];
        assert_eq!(labels, [0; 6]);
        assert_eq!(
            (a.frame, a.ts_ns, a.stream, a.conn, a.flags),
            (7, 99, 0, 0, 0)
        );
        assert_eq!((a.src.family, a.dst.family), (0, 0));
        let m = tcpphase_annotation::frame_only(7, 99, true);
        assert_eq!(
            (m.phase, m.step, m.dir),
            (
                tcpphase_phase::Other,
                tcpphase_step::Malformed,
                tcpphase_dir::None
            )
        );
    }
}
