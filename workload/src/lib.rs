//! A deterministic workload: many interleaved TCP connections with a
//! realistic mix of endings, as Ethernet frames with timestamps.
//!
//! Frames are built with etherparse's `PacketBuilder` and written as pcap
//! with pcap-parser's serializer. The same seed gives the same bytes.
//!
//! ```
//! use tcpphase_workload::{Workload, WorkloadConfig};
//! let frames: Vec<_> = Workload::new(WorkloadConfig { connections: 20, ..Default::default() }).collect();
//! assert!(frames.len() > 100);
//! let again: Vec<_> = Workload::new(WorkloadConfig { connections: 20, ..Default::default() }).collect();
//! assert_eq!(frames, again);
//! ```
#![deny(missing_docs)]

pub mod script;

use etherparse::{PacketBuilder, TcpOptionElement};
use pcap_parser::{LegacyPcapBlock, Linktype, PcapHeader, ToVec};
use script::{Ending, Sender, Step};
use std::io::Write;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkloadConfig {
    /// Seed of the pseudo-random choices.
    pub seed: u64,
    /// How many connections in all.
    pub connections: u64,
    /// How many connections are open at once (interleaved).
    pub concurrency: usize,
    /// Share of IPv6 connections (0.0 to 1.0).
    pub ipv6_share: f64,
    /// Capture time between two frames, ns.
    pub frame_gap_ns: u64,
    /// How many of the connections are left open at the end of the
    /// capture (a handshake and one exchange of data, never closed),
    /// spread evenly among the others: the live connections a tracker
    /// still holds when the capture ends. At most `connections`.
    pub left_open: u64,
}

impl Default for WorkloadConfig {
    fn default() -> Self {
        WorkloadConfig {
            seed: 1,
            connections: 1000,
            concurrency: 64,
            ipv6_share: 0.1,
            frame_gap_ns: 100_000,
            left_open: 0,
        }
    }
}

/// One generated frame: Ethernet bytes and capture time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Capture time, ns since the epoch.
    pub ts_ns: u64,
    /// The Ethernet frame.
    pub bytes: Vec<u8>,
}

struct Live {
    index: u64,
    ipv6: bool,
    steps: Vec<Step>,
    next: usize,
}

/// The frames of a workload, generated one at a time: memory holds only
/// the connections open at once, so it can stream any number of them.
pub struct Workload {
    config: WorkloadConfig,
    rng: fastrand::Rng,
    live: Vec<Live>,
    started: u64,
    ts_ns: u64,
}

impl Workload {
    /// A workload with these settings.
    pub fn new(config: WorkloadConfig) -> Self {
        Workload {
            rng: fastrand::Rng::with_seed(config.seed),
            config,
            live: Vec::with_capacity(config.concurrency),
            started: 0,
            ts_ns: 1_700_000_000_000_000_000,
        }
    }

    fn start_connection(&mut self) {
        let index = self.started;
        self.started += 1;
        let ending = if self.left_open(index) {
            Ending::Open
        } else {
            Ending::ALL[self.rng.usize(..Ending::ALL.len())]
        };
        let ipv6 = self.rng.f64() < self.config.ipv6_share;
        let steps = script::steps(ending, &mut self.rng);
        self.live.push(Live {
            index,
            ipv6,
            steps,
            next: 0,
        });
    }

    /// Whether connection `index` is one of the `left_open` ones: they
    /// fall evenly over the connections, one where `index * left_open /
    /// connections` steps up.
    fn left_open(&self, index: u64) -> bool {
        let (open, all) = (
            u128::from(self.config.left_open.min(self.config.connections)),
            u128::from(self.config.connections),
        );
        let i = u128::from(index);
        (i + 1) * open / all != i * open / all
    }

    /// Writes the whole workload as a pcap file; returns the frame count.
    pub fn write_pcap<W: Write>(self, out: &mut W) -> std::io::Result<u64> {
        let header = PcapHeader {
            network: Linktype::ETHERNET,
            snaplen: 65535,
            ..PcapHeader::new()
        };
        out.write_all(&header.to_vec_raw().map_err(std::io::Error::other)?)?;
        let mut count = 0;
        for frame in self {
            let block = LegacyPcapBlock {
                ts_sec: (frame.ts_ns / 1_000_000_000) as u32,
                ts_usec: ((frame.ts_ns % 1_000_000_000) / 1000) as u32,
                caplen: frame.bytes.len() as u32,
                origlen: frame.bytes.len() as u32,
                data: &frame.bytes,
            };
            out.write_all(&block.to_vec_raw().map_err(std::io::Error::other)?)?;
            count += 1;
        }
        Ok(count)
    }
}

impl Iterator for Workload {
    type Item = Frame;

    fn next(&mut self) -> Option<Frame> {
        while self.live.len() < self.config.concurrency && self.started < self.config.connections {
            self.start_connection();
        }
        if self.live.is_empty() {
            return None;
        }
        let slot = self.rng.usize(..self.live.len());
        let conn = &mut self.live[slot];
        let step = conn.steps[conn.next];
        conn.next += 1;
        let bytes = build_frame(conn.index, conn.ipv6, &step);
        if conn.next == conn.steps.len() {
            self.live.swap_remove(slot);
        }
        self.ts_ns += self.config.frame_gap_ns;
        Some(Frame {
            ts_ns: self.ts_ns,
            bytes,
        })
    }
}

