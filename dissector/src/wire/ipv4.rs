//! The IPv4 header (RFC 791), with options and fragmentation fields.

use super::error::{take_fixed, HeaderError, HeaderResult, Layer, WireError};
use core::net::Ipv4Addr;
use nom::number::complete::{be_u16, u8 as byte};

/// IP protocol number of TCP.
pub const PROTOCOL_TCP: u8 = 6;
/// IP protocol number of IPv4 in IP (RFC 2003).
pub const PROTOCOL_IPIP: u8 = 4;
/// IP protocol number of IPv6 in IP (RFC 4213).
pub const PROTOCOL_IPV6: u8 = 41;
/// Length of an IPv4 header without options.
pub const MIN_HEADER_LEN: usize = 20;

/// A parsed IPv4 header, borrowing its options from the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Header<'a> {
    /// Header length in bytes (IHL x 4), options included.
    pub header_len: usize,
    /// DSCP and ECN byte.
    pub tos: u8,
    /// Total length field: header plus payload. 0 is kept as found (TCP
    /// segmentation offload on the capturing host writes 0).
    pub total_len: u16,
    /// Identification.
    pub id: u16,
    /// Don't Fragment.
    pub dont_fragment: bool,
    /// More Fragments.
    pub more_fragments: bool,
    /// Fragment offset in bytes.
    pub fragment_offset: u16,
    /// Time to live.
    pub ttl: u8,
    /// Protocol of the payload.
    pub protocol: u8,
    /// Header checksum as found (not verified: offload makes it unreliable).
    pub checksum: u16,
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// Option bytes, raw.
    pub options: &'a [u8],
}

impl Ipv4Header<'_> {
    /// Whether this packet is a fragment other than the first: its bytes
    /// continue an earlier fragment and hold no transport header.
    pub const fn is_non_first_fragment(&self) -> bool {
        self.fragment_offset != 0
    }

    /// Whether this packet is one fragment of several.
    pub const fn is_fragment(&self) -> bool {
        self.fragment_offset != 0 || self.more_fragments
    }

    /// Whether this packet is the first of several fragments.
    pub const fn is_first_fragment(&self) -> bool {
        self.fragment_offset == 0 && self.more_fragments
    }

    /// Bytes of IP payload the header announces, `None` when the total
    /// length is 0 (segmentation offload: the captured length is all there is).
    pub const fn payload_len(&self) -> Option<usize> {
        if self.total_len == 0 {
            None
        } else {
            Some(self.total_len as usize - self.header_len)
        }
    }
}

/// Parses an IPv4 header; the rest is the IP payload as captured.
///
/// ```
/// use tcpphase::wire::ipv4::parse_ipv4;
/// let packet = [
///     0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
/// ];
/// let (_, ip) = parse_ipv4(&packet).unwrap();
/// assert_eq!(ip.protocol, 6);
/// assert!(ip.dont_fragment);
/// assert_eq!(ip.payload_len(), Some(20));
/// ```
#[inline(always)]
pub fn parse_ipv4(input: &[u8]) -> HeaderResult<'_, Ipv4Header<'_>> {
    let (_, fixed) = take_fixed(input, MIN_HEADER_LEN, 0)?;
    let (f, version_ihl) = byte(fixed)?;
    let version = version_ihl >> 4;
    if version != 4 {
        return Err(invalid(WireError::BadIpVersion {
            layer: Layer::Ipv4,
            offset: 0,
            version,
        }));
    }
    let ihl = version_ihl & 0x0f;
    if ihl < 5 {
        return Err(invalid(WireError::Ipv4HeaderLenTooSmall { offset: 0, ihl }));
    }
    let header_len = usize::from(ihl) * 4;
    let (rest, header) = take_fixed(input, header_len, 0)?;
    let (f, tos) = byte(f)?;
    let (f, total_len) = be_u16(f)?;
    if total_len != 0 && usize::from(total_len) < header_len {
        return Err(invalid(WireError::Ipv4TotalLenTooSmall {
            offset: 0,
            total_len,
            header_len,
        }));
    }
    let (f, id) = be_u16(f)?;
    let (f, flags_fragment) = be_u16(f)?;
    let (f, ttl) = byte(f)?;
    let (f, protocol) = byte(f)?;
    let (_, checksum) = be_u16(f)?;
    Ok((
        rest,
        Ipv4Header {
            header_len,
            tos,
            total_len,
            id,
            dont_fragment: flags_fragment & 0x4000 != 0,
            more_fragments: flags_fragment & 0x2000 != 0,
            fragment_offset: (flags_fragment & 0x1fff) * 8,
            ttl,
            protocol,
            checksum,
            src: Ipv4Addr::new(header[12], header[13], header[14], header[15]),
            dst: Ipv4Addr::new(header[16], header[17], header[18], header[19]),
            options: &header[MIN_HEADER_LEN..],
        },
    ))
}

fn invalid(err: WireError) -> nom::Err<HeaderError> {
    nom::Err::Error(HeaderError::Invalid(err))
}
