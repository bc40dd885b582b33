//! Cisco HDLC (LINKTYPE_C_HDLC): address, control, and an EtherType.

use super::error::{take_fixed, HeaderResult};
use nom::number::complete::be_u16;

/// Length of a Cisco HDLC header.
pub const CISCO_HDLC_HEADER_LEN: usize = 4;

/// A Cisco HDLC header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CiscoHdlcHeader {
    /// Address byte: 0x0f unicast, 0x8f broadcast.
    pub address: u8,
    /// The EtherType of what follows.
    pub protocol: u16,
}

/// Parses a Cisco HDLC header.
///
/// ```
/// use tcpphase::wire::cisco_hdlc::parse_cisco_hdlc;
/// let (_, h) = parse_cisco_hdlc(&[0x0f, 0x00, 0x08, 0x00]).unwrap();
/// assert_eq!(h.protocol, 0x0800);
/// ```
#[inline]
pub fn parse_cisco_hdlc(input: &[u8]) -> HeaderResult<'_, CiscoHdlcHeader> {
    let (rest, header) = take_fixed(input, CISCO_HDLC_HEADER_LEN, 0)?;
    let (_, protocol) = be_u16(&header[2..])?;
    Ok((
        rest,
        CiscoHdlcHeader {
            address: header[0],
            protocol,
        },
    ))
}
