//! Builds field-style captures in test code: the IP packets of a capture,
//! wrapped in each encapsulation and tunnel tcpphase reads, or cut into IP
//! fragments, and written as pcap files that tshark reads too.

#![allow(dead_code)]

use std::path::Path;
use tcpphase::capture::CaptureReader;
use tcpphase::track::{Annotation, Config, FrameOutcome, Tracker};
use tcpphase::wire::{decode_frame_linktype, Decoded, IpHeader};

/// One IP packet of a capture with its time.
#[derive(Debug, Clone)]
pub struct Packet {
    /// Capture time, ns.
    pub ts_ns: u64,
    /// The IP packet (IPv4 or IPv6 header first), without link padding.
    pub ip: Vec<u8>,
}

impl Packet {
    /// Whether the packet is IPv6.
    pub fn is_v6(&self) -> bool {
        self.ip[0] >> 4 == 6
    }
}

/// The IP packets of every TCP segment of a capture, in capture order.
pub fn tcp_packets(path: &Path) -> Vec<Packet> {
    let file = std::fs::File::open(path).expect("open capture");
    let mut reader = CaptureReader::new(std::io::BufReader::new(file)).expect("capture header");
    let mut out = Vec::new();
    while let Ok(Some(frame)) = reader.next_frame() {
        let Ok(Decoded::Tcp(segment)) = decode_frame_linktype(frame.linktype, frame.data) else {
            continue;
        };
        let (header_len, total) = match segment.ip {
            IpHeader::V4(h) => (h.header_len, usize::from(h.total_len)),
            IpHeader::V6(h) => (40 + h.extensions.len(), 40 + usize::from(h.payload_len)),
        };
        let start = segment.tcp_offset - header_len;
        let end = (start + total).min(frame.data.len());
        out.push(Packet {
            ts_ns: frame.ts_ns,
            ip: frame.data[start..end].to_vec(),
        });
    }
    out
}

/// A pcap file in memory: LINKTYPE and records.
pub struct PcapFile {
    /// The link type of every record.
    pub linktype: u32,
    /// (capture time in ns, frame bytes).
    pub frames: Vec<(u64, Vec<u8>)>,
}

impl PcapFile {
    /// The file's bytes (classic pcap, microseconds, little endian).
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        out.extend_from_slice(&2u16.to_le_bytes());
        out.extend_from_slice(&4u16.to_le_bytes());
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&262_144u32.to_le_bytes());
        out.extend_from_slice(&self.linktype.to_le_bytes());
        for (ts, data) in &self.frames {
            out.extend_from_slice(&((ts / 1_000_000_000) as u32).to_le_bytes());
            out.extend_from_slice(&((ts % 1_000_000_000 / 1000) as u32).to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(data);
        }
        out
    }

    /// Writes the file.
    pub fn write(&self, path: &Path) {
        std::fs::write(path, self.bytes()).expect("write pcap");
    }

    /// Runs the tracker over the frames: the annotations, in order.
    pub fn annotations(&self) -> Vec<Annotation> {
        let mut tracker = Tracker::new(Config::default());
        let mut out = Vec::new();
        for (ts, data) in &self.frames {
            match tracker.feed(self.linktype, data, *ts) {
                FrameOutcome::Segment(a) => out.push(a),
                FrameOutcome::Malformed(e) => panic!("linktype {}: malformed: {e}", self.linktype),
                FrameOutcome::NotTcp => {}
            }
        }
        out
    }
}

