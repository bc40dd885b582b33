//! `--threads N` gives one thread's output byte for byte: every snapshot
//! capture, the public captures beside the repository (when there), and a
//! workload capture long enough for sweeps (TIME-WAIT expiries) to matter,
//! in text, JSON and CSV, with the 4.0 stream rule and with filters.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use tcpphase::track::StreamRule;
use tcpphase_cli::annotate::{self, AnnotateOptions};
use tcpphase_cli::conns;
use tcpphase_cli::filter::{Filter, PhaseSet};
use tcpphase_cli::input::Source;
use tcpphase_cli::Format;

/// What a command printed, and the problems it told.
fn output(
    command: &str,
    path: &Path,
    format: Format,
    filter: &Filter,
    rule: StreamRule,
    threads: usize,
) -> (String, String) {
    let source = Source {
        stream_rule: rule,
        threads,
        ..Source::file(path.to_str().expect("UTF-8 path"))
    };
    let mut out = Vec::new();
    let result = match command {
        "annotate" => {
            let options = AnnotateOptions {
                format,
                color: false,
            };
            annotate::run(&source, filter, options, &mut out)
        }
        _ => conns::run(&source, filter, format, &mut out),
    };
    let told = match result {
        Ok(()) => String::new(),
        Err(failure) => failure.to_tell().map(|e| format!("{e}\n")).collect(),
    };
    (String::from_utf8(out).expect("UTF-8 output"), told)
}

/// One way to run a command: format, filter, stream rule.
type Case = (Format, Filter, StreamRule);

/// Every format, filter and stream rule with each other.
fn all_cases(filters: &[Filter], rules: &[StreamRule]) -> Vec<Case> {
    let mut cases = Vec::new();
    for format in [Format::Text, Format::Json, Format::Csv] {
        for filter in filters {
            for &rule in rules {
                cases.push((format, filter.clone(), rule));
            }
        }
    }
    cases
}

/// Checks 2, 3 and 4 threads against one on `path`, `annotate` and
/// `conns`, in each case; returns one thread's `annotate` output of the
/// first case (for the caller to look into).
fn same_for_any_threads(path: &Path, cases: &[Case]) -> String {
    let mut first = String::new();
    for command in ["annotate", "conns"] {
        for (i, (format, filter, rule)) in cases.iter().enumerate() {
            let one = output(command, path, *format, filter, *rule, 1);
            for n in 2..=4 {
                let many = output(command, path, *format, filter, *rule, n);
                assert!(
                    one == many,
                    "{command} {format:?} {rule:?} {filter:?} --threads {n} differs from one thread on {}",
                    path.display()
                );
            }
            if command == "annotate" && i == 0 {
                first = one.0;
            }
        }
    }
    first
}

fn filters() -> Vec<Filter> {
    vec![
        Filter::default(),
        Filter {
            ports: vec![80, 443],
            ..Filter::default()
        },
        Filter {
            phases: PhaseSet::parse("reset,close").expect("phases"),
            ..Filter::default()
        },
    ]
}

fn captures_in(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            captures_in(&path, found);
        } else if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.contains(".pcap"))
        {
            found.push(path);
        }
    }
}

#[test]
fn snapshot_captures_read_the_same_with_any_number_of_threads() {
    let mut found = Vec::new();
    captures_in(Path::new(&recording("")), &mut found);
    assert!(found.len() >= 10, "{found:?}");
    let rules = [StreamRule::default(), StreamRule::from_name("4.0").unwrap()];
    let cases = all_cases(&filters(), &rules);
    for path in found {
        same_for_any_threads(&path, &cases);
    }
}

#[test]
fn public_captures_read_the_same_with_any_number_of_threads() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    let mut found = Vec::new();
    captures_in(&shared.join("corpus"), &mut found);
    captures_in(&shared.join("field"), &mut found);
    if found.is_empty() {
        eprintln!("no shared/corpus or shared/field beside the repository: skipped");
        return;
    }
    let cases = all_cases(&[Filter::default()], &[StreamRule::default()]);
    for path in found {
        same_for_any_threads(&path, &cases);
    }
}

/// 2000 connections over 3 minutes of capture time: connections leave the
/// table by sweeps, 4-tuples depart, streams interleave across workers.
#[test]
fn a_workload_capture_reads_the_same_with_any_number_of_threads() {
    let dir = temp_dir("threads");
    let path = dir.join("workload.pcap");
    let config = tcpphase_workload::WorkloadConfig {
        connections: 2000,
        concurrency: 200,
        frame_gap_ns: 7_000_000,
        left_open: 100,
        ..Default::default()
    };
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    tcpphase_workload::Workload::new(config)
        .write_pcap(&mut file)
        .unwrap();
    drop(file);
    // JSON first: its output is checked below.
    let mut cases = vec![(Format::Json, Filter::default(), StreamRule::default())];
    cases.push((Format::Text, Filter::default(), StreamRule::default()));
    cases.push((Format::Csv, Filter::default(), StreamRule::default()));
    cases.push((
        Format::Json,
        Filter::default(),
        StreamRule::from_name("4.0").unwrap(),
    ));
    for filter in filters().into_iter().skip(1) {
        cases.push((Format::Json, filter, StreamRule::default()));
    }
    let json = same_for_any_threads(&path, &cases);
    let lines = json.lines().count();
    assert!(lines > 20_000, "{lines} lines");
    assert!(json.contains("\"stream\":1999,"), "every stream numbered");
    // Compressed, the capture is streamed and the lead copies the other
    // workers' frames instead of handing them the map: same output.
    let gz = dir.join("workload.pcap.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    std::io::copy(&mut std::fs::File::open(&path).unwrap(), &mut encoder).unwrap();
    encoder.finish().unwrap();
    let plain = Filter::default();
    let rule = StreamRule::default();
    for command in ["annotate", "conns"] {
        let mapped = output(command, &path, Format::Json, &plain, rule, 2);
        let copied = output(command, &gz, Format::Json, &plain, rule, 2);
        assert!(
            mapped == copied,
            "{command}: the gzip copy reads differently"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}
