//! Errors of capture-file reading: what is wrong with the file, and where.

use super::decompress::Compression;
use core::fmt;

/// Why a capture file could not be read further.
///
/// Every variant but [`CaptureError::Io`] carries the byte offset in the
/// file of the record or block that is damaged; all frames before it were
/// delivered.
#[derive(Debug)]
pub enum CaptureError {
    /// Reading from the underlying file or stream failed.
    Io(std::io::Error),
    /// The input is empty.
    Empty,
    /// The first bytes are neither a pcap nor a pcapng header (nor a
    /// compressed stream of one).
    NotACapture {
        /// The first bytes of the input (up to 4), for the message; of the
        /// decompressed bytes when `inside` is set.
        magic: [u8; 4],
        /// How many of `magic` were read.
        magic_len: usize,
        /// The compression the input is in, when it is compressed.
        inside: Option<Compression>,
    },
    /// A compressed input is damaged, or asks for more memory than
    /// tcpphase gives a decoder.
    Decompress {
        /// The compression format.
        compression: Compression,
        /// Decompressed bytes delivered before the damage.
        decompressed: u64,
        /// What the decoder said.
        reason: String,
    },
    /// The file ends in the middle of a record or block.
    Truncated {
        /// Byte offset of the incomplete record or block.
        offset: u64,
    },
    /// A record or block is malformed (bad block length, bad magic, ...).
    Malformed {
        /// Byte offset of the damaged record or block.
        offset: u64,
        /// What the parser found wrong.
        what: &'static str,
    },
    /// A record claims more bytes than any real frame has.
    RecordTooLarge {
        /// Byte offset of the record.
        offset: u64,
        /// The most tcpphase reads in one record.
        limit: usize,
    },
    /// A pcapng packet names an interface that was never described.
    UnknownInterface {
        /// Byte offset of the packet block.
        offset: u64,
        /// The interface id it names.
        interface: u32,
    },
}

impl CaptureError {
    /// Byte offset in the file where the damage is, when known.
    pub fn offset(&self) -> Option<u64> {
        match self {
            CaptureError::Io(_)
            | CaptureError::Empty
            | CaptureError::NotACapture { .. }
            | CaptureError::Decompress { .. } => None,
            CaptureError::Truncated { offset }
            | CaptureError::Malformed { offset, .. }
            | CaptureError::RecordTooLarge { offset, .. }
            | CaptureError::UnknownInterface { offset, .. } => Some(*offset),
        }
    }
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::Io(e) => write!(f, "read error: {e}"),
            CaptureError::Empty => f.write_str("empty input: not a capture file"),
            CaptureError::NotACapture {
                magic,
                magic_len,
                inside,
            } => {
                if let Some(c) = inside {
                    write!(f, "{}-compressed, but ", c.name())?;
                }
                f.write_str("not a pcap or pcapng file (starts with")?;
                for b in &magic[..*magic_len] {
                    write!(f, " {b:02x}")?;
                }
                f.write_str(")")
            }
            CaptureError::Decompress {
                compression,
                decompressed,
                reason,
            } => write!(
                f,
                "{} stream damaged after {decompressed} decompressed bytes: {reason}",
                compression.name()
            ),
            CaptureError::Truncated { offset } => {
                write!(f, "file truncated: record at byte {offset} is incomplete")
            }
            CaptureError::Malformed { offset, what } => {
                write!(f, "damaged record at byte {offset}: {what}")
            }
            CaptureError::RecordTooLarge { offset, limit } => write!(
                f,
                "record at byte {offset} claims more than {limit} bytes of frame data"
            ),
            CaptureError::UnknownInterface { offset, interface } => write!(
                f,
                "packet block at byte {offset} names interface {interface}, which no interface block described"
            ),
        }
    }
}

impl std::error::Error for CaptureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CaptureError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for CaptureError {
    fn from(e: std::io::Error) -> Self {
        CaptureError::Io(e)
    }
}
