//! The wire layer's cost per frame on the plain Ethernet path, and on the
//! same frames inside a VXLAN tunnel, for comparing before and after a
//! change to `wire/` (criterion keeps the last run as the baseline:
//! `cargo bench -p tcpphase --bench parse -- --save-baseline before`, then
//! `-- --baseline before` after the change).
//!
//! The frames come from the deterministic workload generator (100 k frames
//! by default; `TCPPHASE_BENCH_FRAMES` changes it).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use tcpphase::wire::{decode_frame, Decoded, LinkType};
use tcpphase_workload::{Workload, WorkloadConfig};

fn frames() -> Vec<Vec<u8>> {
    let target: usize = std::env::var("TCPPHASE_BENCH_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let workload = Workload::new(WorkloadConfig {
        connections: (target / 10) as u64 + 1,
        concurrency: 256,
        ..WorkloadConfig::default()
    });
    workload.take(target).map(|f| f.bytes).collect()
}

/// The Ethernet frame inside Ethernet / IPv4 / UDP 4789 / VXLAN.
fn vxlan(frame: &[u8]) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00];
    let udp_len = (8 + 8 + frame.len()) as u16;
    let total = 20 + udp_len;
    f.extend_from_slice(&[0x45, 0]);
    f.extend_from_slice(&total.to_be_bytes());
    f.extend_from_slice(&[0, 0, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2]);
    f.extend_from_slice(&[0xc0, 0x00, 0x12, 0xb5]);
    f.extend_from_slice(&udp_len.to_be_bytes());
    f.extend_from_slice(&[0, 0, 0x08, 0, 0, 0, 0, 0, 1, 0]);
    f.extend_from_slice(frame);
    f
}

fn decode_all(frames: &[Vec<u8>]) -> u64 {
    let mut tcp = 0u64;
    for frame in frames {
        if let Ok(Decoded::Tcp(s)) = decode_frame(LinkType::Ethernet, frame) {
            tcp += u64::from(s.tcp.dst_port) + u64::from(s.payload_len);
        }
    }
    tcp
}

fn benches(c: &mut Criterion) {
    let plain = frames();
    let tunnelled: Vec<Vec<u8>> = plain.iter().map(|f| vxlan(f)).collect();
    assert_eq!(decode_all(&plain), decode_all(&tunnelled));
    let mut group = c.benchmark_group("wire");
    group.throughput(Throughput::Elements(plain.len() as u64));
    group.sample_size(20);
    group.bench_function("decode_frame ethernet", |b| {
        b.iter(|| black_box(decode_all(&plain)))
    });
    group.bench_function("decode_frame ethernet in vxlan", |b| {
        b.iter(|| black_box(decode_all(&tunnelled)))
    });
    group.finish();
}

criterion_group!(parse, benches);
criterion_main!(parse);
