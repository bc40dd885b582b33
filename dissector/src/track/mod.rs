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
//! | `decoded_segment.rs` | [`DecodedSegment`], a segment its caller decoded, for [`Tracker::feed_decoded`] |
//! | `annotation.rs` | [`Annotation`], the per-segment fields of docs/labels.md |

pub mod annotation;
pub mod decoded_segment;
mod departed;
pub(crate) mod flow;
pub mod key;
pub mod snapshot;
pub mod stream_rule;
pub mod tracker;

pub use annotation::Annotation;
pub use decoded_segment::DecodedSegment;
pub use key::{FlowKey, KeySide};
pub use snapshot::EndpointSnapshot;
pub use stream_rule::StreamRule;
pub use tracker::{Config, FrameOutcome, Tracker};

/// The sizes, in bytes, of what the flow table holds per connection, for
/// memory accounting (`cargo bench -p tcpphase --bench flow_entry`) without
/// opening the table's internals.
///
/// ```
/// let sizes = tcpphase::track::EntrySizes::now();
/// assert!(sizes.entry >= sizes.record);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntrySizes {
    /// The 4-tuple key.
    pub key: usize,
    /// One table entry (stream, base sequence numbers, the connection).
    pub entry: usize,
    /// The connection record inside the entry.
    pub record: usize,
    /// The phase machine inside the record.
    pub phase: usize,
    /// One table slot: key and entry together.
    pub slot: usize,
}

impl EntrySizes {
    /// The sizes of this build.
    pub fn now() -> Self {
        use core::mem::size_of;
        EntrySizes {
            key: size_of::<FlowKey>(),
            entry: size_of::<flow::FlowEntry>(),
            record: size_of::<flow::ConnRecord>(),
            phase: size_of::<crate::phase::ConnectionPhase>(),
            slot: size_of::<(FlowKey, flow::FlowEntry)>(),
        }
    }
}
