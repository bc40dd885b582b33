//! TCP options (RFC 9293 section 3.2 and the RFCs of each kind), parsed
//! lazily from the borrowed option bytes of a header.

use super::error::WireError;
use super::seq::SeqNumber;

/// Option kind: end of option list.
pub const KIND_EOL: u8 = 0;
/// Option kind: no operation.
pub const KIND_NOP: u8 = 1;
/// Option kind: maximum segment size (RFC 9293).
pub const KIND_MSS: u8 = 2;
/// Option kind: window scale (RFC 7323).
pub const KIND_WINDOW_SCALE: u8 = 3;
/// Option kind: SACK permitted (RFC 2018).
pub const KIND_SACK_PERMITTED: u8 = 4;
/// Option kind: SACK blocks (RFC 2018).
pub const KIND_SACK: u8 = 5;
/// Option kind: timestamps (RFC 7323).
pub const KIND_TIMESTAMPS: u8 = 8;
/// Option kind: multipath TCP (RFC 8684).
pub const KIND_MPTCP: u8 = 30;
/// Option kind: TCP Fast Open cookie (RFC 7413).
pub const KIND_FAST_OPEN: u8 = 34;
/// Option kind: experimental (RFC 6994), used by pre-RFC Fast Open with magic 0xF989.
pub const KIND_EXPERIMENTAL_254: u8 = 254;
/// The RFC 6994 experiment identifier of Fast Open under kind 254.
pub const FAST_OPEN_EXPERIMENT_ID: u16 = 0xf989;

/// SACK blocks of one option: pairs of (left edge, right edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SackBlocks<'a>(&'a [u8]);

impl<'a> SackBlocks<'a> {
    /// How many blocks the option carries.
    pub fn len(&self) -> usize {
        self.0.len() / 8
    }
    /// Whether it carries none (never true for a parsed option).
    pub fn is_empty(&self) -> bool {
        self.0.len() < 8
    }
    /// The blocks as (left edge, right edge).
    pub fn iter(&self) -> impl Iterator<Item = (SeqNumber, SeqNumber)> + 'a {
        self.0.chunks_exact(8).map(|b| {
            (
                SeqNumber(u32::from_be_bytes([b[0], b[1], b[2], b[3]])),
                SeqNumber(u32::from_be_bytes([b[4], b[5], b[6], b[7]])),
            )
        })
    }
}

