//! Capture files: pcap and pcapng, streamed from any reader, through the
//! rusticata `pcap-parser` crate; gzip, zstd or lz4 compressed as well.
//! In a compressed capture, byte offsets count decompressed bytes.
//!
//! | file | what |
//! | --- | --- |
//! | `reader.rs` | [`CaptureReader`]: frames with link type and timestamp |
//! | `mapped.rs` | a regular file mapped into memory, walked without a read buffer |
//! | `shared.rs` | [`SharedCapture`]: one map, read by one reader and other threads in place |
//! | `decompress.rs` | [`Compression`]: gzip, zstd, lz4 by magic bytes, streamed |
//! | `error.rs` | [`CaptureError`]: damage and where it is |

pub mod decompress;
pub mod error;
mod mapped;
pub mod reader;
mod shared;

pub use decompress::Compression;
pub use error::CaptureError;
pub use reader::{CaptureFormat, CaptureReader, CapturedFrame};
pub use shared::SharedCapture;