/// An encapsulation or tunnel to wrap IP packets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrap {
    /// No wrapping: raw IP (LINKTYPE_RAW).
    Raw,
    /// PPP with HDLC-like framing (LINKTYPE_PPP).
    Ppp,
    /// PPP without address and control, compressed protocol (LINKTYPE_PPP_HDLC is
    /// the framed one; this is LINKTYPE_PPP unframed).
    PppUnframed,
    /// PPPoE session over Ethernet.
    PppoeEthernet,
    /// LINKTYPE_PPP_ETHER.
    PppEther,
    /// Cisco HDLC.
    CiscoHdlc,
    /// NFLOG.
    Nflog,
    /// Radiotap + 802.11 QoS data + LLC/SNAP.
    Radiotap,
    /// Ethernet / IPv4 / GRE / IP.
    Gre,
    /// Ethernet / IPv4 / GRE / ERSPAN type I / Ethernet.
    ErspanI,
    /// Ethernet / IPv4 / GRE / ERSPAN type II / Ethernet.
    ErspanII,
    /// Ethernet / IPv4 / GRE / ERSPAN type III (with platform subheader) / Ethernet.
    ErspanIII,
    /// Ethernet / IPv4 / UDP 4789 / VXLAN / Ethernet.
    Vxlan,
    /// Ethernet / IPv6 / UDP 6081 / Geneve with an option / Ethernet.
    Geneve,
    /// Ethernet / IPv4 / IP (IP-in-IP or IPv6-in-IP by the inner version).
    IpInIp,
    /// Ethernet / IPv6 / IP.
    IpInIpv6,
    /// VXLAN inside GRE: Ethernet / IPv4 / GRE / IPv4 / UDP / VXLAN / Ethernet.
    VxlanInGre,
}

impl Wrap {
    /// Every wrapping.
    pub const ALL: [Wrap; 17] = [
        Wrap::Raw,
        Wrap::Ppp,
        Wrap::PppUnframed,
        Wrap::PppoeEthernet,
        Wrap::PppEther,
        Wrap::CiscoHdlc,
        Wrap::Nflog,
        Wrap::Radiotap,
        Wrap::Gre,
        Wrap::ErspanI,
        Wrap::ErspanII,
        Wrap::ErspanIII,
        Wrap::Vxlan,
        Wrap::Geneve,
        Wrap::IpInIp,
        Wrap::IpInIpv6,
        Wrap::VxlanInGre,
    ];

    /// The pcap link type of the wrapped frames.
    pub fn linktype(self) -> u32 {
        match self {
            Wrap::Raw => 101,
            Wrap::Ppp | Wrap::PppUnframed => 9,
            Wrap::PppEther => 51,
            Wrap::CiscoHdlc => 104,
            Wrap::Nflog => 239,
            Wrap::Radiotap => 127,
            _ => 1,
        }
    }

