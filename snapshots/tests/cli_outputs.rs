//! What `tcpphase annotate` (text and JSON) and `tcpphase conns --json`
//! print for every recorded capture under `snapshots/captures/`.

use std::path::PathBuf;
use tcpphase_cli::{annotate::annotate, conns::conns, Format};

fn recorded_captures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut captures: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("snapshots/captures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    captures.sort();
    captures
}

fn printed(run: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut out = Vec::new();
    run(&mut out);
    String::from_utf8(out).expect("UTF-8 output")
}

#[test]
fn annotate_and_conns_of_every_recorded_capture() {
    let captures = recorded_captures();
    assert!(captures.len() >= 15, "recordings missing");
    for path in captures {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let file = path.to_string_lossy().to_string();
        let text = printed(|o| annotate(&file, Format::Text, o).expect("annotate"));
        let json = printed(|o| annotate(&file, Format::Json, o).expect("annotate --json"));
        let summary = printed(|o| conns(&file, Format::Json, o).expect("conns --json"));
        // Every JSON line has exactly DESIGN's keys plus the segment's own.
        for line in json.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
            for key in [
                "frame",
                "stream",
                "conn",
                "dir",
                "phase",
                "step",
                "client_state",
                "server_state",
                "closer",
                "flags",
                "ts",
                "src",
                "sport",
                "dst",
                "dport",
                "tcp_flags",
                "seq",
                "ack",
                "len",
            ] {
                assert!(keys.contains(&key), "{name}: key {key} missing in {line}");
            }
        }
        insta::assert_snapshot!(format!("annotate_{name}"), text);
        insta::assert_snapshot!(format!("annotate_json_{name}"), json);
        insta::assert_snapshot!(format!("conns_json_{name}"), summary);
    }
}
