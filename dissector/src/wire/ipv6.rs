//! The IPv6 header (RFC 8200) and its extension-header chain.

use super::error::{take_fixed, HeaderError, HeaderResult, Layer, WireError};
use core::net::Ipv6Addr;
use nom::number::complete::{be_u16, be_u32, u8 as byte};

/// Hop-by-hop options header.
pub const NEXT_HOP_BY_HOP: u8 = 0;
/// Routing header.
pub const NEXT_ROUTING: u8 = 43;
/// Fragment header.
pub const NEXT_FRAGMENT: u8 = 44;
/// Authentication header.
pub const NEXT_AUTH: u8 = 51;
/// Destination options header.
pub const NEXT_DEST_OPTIONS: u8 = 60;
/// Mobility header (its length counts like an options header).
const NEXT_MOBILITY: u8 = 135;

/// Length of the fixed IPv6 header.
pub const FIXED_LEN: usize = 40;
/// Length of the fragment extension header.
pub const FRAGMENT_HEADER_LEN: usize = 8;

/// The longest extension chain tcpphase follows before calling it malformed.
pub const MAX_EXTENSION_HEADERS: usize = 16;

/// The fields of an IPv6 fragment header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6Fragment {
    /// Offset of this fragment's data in bytes.
    pub offset: u16,
    /// More fragments follow.
    pub more_fragments: bool,
    /// Identification.
    pub id: u32,
    /// The next header after the fragment header: the protocol of the
    /// fragmentable part.
    pub next_header: u8,
    /// Bytes from the IPv6 header's start to the end of the fragment
    /// header: where the fragment's data starts.
    pub data_offset: usize,
}

impl Ipv6Fragment {
    /// Whether this is a real fragment of several (not an atomic fragment:
    /// offset 0 with no more to come).
    pub const fn is_fragment(&self) -> bool {
        self.offset != 0 || self.more_fragments
    }
}

/// A parsed IPv6 header with the result of walking its extension chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6Header<'a> {
    /// Traffic class.
    pub traffic_class: u8,
    /// Flow label (20 bits).
    pub flow_label: u32,
    /// Payload length field (extension headers included); 0 for a jumbogram
    /// or segmentation offload.
    pub payload_len: u16,
    /// Next header of the fixed header.
    pub next_header: u8,
    /// Hop limit.
    pub hop_limit: u8,
    /// Source address.
    pub src: Ipv6Addr,
    /// Destination address.
    pub dst: Ipv6Addr,
    /// The extension headers, raw, from the end of the fixed header to the
    /// upper-layer header.
    pub extensions: &'a [u8],
    /// How many extension headers the chain had.
    pub extension_count: u8,
    /// The protocol after the last extension header.
    pub upper_protocol: u8,
    /// The fragment header, when the chain had one.
    pub fragment: Option<Ipv6Fragment>,
}

impl Ipv6Header<'_> {
    /// Whether this packet is a fragment other than the first.
    pub fn is_non_first_fragment(&self) -> bool {
        self.fragment.is_some_and(|f| f.offset != 0)
    }

    /// Bytes after the extension headers that the payload length announces;
    /// `None` when it is 0 (the captured length is all there is).
    pub fn upper_payload_len(&self) -> Option<usize> {
        match self.payload_len {
            0 => None,
            n => Some(usize::from(n).saturating_sub(self.extensions.len())),
        }
    }
}

/// Parses the fixed IPv6 header and walks the extension chain (hop-by-hop,
/// routing, fragment, authentication, destination options) to the
/// upper-layer header; the rest starts there.
///
/// ```
/// use tcpphase::wire::ipv6::parse_ipv6;
/// let mut packet = [0u8; 48];
/// packet[0] = 0x60;
/// packet[5] = 8; // payload length
/// packet[6] = 60; // destination options follow
/// packet[40] = 6; // then TCP
/// let (rest, ip) = parse_ipv6(&packet).unwrap();
/// assert_eq!(ip.upper_protocol, 6);
/// assert_eq!(ip.extension_count, 1);
/// assert!(rest.is_empty());
/// ```
pub fn parse_ipv6(input: &[u8]) -> HeaderResult<'_, Ipv6Header<'_>> {
    let (after_fixed, fixed) = take_fixed(input, FIXED_LEN, 0)?;
    let (f, word) = be_u32(fixed)?;
    let version = (word >> 28) as u8;
    if version != 6 {
        return Err(invalid(WireError::BadIpVersion {
            layer: Layer::Ipv6,
            offset: 0,
            version,
        }));
    }
    let (f, payload_len) = be_u16(f)?;
    let (f, next_header) = byte(f)?;
    let (_, hop_limit) = byte(f)?;
    let mut src = [0u8; 16];
    src.copy_from_slice(&fixed[8..24]);
    let mut dst = [0u8; 16];
    dst.copy_from_slice(&fixed[24..40]);

    let mut next = next_header;
    let mut rest = after_fixed;
    let mut walked = 0usize;
    let mut count = 0u8;
    let mut fragment = None;
    while matches!(
        next,
        NEXT_HOP_BY_HOP
            | NEXT_ROUTING
            | NEXT_FRAGMENT
            | NEXT_AUTH
            | NEXT_DEST_OPTIONS
            | NEXT_MOBILITY
    ) {
        if usize::from(count) == MAX_EXTENSION_HEADERS {
            return Err(invalid(WireError::Ipv6ExtensionChainTooLong {
                offset: FIXED_LEN + walked,
            }));
        }
        let (_, head) = take_fixed(rest, 2, FIXED_LEN + walked)?;
        let len = match next {
            NEXT_FRAGMENT => FRAGMENT_HEADER_LEN,
            NEXT_AUTH => (usize::from(head[1]) + 2) * 4,
            _ => (usize::from(head[1]) + 1) * 8,
        };
        let (after, ext) = take_fixed(rest, len, FIXED_LEN + walked)?;
        if next == NEXT_FRAGMENT {
            let (e, _) = be_u16(ext)?;
            let (e, offset_flags) = be_u16(e)?;
            let (_, id) = be_u32(e)?;
            fragment = Some(Ipv6Fragment {
                offset: offset_flags & 0xfff8,
                more_fragments: offset_flags & 1 != 0,
                id,
                next_header: head[0],
                data_offset: FIXED_LEN + walked + len,
            });
        }
        next = head[0];
        rest = after;
        walked += len;
        count += 1;
        if fragment.is_some_and(|f: Ipv6Fragment| f.is_fragment()) {
            // A fragment's data is reassembled before it is read.
            break;
        }
    }
    Ok((
        rest,
        Ipv6Header {
            traffic_class: ((word >> 20) & 0xff) as u8,
            flow_label: word & 0x000f_ffff,
            payload_len,
            next_header,
            hop_limit,
            src: Ipv6Addr::from(src),
            dst: Ipv6Addr::from(dst),
            extensions: &after_fixed[..walked],
            extension_count: count,
            upper_protocol: next,
            fragment,
        },
    ))
}

fn invalid(err: WireError) -> nom::Err<HeaderError> {
    nom::Err::Error(HeaderError::Invalid(err))
}
