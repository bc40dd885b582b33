//! The phase layer: per-endpoint RFC 9293 states and the label of each
//! segment. It never touches raw bytes: its input is `SegmentFacts`.
//!
//! | file | what |
//! | --- | --- |
//! | `state.rs` | [`TcpState`], the RFC 9293 states and their spellings |
//! | `label.rs` | [`Phase`], [`Step`], [`Direction`], [`Closer`], [`AnomalyFlags`] |
//! | `segment.rs` | `SegmentFacts`, the input (crate-internal) |
//! | `endpoint.rs` | `Endpoint`, what is known of one side (crate-internal) |
//! | `connection.rs` | `ConnectionPhase`, the machine that labels segments (crate-internal) |

pub(crate) mod connection;
pub(crate) mod endpoint;
pub mod label;
pub(crate) mod segment;
pub mod state;

pub(crate) use connection::{ConnectionPhase, Ending, Opening};
pub use label::{AnomalyFlags, Closer, Direction, Phase, Step};
pub(crate) use segment::SegmentFacts;
pub use state::TcpState;
