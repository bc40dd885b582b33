//! GRE (RFC 2784, with RFC 2890's key and sequence number) and the ERSPAN
//! headers (types II and III) that mirrored traffic arrives in.

use super::error::{take_fixed, HeaderError, HeaderResult, Layer, WireError};
use nom::number::complete::be_u16;

/// IP protocol number of GRE.
pub const PROTOCOL_GRE: u8 = 47;
/// GRE protocol type of ERSPAN types I and II.
pub const GRE_ERSPAN_II: u16 = 0x88be;
/// GRE protocol type of ERSPAN type III.
pub const GRE_ERSPAN_III: u16 = 0x22eb;
/// GRE protocol type of transparent Ethernet bridging (an Ethernet frame).
pub const GRE_TRANSPARENT_ETHERNET: u16 = 0x6558;
/// Length of an ERSPAN type II header.
pub const ERSPAN_II_LEN: usize = 8;
/// Length of an ERSPAN type III header without its platform subheader.
pub const ERSPAN_III_LEN: usize = 12;
/// Length of the optional ERSPAN type III platform-specific subheader.
pub const ERSPAN_III_PLATFORM_LEN: usize = 8;

/// A GRE header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GreHeader {
    /// Header length: 4, plus 4 for each of checksum, key, sequence number.
    pub header_len: usize,
    /// The protocol type (an EtherType) of the payload.
    pub protocol: u16,
    /// Whether the sequence number is present (ERSPAN type II sets it,
    /// type I does not).
    pub has_sequence: bool,
    /// GRE version (0; 1 is PPTP's enhanced GRE).
    pub version: u8,
}

fn bad(layer: Layer, field: &'static str, value: u32) -> nom::Err<HeaderError> {
    nom::Err::Error(HeaderError::Invalid(WireError::BadHeaderField {
        layer,
        offset: 0,
        field,
        value,
    }))
}

/// Parses a GRE header (version 0 or 1; source routing is refused).
///
/// ```
/// use tcpphase::wire::gre::parse_gre;
/// let (_, gre) = parse_gre(&[0x10, 0, 0x88, 0xbe, 0, 0, 0, 1]).unwrap();
/// assert_eq!((gre.header_len, gre.protocol, gre.has_sequence), (8, 0x88be, true));
/// ```
#[inline]
pub fn parse_gre(input: &[u8]) -> HeaderResult<'_, GreHeader> {
    let (_, fixed) = take_fixed(input, 4, 0)?;
    let (f, bits) = be_u16(fixed)?;
    let (_, protocol) = be_u16(f)?;
    let version = (bits & 0x7) as u8;
    if version > 1 {
        return Err(bad(Layer::Gre, "version", u32::from(version)));
    }
    if bits & 0x4000 != 0 {
        return Err(bad(Layer::Gre, "routing flag", 1));
    }
    let has_sequence = bits & 0x1000 != 0;
    let mut header_len = 4;
    for bit in [0x8000, 0x2000, 0x1000] {
        if bits & bit != 0 {
            header_len += 4;
        }
    }
    // Enhanced GRE (version 1) may carry an acknowledgment number.
    if version == 1 && bits & 0x0080 != 0 {
        header_len += 4;
    }
    let (rest, _) = take_fixed(input, header_len, 0)?;
    Ok((
        rest,
        GreHeader {
            header_len,
            protocol,
            has_sequence,
            version,
        },
    ))
}

/// An ERSPAN header before the mirrored frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErspanHeader {
    /// ERSPAN version field (1 for type II, 2 for type III).
    pub version: u8,
    /// Session ID.
    pub session: u16,
    /// Header length, platform subheader included.
    pub header_len: usize,
    /// Whether the mirrored frame is an Ethernet frame (type III's frame
    /// type 0; always for type II).
    pub ethernet: bool,
}

/// Parses an ERSPAN type II or III header (by its version field).
///
/// ```
/// use tcpphase::wire::gre::parse_erspan;
/// let (_, e) = parse_erspan(&[0x10, 0, 0, 7, 0, 0, 0, 0]).unwrap();
/// assert_eq!((e.version, e.session, e.header_len), (1, 7, 8));
/// ```
pub fn parse_erspan(input: &[u8]) -> HeaderResult<'_, ErspanHeader> {
    let (_, head) = take_fixed(input, 4, 0)?;
    let version = head[0] >> 4;
    let session = u16::from_be_bytes([head[2], head[3]]) & 0x03ff;
    match version {
        1 => {
            let (rest, _) = take_fixed(input, ERSPAN_II_LEN, 0)?;
            Ok((
                rest,
                ErspanHeader {
                    version,
                    session,
                    header_len: ERSPAN_II_LEN,
                    ethernet: true,
                },
            ))
        }
        2 => {
            let (_, fixed) = take_fixed(input, ERSPAN_III_LEN, 0)?;
            let platform = fixed[11] & 0x01 != 0;
            let frame_type = (fixed[10] >> 2) & 0x1f;
            let header_len = ERSPAN_III_LEN + if platform { ERSPAN_III_PLATFORM_LEN } else { 0 };
            let (rest, _) = take_fixed(input, header_len, 0)?;
            Ok((
                rest,
                ErspanHeader {
                    version,
                    session,
                    header_len,
                    ethernet: frame_type == 0,
                },
            ))
        }
        v => Err(bad(Layer::Erspan, "version", u32::from(v))),
    }
}