    /// Wraps one IP packet.
    pub fn frame(self, ip: &[u8]) -> Vec<u8> {
        let v6 = ip[0] >> 4 == 6;
        let ethertype: u16 = if v6 { 0x86dd } else { 0x0800 };
        let ppp: u16 = if v6 { 0x0057 } else { 0x0021 };
        let mut f = Vec::new();
        match self {
            Wrap::Raw => f.extend_from_slice(ip),
            Wrap::Ppp => {
                f.extend_from_slice(&[0xff, 0x03]);
                f.extend_from_slice(&ppp.to_be_bytes());
                f.extend_from_slice(ip);
            }
            Wrap::PppUnframed => {
                f.push(ppp as u8);
                f.extend_from_slice(ip);
            }
            Wrap::PppoeEthernet => {
                f.extend_from_slice(&ethernet(0x8864));
                f.extend_from_slice(&pppoe(ip.len()));
                f.extend_from_slice(&ppp.to_be_bytes());
                f.extend_from_slice(ip);
            }
            Wrap::PppEther => {
                f.extend_from_slice(&pppoe(ip.len()));
                f.extend_from_slice(&ppp.to_be_bytes());
                f.extend_from_slice(ip);
            }
            Wrap::CiscoHdlc => {
                f.extend_from_slice(&[0x0f, 0x00]);
                f.extend_from_slice(&ethertype.to_be_bytes());
                f.extend_from_slice(ip);
            }
            Wrap::Nflog => {
                f.extend_from_slice(&[if v6 { 10 } else { 2 }, 0, 0, 0]);
                // NFULA_PACKET_HDR (type 1): hw protocol, hook, pad.
                f.extend_from_slice(&8u16.to_le_bytes());
                f.extend_from_slice(&1u16.to_le_bytes());
                f.extend_from_slice(&ethertype.to_be_bytes());
                f.extend_from_slice(&[1, 0]);
                // NFULA_PREFIX (type 10): "tcp\0".
                f.extend_from_slice(&8u16.to_le_bytes());
                f.extend_from_slice(&10u16.to_le_bytes());
                f.extend_from_slice(b"tcp\0");
                // NFULA_PAYLOAD (type 9), padded to 4 bytes.
                f.extend_from_slice(&((4 + ip.len()) as u16).to_le_bytes());
                f.extend_from_slice(&9u16.to_le_bytes());
                f.extend_from_slice(ip);
                while f.len() % 4 != 0 {
                    f.push(0);
                }
            }
            Wrap::Radiotap => {
                // Radiotap: version 0, length 12, present TSFT? no: Flags + Rate.
                f.extend_from_slice(&[0, 0, 12, 0, 0x06, 0, 0, 0, 0x00, 0x0c, 0, 0]);
                // 802.11 QoS data, from DS: fc, duration, 3 addresses, seq, QoS.
                f.extend_from_slice(&[0x88, 0x02, 0x2c, 0x00]);
                f.extend_from_slice(&[0x02, 0, 0, 0, 0, 1]);
                f.extend_from_slice(&[0x02, 0, 0, 0, 0, 2]);
                f.extend_from_slice(&[0x02, 0, 0, 0, 0, 3]);
                f.extend_from_slice(&[0x10, 0x00, 0x00, 0x00]);
                f.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0]);
                f.extend_from_slice(&ethertype.to_be_bytes());
                f.extend_from_slice(ip);
            }
            Wrap::Gre => {
                let mut gre = vec![0x00, 0x00];
                gre.extend_from_slice(&ethertype.to_be_bytes());
                gre.extend_from_slice(ip);
                f = ethernet_ipv4(47, &gre);
            }
            Wrap::ErspanI | Wrap::ErspanII | Wrap::ErspanIII => {
                let mut gre = match self {
                    Wrap::ErspanI => vec![0x00, 0x00, 0x88, 0xbe],
                    Wrap::ErspanII => vec![0x10, 0x00, 0x88, 0xbe, 0, 0, 0, 9],
                    _ => vec![0x10, 0x00, 0x22, 0xeb, 0, 0, 0, 9],
                };
                match self {
                    Wrap::ErspanII => {
                        gre.extend_from_slice(&[0x10, 0x05, 0x00, 0x2a, 0, 0, 0, 0]);
                    }
                    Wrap::ErspanIII => {
                        gre.extend_from_slice(&[0x20, 0x05, 0x00, 0x2a]);
                        gre.extend_from_slice(&[0x12, 0x34, 0x56, 0x78]);
                        // SGT, P=0, FT=0 (Ethernet), HW id, D, Gra, O=1.
                        gre.extend_from_slice(&[0x00, 0x00, 0x00, 0x01]);
                        gre.extend_from_slice(&[0x08, 0, 0, 0, 0, 0, 0, 0]);
                    }
                    _ => {}
                }
                gre.extend_from_slice(&ethernet(ethertype));
                gre.extend_from_slice(ip);
                f = ethernet_ipv4(47, &gre);
            }
            Wrap::Vxlan => f = ethernet_ipv4(17, &vxlan(ip)),
            Wrap::Geneve => {
                let mut geneve = vec![0x02, 0x00, 0x65, 0x58, 0, 0, 7, 0];
                // One option: class 0x0102, type 1, 4 bytes of data.
                geneve.extend_from_slice(&[0x01, 0x02, 0x01, 0x01, 1, 2, 3, 4]);
                geneve.extend_from_slice(&ethernet(ethertype));
                geneve.extend_from_slice(ip);
                f = ethernet_ipv6(17, &udp(40000, 6081, &geneve));
            }
            Wrap::IpInIp => f = ethernet_ipv4(if v6 { 41 } else { 4 }, ip),
            Wrap::IpInIpv6 => f = ethernet_ipv6(if v6 { 41 } else { 4 }, ip),
            Wrap::VxlanInGre => {
                let inner = ipv4(17, &vxlan(ip));
                let mut gre = vec![0x20, 0x00, 0x08, 0x00, 0, 0, 0, 5];
                gre.extend_from_slice(&inner);
                f = ethernet_ipv4(47, &gre);
            }
        }
        f
    }
}

fn pppoe(ip_len: usize) -> [u8; 6] {
    let len = (ip_len + 2) as u16;
    [0x11, 0x00, 0x00, 0x2a, (len >> 8) as u8, len as u8]
}

