//! The track layer: the flow table keyed by 4-tuple, Wireshark's stream
//! numbering, connection numbering, and the annotations and summaries it
//! hands to the faces.
//!
//! | file | what |
//! | --- | --- |
//! | `key.rs` | [`FlowKey`], the direction-free 4-tuple |
//! | `flow.rs` | a table entry: stream, base sequence numbers, the current connection |
//! | `tracker.rs` | [`Tracker`]: frames in, [`Annotation`]s and summaries out |
//! | `decoded_segment.rs` | [`DecodedSegment`], a segment its caller decoded, for [`Tracker::feed_decoded`] |
//! | `annotation.rs` | [`Annotation`], DESIGN's per-segment fields |

pub mod annotation;
pub mod decoded_segment;
pub mod flow;
pub mod key;
pub mod tracker;

pub use annotation::Annotation;
pub use decoded_segment::DecodedSegment;
pub use key::{FlowKey, KeySide};
pub use tracker::{Config, FrameOutcome, Tracker};
