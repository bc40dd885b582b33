//! Linux cooked capture headers, v1 (16 bytes) and v2 (20 bytes).

use super::error::{take_fixed, HeaderResult};
use nom::number::complete::{be_u16, be_u32, u8 as byte};

/// A Linux cooked capture header (either version), reduced to what tcpphase uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinuxSllHeader {
    /// Packet type: 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us.
    pub packet_type: u16,
    /// ARPHRD_ type of the interface.
    pub arphrd_type: u16,
    /// Protocol of the payload (an EtherType for Ethernet-like interfaces).
    pub protocol: u16,
    /// Interface index (v2 only; 0 for v1).
    pub interface_index: u32,
}

/// Parses a Linux cooked capture v1 header (LINKTYPE_LINUX_SLL).
pub fn parse_linux_sll(input: &[u8]) -> HeaderResult<'_, LinuxSllHeader> {
    let (rest, header) = take_fixed(input, 16, 0)?;
    let (h, packet_type) = be_u16(header)?;
    let (_, arphrd_type) = be_u16(h)?;
    let (_, protocol) = be_u16(&header[14..])?;
    Ok((
        rest,
        LinuxSllHeader {
            packet_type,
            arphrd_type,
            protocol,
            interface_index: 0,
        },
    ))
}

/// Parses a Linux cooked capture v2 header (LINKTYPE_LINUX_SLL2).
pub fn parse_linux_sll2(input: &[u8]) -> HeaderResult<'_, LinuxSllHeader> {
    let (rest, header) = take_fixed(input, 20, 0)?;
    let (h, protocol) = be_u16(header)?;
    let (h, _reserved) = be_u16(h)?;
    let (h, interface_index) = be_u32(h)?;
    let (h, arphrd_type) = be_u16(h)?;
    let (_, packet_type) = byte(h)?;
    Ok((
        rest,
        LinuxSllHeader {
            packet_type: u16::from(packet_type),
            arphrd_type,
            protocol,
            interface_index,
        },
    ))
}
