//! End to end, in one run: the `tcpphase` binary against the tools users
//! would otherwise run on the same capture (`tshark -T fields`,
//! `tcptrace -n`), each a whole process per iteration, and the ratios of
//! their median times printed at the end.
//!
//! The capture is the deterministic workload (`tcpphase-workload`, seed 1),
//! `TCPPHASE_BENCH_CONNECTIONS` connections (default 5,000: about 67 k
//! frames, so that tshark's ten samples take seconds, not minutes). A tool
//! that is not installed is left out, and said so.
//!
//! `tcpphase` runs on two threads (`--threads 2`), and `conns` once more
//! on one, for what the second thread gives.
//!
//! Run with `cargo bench -p tcpphase-cli --bench e2e`.

use criterion::Criterion;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tcpphase_workload::{Workload, WorkloadConfig};

/// Per command, every timed run (whole process, output to /dev/null).
static RUNS: Mutex<BTreeMap<&'static str, Vec<Duration>>> = Mutex::new(BTreeMap::new());

/// One command of the comparison: its name in the report and its argv.
struct Contender {
    name: &'static str,
    argv: Vec<String>,
}

/// Whether `program` can be started (`--version` or `-v` answers).
fn installed(program: &str) -> bool {
    ["--version", "-v"].iter().any(|flag| {
        Command::new(program)
            .arg(flag)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    })
}

/// Writes the workload capture; returns its path and frame count.
fn capture(dir: &Path) -> (PathBuf, u64) {
    let connections = std::env::var("TCPPHASE_BENCH_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let path = dir.join(format!("workload-{connections}.pcap"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create capture"));
    let frames = Workload::new(WorkloadConfig {
        connections,
        concurrency: 256,
        ..WorkloadConfig::default()
    })
    .write_pcap(&mut out)
    .expect("write capture");
    drop(out);
    (path, frames)
}

/// The commands compared, those whose program is installed.
fn contenders(file: &str) -> Vec<Contender> {
    let tcpphase = env!("CARGO_BIN_EXE_tcpphase");
    let argv = |words: &[&str]| -> Vec<String> { words.iter().map(|w| w.to_string()).collect() };
    let mut all = vec![
        Contender {
            name: "tcpphase annotate --json",
            argv: argv(&[tcpphase, "annotate", "--json", "--threads", "2", file]),
        },
        Contender {
            name: "tcpphase conns",
            argv: argv(&[tcpphase, "conns", "--threads", "2", file]),
        },
        Contender {
            name: "tcpphase conns --threads 1",
            argv: argv(&[tcpphase, "conns", "--threads", "1", file]),
        },
    ];
    if installed("tshark") {
        all.push(Contender {
            name: "tshark -T fields",
            argv: argv(&[
                "tshark",
                "-n",
                "-r",
                file,
                "-T",
                "fields",
                "-e",
                "frame.number",
                "-e",
                "tcp.stream",
                "-e",
                "tcp.flags.str",
            ]),
        });
    } else {
        eprintln!("e2e: tshark is not installed; left out (Debian: apt-get install tshark)");
    }
    if installed("tcptrace") {
        all.push(Contender {
            name: "tcptrace -n",
            argv: argv(&["tcptrace", "-n", file]),
        });
    } else {
        eprintln!("e2e: tcptrace is not installed; left out (Debian: apt-get install tcptrace)");
    }
    all
}

/// Runs one command to completion, its output thrown away; panics if it
/// fails (a benchmark of a failing command would measure nothing).
fn run(argv: &[String]) -> Duration {
    let start = Instant::now();
    let status = Command::new(&argv[0])
        .args(&argv[1..])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("start command");
    let took = start.elapsed();
    assert!(status.success(), "{argv:?} failed: {status}");
    took
}

/// The median of some durations.
fn median(runs: &mut [Duration]) -> Duration {
    runs.sort_unstable();
    runs[runs.len() / 2]
}

fn main() {
    let dir = std::env::temp_dir().join(format!("tcpphase-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (path, frames) = capture(&dir);
    let file = path.to_str().expect("utf-8 temp path").to_string();
    eprintln!("e2e: {file}: {frames} frames");

    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut group = criterion.benchmark_group("e2e");
    for contender in contenders(&file) {
        let name = contender.name;
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let took = run(&contender.argv);
                    RUNS.lock().unwrap().entry(name).or_default().push(took);
                    total += took;
                }
                total
            })
        });
    }
    group.finish();
    criterion.final_summary();

    let mut runs = RUNS.lock().unwrap();
    let medians: BTreeMap<&str, Duration> = runs
        .iter_mut()
        .map(|(name, runs)| (*name, median(runs)))
        .collect();
    println!(
        "\n{frames} frames; median of every timed run; ratio = other tool's time / tcpphase's"
    );
    for (name, took) in &medians {
        println!(
            "  {name:<28} {:>9.3} s {:>12.0} frames/s",
            took.as_secs_f64(),
            frames as f64 / took.as_secs_f64()
        );
    }
    let ratio = |slow: &str, fast: &str| {
        if let (Some(s), Some(f)) = (medians.get(slow), medians.get(fast)) {
            println!(
                "  {slow} / {fast}: {:.1}x",
                s.as_secs_f64() / f.as_secs_f64()
            );
        }
    };
    ratio("tshark -T fields", "tcpphase annotate --json");
    ratio("tshark -T fields", "tcpphase conns");
    ratio("tcptrace -n", "tcpphase conns");
    ratio("tcpphase conns --threads 1", "tcpphase conns");
    let _ = std::fs::remove_dir_all(&dir);
}
