//! `Tracker::feed_batch` (decode, hash and prefetch a batch, then label it)
//! gives exactly what `Tracker::feed` gives frame by frame: the same outcome
//! for every frame and the same summaries in the same order, on every
//! capture we have and on the synthetic workload, with eviction and both
//! stream rules, whatever the batch sizes.

mod common;

use common::all_captures_with_field;
use std::path::Path;
use tcpphase::capture::CaptureReader;
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Config, FrameOutcome, StreamRule, Tracker, BATCH};
use tcpphase_workload::{Workload, WorkloadConfig};

/// One frame: link type, capture time, bytes.
type Frame = (u32, u64, Vec<u8>);

fn frames_of(path: &Path) -> Vec<Frame> {
    let file = std::fs::File::open(path).expect("open capture");
    let mut reader = CaptureReader::new(std::io::BufReader::new(file)).expect("capture header");
    let mut frames = Vec::new();
    while let Ok(Some(frame)) = reader.next_frame() {
        frames.push((frame.linktype, frame.ts_ns, frame.data.to_vec()));
    }
    frames
}

/// Outcomes of every frame and the summaries, after `finish`.
type Run = (Vec<FrameOutcome>, Vec<ConnSummary>);

fn drain(tracker: &mut Tracker, summaries: &mut Vec<ConnSummary>) {
    while let Some(s) = tracker.next_summary() {
        summaries.push(s);
    }
}

fn one_by_one(frames: &[Frame], config: Config) -> Run {
    let mut tracker = Tracker::new(config);
    let (mut outcomes, mut summaries) = (Vec::new(), Vec::new());
    for (linktype, ts, bytes) in frames {
        outcomes.push(tracker.feed(*linktype, bytes, *ts));
        drain(&mut tracker, &mut summaries);
    }
    tracker.finish();
    drain(&mut tracker, &mut summaries);
    (outcomes, summaries)
}

/// Batches of `size` frames (fewer where the link type changes).
fn batched(frames: &[Frame], config: Config, size: usize) -> Run {
    let mut tracker = Tracker::new(config);
    let (mut outcomes, mut summaries) = (Vec::new(), Vec::new());
    let mut start = 0;
    while start < frames.len() {
        let linktype = frames[start].0;
        let mut end = start;
        while end < frames.len() && end - start < size && frames[end].0 == linktype {
            end += 1;
        }
        let batch: Vec<(u64, &[u8])> = frames[start..end]
            .iter()
            .map(|(_, ts, bytes)| (*ts, bytes.as_slice()))
            .collect();
        tracker.feed_batch(linktype, &batch, |outcome| outcomes.push(outcome));
        drain(&mut tracker, &mut summaries);
        start = end;
    }
    tracker.finish();
    drain(&mut tracker, &mut summaries);
    (outcomes, summaries)
}

fn configs() -> [Config; 3] {
    [
        Config::default(),
        Config {
            stream_rule: StreamRule::Wireshark40,
            ..Config::default()
        },
        // A tiny table: eviction every few connections.
        Config {
            max_connections: 3,
            time_wait_ns: 1_000_000,
            ..Config::default()
        },
    ]
}

fn assert_same(name: &str, frames: &[Frame]) {
    for config in configs() {
        let expected = one_by_one(frames, config);
        for size in [1, 5, BATCH, 3 * BATCH + 1] {
            let got = batched(frames, config, size);
            assert_eq!(got.0.len(), frames.len(), "{name}: an outcome per frame");
            for (i, (g, e)) in got.0.iter().zip(&expected.0).enumerate() {
                assert_eq!(
                    g,
                    e,
                    "{name}, frame {}, batches of {size}, {config:?}",
                    i + 1
                );
            }
            assert_eq!(got.1, expected.1, "{name}: summaries, batches of {size}");
        }
    }
}

#[test]
fn batches_label_every_capture_as_frame_by_frame_does() {
    let captures = all_captures_with_field();
    assert!(!captures.is_empty(), "no captures found");
    let mut segments = 0;
    for path in &captures {
        let frames = frames_of(path);
        segments += one_by_one(&frames, Config::default())
            .0
            .iter()
            .filter(|o| matches!(o, FrameOutcome::Segment(_)))
            .count();
        assert_same(&path.display().to_string(), &frames);
    }
    assert!(segments > 1000, "only {segments} segments compared");
}

#[test]
fn batches_label_the_workload_as_frame_by_frame_does() {
    let frames: Vec<Frame> = Workload::new(WorkloadConfig {
        connections: 3000,
        concurrency: 64,
        ..WorkloadConfig::default()
    })
    .map(|f| (1, f.ts_ns, f.bytes))
    .collect();
    assert!(frames.len() > 30_000);
    assert_same("workload", &frames);
}
