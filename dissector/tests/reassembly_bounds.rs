//! The IP fragment reassembler: what it rebuilds, how overlaps resolve,
//! and its bounds under a flood of fragments that never complete.

use tcpphase::reassembly::{Reassembler, ReassemblyConfig};
use tcpphase::wire::{decode_frame, Decoded, IpFragment, LinkType};

/// A raw IPv4 fragment (10.0.0.1 -> 10.0.0.2, protocol 6) of `data`.
fn ipv4_fragment(id: u16, offset: usize, more: bool, data: &[u8]) -> Vec<u8> {
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&((20 + data.len()) as u16).to_be_bytes());
    p.extend_from_slice(&id.to_be_bytes());
    let bits = (offset / 8) as u16 | if more { 0x2000 } else { 0 };
    p.extend_from_slice(&bits.to_be_bytes());
    p.extend_from_slice(&[64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    p.extend_from_slice(data);
    p
}

fn as_fragment(frame: &[u8]) -> IpFragment<'_> {
    match decode_frame(LinkType::Raw, frame) {
        Ok(Decoded::Fragment(f)) => f,
        other => panic!("not a fragment: {other:?}"),
    }
}

#[test]
fn overlapping_fragments_keep_the_bytes_that_came_first() {
    let mut r = Reassembler::default();
    let mut packet = Vec::new();
    let a = ipv4_fragment(1, 0, true, &[b'a'; 16]);
    let b = ipv4_fragment(1, 8, true, &[b'b'; 24]); // 8..32: overlaps a and c
    let c = ipv4_fragment(1, 24, false, &[b'c'; 16]); // 24..40
    assert!(!r.offer(&as_fragment(&a), 0, &mut packet));
    assert!(!r.offer(&as_fragment(&c), 0, &mut packet));
    assert!(r.offer(&as_fragment(&b), 0, &mut packet));
    // b only fills the hole between a and c.
    let expected = [&[b'a'; 16][..], &[b'b'; 8], &[b'c'; 16]].concat();
    assert_eq!(&packet[20..], &expected[..]);
    assert_eq!(u16::from_be_bytes([packet[2], packet[3]]), 60);
    assert_eq!(&packet[6..8], &[0, 0], "whole packet: no fragment fields");
    assert_eq!(r.stats().completed, 1);
    assert_eq!(r.pending(), 0);
}

#[test]
fn a_fragment_past_the_known_end_drops_the_packet() {
    let mut r = Reassembler::default();
    let mut packet = Vec::new();
    let last = ipv4_fragment(2, 8, false, &[0; 8]);
    let past = ipv4_fragment(2, 16, true, &[0; 8]);
    let first = ipv4_fragment(2, 0, true, &[0; 8]);
    assert!(!r.offer(&as_fragment(&last), 0, &mut packet));
    assert!(!r.offer(&as_fragment(&past), 0, &mut packet));
    assert_eq!(r.stats().dropped, 1);
    // The first fragment then starts a new packet that lacks its end.
    assert!(!r.offer(&as_fragment(&first), 0, &mut packet));
    assert_eq!(r.pending(), 1);
}

#[test]
fn incomplete_packets_time_out() {
    let config = ReassemblyConfig::default();
    let mut r = Reassembler::new(config);
    let mut packet = Vec::new();
    let first = ipv4_fragment(3, 0, true, &[0; 8]);
    let last = ipv4_fragment(3, 8, false, &[0; 8]);
    assert!(!r.offer(&as_fragment(&first), 0, &mut packet));
    // The rest comes after the timeout: the first fragment is gone.
    assert!(!r.offer(&as_fragment(&last), config.timeout_ns + 1, &mut packet));
    assert_eq!(r.stats().dropped, 1);
    assert_eq!(r.pending(), 1);
}

#[test]
fn a_flood_of_never_completing_fragments_stays_within_the_bounds() {
    let config = ReassemblyConfig::default();
    let mut r = Reassembler::new(config);
    let mut packet = Vec::new();
    // 100 000 first fragments of distinct packets, 1 ms apart.
    let data = [0u8; 1400];
    for i in 0..100_000u32 {
        let frame = ipv4_fragment(i as u16, 0, true, &data);
        let mut f = as_fragment(&frame);
        f.id = i;
        assert!(!r.offer(&f, u64::from(i) * 1_000_000, &mut packet));
        assert!(r.pending() <= config.max_pending);
    }
    assert_eq!(r.pending(), config.max_pending);
    assert!(r.buffered_bytes() <= config.max_pending * data.len());
    // The worst case: fragments at the largest offset make every slot
    // hold a whole packet's length, and no more.
    for i in 0..1000u32 {
        let frame = ipv4_fragment(i as u16, 65_000, true, &[0; 8]);
        let mut f = as_fragment(&frame);
        f.id = 1_000_000 + i;
        r.offer(&f, 100_000_000_000, &mut packet);
    }
    assert!(r.pending() <= config.max_pending);
    assert!(r.buffered_bytes() <= config.max_pending * 65_535);
    assert_eq!(r.stats().completed, 0);
    assert!(r.stats().dropped >= 100_000 - 256);
}

#[test]
fn ipv6_fragments_rebuild_the_packet_with_the_next_header() {
    // Fixed header (payload length, next header 44), fragment header, data.
    let fragment = |offset: u16, more: bool, data: &[u8]| {
        let mut p = vec![0x60, 0, 0, 0];
        p.extend_from_slice(&((8 + data.len()) as u16).to_be_bytes());
        p.extend_from_slice(&[44, 64]);
        p.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        p.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        p.extend_from_slice(&[17, 0]);
        p.extend_from_slice(&(offset | u16::from(more)).to_be_bytes());
        p.extend_from_slice(&[0, 0, 0, 7]);
        p.extend_from_slice(data);
        p
    };
    let mut r = Reassembler::default();
    let mut packet = Vec::new();
    let second = fragment(16, false, &[2; 5]);
    let first = fragment(0, true, &[1; 16]);
    assert!(!r.offer(&as_fragment(&second), 0, &mut packet));
    assert!(r.offer(&as_fragment(&first), 0, &mut packet));
    assert_eq!(packet.len(), 40 + 21);
    assert_eq!((packet[4], packet[5], packet[6]), (0, 21, 17));
    assert_eq!(
        decode_frame(LinkType::Raw, &packet),
        Ok(Decoded::NotTcp { protocol: 17 })
    );
}
