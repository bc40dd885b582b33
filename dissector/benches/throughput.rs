//! Throughput, all in one run so they compare as ratios:
//! - wire parsing of every frame: tcpphase's `decode_frame` vs etherparse's
//!   `SlicedPacket::from_ethernet` on the same bytes;
//! - annotation (parse + track + label) in frames per second on one core,
//!   frame by frame (`Tracker::feed`) and in batches (`Tracker::feed_batch`:
//!   hash and prefetch a batch's table buckets and entries, then label it).
//!
//! The frames come from the deterministic workload generator (1 M frames by
//! default; `TCPPHASE_BENCH_FRAMES` changes it).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use tcpphase::track::{FrameOutcome, Tracker};
use tcpphase::wire::{decode_frame, Decoded, LinkType};
use tcpphase_workload::{Workload, WorkloadConfig};

fn frames() -> Vec<(u64, Vec<u8>)> {
    let target: usize = std::env::var("TCPPHASE_BENCH_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    // About 10 frames per connection.
    let workload = Workload::new(WorkloadConfig {
        connections: (target / 10) as u64 + 1,
        concurrency: 256,
        ..WorkloadConfig::default()
    });
    workload.take(target).map(|f| (f.ts_ns, f.bytes)).collect()
}

fn benches(c: &mut Criterion) {
    let frames = frames();
    let bytes: u64 = frames.iter().map(|(_, f)| f.len() as u64).sum();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Elements(frames.len() as u64));
    group.sample_size(10);
    group.bench_function("tcpphase decode_frame", |b| {
        b.iter(|| {
            let mut tcp = 0u64;
            for (_, frame) in &frames {
                if let Ok(Decoded::Tcp(s)) = decode_frame(LinkType::Ethernet, frame) {
                    tcp += u64::from(s.tcp.dst_port) + u64::from(s.payload_len);
                }
            }
            black_box(tcp)
        })
    });
    group.bench_function("etherparse SlicedPacket::from_ethernet", |b| {
        b.iter(|| {
            let mut tcp = 0u64;
            for (_, frame) in &frames {
                if let Ok(p) = etherparse::SlicedPacket::from_ethernet(frame) {
                    if let Some(etherparse::TransportSlice::Tcp(t)) = p.transport {
                        tcp += u64::from(t.destination_port()) + t.payload().len() as u64;
                    }
                }
            }
            black_box(tcp)
        })
    });
    group.finish();

    let mut group = c.benchmark_group("annotate");
    group.throughput(Throughput::Elements(frames.len() as u64));
    group.sample_size(10);
    group.bench_function("tcpphase parse+track+label", |b| {
        b.iter(|| {
            let mut tracker = Tracker::default();
            let mut segments = 0u64;
            for (ts, frame) in &frames {
                if let FrameOutcome::Segment(a) = tracker.feed(1, frame, *ts) {
                    segments += a.stream;
                }
            }
            black_box(segments)
        })
    });
    let slices: Vec<(u64, &[u8])> = frames.iter().map(|(ts, f)| (*ts, f.as_slice())).collect();
    group.bench_function("tcpphase parse+track+label, batched", |b| {
        b.iter(|| {
            let mut tracker = Tracker::default();
            let mut segments = 0u64;
            tracker.feed_batch(1, &slices, |outcome| {
                if let FrameOutcome::Segment(a) = outcome {
                    segments += a.stream;
                }
            });
            black_box(segments)
        })
    });
    group.finish();
    eprintln!("workload: {} frames, {} bytes", frames.len(), bytes);
}

criterion_group!(throughput, benches);
criterion_main!(throughput);
