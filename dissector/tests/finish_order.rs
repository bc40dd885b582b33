//! `Tracker::finish` summarises the connections still open one at a time,
//! in connection order, after those already queued; frames fed after it
//! come after them; the table is empty at once.

use tcpphase::track::{Config, Tracker};
use tcpphase_workload::{Workload, WorkloadConfig};

/// A tracker fed a workload whose last `open` connections never end, with
/// the summaries it emitted while fed (conn numbers).
fn fed(connections: u64, open: u64) -> (Tracker, Vec<u64>) {
    let mut tracker = Tracker::new(Config {
        // Ended connections leave quickly, so summaries are queued early.
        time_wait_ns: 1_000_000,
        ..Config::default()
    });
    let mut early = Vec::new();
    for frame in Workload::new(WorkloadConfig {
        connections,
        concurrency: 64,
        left_open: open,
        ..WorkloadConfig::default()
    }) {
        tracker.feed(1, &frame.bytes, frame.ts_ns);
        while let Some(s) = tracker.next_summary() {
            early.push(s.conn);
        }
    }
    (tracker, early)
}

#[test]
fn finish_yields_every_open_connection_in_connection_order() {
    let (mut tracker, early) = fed(2000, 700);
    let live = tracker.live_connections();
    assert!(live >= 700, "{live} live");
    assert!(!tracker.snapshot(u64::MAX).is_empty());
    tracker.finish();
    assert_eq!(tracker.live_connections(), 0);
    assert!(tracker.snapshot(u64::MAX).is_empty());
    let mut rest = Vec::new();
    while let Some(s) = tracker.next_summary() {
        rest.push(s.conn);
    }
    assert_eq!(rest.len(), live);
    assert!(rest.windows(2).all(|w| w[0] < w[1]), "in connection order");
    // Every connection (the workload's 2000 and those port reuse opened)
    // summarised exactly once.
    let mut all: Vec<u64> = early.into_iter().chain(rest).collect();
    all.sort_unstable();
    assert!(all.len() >= 2000);
    assert_eq!(all, (0..all.len() as u64).collect::<Vec<_>>());
    tracker.finish();
    assert_eq!(tracker.next_summary(), None);
}

#[test]
fn a_frame_fed_after_finish_comes_after_the_finished_connections() {
    let (mut tracker, _) = fed(300, 100);
    let live = tracker.live_connections() as u64;
    // One more connection after the end, on a 4-tuple the table held: it
    // opens a new stream and the next connection number.
    let frames: Vec<_> = Workload::new(WorkloadConfig {
        connections: 1,
        ..WorkloadConfig::default()
    })
    .collect();
    tracker.finish();
    tracker.finish();
    let first = tracker.next_summary().expect("a finished connection");
    tracker.feed(1, &frames[0].bytes, u64::MAX / 2);
    assert_eq!(tracker.live_connections(), 1);
    tracker.finish();
    let mut conns = vec![first.conn];
    while let Some(s) = tracker.next_summary() {
        conns.push(s.conn);
    }
    assert_eq!(conns.len() as u64, live + 1);
    assert!(conns.windows(2).all(|w| w[0] < w[1]), "{conns:?}");
    assert_eq!(conns.last(), Some(&(conns[conns.len() - 2] + 1)));
}
