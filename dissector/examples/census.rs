//! Counts the phases, steps and anomaly flags tcpphase gives the frames of
//! captures: `cargo run -p tcpphase --example census -- FILE...`.

use std::collections::BTreeMap;
use tcpphase::capture::CaptureReader;
use tcpphase::track::{FrameOutcome, Tracker};

fn main() {
    for path in std::env::args().skip(1) {
        let Ok(file) = std::fs::File::open(&path) else {
            eprintln!("{path}: cannot open");
            continue;
        };
        let Ok(mut reader) = CaptureReader::new(std::io::BufReader::new(file)) else {
            eprintln!("{path}: not a capture");
            continue;
        };
        let mut tracker = Tracker::default();
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        while let Ok(Some(frame)) = reader.next_frame() {
            if let FrameOutcome::Segment(a) = tracker.feed(frame.linktype, frame.data, frame.ts_ns)
            {
                *counts.entry(format!("{}/{}", a.phase, a.step)).or_default() += 1;
                for flag in a.flags.names() {
                    *counts
                        .entry(format!("flag:{flag} (e.g. frame {})", 0))
                        .or_default() += 0;
                    *counts.entry(format!("flag:{flag}")).or_default() += 1;
                }
            }
        }
        counts.retain(|k, _| !k.contains("e.g."));
        println!("{path}: {counts:?}");
    }
}
