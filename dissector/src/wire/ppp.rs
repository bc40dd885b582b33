//! PPP (RFC 1661, with RFC 1662's HDLC-like framing) and the PPPoE session
//! header (RFC 2516) that carries it over Ethernet.

use super::error::{take_fixed, HeaderError, HeaderResult, Layer, WireError};
use nom::number::complete::be_u16;

/// PPP protocol number of IPv4.
pub const PPP_IPV4: u16 = 0x0021;
/// PPP protocol number of IPv6.
pub const PPP_IPV6: u16 = 0x0057;
/// Length of a PPPoE session header.
pub const PPPOE_HEADER_LEN: usize = 6;

/// A PPP header: the protocol field and how many bytes it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PppHeader {
    /// The PPP protocol number of what follows.
    pub protocol: u16,
    /// Header length: 0 or 2 bytes of address and control, then a 1- or
    /// 2-byte protocol field.
    pub header_len: usize,
}

/// Parses a PPP header, with or without the `ff 03` address and control
/// bytes, with or without protocol-field compression.
///
/// ```
/// use tcpphase::wire::ppp::parse_ppp;
/// let (_, ppp) = parse_ppp(&[0xff, 0x03, 0x00, 0x21, 0x45]).unwrap();
/// assert_eq!((ppp.protocol, ppp.header_len), (0x0021, 4));
/// let (_, ppp) = parse_ppp(&[0x21, 0x45]).unwrap();
/// assert_eq!((ppp.protocol, ppp.header_len), (0x0021, 1));
/// ```
#[inline]
pub fn parse_ppp(input: &[u8]) -> HeaderResult<'_, PppHeader> {
    // 0xff is the all-stations address of HDLC-like framing (never a
    // compressed protocol field worth reading), with control 0x03 after it.
    let framing = if input.first() == Some(&0xff) { 2 } else { 0 };
    let (after, _) = take_fixed(input, framing + 1, 0)?;
    let first = input[framing];
    // An odd first byte is a compressed one-byte protocol field.
    if first & 1 == 1 {
        return Ok((
            after,
            PppHeader {
                protocol: u16::from(first),
                header_len: framing + 1,
            },
        ));
    }
    let (rest, field) = take_fixed(input, framing + 2, 0)?;
    let (_, protocol) = be_u16(&field[framing..])?;
    Ok((
        rest,
        PppHeader {
            protocol,
            header_len: framing + 2,
        },
    ))
}

/// A PPPoE session-stage header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PppoeHeader {
    /// Session identifier.
    pub session_id: u16,
    /// Length of the PPP payload, protocol field included.
    pub length: u16,
}

/// Parses the 6-byte PPPoE session header (version 1, type 1, code 0).
///
/// ```
/// use tcpphase::wire::ppp::parse_pppoe;
/// let (rest, h) = parse_pppoe(&[0x11, 0, 0x12, 0x34, 0, 42, 0, 0x21]).unwrap();
/// assert_eq!((h.session_id, h.length), (0x1234, 42));
/// assert_eq!(rest, &[0, 0x21]);
/// ```
#[inline]
pub fn parse_pppoe(input: &[u8]) -> HeaderResult<'_, PppoeHeader> {
    let (rest, header) = take_fixed(input, PPPOE_HEADER_LEN, 0)?;
    if header[0] != 0x11 {
        return Err(nom::Err::Error(HeaderError::Invalid(
            WireError::BadHeaderField {
                layer: Layer::Pppoe,
                offset: 0,
                field: "version/type",
                value: u32::from(header[0]),
            },
        )));
    }
    let (h, session_id) = be_u16(&header[2..])?;
    let (_, length) = be_u16(h)?;
    Ok((rest, PppoeHeader { session_id, length }))
}
