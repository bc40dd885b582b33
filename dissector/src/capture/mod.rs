//! Capture files: pcap and pcapng, streamed from any reader, through the
//! rusticata `pcap-parser` crate.
//!
//! | file | what |
//! | --- | --- |
//! | `reader.rs` | [`CaptureReader`]: frames with link type and timestamp |
//! | `error.rs` | [`CaptureError`]: damage and where it is |

pub mod error;
pub mod reader;

pub use error::CaptureError;
pub use reader::{CaptureFormat, CaptureReader, CapturedFrame};