/// One TCP option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpOption<'a> {
    /// End of option list (kind 0).
    EndOfList,
    /// No operation (kind 1).
    Nop,
    /// Maximum segment size (kind 2).
    Mss(u16),
    /// Window scale shift count (kind 3).
    WindowScale(u8),
    /// SACK permitted (kind 4).
    SackPermitted,
    /// SACK blocks (kind 5).
    Sack(SackBlocks<'a>),
    /// Timestamps (kind 8).
    Timestamps {
        /// TSval.
        value: u32,
        /// TSecr.
        echo: u32,
    },
    /// TCP Fast Open cookie (kind 34); empty for a cookie request.
    FastOpenCookie(&'a [u8]),
    /// TCP Fast Open cookie in its pre-RFC form (kind 254, experiment id
    /// 0xF989); empty for a cookie request.
    FastOpenCookieExperimental(&'a [u8]),
    /// Multipath TCP (kind 30): the bytes after kind and length, raw.
    Mptcp(&'a [u8]),
    /// Any other kind: the bytes after kind and length, raw.
    Unknown {
        /// Option kind.
        kind: u8,
        /// Option data.
        data: &'a [u8],
    },
}

impl TcpOption<'_> {
    /// The option kind number.
    pub fn kind(&self) -> u8 {
        match self {
            TcpOption::EndOfList => KIND_EOL,
            TcpOption::Nop => KIND_NOP,
            TcpOption::Mss(_) => KIND_MSS,
            TcpOption::WindowScale(_) => KIND_WINDOW_SCALE,
            TcpOption::SackPermitted => KIND_SACK_PERMITTED,
            TcpOption::Sack(_) => KIND_SACK,
            TcpOption::Timestamps { .. } => KIND_TIMESTAMPS,
            TcpOption::FastOpenCookie(_) => KIND_FAST_OPEN,
            TcpOption::FastOpenCookieExperimental(_) => KIND_EXPERIMENTAL_254,
            TcpOption::Mptcp(_) => KIND_MPTCP,
            TcpOption::Unknown { kind, .. } => *kind,
        }
    }
}

/// The option bytes of a TCP header; iterating parses them one by one.
///
/// A malformed option ends the iteration with an error naming its kind,
/// length and offset in the TCP header. Parsing stops at EOL.
///
/// ```
/// use tcpphase::wire::options::{TcpOption, TcpOptions};
/// let bytes = [2, 4, 0x05, 0xb4, 1, 3, 3, 7];
/// let options: Vec<_> = TcpOptions::new(&bytes).collect();
/// assert_eq!(options[0], Ok(TcpOption::Mss(1460)));
/// assert_eq!(options[1], Ok(TcpOption::Nop));
/// assert_eq!(options[2], Ok(TcpOption::WindowScale(7)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpOptions<'a> {
    bytes: &'a [u8],
    position: usize,
    done: bool,
}

impl<'a> TcpOptions<'a> {
    /// A view of option bytes (the header after its first 20 bytes).
    pub const fn new(bytes: &'a [u8]) -> Self {
        TcpOptions {
            bytes,
            position: 0,
            done: false,
        }
    }

    /// The raw option bytes.
    pub const fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Checks every option; the first malformed one is the error.
    pub fn validate(&self) -> Result<(), WireError> {
        for option in *self {
            option?;
        }
        Ok(())
    }

    fn bad(&mut self, at: usize, kind: u8, len: u8) -> Option<Result<TcpOption<'a>, WireError>> {
        self.done = true;
        Some(Err(WireError::TcpOptionBadLength {
            offset: 20 + at,
            kind,
            len,
        }))
    }
}

