//! The TCP header (RFC 9293 section 3.1).

use super::error::{take_fixed, HeaderError, HeaderResult, WireError};
use super::options::TcpOptions;
use super::seq::SeqNumber;
use super::tcp_flags::TcpFlags;
use nom::number::complete::{be_u16, be_u32};

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
    let (_, fixed) = take_fixed(input, field::FIXED_LEN, 0)?;
    let (f, src_port) = be_u16(fixed)?;
    let (f, dst_port) = be_u16(f)?;
    let (f, seq) = be_u32(f)?;
    let (f, ack) = be_u32(f)?;
    let (f, offset_flags) = be_u16(f)?;
    let (f, window) = be_u16(f)?;
    let (f, checksum) = be_u16(f)?;
    let (_, urgent) = be_u16(f)?;
    let data_offset = (offset_flags >> 12) as u8;
    if data_offset < 5 {
        return Err(nom::Err::Error(HeaderError::Invalid(
            WireError::TcpDataOffsetTooSmall {
                offset: 0,
                data_offset,
            },
        )));
    }
    let header_len = usize::from(data_offset) * 4;
    let (payload, header) = take_fixed(input, header_len, 0)?;
    Ok((
        payload,
        TcpHeader {
            src_port,
            dst_port,
            seq: SeqNumber(seq),
            ack: SeqNumber(ack),
            header_len,
            reserved: ((offset_flags >> 9) & 0x7) as u8,
            flags: TcpFlags(offset_flags & 0x1ff),
            window,
            checksum,
            urgent,
            options: TcpOptions::new(&header[field::FIXED_LEN..]),
        },
    ))
}
