//! tcpphase: where each TCP connection of a capture stands in its life.
//!
//! Layers, data flowing one way:
//!
//! | module | what |
//! | --- | --- |
//! | [`wire`] | nom parsers: frame bytes to zero-copy header views |
//! | [`capture`] | pcap / pcapng files to frames |
//! | [`track`] | flow table, streams, connections: frames to [`track::Annotation`]s |
//! | [`phase`] | per-endpoint RFC 9293 states and each segment's label |
//! | [`reassembly`] | IP fragments to whole packets, bounded |
//! | [`summary`] | per-connection summaries, Zeek's and Wireshark's terms included |
//! | [`zeek`] | connections bounded as Zeek bounds them, for conn.log |
//!
//! ```
//! use tcpphase::track::{FrameOutcome, Tracker};
//! let mut tracker = Tracker::default();
//! let outcome = tracker.feed(1, &[0u8; 10], 0);
//! assert!(matches!(outcome, FrameOutcome::Malformed(_)));
//! ```
#![deny(missing_docs)]

pub mod capture;
pub mod phase;
pub mod reassembly;
pub mod summary;
pub mod track;
pub mod wire;
pub mod zeek;
