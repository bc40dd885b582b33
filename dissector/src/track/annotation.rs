//! The annotation of one segment: the fields of docs/labels.md plus the segment's facts.

use crate::phase::{AnomalyFlags, Closer, Direction, Phase, Step, TcpState};
use crate::wire::TcpFlags;
use core::net::SocketAddr;

/// Everything tcpphase says about one TCP segment. Field names are
/// docs/labels.md's: the same in the CLI's JSON, the C ABI and Wireshark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Annotation {
    /// 1-based frame number in the capture.
    pub frame: u64,
    /// Capture time, ns since the epoch.
    pub ts_ns: u64,
    /// Wireshark's stream index.
    pub stream: u64,
    /// The connection (RFC 9293 sense), 0-based.
    pub conn: u64,
    /// Direction: client to server or back.
    pub dir: Direction,
    /// Phase of the segment.
    pub phase: Phase,
    /// Step within the phase.
    pub step: Step,
    /// The client's state right after the segment.
    pub client_state: TcpState,
    /// The server's state right after the segment.
    pub server_state: TcpState,
    /// The sender's role in the close.
    pub closer: Closer,
    /// Anomaly markers.
    pub flags: AnomalyFlags,
    /// The client was guessed (no SYN seen).
    pub origin_guessed: bool,
    /// Source address and port.
    pub src: SocketAddr,
    /// Destination address and port.
    pub dst: SocketAddr,
    /// The TCP flags.
    pub tcp_flags: TcpFlags,
    /// Sequence number relative to the sender's first (as Wireshark shows it).
    pub seq: u32,
    /// Acknowledgment number relative to the receiver's first (0 without ACK).
    pub ack: u32,
    /// Payload length.
    pub len: u32,
    /// Raw window field.
    pub window: u16,
}
