//! A TCP segment someone else decoded: the values a packet analyzer (Wireshark,
//! a DPDK or eBPF program) already read from the headers, with no frame bytes.

use crate::wire::{SeqNumber, TcpFlags, TcpOptions};
use core::net::SocketAddr;

/// One TCP segment as its caller decoded it, for
/// [`Tracker::feed_decoded`](super::Tracker::feed_decoded).
///
/// ```
/// use tcpphase::track::{DecodedSegment, Tracker};
/// use tcpphase::wire::{SeqNumber, TcpFlags, TcpOptions};
/// let syn = DecodedSegment {
///     src: "10.0.0.1:40000".parse().unwrap(),
///     dst: "10.0.0.2:80".parse().unwrap(),
///     seq: SeqNumber(1),
///     ack: SeqNumber(0),
///     flags: TcpFlags::SYN,
///     window: 65535,
///     payload_len: 0,
///     options: TcpOptions::new(&[2, 4, 0x05, 0xb4]),
/// };
/// let mut tracker = Tracker::default();
/// let a = tracker.feed_decoded(1, 0, &syn, 7);
/// assert_eq!((a.stream, a.step.name(), a.client_state.name()), (7, "syn", "SYN-SENT"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodedSegment<'a> {
    /// Sender's address and port.
    pub src: SocketAddr,
    /// Receiver's address and port.
    pub dst: SocketAddr,
    /// Sequence number, absolute (as on the wire).
    pub seq: SeqNumber,
    /// Acknowledgment number, absolute; read only when `flags` has ACK.
    pub ack: SeqNumber,
    /// The flag bits.
    pub flags: TcpFlags,
    /// The window field, not scaled.
    pub window: u16,
    /// Payload length the IP header announces (what the sender sent).
    pub payload_len: u32,
    /// The option bytes as captured (the header after its first 20 bytes);
    /// empty when the caller has none.
    pub options: TcpOptions<'a>,
}
