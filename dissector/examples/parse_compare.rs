//! Parses the workload's frames with tcpphase and with etherparse, for
//! instruction counts under callgrind (`--toggle-collect` on each parser):
//! `valgrind --tool=callgrind --toggle-collect='parse_compare::parse_with_tcpphase' target/release/examples/parse_compare`
//! (and `parse_compare::parse_with_etherparse`).

use std::hint::black_box;
use tcpphase::wire::{decode_frame, Decoded, LinkType};
use tcpphase_workload::{Workload, WorkloadConfig};

fn main() {
    let frames: Vec<Vec<u8>> = Workload::new(WorkloadConfig {
        connections: 10_000,
        concurrency: 256,
        ..WorkloadConfig::default()
    })
    .map(|f| f.bytes)
    .collect();
    let ours = parse_with_tcpphase(&frames);
    let theirs = parse_with_etherparse(&frames);
    assert_eq!(black_box(ours), black_box(theirs));
    println!("{} frames", frames.len());
}

#[inline(never)]
fn parse_with_tcpphase(frames: &[Vec<u8>]) -> u64 {
    let mut sum = 0u64;
    for frame in frames {
        if let Ok(Decoded::Tcp(s)) = decode_frame(LinkType::Ethernet, frame) {
            sum += u64::from(s.tcp.dst_port) + u64::from(s.payload_len);
        }
    }
    sum
}

#[inline(never)]
fn parse_with_etherparse(frames: &[Vec<u8>]) -> u64 {
    let mut sum = 0u64;
    for frame in frames {
        if let Ok(p) = etherparse::SlicedPacket::from_ethernet(frame) {
            if let Some(etherparse::TransportSlice::Tcp(t)) = p.transport {
                sum += u64::from(t.destination_port()) + t.payload().len() as u64;
            }
        }
    }
    sum
}
