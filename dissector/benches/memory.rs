//! Memory: bytes per live connection, and peak heap while streaming many
//! short connections through one tracker. Prints its figures; run with
//! `cargo bench -p tcpphase --bench memory` (`TCPPHASE_BENCH_CONNS` sets the
//! streamed count, 10 M by default).

mod common;

use common::{CURRENT, PEAK};
use std::sync::atomic::Ordering;
use tcpphase::track::Tracker;
use tcpphase_workload::{Workload, WorkloadConfig};

#[global_allocator]
static ALLOCATOR: common::Counting = common::Counting;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    // Bytes per live connection: open N connections (SYN, SYN-ACK, ACK)
    // that never close, and divide the heap the tracker holds by N.
    let n: u64 = 200_000;
    let frames: Vec<(u64, Vec<u8>)> = Workload::new(WorkloadConfig {
        connections: n,
        concurrency: n as usize,
        ..WorkloadConfig::default()
    })
    .take(3 * n as usize)
    .map(|f| (f.ts_ns, f.bytes))
    .collect();
    let before = CURRENT.load(Ordering::Relaxed);
    let mut tracker = Tracker::default();
    for (ts, frame) in &frames {
        tracker.feed(1, frame, *ts);
    }
    let held = CURRENT.load(Ordering::Relaxed) - before;
    let live = tracker.live_connections();
    println!(
        "memory/live-connection: {} bytes ({} live connections, {} bytes held)",
        held / live.max(1),
        live,
        held
    );
    drop(tracker);
    drop(frames);

    // Streaming: peak heap over many short connections.
    let total: u64 = std::env::var("TCPPHASE_BENCH_CONNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut tracker = Tracker::default();
    let mut summaries = 0u64;
    let mut max_live = 0usize;
    let mut checkpoints = Vec::new();
    // About 10 frames per connection: a checkpoint every tenth of the run.
    let every = (total as usize).max(10);
    for (i, frame) in Workload::new(WorkloadConfig {
        connections: total,
        concurrency: 256,
        ..WorkloadConfig::default()
    })
    .enumerate()
    {
        tracker.feed(1, &frame.bytes, frame.ts_ns);
        while tracker.next_summary().is_some() {
            summaries += 1;
        }
        max_live = max_live.max(tracker.live_connections());
        if i % every == 0 {
            checkpoints.push((
                i,
                CURRENT.load(Ordering::Relaxed) - base,
                tracker.live_connections(),
            ));
        }
    }
    tracker.finish();
    while tracker.next_summary().is_some() {
        summaries += 1;
    }
    println!(
        "memory/streaming: {total} connections, {summaries} summaries, peak heap {} bytes, at most {max_live} live",
        PEAK.load(Ordering::Relaxed) - base
    );
    for (frame, heap, live) in checkpoints {
        println!("memory/streaming: heap {heap} bytes, {live} live connections at frame {frame}");
    }
}