/// The client and server of connection `index`: a unique client address
/// and port per connection, a few servers on well-known ports.
fn endpoints(index: u64, ipv6: bool) -> ([u8; 16], u16, [u8; 16], u16) {
    let a = ((index >> 16) & 0xff) as u8;
    let b = ((index >> 8) & 0xff) as u8;
    let c = (index & 0xff) as u8;
    let client_port = 1024 + ((index >> 24) as u16 % 60000) + (index % 7) as u16;
    let server_port = [80, 443, 8080, 22][(index % 4) as usize];
    let server_host = (index % 16) as u8 + 1;
    if ipv6 {
        let mut client = [0u8; 16];
        client[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        client[13..].copy_from_slice(&[a, b, c]);
        let mut server = [0u8; 16];
        server[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        server[4] = 0xff;
        server[15] = server_host;
        (client, client_port, server, server_port)
    } else {
        let mut client = [0u8; 16];
        client[..4].copy_from_slice(&[10, a, b, c]);
        let mut server = [0u8; 16];
        server[..4].copy_from_slice(&[192, 0, 2, server_host]);
        (client, client_port, server, server_port)
    }
}

fn build_frame(index: u64, ipv6: bool, step: &Step) -> Vec<u8> {
    let (client, cport, server, sport) = endpoints(index, ipv6);
    let (src, sp, dst, dp) = match step.sender {
        Sender::Client => (client, cport, server, sport),
        Sender::Server => (server, sport, client, cport),
    };
    let eth = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]);
    let ip = if ipv6 {
        eth.ipv6(src, dst, 64)
    } else {
        let mut s4 = [0u8; 4];
        s4.copy_from_slice(&src[..4]);
        let mut d4 = [0u8; 4];
        d4.copy_from_slice(&dst[..4]);
        eth.ipv4(s4, d4, 64)
    };
    let mut tcp = ip.tcp(sp, dp, step.seq, 64240);
    if step.syn {
        tcp = tcp.syn();
        tcp = tcp
            .options(&[
                TcpOptionElement::MaximumSegmentSize(1460),
                TcpOptionElement::SelectiveAcknowledgementPermitted,
                TcpOptionElement::Timestamp(step.seq, 0),
                TcpOptionElement::Noop,
                TcpOptionElement::WindowScale(7),
            ])
            .unwrap_or_else(|_| unreachable!("these options fit in 40 bytes"));
    }
    if let Some(ack) = step.ack {
        tcp = tcp.ack(ack);
    }
    if step.fin {
        tcp = tcp.fin();
    }
    if step.rst {
        tcp = tcp.rst();
    }
    if step.len > 0 {
        tcp = tcp.psh();
    }
    let payload = vec![b'x'; step.len as usize];
    let mut bytes = Vec::with_capacity(tcp.size(payload.len()));
    tcp.write(&mut bytes, &payload)
        .unwrap_or_else(|_| unreachable!("a Vec grows"));
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Per connection (by client address and port): whether any of its
    /// segments carries FIN or RST.
    fn closing(config: WorkloadConfig) -> HashMap<(Vec<u8>, u16), bool> {
        let mut conns: HashMap<(Vec<u8>, u16), bool> = HashMap::new();
        for frame in Workload::new(config) {
            let p = etherparse::SlicedPacket::from_ethernet(&frame.bytes).expect("a valid frame");
            let (src, dst) = match p.net {
                Some(etherparse::NetSlice::Ipv4(ip)) => (
                    ip.header().source().to_vec(),
                    ip.header().destination().to_vec(),
                ),
                Some(etherparse::NetSlice::Ipv6(ip)) => (
                    ip.header().source().to_vec(),
                    ip.header().destination().to_vec(),
                ),
                _ => panic!("an IP frame"),
            };
            let Some(etherparse::TransportSlice::Tcp(tcp)) = p.transport else {
                panic!("a TCP frame")
            };
            // The client's port is the one that is not a server's.
            let client = if [80, 443, 8080, 22].contains(&tcp.destination_port()) {
                (src, tcp.source_port())
            } else {
                (dst, tcp.destination_port())
            };
            *conns.entry(client).or_default() |= tcp.fin() || tcp.rst();
        }
        conns
    }

    #[test]
    fn left_open_connections_never_close_and_the_others_all_do() {
        let config = WorkloadConfig {
            connections: 300,
            concurrency: 32,
            left_open: 70,
            ..WorkloadConfig::default()
        };
        let conns = closing(config);
        assert_eq!(conns.len(), 300);
        assert_eq!(conns.values().filter(|closed| !**closed).count(), 70);
        // All left open, and more asked than there are connections.
        let all = closing(WorkloadConfig {
            left_open: 1000,
            ..config
        });
        assert_eq!(all.len(), 300);
        assert!(all.values().all(|closed| !closed));
        // None asked: every connection ends.
        let none = closing(WorkloadConfig {
            left_open: 0,
            ..config
        });
        assert!(none.values().all(|closed| *closed));
    }
}
