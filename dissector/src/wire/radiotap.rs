//! The radiotap header (LINKTYPE_IEEE802_11_RADIOTAP, 127) in front of an
//! 802.11 frame: its length, and the flags field where it says whether the
//! 802.11 header is padded and the frame ends in an FCS.

use super::error::{take_fixed, HeaderError, HeaderResult, Layer, WireError};

/// Radiotap flags bit: the frame ends in a 4-byte FCS.
pub const FLAG_FCS_AT_END: u8 = 0x10;
/// Radiotap flags bit: padding between the 802.11 header and the payload
/// to a 32-bit boundary.
pub const FLAG_DATA_PAD: u8 = 0x20;
/// The most present-bitmap words tcpphase walks.
const MAX_PRESENT_WORDS: usize = 8;

/// A radiotap header: its length and the flags field when present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RadiotapHeader {
    /// Header length in bytes (the 802.11 frame starts there).
    pub len: usize,
    /// The flags field, 0 when absent.
    pub flags: u8,
}

/// Parses a radiotap header.
///
/// ```
/// use tcpphase::wire::radiotap::parse_radiotap;
/// // version 0, length 9, present = Flags only, flags = FCS at end.
/// let header = [0, 0, 9, 0, 0x02, 0, 0, 0, 0x10];
/// let (_, r) = parse_radiotap(&header).unwrap();
/// assert_eq!((r.len, r.flags), (9, 0x10));
/// ```
pub fn parse_radiotap(input: &[u8]) -> HeaderResult<'_, RadiotapHeader> {
    let (_, fixed) = take_fixed(input, 8, 0)?;
    let bad = |field, value| {
        nom::Err::Error(HeaderError::Invalid(WireError::BadHeaderField {
            layer: Layer::Radiotap,
            offset: 0,
            field,
            value,
        }))
    };
    if fixed[0] != 0 {
        return Err(bad("version", u32::from(fixed[0])));
    }
    let len = usize::from(u16::from_le_bytes([fixed[2], fixed[3]]));
    if len < 8 {
        return Err(bad("length", len as u32));
    }
    let (rest, header) = take_fixed(input, len, 0)?;
    let word = |at: usize| {
        header
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let present = word(4).unwrap_or(0);
    // Extended present bitmaps follow while bit 31 is set.
    let mut at = 8;
    let mut last = present;
    let mut words = 1;
    while last & 0x8000_0000 != 0 {
        if words == MAX_PRESENT_WORDS {
            return Err(bad("present words", words as u32));
        }
        match word(at) {
            Some(w) => last = w,
            None => return Err(bad("length", len as u32)),
        }
        at += 4;
        words += 1;
    }
    let mut flags = 0;
    if present & 0x2 != 0 {
        if present & 0x1 != 0 {
            // TSFT: 8 bytes aligned to 8.
            at = ((at + 7) & !7) + 8;
        }
        flags = *header.get(at).ok_or_else(|| bad("length", len as u32))?;
    }
    Ok((rest, RadiotapHeader { len, flags }))
}
