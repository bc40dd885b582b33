//! The stateless TCP header parser.

use crate::boundary::{caller_bytes, guard};
use crate::status::tcpphase_status;
use tcpphase_core::wire::tcp::parse_tcp;
use tcpphase_core::wire::TcpOption;

/// A parsed TCP header (RFC 9293 section 3.1) with the options tcpphase
/// reads most. Numbers are in host byte order; `seq` / `ack` are absolute.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct tcpphase_tcp_header {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number (meaningful with ACK).
    pub ack: u32,
    /// Header length in bytes (data offset x 4), 20 to 60; the payload starts there.
    pub header_len: u8,
    /// The three reserved bits.
    pub reserved: u8,
    /// The flag bits (FIN 0x001 ... AE 0x100), as `tcpphase_annotation.tcp_flags`.
    pub flags: u16,
    /// Window (not scaled).
    pub window: u16,
    /// Checksum as found (not verified).
    pub checksum: u16,
    /// Urgent pointer.
    pub urgent: u16,
    /// Whether an MSS option is present.
    pub has_mss: bool,
    /// The MSS option's value.
    pub mss: u16,
    /// Whether a window scale option is present.
    pub has_window_scale: bool,
    /// The window scale shift count.
    pub window_scale: u8,
    /// Whether a SACK-permitted option is present.
    pub sack_permitted: bool,
    /// SACK blocks in a SACK option (0 without).
    pub sack_blocks: u8,
    /// Whether a timestamps option is present.
    pub has_timestamps: bool,
    /// TSval.
    pub ts_value: u32,
    /// TSecr.
    pub ts_echo: u32,
    /// An option has an impossible length; the options before it are read.
    pub options_malformed: bool,
}

/// Parses the TCP header at the start of `bytes` (`len` bytes: the header,
/// then the payload, if any). Needs no tracker.
///
/// Returns `OK` with `*out` filled; `MALFORMED` (fewer than 20 bytes, a
/// data offset below 5, or shorter than the data offset says; `*out`
/// zeroed); `NULL_ARGUMENT` (`bytes` or `out` NULL); `INVALID_ARGUMENT`
/// (`len` above `PTRDIFF_MAX`); `PANIC`.
///
/// Ownership: `bytes` is read during the call only; `*out` is the caller's,
/// written during the call. No allocation. Threads: any thread, any time.
///
/// # Safety
/// `bytes` must be NULL or valid for reads of `len` bytes; `out` NULL or
/// valid for writing one `tcpphase_tcp_header`.
#[no_mangle]
pub unsafe extern "C" fn tcpphase_parse_tcp(
    bytes: *const u8,
    len: usize,
    out: *mut tcpphase_tcp_header,
) -> tcpphase_status {
    guard(|| {
        if out.is_null() {
            return tcpphase_status::NullArgument;
        }
        // SAFETY: the caller vouches for `len` bytes at `bytes`.
        let input = match unsafe { caller_bytes(bytes, len) } {
            Ok(input) => input,
            Err(status) => return status,
        };
        let (status, header) = match parse_tcp(input) {
            Ok((_, tcp)) => {
                let mut h = tcpphase_tcp_header {
                    src_port: tcp.src_port,
                    dst_port: tcp.dst_port,
                    seq: tcp.seq.0,
                    ack: tcp.ack.0,
                    header_len: u8::try_from(tcp.header_len).unwrap_or(u8::MAX),
                    reserved: tcp.reserved,
                    flags: tcp.flags.0,
                    window: tcp.window,
                    checksum: tcp.checksum,
                    urgent: tcp.urgent,
                    ..Default::default()
                };
                for option in tcp.options {
                    match option {
                        Ok(TcpOption::Mss(mss)) => (h.has_mss, h.mss) = (true, mss),
                        Ok(TcpOption::WindowScale(shift)) => {
                            (h.has_window_scale, h.window_scale) = (true, shift)
                        }
                        Ok(TcpOption::SackPermitted) => h.sack_permitted = true,
                        Ok(TcpOption::Sack(blocks)) => {
                            h.sack_blocks = u8::try_from(blocks.len()).unwrap_or(u8::MAX)
                        }
                        Ok(TcpOption::Timestamps { value, echo }) => {
                            (h.has_timestamps, h.ts_value, h.ts_echo) = (true, value, echo)
                        }
                        Ok(_) => {}
                        Err(_) => h.options_malformed = true,
                    }
                }
                (tcpphase_status::Ok, h)
            }
            Err(_) => (tcpphase_status::Malformed, tcpphase_tcp_header::default()),
        };
        // SAFETY: `out` is non-NULL and the caller vouches for it.
        unsafe { out.write(header) };
        status
    })
}
