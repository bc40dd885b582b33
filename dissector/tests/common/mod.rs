//! Helpers shared by the integration tests: finding captures, running the tracker.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use tcpphase::capture::CaptureReader;
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Annotation, Config, FrameOutcome, StreamRule, Tracker};

fn captures_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            captures_under(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("pcap" | "pcapng")
        ) {
            out.push(path);
        }
    }
}

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `../shared/corpus` beside the repository, when it is there.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// `../shared/field` beside the repository (real public captures from
/// other projects' test suites), when it is there.
pub fn field_dir() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/field");
    dir.is_dir().then_some(dir)
}

/// Every capture under `snapshots/` and `../shared/corpus/`, sorted.
pub fn all_captures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    captures_under(&repo_root().join("snapshots"), &mut out);
    if let Some(corpus) = corpus_dir() {
        captures_under(&corpus, &mut out);
    }
    out.sort();
    out
}

/// Every capture of [`all_captures`] and of `../shared/field/`, sorted.
pub fn all_captures_with_field() -> Vec<PathBuf> {
    let mut out = all_captures();
    if let Some(field) = field_dir() {
        captures_under(&field, &mut out);
    }
    out.sort();
    out
}

/// What the tracker says about a whole capture.
pub struct Run {
    /// Annotations by frame number (index 0 is frame 1); `None` for non-TCP frames.
    pub frames: Vec<Option<Annotation>>,
    /// Connection summaries in the order they were emitted.
    pub summaries: Vec<ConnSummary>,
}

/// Runs the tracker over a capture file, numbering streams by Wireshark
/// 4.0's rule (the tshark the agreement tests run).
pub fn run(path: &Path) -> Run {
    run_with(
        path,
        Config {
            stream_rule: StreamRule::Wireshark40,
            ..Config::default()
        },
    )
}

/// Runs the tracker with `config` over a capture file.
pub fn run_with(path: &Path, config: Config) -> Run {
    let file = std::fs::File::open(path).expect("open capture");
    let mut reader = CaptureReader::new(std::io::BufReader::new(file)).expect("capture header");
    let mut tracker = Tracker::new(config);
    let mut frames = Vec::new();
    let mut summaries = Vec::new();
    while let Ok(Some(frame)) = reader.next_frame() {
        frames.push(
            match tracker.feed(frame.linktype, frame.data, frame.ts_ns) {
                FrameOutcome::Segment(a) => Some(a),
                _ => None,
            },
        );
        while let Some(s) = tracker.next_summary() {
            summaries.push(s);
        }
    }
    tracker.finish();
    while let Some(s) = tracker.next_summary() {
        summaries.push(s);
    }
    Run { frames, summaries }
}
