//! Constructed captures for scenario tests: raw IPv4 / IPv6 + TCP frames
//! built in memory (LINKTYPE_RAW, 101) and fed straight to a [`Tracker`],
//! and a [`Conversation`] that keeps each side's sequence numbers so a
//! test reads like the exchange it describes.

#![allow(dead_code)]

use core::net::{IpAddr, SocketAddr};
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Annotation, Config, FrameOutcome, Tracker};
use tcpphase::wire::TcpFlags;

/// pcap's LINKTYPE_RAW: the frame starts with the IP header.
pub const LINKTYPE_RAW: u32 = 101;

/// SYN without ACK.
pub const SYN: TcpFlags = TcpFlags::SYN;
/// SYN-ACK.
pub const SYN_ACK: TcpFlags = TcpFlags(TcpFlags::SYN.0 | TcpFlags::ACK.0);
/// A bare ACK.
pub const ACK: TcpFlags = TcpFlags::ACK;
/// Data with PSH and ACK.
pub const PSH_ACK: TcpFlags = TcpFlags(TcpFlags::PSH.0 | TcpFlags::ACK.0);
/// FIN with ACK.
pub const FIN_ACK: TcpFlags = TcpFlags(TcpFlags::FIN.0 | TcpFlags::ACK.0);
/// RST without ACK.
pub const RST: TcpFlags = TcpFlags::RST;
/// RST with ACK.
pub const RST_ACK: TcpFlags = TcpFlags(TcpFlags::RST.0 | TcpFlags::ACK.0);

/// One TCP segment to put on the wire.
#[derive(Debug, Clone, Copy)]
pub struct SegmentSpec {
    /// Source address and port.
    pub src: SocketAddr,
    /// Destination address and port.
    pub dst: SocketAddr,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number (written as given, ACK flag or not).
    pub ack: u32,
    /// TCP flags (the AE bit included).
    pub flags: TcpFlags,
    /// Payload length; the payload is zeros.
    pub len: u32,
}

/// Writes the raw IP + TCP frame of `seg` into `out` (cleared first).
/// Checksums are left zero: tcpphase does not verify them.
pub fn write_frame(seg: &SegmentSpec, out: &mut Vec<u8>) {
    out.clear();
    let tcp_len = 20 + seg.len as usize;
    match (seg.src.ip(), seg.dst.ip()) {
        (IpAddr::V4(src), IpAddr::V4(dst)) => {
            let total = u16::try_from(20 + tcp_len).expect("segment fits an IPv4 packet");
            out.extend_from_slice(&[0x45, 0]);
            out.extend_from_slice(&total.to_be_bytes());
            out.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
            out.extend_from_slice(&src.octets());
            out.extend_from_slice(&dst.octets());
        }
        (IpAddr::V6(src), IpAddr::V6(dst)) => {
            let payload = u16::try_from(tcp_len).expect("segment fits an IPv6 packet");
            out.extend_from_slice(&[0x60, 0, 0, 0]);
            out.extend_from_slice(&payload.to_be_bytes());
            out.extend_from_slice(&[6, 64]);
            out.extend_from_slice(&src.octets());
            out.extend_from_slice(&dst.octets());
        }
        _ => panic!("both ends of a segment use the same IP version"),
    }
    out.extend_from_slice(&seg.src.port().to_be_bytes());
    out.extend_from_slice(&seg.dst.port().to_be_bytes());
    out.extend_from_slice(&seg.seq.to_be_bytes());
    out.extend_from_slice(&seg.ack.to_be_bytes());
    // Data offset 5 words; the AE bit sits in the low bit of that byte.
    out.push(0x50 | (seg.flags.0 >> 8) as u8);
    out.push(seg.flags.0 as u8);
    out.extend_from_slice(&[0xff, 0xff, 0, 0, 0, 0]);
    out.resize(out.len() + seg.len as usize, 0);
}

/// Which end of a [`Conversation`] sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The endpoint that opens (or is meant to be taken for the client).
    Client,
    /// The other endpoint.
    Server,
}

pub use Side::{Client, Server};

impl Side {
    fn index(self) -> usize {
        self as usize
    }
}

/// Default gap between two frames of a conversation: 100 µs.
pub const FRAME_GAP_NS: u64 = 100_000;

/// A tracker fed frame by frame, with one conversation between two
/// endpoints whose sequence numbers it keeps: by default each segment
/// carries the sender's next sequence number and acknowledges everything
/// the peer has sent so far (segments are delivered as they are sent).
pub struct Conversation {
    /// The tracker under test.
    pub tracker: Tracker,
    /// `[client, server]` addresses.
    pub addrs: [SocketAddr; 2],
    /// Next sequence number each side sends.
    next: [u32; 2],
    /// Capture time of the next frame, ns.
    pub now_ns: u64,
    /// Summaries the tracker has emitted so far.
    pub summaries: Vec<ConnSummary>,
    buf: Vec<u8>,
}

