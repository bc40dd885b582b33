//! UDP and the tunnels it carries on their IANA ports: VXLAN (RFC 7348,
//! 4789) and Geneve (RFC 8926, 6081).

use super::error::{take_fixed, HeaderError, HeaderResult, Layer, WireError};
use nom::number::complete::be_u16;

/// IP protocol number of UDP.
pub const PROTOCOL_UDP: u8 = 17;
/// Length of a UDP header.
pub const UDP_HEADER_LEN: usize = 8;
/// UDP port of VXLAN.
pub const VXLAN_PORT: u16 = 4789;
/// UDP port of Geneve.
pub const GENEVE_PORT: u16 = 6081;
/// Length of a VXLAN header.
pub const VXLAN_HEADER_LEN: usize = 8;
/// Length of a Geneve header without its options.
pub const GENEVE_BASE_LEN: usize = 8;

/// A UDP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpHeader {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Length field (header and payload).
    pub length: u16,
}

/// Parses a UDP header.
///
/// ```
/// use tcpphase::wire::udp_tunnel::parse_udp;
/// let (_, u) = parse_udp(&[0xc0, 0, 0x12, 0xb5, 0, 58, 0, 0]).unwrap();
/// assert_eq!((u.dst_port, u.length), (4789, 58));
/// ```
#[inline]
pub fn parse_udp(input: &[u8]) -> HeaderResult<'_, UdpHeader> {
    let (rest, header) = take_fixed(input, UDP_HEADER_LEN, 0)?;
    let (h, src_port) = be_u16(header)?;
    let (h, dst_port) = be_u16(h)?;
    let (_, length) = be_u16(h)?;
    Ok((
        rest,
        UdpHeader {
            src_port,
            dst_port,
            length,
        },
    ))
}

/// A VXLAN header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VxlanHeader {
    /// The VXLAN network identifier (24 bits), meaningful when `vni_valid`.
    pub vni: u32,
    /// The I flag.
    pub vni_valid: bool,
}

/// Parses a VXLAN header; an Ethernet frame follows.
///
/// ```
/// use tcpphase::wire::udp_tunnel::parse_vxlan;
/// let (_, v) = parse_vxlan(&[0x08, 0, 0, 0, 0, 0, 42, 0]).unwrap();
/// assert_eq!((v.vni, v.vni_valid), (42, true));
/// ```
#[inline]
pub fn parse_vxlan(input: &[u8]) -> HeaderResult<'_, VxlanHeader> {
    let (rest, header) = take_fixed(input, VXLAN_HEADER_LEN, 0)?;
    Ok((
        rest,
        VxlanHeader {
            vni: u32::from_be_bytes([0, header[4], header[5], header[6]]),
            vni_valid: header[0] & 0x08 != 0,
        },
    ))
}

/// A Geneve header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeneveHeader {
    /// Header length, options included.
    pub header_len: usize,
    /// The protocol type (an EtherType; 0x6558 for Ethernet) of the payload.
    pub protocol: u16,
    /// The virtual network identifier (24 bits).
    pub vni: u32,
}

/// Parses a Geneve header (version 0) and skips its options.
///
/// ```
/// use tcpphase::wire::udp_tunnel::parse_geneve;
/// let (_, g) = parse_geneve(&[0x01, 0, 0x65, 0x58, 0, 0, 9, 0, 1, 2, 3, 4]).unwrap();
/// assert_eq!((g.header_len, g.protocol, g.vni), (12, 0x6558, 9));
/// ```
#[inline]
pub fn parse_geneve(input: &[u8]) -> HeaderResult<'_, GeneveHeader> {
    let (_, fixed) = take_fixed(input, GENEVE_BASE_LEN, 0)?;
    let version = fixed[0] >> 6;
    if version != 0 {
        return Err(nom::Err::Error(HeaderError::Invalid(
            WireError::BadHeaderField {
                layer: Layer::Geneve,
                offset: 0,
                field: "version",
                value: u32::from(version),
            },
        )));
    }
    let header_len = GENEVE_BASE_LEN + usize::from(fixed[0] & 0x3f) * 4;
    let (_, protocol) = be_u16(&fixed[2..])?;
    let (rest, _) = take_fixed(input, header_len, 0)?;
    Ok((
        rest,
        GeneveHeader {
            header_len,
            protocol,
            vni: u32::from_be_bytes([0, fixed[4], fixed[5], fixed[6]]),
        },
    ))
}
