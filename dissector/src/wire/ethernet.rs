//! Ethernet II, its VLAN tags and MPLS label stack entries.

use super::error::{take_fixed, HeaderResult};
use nom::number::complete::{be_u16, be_u32};

/// An Ethernet II header: a view of its 14 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EthernetHeader<'a> {
    /// Destination MAC address.
    pub dst: &'a [u8],
    /// Source MAC address.
    pub src: &'a [u8],
    /// EtherType (or 802.3 length when below 0x0600).
    pub ethertype: u16,
}

/// Parses an Ethernet II header.
///
/// ```
/// use tcpphase::wire::ethernet::parse_ethernet;
/// let frame = [0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, 0x45];
/// let (rest, eth) = parse_ethernet(&frame).unwrap();
/// assert_eq!(eth.ethertype, 0x0800);
/// assert_eq!(rest, &[0x45]);
/// ```
#[inline]
pub fn parse_ethernet(input: &[u8]) -> HeaderResult<'_, EthernetHeader<'_>> {
    let (rest, header) = take_fixed(input, 14, 0)?;
    let (_, ethertype) = be_u16(&header[12..])?;
    Ok((
        rest,
        EthernetHeader {
            dst: &header[0..6],
            src: &header[6..12],
            ethertype,
        },
    ))
}

/// An 802.1Q / 802.1ad tag: the 4 bytes after a VLAN EtherType.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlanTag {
    /// Priority code point (3 bits).
    pub priority: u8,
    /// VLAN identifier (12 bits).
    pub id: u16,
    /// The EtherType of what follows the tag.
    pub ethertype: u16,
}

/// Parses the 4 bytes of a VLAN tag that follow its tag EtherType.
#[inline]
pub fn parse_vlan_tag(input: &[u8]) -> HeaderResult<'_, VlanTag> {
    let (rest, tag) = take_fixed(input, 4, 0)?;
    let (tag, tci) = be_u16(tag)?;
    let (_, ethertype) = be_u16(tag)?;
    Ok((
        rest,
        VlanTag {
            priority: (tci >> 13) as u8,
            id: tci & 0x0fff,
            ethertype,
        },
    ))
}

/// An MPLS label stack entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MplsLabel {
    /// The 20-bit label.
    pub label: u32,
    /// Bottom of stack: the last entry before the payload.
    pub bottom_of_stack: bool,
    /// Time to live.
    pub ttl: u8,
}

/// Parses one 4-byte MPLS label stack entry.
pub fn parse_mpls_label(input: &[u8]) -> HeaderResult<'_, MplsLabel> {
    let (rest, entry) = take_fixed(input, 4, 0)?;
    let (_, word) = be_u32(entry)?;
    Ok((
        rest,
        MplsLabel {
            label: word >> 12,
            bottom_of_stack: word & 0x100 != 0,
            ttl: (word & 0xff) as u8,
        },
    ))
}
