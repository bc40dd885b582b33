//! The IEEE 802.11 MAC header of data frames and the 802.2 LLC / SNAP
//! header that names the EtherType of their payload.

use super::error::{take_fixed, HeaderResult};
use nom::number::complete::be_u16;

/// Length of the 802.11 header of a data frame without the fourth address,
/// QoS control or HT control.
pub const IEEE80211_BASE_LEN: usize = 24;
/// Length of an LLC header with a SNAP extension.
pub const LLC_SNAP_LEN: usize = 8;

/// What an 802.11 frame is, for tcpphase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ieee80211Frame {
    /// A data frame carrying a payload: the MAC header's length.
    Data {
        /// The MAC header's length in bytes.
        header_len: usize,
    },
    /// A data frame whose payload is encrypted (the Protected bit).
    Protected,
    /// Management, control, or a data frame without payload (null data).
    NoPayload {
        /// The frame control's type (0 management, 1 control, 2 data).
        frame_type: u8,
        /// The frame control's subtype.
        subtype: u8,
    },
}

/// Reads the frame control and says how long the MAC header of a data
/// frame is (four addresses, QoS control and HT control included).
///
/// ```
/// use tcpphase::wire::ieee80211::{parse_ieee80211, Ieee80211Frame};
/// let mut frame = [0u8; 26];
/// frame[0] = 0x88; // QoS data
/// frame[1] = 0x01; // to DS
/// let (_, f) = parse_ieee80211(&frame).unwrap();
/// assert_eq!(f, Ieee80211Frame::Data { header_len: 26 });
/// ```
pub fn parse_ieee80211(input: &[u8]) -> HeaderResult<'_, Ieee80211Frame> {
    let (_, fc) = take_fixed(input, 2, 0)?;
    let frame_type = (fc[0] >> 2) & 0x3;
    let subtype = fc[0] >> 4;
    // Subtypes with bit 2 set are the "no data" ones (null, QoS null, CF-*).
    if frame_type != 2 || subtype & 0x4 != 0 {
        return Ok((
            input,
            Ieee80211Frame::NoPayload {
                frame_type,
                subtype,
            },
        ));
    }
    let flags = fc[1];
    if flags & 0x40 != 0 {
        return Ok((input, Ieee80211Frame::Protected));
    }
    let mut header_len = IEEE80211_BASE_LEN;
    if flags & 0x3 == 0x3 {
        header_len += 6;
    }
    let qos = subtype & 0x8 != 0;
    if qos {
        header_len += 2;
        if flags & 0x80 != 0 {
            header_len += 4;
        }
    }
    let (rest, _) = take_fixed(input, header_len, 0)?;
    Ok((rest, Ieee80211Frame::Data { header_len }))
}

/// An LLC header: with SNAP (`aa aa 03 00 00 00`), the EtherType it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Llc {
    /// LLC/SNAP with an RFC 1042 (or 802.1H) OUI: the EtherType.
    Snap {
        /// The EtherType of the payload.
        ethertype: u16,
    },
    /// Any other LLC: its DSAP.
    Other {
        /// Destination service access point.
        dsap: u8,
    },
}

/// Parses an 802.2 LLC header and its SNAP extension.
///
/// ```
/// use tcpphase::wire::ieee80211::{parse_llc, Llc};
/// let (_, llc) = parse_llc(&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]).unwrap();
/// assert_eq!(llc, Llc::Snap { ethertype: 0x0800 });
/// ```
pub fn parse_llc(input: &[u8]) -> HeaderResult<'_, Llc> {
    let (_, head) = take_fixed(input, 3, 0)?;
    if head != [0xaa, 0xaa, 0x03] {
        return Ok((input, Llc::Other { dsap: head[0] }));
    }
    let (rest, snap) = take_fixed(input, LLC_SNAP_LEN, 0)?;
    let (_, ethertype) = be_u16(&snap[6..])?;
    Ok((rest, Llc::Snap { ethertype }))
}
