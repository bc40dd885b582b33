//! Where a live connection's bytes go: the size of the flow table's entry
//! and of its parts, the table's slack, and the heap a tracker holds with
//! N connections left open, before and through `finish()`. Prints its
//! figures; run with `cargo bench -p tcpphase --bench flow_entry`
//! (`TCPPHASE_BENCH_OPEN` sets N, 300 000 by default).

mod common;

use common::{CURRENT, PEAK};
use std::mem::size_of;
use std::sync::atomic::Ordering;
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Config, EntrySizes, Tracker};
use tcpphase_workload::{Workload, WorkloadConfig};

#[global_allocator]
static ALLOCATOR: common::Counting = common::Counting;

/// Buckets of the flow table's index holding `n` entries: the first of
/// 16, 24, 32, 48, ... (3/2 and 4/3 in turn) at or above n * 5 / 4 (it
/// grows past a load of 4/5).
fn buckets(n: usize) -> usize {
    let mut size = 16;
    while size * 4 < n * 5 {
        size = if size.is_power_of_two() {
            size / 2 * 3
        } else {
            size / 3 * 4
        };
    }
    size
}

/// Slab places for `n` entries: whole chunks of 1024.
fn places(n: usize) -> usize {
    n.div_ceil(1024) * 1024
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: u64 = std::env::var("TCPPHASE_BENCH_OPEN")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300_000);
    let sizes = EntrySizes::now();
    println!("size_of FlowEntry: {} bytes", sizes.entry);
    println!(
        "  hot part: {} bytes (key and numbers {}, of which key {}; phase machine {})",
        sizes.hot, sizes.hot_header, sizes.key, sizes.phase
    );
    println!(
        "  cold part: {} bytes (of which ZeekConn {})",
        sizes.entry - sizes.hot,
        sizes.zeek
    );
    println!(
        "slab place: {} bytes; index bucket: {} bytes; IPv6 address pair: {} bytes",
        sizes.slot, sizes.index_bucket, sizes.pair
    );
    println!("size_of ConnSummary: {} bytes", size_of::<ConnSummary>());
    let n_ = n as usize;
    let (b, p) = (buckets(n_), places(n_));
    println!(
        "table of {n}: {p} slab places + {b} index buckets ({:.0}% full), {} bytes per connection",
        100.0 * n as f64 / b as f64,
        (p * sizes.slot + b * sizes.index_bucket) / n_
    );

    // The heap a tracker holds with `n` connections open (handshake and
    // one exchange of data each), then its peak through finish() and the
    // summaries it yields one at a time.
    let base = CURRENT.load(Ordering::Relaxed);
    let mut tracker = Tracker::new(Config::default());
    for frame in Workload::new(WorkloadConfig {
        connections: n,
        concurrency: 256,
        left_open: n,
        ..WorkloadConfig::default()
    }) {
        tracker.feed(1, &frame.bytes, frame.ts_ns);
        while tracker.next_summary().is_some() {}
    }
    let live = tracker.live_connections().max(1);
    let held = CURRENT.load(Ordering::Relaxed) - base;
    PEAK.store(CURRENT.load(Ordering::Relaxed), Ordering::Relaxed);
    tracker.finish();
    let mut summaries = 0;
    while tracker.next_summary().is_some() {
        summaries += 1;
    }
    let peak = PEAK.load(Ordering::Relaxed) - base;
    println!(
        "tracker with {live} live connections: {} bytes per connection held, {} bytes per connection at the peak of finish() ({summaries} summaries)",
        held / live,
        peak / live
    );
}
