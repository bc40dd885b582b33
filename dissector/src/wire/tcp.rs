//! The TCP header (RFC 9293 section 3.1).

use super::error::{take_fixed, HeaderError, HeaderResult, WireError};
use super::options::TcpOptions;
use super::seq::SeqNumber;
use super::tcp_flags::TcpFlags;

/// Byte ranges of the fixed TCP header, named once.
pub mod field {
    use core::ops::Range;
    /// Source port.
    pub const SRC_PORT: Range<usize> = 0..2;
    /// Destination port.
    pub const DST_PORT: Range<usize> = 2..4;
    /// Sequence number.
    pub const SEQ_NUM: Range<usize> = 4..8;
    /// Acknowledgment number.
    pub const ACK_NUM: Range<usize> = 8..12;
    /// Data offset (4 bits), reserved (3 bits), AE and the 8 flag bits.
    pub const OFFSET_FLAGS: Range<usize> = 12..14;
    /// Window.
    pub const WINDOW: Range<usize> = 14..16;
    /// Checksum.
    pub const CHECKSUM: Range<usize> = 16..18;
    /// Urgent pointer.
    pub const URGENT: Range<usize> = 18..20;
    /// Length of the fixed header.
    pub const FIXED_LEN: usize = 20;
}

/// A parsed TCP header, borrowing its options from the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpHeader<'a> {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Sequence number.
    pub seq: SeqNumber,
    /// Acknowledgment number (meaningful when ACK is set).
    pub ack: SeqNumber,
    /// Header length in bytes (data offset x 4).
    pub header_len: usize,
    /// The three reserved bits between data offset and AE.
    pub reserved: u8,
    /// The flag bits.
    pub flags: TcpFlags,
    /// Window (not scaled).
    pub window: u16,
    /// Checksum as found (not verified).
    pub checksum: u16,
    /// Urgent pointer.
    pub urgent: u16,
    /// The options, parsed lazily when iterated.
    pub options: TcpOptions<'a>,
}

/// Parses a TCP header (fixed part and options); the rest is the payload.
///
/// ```
/// use tcpphase::wire::{tcp::parse_tcp, TcpFlags};
/// let header = [
///     0x9c, 0x40, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
/// ];
/// let (payload, tcp) = parse_tcp(&header).unwrap();
/// assert_eq!((tcp.src_port, tcp.dst_port), (40000, 80));
/// assert_eq!(tcp.flags, TcpFlags::SYN);
/// assert!(payload.is_empty());
/// ```
#[inline]
pub fn parse_tcp(input: &[u8]) -> HeaderResult<'_, TcpHeader<'_>> {
    let (_, tcp) = parse_fixed(input)?;
    let (payload, header) = take_fixed(input, tcp.header_len, 0)?;
    Ok((
        payload,
        TcpHeader {
            options: TcpOptions::new(&header[field::FIXED_LEN..]),
            ..tcp
        },
    ))
}

/// Parses a TCP header of which at least the fixed 20 bytes were captured:
/// when the snap length cut the options, they are what was captured, the
/// payload is empty and the flag that comes back is `true` (options cut).
///
/// ```
/// use tcpphase::wire::tcp::parse_tcp_captured;
/// // A SYN with data offset 8 (12 option bytes) cut after its MSS option.
/// let cut = [
///     0x9c, 0x40, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x80, 0x02, 0xff, 0xff, 0, 0, 0, 0,
///     2, 4, 0x05, 0xb4,
/// ];
/// let (payload, tcp, options_cut) = parse_tcp_captured(&cut).unwrap();
/// assert!(options_cut && payload.is_empty());
/// assert_eq!((tcp.header_len, tcp.options.bytes().len()), (32, 4));
/// ```
#[inline(always)]
pub fn parse_tcp_captured(
    input: &[u8],
) -> Result<(&[u8], TcpHeader<'_>, bool), nom::Err<HeaderError>> {
    let (_, tcp) = parse_fixed(input)?;
    if let (Some(options), Some(payload)) = (
        input.get(field::FIXED_LEN..tcp.header_len),
        input.get(tcp.header_len..),
    ) {
        let options = TcpOptions::new(options);
        return Ok((payload, TcpHeader { options, ..tcp }, false));
    }
    let options = &input[field::FIXED_LEN..];
    Ok((
        &input[input.len()..],
        TcpHeader {
            options: TcpOptions::new(options),
            ..tcp
        },
        true,
    ))
}

/// Reads a field of the fixed header by its byte range.
#[inline(always)]
fn be(fixed: &[u8], range: core::ops::Range<usize>) -> u32 {
    fixed[range]
        .iter()
        .fold(0u32, |v, b| (v << 8) | u32::from(*b))
}

/// The fixed 20 bytes, with no options yet.
#[inline(always)]
fn parse_fixed(input: &[u8]) -> HeaderResult<'_, TcpHeader<'_>> {
    let (rest, fixed) = take_fixed(input, field::FIXED_LEN, 0)?;
    let offset_flags = be(fixed, field::OFFSET_FLAGS) as u16;
    let data_offset = (offset_flags >> 12) as u8;
    if data_offset < 5 {
        return Err(nom::Err::Error(HeaderError::Invalid(
            WireError::TcpDataOffsetTooSmall {
                offset: 0,
                data_offset,
            },
        )));
    }
    Ok((
        rest,
        TcpHeader {
            src_port: be(fixed, field::SRC_PORT) as u16,
            dst_port: be(fixed, field::DST_PORT) as u16,
            seq: SeqNumber(be(fixed, field::SEQ_NUM)),
            ack: SeqNumber(be(fixed, field::ACK_NUM)),
            header_len: usize::from(data_offset) * 4,
            reserved: ((offset_flags >> 9) & 0x7) as u8,
            flags: TcpFlags(offset_flags & 0x1ff),
            window: be(fixed, field::WINDOW) as u16,
            checksum: be(fixed, field::CHECKSUM) as u16,
            urgent: be(fixed, field::URGENT) as u16,
            options: TcpOptions::new(&[]),
        },
    ))
}
