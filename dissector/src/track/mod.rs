//! The track layer: the flow table keyed by 4-tuple, Wireshark's stream
//! numbering, connection numbering, and the annotations and summaries it
//! hands to the faces.
//!
//! | file | what |
//! | --- | --- |
//! | `key.rs` | [`FlowKey`], the direction-free 4-tuple |
//! | `flow.rs` | a table entry: stream, base sequence numbers, the current connection |
//! | `tracker.rs` | [`Tracker`]: frames in, [`Annotation`]s and summaries out |
//! | `snapshot.rs` | [`EndpointSnapshot`], each endpoint's state at a moment |
//! | `stream_rule.rs` | [`StreamRule`], Wireshark 4.0's or 4.4's stream numbering |
//! | `departed.rs` | a bounded record of 4-tuples whose entry left the table |
//! | `annotation.rs` | [`Annotation`], DESIGN's per-segment fields |

pub mod annotation;
mod departed;
pub(crate) mod flow;
pub mod key;
pub mod snapshot;
pub mod stream_rule;
pub mod tracker;

pub use annotation::Annotation;
pub use key::{FlowKey, KeySide};
pub use snapshot::EndpointSnapshot;
pub use stream_rule::StreamRule;
pub use tracker::{Config, FrameOutcome, Tracker};
