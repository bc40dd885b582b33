//! Segments the caller decoded itself: Wireshark's TCP dissector (the
//! plugin), a DPDK program, an eBPF ring buffer, another analyzer.

use crate::annotation::tcpphase_annotation;
use crate::boundary::{guard, length_ok};
use crate::endpoint::tcpphase_endpoint;
use crate::status::tcpphase_status;
use crate::tracker::{tcpphase_tracker, usable};
use tcpphase_core::track::DecodedSegment;
use tcpphase_core::wire::{SeqNumber, TcpFlags, TcpOptions};

/// One TCP segment as its caller decoded it, for
/// `tcpphase_tracker_feed_segment`. Numbers are in host byte order.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct tcpphase_segment {
    /// The caller's frame number (Wireshark's `frame.number`); it becomes
    /// the annotation's `frame`.
    pub frame: u64,
    /// Capture time, ns since the epoch.
    pub ts_ns: u64,
    /// The caller's stream number (Wireshark's `tcp.stream`), kept as the
    /// annotation's `stream`. A segment whose stream differs from the one
    /// its 4-tuple had opens a new connection (flag `port-reuse`).
    pub stream: u64,
    /// Sender's address and port (`family` IPv4 or IPv6).
    pub src: tcpphase_endpoint,
    /// Receiver's address and port, same family as `src`.
    pub dst: tcpphase_endpoint,
    /// Sequence number, absolute (as on the wire, not relative).
    pub seq: u32,
    /// Acknowledgment number, absolute; read only when `tcp_flags` has ACK.
    pub ack: u32,
    /// The TCP flag bits: FIN 0x001 ... AE 0x100.
    pub tcp_flags: u16,
    /// The window field, not scaled.
    pub window: u16,
    /// Payload length: what the IP header announces minus the headers
    /// (Wireshark's `tcp.len`), not what was captured.
    pub payload_len: u32,
    /// The option bytes as captured (the header after its first 20
    /// bytes), or NULL with `options_len` 0. A malformed option is skipped.
    pub options: *const u8,
    /// Number of option bytes at `options` (at most 40 are read).
    pub options_len: usize,
}

/// Feeds one segment the caller decoded (see `tcpphase_segment`) and
/// writes its annotation into `*out`; it is labelled exactly as
/// `tcpphase_tracker_feed` labels the frame that carries it, except that
/// `stream` is the caller's. Feed segments in capture order, one call per
/// segment; the two feed functions should not be mixed on one tracker.
///
/// Returns `OK` with `*out` filled; without touching `*out`:
/// `NULL_ARGUMENT` (`t`, `segment` or `out` NULL, or `options` NULL with
/// `options_len` above 0), `INVALID_ARGUMENT` (an endpoint's family is
/// neither IPv4 nor IPv6, or `options_len` above `PTRDIFF_MAX`), `PANIC`
/// (an internal failure, now or earlier: free the tracker). Connections
/// that leave the table meanwhile queue their summaries for
/// `tcpphase_tracker_next_summary`.
///
/// Ownership: `*segment` and its option bytes are read during the call
/// only; `*out` is the caller's, written during the call. No allocation
/// per segment. Threads: one thread at a time per tracker.
///
/// # Safety
/// `t` must be NULL or a live tracker; `segment` NULL or valid for reading
/// one `tcpphase_segment` whose `options` is valid for `options_len`
/// bytes; `out` NULL or valid for writing one `tcpphase_annotation`.
#[no_mangle]
pub unsafe extern "C" fn tcpphase_tracker_feed_segment(
    t: *mut tcpphase_tracker,
    segment: *const tcpphase_segment,
    out: *mut tcpphase_annotation,
) -> tcpphase_status {
    guard(|| {
        // SAFETY: the caller vouches for `t`.
        let h = match unsafe { usable(t) } {
            Ok(h) => h,
            Err(status) => return status,
        };
        // SAFETY: the caller vouches for `segment` being NULL or valid.
        let Some(seg) = (unsafe { segment.as_ref() }) else {
            return tcpphase_status::NullArgument;
        };
        if out.is_null() || (seg.options.is_null() && seg.options_len > 0) {
            return tcpphase_status::NullArgument;
        }
        if !length_ok(seg.options_len) {
            return tcpphase_status::InvalidArgument;
        }
        let (Some(src), Some(dst)) = (seg.src.socket_addr(), seg.dst.socket_addr()) else {
            return tcpphase_status::InvalidArgument;
        };
        let options: &[u8] = if seg.options_len == 0 {
            &[]
        } else {
            // SAFETY: non-NULL, at most isize::MAX, and the caller vouches
            // for `options_len` bytes; at most 40 are looked at.
            unsafe { std::slice::from_raw_parts(seg.options, seg.options_len.min(40)) }
        };
        let decoded = DecodedSegment {
            src,
            dst,
            seq: SeqNumber(seg.seq),
            ack: SeqNumber(seg.ack),
            flags: TcpFlags(seg.tcp_flags & 0x1ff),
            window: seg.window,
            payload_len: seg.payload_len,
            options: TcpOptions::new(options),
        };
        let annotation =
            h.poisoning(|tracker| tracker.feed_decoded(seg.frame, seg.ts_ns, &decoded, seg.stream));
        h.last_error = None;
        // SAFETY: `out` is non-NULL and the caller vouches for it.
        unsafe { out.write(tcpphase_annotation::from(&annotation)) };
        tcpphase_status::Ok
    })
}
