//! Segments the caller decoded itself: Wireshark's TCP dissector (the
//! plugin), a DPDK program, an eBPF ring buffer, another analyzer.

use crate::annotation::tcpphase_annotation;
use crate::boundary::{caller_bytes, guard, length_ok};
use crate::endpoint::tcpphase_endpoint;
use crate::status::tcpphase_status;
use crate::tracker::{tcpphase_tracker, usable, Handle};
use std::net::SocketAddr;
use tcpphase_core::track::DecodedSegment;
use tcpphase_core::wire::tcp::parse_tcp;
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
        // SAFETY: the caller vouches for `t` and `segment`.
        let (h, seg) = match unsafe { tracker_and_segment(t, segment) } {
            Ok(both) => both,
            Err(status) => return status,
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

/// Feeds one segment given as its TCP header's bytes plus what the header
/// does not hold: exactly `tcpphase_tracker_feed_segment`, except that the
/// ports, `seq`, `ack`, `tcp_flags`, `window` and the options are read from
/// `header` (`header_len` bytes: the TCP header, then any payload) by
/// libtcpphase's parser (as `tcpphase_parse_tcp`), and those fields of
/// `*segment` are ignored; `frame`, `ts_ns`, `stream`, the addresses of
/// `src` / `dst` and `payload_len` are `*segment`'s. One call where a
/// caller would otherwise parse the header and then feed it.
///
/// Returns `OK` with `*out` filled; without touching `*out`:
/// `MALFORMED` (the header does not parse: fewer than 20 bytes, a data
/// offset below 5, or shorter than the data offset says), `NULL_ARGUMENT`
/// (`t`, `segment`, `header` or `out` NULL), `INVALID_ARGUMENT` (an
/// endpoint's family is neither IPv4 nor IPv6, or `header_len` above
/// `PTRDIFF_MAX`), `PANIC` (an internal failure, now or earlier: free the
/// tracker). Connections that leave the table meanwhile queue their
/// summaries for `tcpphase_tracker_next_summary`.
///
/// Ownership: `*segment` and `header` are read during the call only;
/// `*out` is the caller's, written during the call. No allocation per
/// segment. Threads: one thread at a time per tracker.
///
/// # Safety
/// `t` must be NULL or a live tracker; `segment` NULL or valid for reading
/// one `tcpphase_segment` (its `options` is not read); `header` NULL or
/// valid for `header_len` bytes; `out` NULL or valid for writing one
/// `tcpphase_annotation`.
#[no_mangle]
pub unsafe extern "C" fn tcpphase_tracker_feed_tcp(
    t: *mut tcpphase_tracker,
    segment: *const tcpphase_segment,
    header: *const u8,
    header_len: usize,
    out: *mut tcpphase_annotation,
) -> tcpphase_status {
    guard(|| {
        // SAFETY: the caller vouches for `t` and `segment`.
        let (h, seg) = match unsafe { tracker_and_segment(t, segment) } {
            Ok(both) => both,
            Err(status) => return status,
        };
        if out.is_null() {
            return tcpphase_status::NullArgument;
        }
        // SAFETY: the caller vouches for `header_len` bytes at `header`.
        let bytes = match unsafe { caller_bytes(header, header_len) } {
            Ok(bytes) => bytes,
            Err(status) => return status,
        };
        let (Some(src), Some(dst)) = (seg.src.socket_addr(), seg.dst.socket_addr()) else {
            return tcpphase_status::InvalidArgument;
        };
        let Ok((_, tcp)) = parse_tcp(bytes) else {
            return tcpphase_status::Malformed;
        };
        let decoded = DecodedSegment {
            src: SocketAddr::new(src.ip(), tcp.src_port),
            dst: SocketAddr::new(dst.ip(), tcp.dst_port),
            seq: tcp.seq,
            ack: tcp.ack,
            flags: TcpFlags(tcp.flags.0 & 0x1ff),
            window: tcp.window,
            payload_len: seg.payload_len,
            options: tcp.options,
        };
        let annotation =
            h.poisoning(|tracker| tracker.feed_decoded(seg.frame, seg.ts_ns, &decoded, seg.stream));
        h.last_error = None;
        // SAFETY: `out` is non-NULL and the caller vouches for it.
        unsafe { out.write(tcpphase_annotation::from(&annotation)) };
        tcpphase_status::Ok
    })
}

/// The tracker and the segment a feed call names, or the status that
/// refuses the call (a NULL or poisoned tracker, a NULL segment).
///
/// # Safety
/// `t` NULL or from `tcpphase_tracker_new`, not freed; `segment` NULL or
/// valid for reading one `tcpphase_segment`.
unsafe fn tracker_and_segment<'a>(
    t: *mut tcpphase_tracker,
    segment: *const tcpphase_segment,
) -> Result<(&'a mut Handle, &'a tcpphase_segment), tcpphase_status> {
    // SAFETY: the caller vouches for `t`.
    let h = unsafe { usable(t) }?;
    // SAFETY: the caller vouches for `segment` being NULL or valid.
    let seg = unsafe { segment.as_ref() }.ok_or(tcpphase_status::NullArgument)?;
    Ok((h, seg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::tcpphase_family;
    use crate::tracker::{tcpphase_tracker_free, tcpphase_tracker_new};

    /// A SYN from 10.0.0.1:40000 to 10.0.0.2:80 with an MSS option, then
    /// its SYN-ACK: header bytes, and the same as a decoded segment.
    fn header(syn_ack: bool) -> [u8; 24] {
        let (sp, dp): (u16, u16) = if syn_ack { (80, 40000) } else { (40000, 80) };
        let mut h = [0u8; 24];
        h[0..2].copy_from_slice(&sp.to_be_bytes());
        h[2..4].copy_from_slice(&dp.to_be_bytes());
        h[4..8].copy_from_slice(&(if syn_ack { 5000u32 } else { 1000 }).to_be_bytes());
        h[8..12].copy_from_slice(&(if syn_ack { 1001u32 } else { 0 }).to_be_bytes());
        h[12] = 6 << 4;
        h[13] = if syn_ack { 0x12 } else { 0x02 };
        h[14..16].copy_from_slice(&65535u16.to_be_bytes());
        h[20..24].copy_from_slice(&[2, 4, 0x05, 0xb4]);
        h
    }

    fn endpoint(last: u8, port: u16) -> tcpphase_endpoint {
        let mut addr = [0u8; 16];
        addr[..4].copy_from_slice(&[10, 0, 0, last]);
        tcpphase_endpoint {
            addr,
            port,
            family: tcpphase_family::Ipv4 as u8,
        }
    }

    fn segment(frame: u64, syn_ack: bool, options: &[u8]) -> tcpphase_segment {
        let (a, b) = (endpoint(1, 40000), endpoint(2, 80));
        let (src, dst) = if syn_ack { (b, a) } else { (a, b) };
        tcpphase_segment {
            frame,
            ts_ns: frame * 1000,
            stream: 0,
            src,
            dst,
            seq: if syn_ack { 5000 } else { 1000 },
            ack: if syn_ack { 1001 } else { 0 },
            tcp_flags: if syn_ack { 0x12 } else { 0x02 },
            window: 65535,
            payload_len: 0,
            options: options.as_ptr(),
            options_len: options.len(),
        }
    }

    #[test]
    fn feed_tcp_labels_as_feed_segment_does() {
        let options = [2u8, 4, 0x05, 0xb4];
        let (a, b) = (tcpphase_tracker_new(), tcpphase_tracker_new());
        for (frame, syn_ack) in [(1u64, false), (2, true)] {
            let seg = segment(frame, syn_ack, &options);
            // Ports and numbers of the segment given to feed_tcp are not read.
            let mut blank = seg;
            (blank.src.port, blank.dst.port) = (0, 0);
            (blank.seq, blank.ack, blank.tcp_flags, blank.window) = (0, 0, 0, 0);
            (blank.options, blank.options_len) = (std::ptr::null(), 0);
            let h = header(syn_ack);
            let mut x = std::mem::MaybeUninit::<tcpphase_annotation>::zeroed();
            let mut y = std::mem::MaybeUninit::<tcpphase_annotation>::zeroed();
            // SAFETY: live trackers, valid segment, header and outputs.
            unsafe {
                assert_eq!(
                    tcpphase_tracker_feed_segment(a, &seg, x.as_mut_ptr()),
                    tcpphase_status::Ok
                );
                assert_eq!(
                    tcpphase_tracker_feed_tcp(b, &blank, h.as_ptr(), h.len(), y.as_mut_ptr()),
                    tcpphase_status::Ok
                );
                let (x, y) = (x.assume_init(), y.assume_init());
                assert_eq!(x, y);
                assert_eq!(y.src.port, if syn_ack { 80 } else { 40000 });
            }
        }
        // SAFETY: both were made by tcpphase_tracker_new.
        unsafe {
            tcpphase_tracker_free(a);
            tcpphase_tracker_free(b);
        }
    }

    #[test]
    fn feed_tcp_refuses_what_does_not_parse() {
        let t = tcpphase_tracker_new();
        let seg = segment(1, false, &[]);
        let h = header(false);
        let mut out = std::mem::MaybeUninit::<tcpphase_annotation>::zeroed();
        // SAFETY: a live tracker; lengths within the buffers.
        unsafe {
            // Fewer than 20 bytes, and shorter than its data offset (24).
            assert_eq!(
                tcpphase_tracker_feed_tcp(t, &seg, h.as_ptr(), 19, out.as_mut_ptr()),
                tcpphase_status::Malformed
            );
            assert_eq!(
                tcpphase_tracker_feed_tcp(t, &seg, h.as_ptr(), 22, out.as_mut_ptr()),
                tcpphase_status::Malformed
            );
            let mut bad = h;
            bad[12] = 4 << 4; // data offset below 5
            assert_eq!(
                tcpphase_tracker_feed_tcp(t, &seg, bad.as_ptr(), bad.len(), out.as_mut_ptr()),
                tcpphase_status::Malformed
            );
            assert_eq!(
                tcpphase_tracker_feed_tcp(t, &seg, std::ptr::null(), 0, out.as_mut_ptr()),
                tcpphase_status::NullArgument
            );
            assert_eq!(
                tcpphase_tracker_feed_tcp(
                    t,
                    std::ptr::null(),
                    h.as_ptr(),
                    h.len(),
                    out.as_mut_ptr()
                ),
                tcpphase_status::NullArgument
            );
            assert_eq!(
                tcpphase_tracker_feed_tcp(
                    std::ptr::null_mut(),
                    &seg,
                    h.as_ptr(),
                    h.len(),
                    out.as_mut_ptr()
                ),
                tcpphase_status::NullArgument
            );
            let mut wrong = seg;
            wrong.src.family = 9;
            assert_eq!(
                tcpphase_tracker_feed_tcp(t, &wrong, h.as_ptr(), h.len(), out.as_mut_ptr()),
                tcpphase_status::InvalidArgument
            );
            tcpphase_tracker_free(t);
        }
    }
}
