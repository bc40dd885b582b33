//! The phase layer: per-endpoint RFC 9293 states and the label of each
//! segment. It never touches raw bytes: its input is [`SegmentFacts`].
//!
//! | file | what |
//! | --- | --- |
//! | `state.rs` | [`TcpState`], the RFC 9293 states and their spellings |
//! | `label.rs` | [`Phase`], [`Step`], [`Direction`], [`Closer`], [`AnomalyFlags`] |
//! | `segment.rs` | [`SegmentFacts`], the input |
//! | `endpoint.rs` | [`Endpoint`], what is known of one side |
//! | `connection.rs` | [`ConnectionPhase`], the machine that labels segments |

pub mod connection;
pub mod endpoint;
pub mod label;
pub mod segment;
pub mod state;

pub use connection::{ConnectionPhase, Ending, Label, Opening};
pub use endpoint::Endpoint;
pub use label::{AnomalyFlags, Closer, Direction, Phase, Step};
pub use segment::SegmentFacts;
pub use state::TcpState;
