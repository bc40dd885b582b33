//! The track layer: the flow table keyed by 4-tuple, Wireshark's stream
//! numbering, connection numbering, and the annotations and summaries it
//! hands to the faces.
//!
//! | file | what |
//! | --- | --- |
//! | `key.rs` | [`FlowKey`], the direction-free 4-tuple |
//! | `compact_key.rs` | the 16-byte 4-tuple an entry holds (IPv6 addresses in a side slab) |
//! | `flow.rs` | a table entry: key, stream, base sequence numbers, the current connection, hot part first |
//! | `flow_table.rs` | the flow table: entries in a slab, found through an index |
//! | `slab.rs` | stable slots grown a chunk at a time, with a free list |
//! | `spill.rs` | the exact times and byte counts that do not fit an entry's 32 bits |
//! | `flow_index.rs` | open-addressing index of (hash, slot) buckets |
//! | `prefetch.rs` | the cache prefetch hint batched lookups use |
//! | `tracker.rs` | [`Tracker`]: frames in, [`Annotation`]s and summaries out |
//! | `snapshot.rs` | [`EndpointSnapshot`], each endpoint's state at a moment |
//! | `stream_rule.rs` | [`StreamRule`], Wireshark 4.0's or 4.4's stream numbering |
//! | `departed.rs` | a bounded record of 4-tuples whose entry left the table |
//! | `decoded_segment.rs` | [`DecodedSegment`], a segment its caller decoded, for [`Tracker::feed_decoded`] |
//! | `annotation.rs` | [`Annotation`], the per-segment fields of docs/labels.md |

pub mod annotation;
mod compact_key;
pub mod decoded_segment;
mod departed;
pub(crate) mod flow;
mod flow_index;
mod flow_table;
pub mod key;
pub(crate) mod prefetch;
mod slab;
pub mod snapshot;
mod spill;
pub mod stream_rule;
pub mod tracker;

pub use annotation::Annotation;
pub use decoded_segment::DecodedSegment;
pub use key::{FlowKey, KeySide};
pub use snapshot::EndpointSnapshot;
pub use stream_rule::StreamRule;
pub use tracker::{Config, FrameOutcome, Tracker, BATCH};

/// The sizes, in bytes, of what the flow table holds per connection, for
/// memory accounting (`cargo bench -p tcpphase --bench flow_entry`) without
/// opening the table's internals.
///
/// ```
/// let sizes = tcpphase::track::EntrySizes::now();
/// assert!(sizes.entry >= sizes.hot + sizes.zeek);
/// assert!(sizes.slot >= sizes.entry);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntrySizes {
    /// The 4-tuple key inside the entry (IPv6 addresses live beside it,
    /// see `pair`).
    pub key: usize,
    /// One place of the side slab of address pairs, for each connection
    /// whose addresses are not both IPv4.
    pub pair: usize,
    /// One table entry: key, stream, connection, counters and times.
    pub entry: usize,
    /// The entry's hot part, what a frame reads to be found and labelled:
    /// key and numbers, then the phase machine.
    pub hot: usize,
    /// The hot part ahead of the phase machine.
    pub hot_header: usize,
    /// The phase machine inside the entry.
    pub phase: usize,
    /// Zeek's bookkeeping inside the entry.
    pub zeek: usize,
    /// One slab place: an entry, or a link of the free list.
    pub slot: usize,
    /// One bucket of the index (between 1.25 and 1.9 per connection).
    pub index_bucket: usize,
}

impl EntrySizes {
    /// The sizes of this build.
    pub fn now() -> Self {
        use core::mem::size_of;
        EntrySizes {
            key: size_of::<compact_key::CompactKey>(),
            pair: flow_table::FlowTable::pair_place_size(),
            entry: size_of::<flow::FlowEntry>(),
            hot: flow::HOT_BYTES,
            hot_header: flow::HOT_HEADER_BYTES,
            phase: size_of::<crate::phase::ConnectionPhase>(),
            zeek: size_of::<crate::summary::zeek::ZeekConn>(),
            slot: flow_table::FlowTable::place_size(),
            index_bucket: flow_index::FlowIndex::BUCKET_SIZE,
        }
    }
}
