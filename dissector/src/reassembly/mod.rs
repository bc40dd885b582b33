//! IP fragment reassembly (IPv4 and IPv6), bounded in memory and time.
//!
//! The wire layer hands every fragment over as a
//! [`Decoded::Fragment`](crate::wire::Decoded::Fragment); the
//! [`Reassembler`] keeps their data until a packet is whole and then
//! rebuilds it (its IP header, then all the data) into a buffer the caller
//! owns, which decodes like a raw IP frame. The segment inside is labelled
//! on the frame that completed it, as Wireshark does.
//!
//! Bounds (see [`ReassemblyConfig`]): at most 256 packets pending, each at
//! most 65,535 bytes, so at most 16 MiB of fragment data; a packet still
//! incomplete 30 s of capture time after its first fragment is dropped,
//! and so is the oldest pending one when a new packet would exceed the
//! count. A packet whose fragments leave more than 64 separate pieces is
//! dropped. Buffers are kept and reused: past warm-up, fragments cost no
//! heap allocation.
//!
//! Overlaps: the bytes that arrived first win; a later fragment fills only
//! the holes it covers (Wireshark also keeps the first data of overlapping
//! fragments, and marks the conflict). A fragment ending past a packet's
//! already-known end, or a last fragment ending before data already seen,
//! drops the packet.
//!
//! | file | what |
//! | --- | --- |
//! | `datagram.rs` | one packet being reassembled: its pieces and bytes |
//! | `reassembler.rs` | the table of pending packets and its bounds |

mod datagram;
mod reassembler;

pub use reassembler::{Reassembler, ReassemblyConfig, ReassemblyStats};
