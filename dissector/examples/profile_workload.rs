//! Annotates the workload's frames once, for profilers (perf, callgrind):
//! `cargo build --release -p tcpphase --example profile_workload` then
//! `valgrind --tool=callgrind target/release/examples/profile_workload 200000`
//! (a second argument `batched` feeds through `Tracker::feed_batch`).

use tcpphase::track::{FrameOutcome, Tracker};
use tcpphase_workload::{Workload, WorkloadConfig};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let frames: Vec<(u64, Vec<u8>)> = Workload::new(WorkloadConfig {
        connections: (n / 10) as u64 + 1,
        concurrency: 256,
        ..WorkloadConfig::default()
    })
    .take(n)
    .map(|f| (f.ts_ns, f.bytes))
    .collect();
    let start = std::time::Instant::now();
    let mut ports = 0u64;
    for (_, frame) in &frames {
        if let Ok(tcpphase::wire::Decoded::Tcp(s)) =
            tcpphase::wire::decode_frame(tcpphase::wire::LinkType::Ethernet, frame)
        {
            ports = ports.wrapping_add(u64::from(s.tcp.dst_port));
        }
    }
    let parse = start.elapsed();
    println!(
        "parse only: {:.1} M frames/s ({ports})",
        frames.len() as f64 / parse.as_secs_f64() / 1e6
    );
    // TCPPHASE_TIME_WAIT_MS shortens TIME-WAIT: fewer ended connections
    // stay in the table, which shows what the table's size costs.
    let mut config = tcpphase::track::Config::default();
    if let Some(ms) = std::env::var("TCPPHASE_TIME_WAIT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        config.time_wait_ns = ms * 1_000_000;
    }
    let batched = std::env::args().nth(2).as_deref() == Some("batched");
    let slices: Vec<(u64, &[u8])> = frames.iter().map(|(ts, f)| (*ts, f.as_slice())).collect();
    let start = std::time::Instant::now();
    let mut tracker = Tracker::new(config);
    let mut streams = 0u64;
    if batched {
        tracker.feed_batch(1, &slices, |outcome| {
            if let FrameOutcome::Segment(a) = outcome {
                streams = streams.wrapping_add(a.stream);
            }
        });
    } else {
        for (ts, frame) in &slices {
            if let FrameOutcome::Segment(a) = tracker.feed(1, frame, *ts) {
                streams = streams.wrapping_add(a.stream);
            }
        }
    }
    let elapsed = start.elapsed();
    println!(
        "{} frames {}in {:?}: {:.1} M frames/s, {} connections in the table at the end ({streams})",
        frames.len(),
        if batched { "in batches " } else { "" },
        elapsed,
        frames.len() as f64 / elapsed.as_secs_f64() / 1e6,
        tracker.live_connections()
    );
}