fn ethernet(ethertype: u16) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa];
    f.extend_from_slice(&ethertype.to_be_bytes());
    f
}

fn udp(src: u16, dst: u16, payload: &[u8]) -> Vec<u8> {
    let mut u = Vec::new();
    u.extend_from_slice(&src.to_be_bytes());
    u.extend_from_slice(&dst.to_be_bytes());
    u.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    u.extend_from_slice(&[0, 0]);
    u.extend_from_slice(payload);
    u
}

fn vxlan(ip: &[u8]) -> Vec<u8> {
    let v6 = ip[0] >> 4 == 6;
    let mut v = vec![0x08, 0, 0, 0, 0, 0x01, 0x00, 0];
    v.extend_from_slice(&ethernet(if v6 { 0x86dd } else { 0x0800 }));
    v.extend_from_slice(ip);
    udp(51234, 4789, &v)
}

/// An IPv4 packet (192.0.2.1 to 192.0.2.2) of `protocol` around `payload`.
pub fn ipv4(protocol: u8, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0, 1, 0x40, 0, 64, protocol, 0, 0]);
    p.extend_from_slice(&[192, 0, 2, 1, 192, 0, 2, 2]);
    p.extend_from_slice(payload);
    p
}

fn ethernet_ipv4(protocol: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = ethernet(0x0800);
    f.extend_from_slice(&ipv4(protocol, payload));
    f
}

fn ethernet_ipv6(next: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = ethernet(0x86dd);
    f.extend_from_slice(&[0x60, 0, 0, 0]);
    f.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    f.extend_from_slice(&[next, 64]);
    f.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    f.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    f.extend_from_slice(payload);
    f
}

/// How to cut a packet into fragments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fragmenting {
    /// In order, `size` data bytes each.
    InOrder {
        /// Data bytes per fragment (a multiple of 8).
        size: usize,
    },
    /// Last fragment first and twice (an exact overlap), then the others
    /// backwards.
    Reversed {
        /// Data bytes per fragment (a multiple of 8).
        size: usize,
    },
}

/// Cuts an IP packet (Ethernet-framed) into fragments; a packet whose data
/// fits one fragment is sent whole.
pub fn fragment(ip: &[u8], id: u32, how: Fragmenting) -> Vec<Vec<u8>> {
    let v6 = ip[0] >> 4 == 6;
    let size = match how {
        Fragmenting::InOrder { size } | Fragmenting::Reversed { size } => size,
    };
    let (header, data, next) = if v6 {
        (&ip[..40], &ip[40..], ip[6])
    } else {
        let hl = usize::from(ip[0] & 0x0f) * 4;
        (&ip[..hl], &ip[hl..], ip[9])
    };
    let mut frames = Vec::new();
    if data.len() <= size {
        let mut f = ethernet(if v6 { 0x86dd } else { 0x0800 });
        f.extend_from_slice(ip);
        return vec![f];
    }
    let mut offset = 0;
    while offset < data.len() {
        let end = (offset + size).min(data.len());
        let more = end < data.len();
        let chunk = &data[offset..end];
        let mut f = ethernet(if v6 { 0x86dd } else { 0x0800 });
        if v6 {
            let mut h = header.to_vec();
            h[4..6].copy_from_slice(&((8 + chunk.len()) as u16).to_be_bytes());
            h[6] = 44;
            f.extend_from_slice(&h);
            let off = (offset as u16) | u16::from(more);
            f.extend_from_slice(&[next, 0]);
            f.extend_from_slice(&off.to_be_bytes());
            f.extend_from_slice(&id.to_be_bytes());
        } else {
            let mut h = header.to_vec();
            h[2..4].copy_from_slice(&((header.len() + chunk.len()) as u16).to_be_bytes());
            h[4..6].copy_from_slice(&(id as u16).to_be_bytes());
            let bits = ((offset / 8) as u16) | if more { 0x2000 } else { 0 };
            h[6..8].copy_from_slice(&bits.to_be_bytes());
            f.extend_from_slice(&h);
        }
        f.extend_from_slice(chunk);
        frames.push(f);
        offset = end;
    }
    if let Fragmenting::Reversed { .. } = how {
        frames.reverse();
        let last = frames[0].clone();
        frames.insert(1, last);
    }
    frames
}
