//! One output seam: every command takes `--format text|json|csv`, with
//! `--json` and `--csv` as shorthands, and a command's CSV holds exactly its
//! JSON records: the keys as the header row, the same values in each row.

mod common;
use common::*;

const COMMANDS: [&[&str]; 4] = [
    &["annotate"],
    &["conns"],
    &["states", "--all"],
    &["diagram", "--stream", "0"],
];

fn run(cmd: &[&str], format: &[&str], path: &str) -> String {
    let mut args = cmd.to_vec();
    args.extend_from_slice(format);
    args.push(path);
    let r = tcpphase(&args, None);
    assert_eq!(r.code, 0, "{args:?}: {}", r.err);
    r.out
}

/// A JSON value as its CSV cell: arrays joined with `|`, null empty.
fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("|"),
        other => other.to_string(),
    }
}

#[test]
fn every_command_takes_format_and_its_shorthands() {
    let path = recording("half-close.pcap");
    for cmd in COMMANDS {
        let text = run(cmd, &[], &path);
        assert_eq!(run(cmd, &["--format", "text"], &path), text, "{cmd:?}");
        let json = run(cmd, &["--format", "json"], &path);
        assert_eq!(run(cmd, &["--json"], &path), json, "{cmd:?}");
        let csv = run(cmd, &["--format", "csv"], &path);
        assert_eq!(run(cmd, &["--csv"], &path), csv, "{cmd:?}");
        assert_ne!(text, json, "{cmd:?}");
        assert_ne!(json, csv, "{cmd:?}");
        assert!(serde_json::from_str::<serde_json::Value>(json.lines().next().unwrap()).is_ok());
    }
    let both = tcpphase(&["conns", "--json", "--csv", &path], None);
    assert_eq!(both.code, 2, "--json and --csv together: {}", both.err);
    let svg_csv = tcpphase(
        &["diagram", "--stream", "0", "--svg", "-", "--csv", &path],
        None,
    );
    assert_eq!(svg_csv.code, 2, "--svg and --csv together: {}", svg_csv.err);
}

#[test]
fn csv_rows_are_the_json_records() {
    for name in [
        "half-close.pcap",
        "port-reuse.pcap",
        "ipv6.pcap",
        "refused.pcap",
    ] {
        let path = recording(name);
        for cmd in &COMMANDS[..3] {
            let json = run(cmd, &["--json"], &path);
            let csv = run(cmd, &["--csv"], &path);
            let mut reader = csv::Reader::from_reader(csv.as_bytes());
            let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
            let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
            let lines: Vec<&str> = json.lines().collect();
            assert_eq!(rows.len(), lines.len(), "{name} {cmd:?}");
            assert!(!rows.is_empty(), "{name} {cmd:?}");
            for (row, line) in rows.iter().zip(lines) {
                let record: serde_json::Value = serde_json::from_str(line).unwrap();
                let object = record.as_object().unwrap();
                // The same keys, in the same order.
                assert_eq!(object.len(), header.len(), "{name} {cmd:?}");
                let at: Vec<usize> = header
                    .iter()
                    .map(|k| line.find(&format!("\"{k}\":")).expect(k))
                    .collect();
                assert!(at.windows(2).all(|w| w[0] < w[1]), "{name} {cmd:?}: {line}");
                for (key, value) in header.iter().zip(row.iter()) {
                    let want = cell(&object[key]);
                    // Seconds: JSON's shortest form, 9 decimals in CSV.
                    if let Some(secs) = object[key].as_f64().filter(|_| object[key].is_f64()) {
                        let got: f64 = value.parse().unwrap();
                        assert!(
                            (got - secs).abs() <= 1e-6 * secs.abs().max(1.0),
                            "{name} {cmd:?} {key}: {value} vs {want}"
                        );
                    } else {
                        assert_eq!(value, want, "{name} {cmd:?} {key}");
                    }
                }
            }
        }
    }
}

#[test]
fn diagram_csv_is_annotate_csv_of_the_stream() {
    let path = recording("port-reuse.pcap");
    let diagram = run(&["diagram", "--stream", "1"], &["--csv"], &path);
    let annotate = run(&["annotate", "--stream", "1"], &["--csv"], &path);
    assert_eq!(diagram, annotate);
    assert!(diagram.lines().count() > 2);
}
