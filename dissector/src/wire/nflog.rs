//! Linux NFLOG (LINKTYPE_NFLOG, 239): a 4-byte header and TLVs, one of
//! which (NFULA_PAYLOAD) is the logged IP packet.

use super::error::{take_fixed, HeaderError, HeaderResult, Layer, WireError};

/// Length of the NFLOG header before the TLVs.
pub const NFLOG_HEADER_LEN: usize = 4;
/// TLV type of the packet payload.
pub const NFULA_PAYLOAD: u16 = 9;
/// Address family value of IPv4 in the header.
pub const NFLOG_AF_INET: u8 = 2;
/// Address family value of IPv6 in the header.
pub const NFLOG_AF_INET6: u8 = 10;
/// The most TLVs tcpphase walks looking for the payload.
const MAX_TLVS: usize = 64;

/// What an NFLOG record holds for tcpphase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NflogPacket {
    /// Address family of the logged packet (2 IPv4, 10 IPv6).
    pub family: u8,
    /// Offset of the payload (the IP packet) from the NFLOG header start;
    /// `None` when the record has no payload TLV.
    pub payload_offset: Option<usize>,
    /// Length of the payload TLV's value.
    pub payload_len: usize,
}

/// Parses an NFLOG header and walks its TLVs to the payload. TLV lengths
/// and types are in the logging host's byte order; like Wireshark, the
/// order is guessed from the first TLV.
///
/// ```
/// use tcpphase::wire::nflog::parse_nflog;
/// // family 2, one payload TLV of 8 bytes (4 of value), little endian.
/// let record = [2, 0, 0, 0, 8, 0, 9, 0, 0x45, 0, 0, 0];
/// let (_, p) = parse_nflog(&record).unwrap();
/// assert_eq!((p.family, p.payload_offset, p.payload_len), (2, Some(8), 4));
/// ```
pub fn parse_nflog(input: &[u8]) -> HeaderResult<'_, NflogPacket> {
    let (_, header) = take_fixed(input, NFLOG_HEADER_LEN, 0)?;
    let family = header[0];
    if header[1] != 0 {
        return Err(nom::Err::Error(HeaderError::Invalid(
            WireError::BadHeaderField {
                layer: Layer::Nflog,
                offset: 0,
                field: "version",
                value: u32::from(header[1]),
            },
        )));
    }
    let mut at = NFLOG_HEADER_LEN;
    let mut little = None;
    for _ in 0..MAX_TLVS {
        if at >= input.len() {
            break;
        }
        let (_, tlv) = take_fixed(&input[at..], 4, at)?;
        let le = usize::from(u16::from_le_bytes([tlv[0], tlv[1]]));
        let be = usize::from(u16::from_be_bytes([tlv[0], tlv[1]]));
        let is_little = *little.get_or_insert(le >= 4 && le <= input.len() - at);
        let (len, kind) = if is_little {
            (le, u16::from_le_bytes([tlv[2], tlv[3]]))
        } else {
            (be, u16::from_be_bytes([tlv[2], tlv[3]]))
        };
        if len < 4 {
            return Err(nom::Err::Error(HeaderError::Invalid(
                WireError::BadHeaderField {
                    layer: Layer::Nflog,
                    offset: 0,
                    field: "TLV length",
                    value: len as u32,
                },
            )));
        }
        // The flags bit 0x8000 (NLA_F_NESTED) is not part of the type.
        if kind & 0x7fff == NFULA_PAYLOAD {
            return Ok((
                &input[input.len()..],
                NflogPacket {
                    family,
                    payload_offset: Some(at + 4),
                    payload_len: len - 4,
                },
            ));
        }
        at += (len + 3) & !3;
    }
    Ok((
        &input[input.len()..],
        NflogPacket {
            family,
            payload_offset: None,
            payload_len: 0,
        },
    ))
}
