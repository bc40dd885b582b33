//! Issue 11 point 2: one source for states. `states` formats the core's
//! snapshot ([`tcpphase::track::Tracker::snapshot`]) instead of deriving
//! states itself, so it agrees with `annotate` at every frame, and with the
//! core across a TIME-WAIT restarted by a retransmitted FIN.

mod common;

use common::captures_under;
use common::raw_ipv4_pcap as pcap;
use std::path::{Path, PathBuf};
use tcpphase::capture::CaptureReader;
use tcpphase::track::{Config, FrameOutcome, Tracker};
use tcpphase_cli::input::Source;
use tcpphase_cli::states::{endpoints_at, Side};
use tcpphase_cli::tracking::Moment;

const SECOND: u64 = 1_000_000_000;

fn write_temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tcpphase-states-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write capture");
    path
}

/// RFC 9293 3.10.7.4: an endpoint in TIME-WAIT that receives the peer's
/// FIN again acknowledges it and restarts its 2 x MSL wait. 70 s after it
/// first entered TIME-WAIT (60 s after, by its first entry) the core still
/// holds it in TIME-WAIT, restarted 40 s in; `states --at-time` says so.
#[test]
fn states_at_time_keeps_a_time_wait_restarted_by_a_retransmitted_fin() {
    const S: u8 = 0x02;
    const SA: u8 = 0x12;
    const A: u8 = 0x10;
    const FA: u8 = 0x11;
    let path = write_temp(
        "restarted-time-wait.pcap",
        &pcap(&[
            (100, true, S, 1000, 0),
            (100, false, SA, 5000, 1001),
            (100, true, A, 1001, 5001),
            (101, true, FA, 1001, 5001),
            (101, false, A, 5001, 1002),
            (101, false, FA, 5001, 1002),
            (101, true, A, 1002, 5002),   // client TIME-WAIT from 101 s
            (141, false, FA, 5001, 1002), // the server's FIN again
            (141, true, A, 1002, 5002),   // acked again: TIME-WAIT restarts at 141 s
        ]),
    );
    let source = Source::file(path.to_str().expect("UTF-8 path"));
    let client_at = |secs_after_first: u64| {
        let (rows, _, problems) = endpoints_at(&source, Moment::Time(secs_after_first * SECOND));
        assert!(problems.is_empty(), "{problems:?}");
        rows.into_iter()
            .find(|r| r.side == Side::Client)
            .expect("the client's row")
            .state
            .name()
    };
    assert_eq!(client_at(30), "TIME-WAIT");
    // 70 s after the first frame: 69 s after entering TIME-WAIT, 29 s after
    // its restart.
    assert_eq!(client_at(70), "TIME-WAIT");
    // Past the restarted wait (141 + 60 s).
    assert_eq!(client_at(102), "CLOSED");
}

/// `states --at N` gives, for frame N's connection, the states `annotate`
/// prints on frame N: at every frame of every capture under `snapshots/`
/// and of the corpus beside the repository. Each `--at` re-reads the
/// capture, so in a capture of more than 400 segments every k-th segment is
/// checked (about 400 of them, the first and the last included).
#[test]
fn states_at_every_frame_agrees_with_annotate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    captures_under(&root.join("snapshots"), &mut files);
    captures_under(&root.join("../shared/corpus"), &mut files);
    files.sort();
    let mut compared = 0;
    for path in files {
        let Ok(file) = std::fs::File::open(&path) else {
            continue;
        };
        let Ok(mut reader) = CaptureReader::new(std::io::BufReader::new(file)) else {
            continue;
        };
        let mut tracker = Tracker::new(Config::default());
        let mut annotations = Vec::new();
        while let Ok(Some(frame)) = reader.next_frame() {
            if let FrameOutcome::Segment(a) = tracker.feed(frame.linktype, frame.data, frame.ts_ns)
            {
                annotations.push(a);
            }
        }
        let stride = annotations.len().div_ceil(400).max(1);
        let last = annotations.len().saturating_sub(1);
        let source = Source::file(path.to_str().expect("UTF-8 path"));
        for (i, a) in annotations.iter().enumerate() {
            if i % stride != 0 && i != last {
                continue;
            }
            let (rows, _, _) = endpoints_at(&source, Moment::Frame(a.frame));
            for (side, want) in [
                (Side::Client, a.client_state),
                (Side::Server, a.server_state),
            ] {
                let row = rows
                    .iter()
                    .find(|r| r.conn == a.conn && r.side == side)
                    .unwrap_or_else(|| panic!("{}: frame {}: no row", path.display(), a.frame));
                assert_eq!(
                    row.state,
                    want,
                    "{} frame {} conn {} {}",
                    path.display(),
                    a.frame,
                    a.conn,
                    side.name()
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 1000, "only {compared} endpoints compared");
}