impl Conversation {
    /// A conversation between `client` and `server` (`"10.0.0.1:40000"`),
    /// whose SYNs will carry `client_isn` and `server_isn`.
    pub fn new(client: &str, server: &str, client_isn: u32, server_isn: u32) -> Self {
        Conversation {
            tracker: Tracker::new(Config::default()),
            addrs: [
                client.parse().expect("client address"),
                server.parse().expect("server address"),
            ],
            next: [client_isn, server_isn],
            now_ns: 1_700_000_000_000_000_000,
            summaries: Vec::new(),
            buf: Vec::new(),
        }
    }

    /// The same conversation, its tracker numbering streams by `rule`.
    pub fn with_stream_rule(mut self, rule: tcpphase::track::StreamRule) -> Self {
        self.tracker = Tracker::new(Config {
            stream_rule: rule,
            ..Config::default()
        });
        self
    }

    /// Starts both sides again at new initial sequence numbers (a new
    /// connection on the same 4-tuple).
    pub fn restart(&mut self, client_isn: u32, server_isn: u32) {
        self.next = [client_isn, server_isn];
    }

    /// The next sequence number `side` sends.
    pub fn next_seq(&self, side: Side) -> u32 {
        self.next[side.index()]
    }

    /// Lets `ns` of capture time pass before the next frame.
    pub fn wait_ns(&mut self, ns: u64) {
        self.now_ns += ns;
    }

    /// `side` sends a segment at its next sequence number, acknowledging
    /// all the peer has sent.
    pub fn send(&mut self, side: Side, flags: TcpFlags, len: u32) -> Annotation {
        let peer = 1 - side.index();
        let ack = if flags.ack() { self.next[peer] } else { 0 };
        self.send_at(side, flags, len, self.next[side.index()], ack)
    }

    /// `side` sends a segment at its next sequence number with an
    /// acknowledgment number of the test's choosing (the peer's segment
    /// is still in flight, or was lost).
    pub fn send_acking(&mut self, side: Side, flags: TcpFlags, len: u32, ack: u32) -> Annotation {
        self.send_at(side, flags, len, self.next[side.index()], ack)
    }

    /// `side` sends a segment with explicit numbers; its next sequence
    /// number moves past the segment when the segment reaches beyond it
    /// (so resending old sequence space leaves it where it was).
    pub fn send_at(
        &mut self,
        side: Side,
        flags: TcpFlags,
        len: u32,
        seq: u32,
        ack: u32,
    ) -> Annotation {
        let i = side.index();
        let seq_len = len + u32::from(flags.syn()) + u32::from(flags.fin());
        let end = seq.wrapping_add(seq_len);
        if (end.wrapping_sub(self.next[i]) as i32) > 0 {
            self.next[i] = end;
        }
        let spec = SegmentSpec {
            src: self.addrs[i],
            dst: self.addrs[1 - i],
            seq,
            ack,
            flags,
            len,
        };
        write_frame(&spec, &mut self.buf);
        let outcome = self.tracker.feed(LINKTYPE_RAW, &self.buf, self.now_ns);
        self.now_ns += FRAME_GAP_NS;
        while let Some(s) = self.tracker.next_summary() {
            self.summaries.push(s);
        }
        match outcome {
            FrameOutcome::Segment(a) => a,
            other => panic!("a constructed segment did not decode: {other:?}"),
        }
    }

    /// A frame of other traffic (a UDP datagram between other hosts): capture
    /// time passes for the tracker without a segment of this conversation.
    pub fn other_traffic(&mut self) {
        let udp = [
            0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2, 0, 53, 0, 53,
            0, 8, 0, 0,
        ];
        let outcome = self.tracker.feed(LINKTYPE_RAW, &udp, self.now_ns);
        assert!(matches!(outcome, FrameOutcome::NotTcp), "{outcome:?}");
        self.now_ns += FRAME_GAP_NS;
        while let Some(s) = self.tracker.next_summary() {
            self.summaries.push(s);
        }
    }

    /// Ends the capture; returns every summary, in the order emitted.
    pub fn finish(mut self) -> Vec<ConnSummary> {
        self.tracker.finish();
        while let Some(s) = self.tracker.next_summary() {
            self.summaries.push(s);
        }
        self.summaries
    }
}