impl<'a> Iterator for TcpOptions<'a> {
    type Item = Result<TcpOption<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.position >= self.bytes.len() {
            return None;
        }
        let at = self.position;
        let kind = self.bytes[at];
        match kind {
            KIND_EOL => {
                self.done = true;
                return Some(Ok(TcpOption::EndOfList));
            }
            KIND_NOP => {
                self.position += 1;
                return Some(Ok(TcpOption::Nop));
            }
            _ => {}
        }
        let Some(&len) = self.bytes.get(at + 1) else {
            return self.bad(at, kind, 0);
        };
        let len_usize = usize::from(len);
        if len < 2 || at + len_usize > self.bytes.len() {
            return self.bad(at, kind, len);
        }
        let data = &self.bytes[at + 2..at + len_usize];
        let be16 = |d: &[u8]| u16::from_be_bytes([d[0], d[1]]);
        let be32 = |d: &[u8]| u32::from_be_bytes([d[0], d[1], d[2], d[3]]);
        let option = match (kind, len) {
            (KIND_MSS, 4) => TcpOption::Mss(be16(data)),
            (KIND_WINDOW_SCALE, 3) => TcpOption::WindowScale(data[0]),
            (KIND_SACK_PERMITTED, 2) => TcpOption::SackPermitted,
            (KIND_SACK, _) if len >= 10 && (len - 2) % 8 == 0 => TcpOption::Sack(SackBlocks(data)),
            (KIND_TIMESTAMPS, 10) => TcpOption::Timestamps {
                value: be32(data),
                echo: be32(&data[4..]),
            },
            (KIND_FAST_OPEN, _) if len <= 18 => TcpOption::FastOpenCookie(data),
            (KIND_EXPERIMENTAL_254, _)
                if data.len() >= 2 && be16(data) == FAST_OPEN_EXPERIMENT_ID =>
            {
                TcpOption::FastOpenCookieExperimental(&data[2..])
            }
            (KIND_MPTCP, _) => TcpOption::Mptcp(data),
            (
                KIND_MSS | KIND_WINDOW_SCALE | KIND_SACK_PERMITTED | KIND_SACK | KIND_TIMESTAMPS
                | KIND_FAST_OPEN,
                _,
            ) => return self.bad(at, kind, len),
            _ => TcpOption::Unknown { kind, data },
        };
        self.position += len_usize;
        Some(Ok(option))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> Vec<Result<TcpOption<'_>, WireError>> {
        TcpOptions::new(bytes).collect()
    }

    #[test]
    fn every_kind_parses() {
        let bytes = [
            1, // NOP
            2, 4, 0x05, 0xb4, // MSS 1460
            3, 3, 7, // WS 7
            4, 2, // SACK permitted
            5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, // 2 SACK blocks
            8, 10, 0, 0, 0, 9, 0, 0, 0, 8, // timestamps
            34, 6, 0xaa, 0xbb, 0xcc, 0xdd, // TFO cookie
            254, 4, 0xf9, 0x89, // experimental TFO cookie request
            30, 4, 0x00, 0x81, // MPTCP MP_CAPABLE (raw)
            253, 3, 0x42, // unknown (experimental 253)
            0,    // EOL
        ];
        let got = all(&bytes);
        assert_eq!(got[0], Ok(TcpOption::Nop));
        assert_eq!(got[1], Ok(TcpOption::Mss(1460)));
        assert_eq!(got[2], Ok(TcpOption::WindowScale(7)));
        assert_eq!(got[3], Ok(TcpOption::SackPermitted));
        let Ok(TcpOption::Sack(blocks)) = got[4] else {
            panic!("not SACK: {:?}", got[4]);
        };
        let blocks: Vec<_> = blocks.iter().collect();
        assert_eq!(
            blocks,
            vec![(SeqNumber(1), SeqNumber(2)), (SeqNumber(3), SeqNumber(4))]
        );
        assert_eq!(got[5], Ok(TcpOption::Timestamps { value: 9, echo: 8 }));
        assert_eq!(
            got[6],
            Ok(TcpOption::FastOpenCookie(&[0xaa, 0xbb, 0xcc, 0xdd]))
        );
        assert_eq!(got[7], Ok(TcpOption::FastOpenCookieExperimental(&[])));
        assert_eq!(got[8], Ok(TcpOption::Mptcp(&[0x00, 0x81])));
        assert_eq!(
            got[9],
            Ok(TcpOption::Unknown {
                kind: 253,
                data: &[0x42]
            })
        );
        assert_eq!(got[10], Ok(TcpOption::EndOfList));
        assert_eq!(got.len(), 11);
    }

    #[test]
    fn impossible_lengths_are_errors_with_offsets() {
        assert_eq!(
            all(&[1, 2, 3, 0, 0]),
            vec![
                Ok(TcpOption::Nop),
                Err(WireError::TcpOptionBadLength {
                    offset: 21,
                    kind: 2,
                    len: 3
                })
            ]
        );
        assert_eq!(
            all(&[8, 10, 0]),
            vec![Err(WireError::TcpOptionBadLength {
                offset: 20,
                kind: 8,
                len: 10
            })]
        );
        assert_eq!(
            all(&[5, 9, 0, 0, 0, 0, 0, 0, 0]),
            vec![Err(WireError::TcpOptionBadLength {
                offset: 20,
                kind: 5,
                len: 9
            })]
        );
        assert_eq!(
            all(&[99]),
            vec![Err(WireError::TcpOptionBadLength {
                offset: 20,
                kind: 99,
                len: 0
            })]
        );
        assert!(TcpOptions::new(&[3, 1, 0]).validate().is_err());
    }
}
