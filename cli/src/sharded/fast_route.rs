//! The cheap way to a frame's shard: the 4-tuple of a plain TCP segment
//! read at fixed offsets (Ethernet, up to two VLAN tags, or a raw IP link;
//! IPv4 unfragmented or IPv6 without extension headers), without decoding
//! the frame. The lead worker reads every frame's shard this way, so it
//! must cost a few instructions; anything else (tunnels, fragments, ICMP
//! errors, other links) gets `None` and takes the full decode.
//!
//! Whenever the full decode finds a TCP segment in a frame this reads, its
//! 4-tuple is the one read here, so both ways give a connection the same
//! shard. A frame read here that the full decode finds malformed goes to
//! some worker, whose tracker says so in its place.

use super::route::{endpoint_v4, endpoint_v6, Shards};

const LINKTYPE_ETHERNET: u32 = 1;
const LINKTYPE_RAW: u32 = 101;
const LINKTYPE_IPV4: u32 = 228;
const LINKTYPE_IPV6: u32 = 229;
const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERTYPE_VLAN: u16 = 0x8100;
const ETHERTYPE_QINQ: u16 = 0x88a8;
const ETHERTYPE_QINQ_OLD: u16 = 0x9100;
const PROTOCOL_TCP: u8 = 6;

/// The shard among `workers` of the frame's TCP 4-tuple, when it is a
/// plain TCP segment; `None` when the full decode must say.
#[inline]
pub(crate) fn fast_shard(linktype: u32, frame: &[u8], shards: Shards) -> Option<usize> {
    let ip_at = match linktype {
        LINKTYPE_ETHERNET => {
            let mut at = 12;
            let mut ethertype = be16(frame, at)?;
            // Up to two VLAN tags, as Q-in-Q stacks them.
            for _ in 0..2 {
                if !matches!(
                    ethertype,
                    ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_OLD
                ) {
                    break;
                }
                at += 4;
                ethertype = be16(frame, at)?;
            }
            match ethertype {
                ETHERTYPE_IPV4 | ETHERTYPE_IPV6 => at + 2,
                _ => return None,
            }
        }
        LINKTYPE_RAW | LINKTYPE_IPV4 | LINKTYPE_IPV6 => 0,
        _ => return None,
    };
    let ip = frame.get(ip_at..)?;
    let version = ip.first()? >> 4;
    let hash = match (linktype, version) {
        (LINKTYPE_IPV6, 4) | (LINKTYPE_IPV4, 6) => return None,
        (_, 4) => {
            let header = ip.get(..20)?;
            let header_len = usize::from(header[0] & 0x0f) * 4;
            // Fragments (more to come, or an offset) are reassembled first.
            let fragment = u16::from_be_bytes([header[6], header[7]]) & 0x3fff != 0;
            if header_len < 20 || fragment || header[9] != PROTOCOL_TCP {
                return None;
            }
            let ports = ip.get(header_len..header_len + 4)?;
            let src = u32::from_be_bytes([header[12], header[13], header[14], header[15]]);
            let dst = u32::from_be_bytes([header[16], header[17], header[18], header[19]]);
            shards.of_endpoints(
                endpoint_v4(src, u16::from_be_bytes([ports[0], ports[1]])),
                endpoint_v4(dst, u16::from_be_bytes([ports[2], ports[3]])),
            )
        }
        (_, 6) => {
            let header = ip.get(..40)?;
            if header[6] != PROTOCOL_TCP {
                return None;
            }
            let ports = ip.get(40..44)?;
            let addr = |at: usize| {
                let mut bytes = [0u8; 16];
                bytes.copy_from_slice(&header[at..at + 16]);
                u128::from_be_bytes(bytes)
            };
            shards.of_endpoints(
                endpoint_v6(addr(8), u16::from_be_bytes([ports[0], ports[1]])),
                endpoint_v6(addr(24), u16::from_be_bytes([ports[2], ports[3]])),
            )
        }
        _ => return None,
    };
    Some(hash)
}

/// The big-endian 16 bits at `at`.
#[inline]
fn be16(frame: &[u8], at: usize) -> Option<u16> {
    let b = frame.get(at..at + 2)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;
    use tcpphase::wire::{decode_frame_linktype, Decoded};

    /// An Ethernet frame with `vlans` tags around an IPv4 TCP segment.
    fn ethernet_v4(vlans: usize, sport: u16, flags_frag: u16, protocol: u8) -> Vec<u8> {
        let mut f = vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        for _ in 0..vlans {
            f.extend_from_slice(&[0x81, 0x00, 0x00, 0x07]);
        }
        f.extend_from_slice(&[0x08, 0x00]);
        f.extend_from_slice(&[0x46, 0, 0, 44, 0, 1]);
        f.extend_from_slice(&flags_frag.to_be_bytes());
        f.extend_from_slice(&[64, protocol, 0, 0, 10, 0, 0, 1, 192, 0, 2, 9]);
        f.extend_from_slice(&[1, 1, 0, 0]); // an option word: IHL 6
        f.extend_from_slice(&sport.to_be_bytes());
        f.extend_from_slice(&[
            0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
        ]);
        f
    }

    /// A raw IPv6 TCP segment.
    fn raw_v6(sport: u16, next: u8) -> Vec<u8> {
        let mut f = vec![0x60, 0, 0, 0, 0, 20, next, 64];
        f.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        f.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        f.extend_from_slice(&sport.to_be_bytes());
        f.extend_from_slice(&[
            0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
        ]);
        f
    }

    /// The shard the full decode gives a frame's segment.
    fn decoded_shard(linktype: u32, frame: &[u8], workers: usize) -> Option<usize> {
        match decode_frame_linktype(linktype, frame) {
            Ok(Decoded::Tcp(s)) => Some(Shards::even(workers).of(
                SocketAddr::new(s.ip.src(), s.tcp.src_port),
                SocketAddr::new(s.ip.dst(), s.tcp.dst_port),
            )),
            _ => None,
        }
    }

    #[test]
    fn plain_segments_get_the_full_decodes_shard() {
        for workers in 1..=4 {
            for sport in [1000u16, 1001, 40000, 65535] {
                for vlans in 0..=2 {
                    let f = ethernet_v4(vlans, sport, 0x4000, PROTOCOL_TCP);
                    let fast = fast_shard(LINKTYPE_ETHERNET, &f, Shards::even(workers));
                    assert!(fast.is_some());
                    assert_eq!(fast, decoded_shard(LINKTYPE_ETHERNET, &f, workers));
                }
                let f = raw_v6(sport, PROTOCOL_TCP);
                for linktype in [LINKTYPE_RAW, LINKTYPE_IPV6] {
                    let fast = fast_shard(linktype, &f, Shards::even(workers));
                    assert!(fast.is_some());
                    assert_eq!(fast, decoded_shard(linktype, &f, workers));
                }
            }
        }
    }

    /// Every frame of the snapshot captures (and of the public captures
    /// beside the repository, when there) that the cheap route reads goes
    /// where the full decode sends it.
    #[test]
    fn real_captures_route_alike_both_ways() {
        use crate::input::{read_frames, Flow, Source};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for dir in [
            root.join("snapshots/captures"),
            root.join("../shared/corpus"),
            root.join("../shared/field"),
        ] {
            let mut stack = vec![dir];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path
                        .extension()
                        .is_some_and(|e| e == "pcap" || e == "pcapng")
                    {
                        files.push(path);
                    }
                }
            }
        }
        assert!(!files.is_empty(), "no snapshot captures found");
        let (mut fast, mut decoded) = (0usize, 0usize);
        for file in &files {
            let source = Source::file(file.to_str().expect("UTF-8 path"));
            let _ = read_frames(&source, |frame| {
                let full = decoded_shard(frame.linktype, frame.data, 3);
                decoded += usize::from(full.is_some());
                if let Some(shard) = fast_shard(frame.linktype, frame.data, Shards::even(3)) {
                    fast += 1;
                    // Read cheaply, a frame the decode finds TCP in goes to
                    // the same worker; one it finds malformed may go
                    // anywhere; nothing else (a fragment, an ICMP error) is
                    // read cheaply.
                    let at = format!("{} frame {}", file.display(), frame.number);
                    match decode_frame_linktype(frame.linktype, frame.data) {
                        Ok(Decoded::Tcp(_)) => assert_eq!(Some(shard), full, "{at}"),
                        Err(_) => {}
                        Ok(other) => panic!("{at}: read cheaply, decoded as {other:?}"),
                    }
                }
                Ok(Flow::Continue)
            });
        }
        // Most segments take the cheap way.
        assert!(fast * 2 > decoded, "{fast} of {decoded}");
    }

    #[test]
    fn anything_else_takes_the_full_decode() {
        // A fragment (more fragments), a later fragment, UDP, three VLAN tags.
        assert_eq!(
            fast_shard(1, &ethernet_v4(0, 5, 0x2000, 6), Shards::even(2)),
            None
        );
        assert_eq!(
            fast_shard(1, &ethernet_v4(0, 5, 0x0010, 6), Shards::even(2)),
            None
        );
        assert_eq!(
            fast_shard(1, &ethernet_v4(0, 5, 0, 17), Shards::even(2)),
            None
        );
        assert_eq!(
            fast_shard(1, &ethernet_v4(3, 5, 0, 6), Shards::even(2)),
            None
        );
        // IPv6 with an extension header first; IPv6 bytes on an IPv4 link.
        assert_eq!(fast_shard(229, &raw_v6(5, 0), Shards::even(2)), None);
        assert_eq!(fast_shard(228, &raw_v6(5, 6), Shards::even(2)), None);
        // Cut short anywhere: no shard, no panic.
        let f = ethernet_v4(1, 5, 0, 6);
        for len in 0..f.len() {
            let cut = fast_shard(1, &f[..len], Shards::even(3));
            assert!(cut.is_none() || len >= 14 + 4 + 24 + 4, "{len}");
        }
        // A link type it does not read at fixed offsets.
        assert_eq!(fast_shard(113, &f, Shards::even(2)), None);
    }
}
