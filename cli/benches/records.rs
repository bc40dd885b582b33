//! What one output line costs: `annotate --json` / `--csv` lines and
//! `conns --json` / `--csv` lines written through the one record writer
//! into a sink, from records made beforehand (tracking is not measured).
//! Criterion reports time per element, that is per line. Run with
//! `cargo bench -p tcpphase-cli --bench records`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::io::Write;
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Annotation, Config, FrameOutcome, Tracker};
use tcpphase_cli::records::{Json, Record, RecordFormat, RecordWriter};
use tcpphase_workload::{Workload, WorkloadConfig};

/// The annotations and connection summaries of a 20 k-connection workload.
fn records() -> (Vec<Annotation>, Vec<ConnSummary>) {
    let mut tracker = Tracker::new(Config::default());
    let mut annotations = Vec::new();
    let mut summaries = Vec::new();
    for frame in Workload::new(WorkloadConfig {
        connections: 20_000,
        concurrency: 256,
        ..WorkloadConfig::default()
    }) {
        if let FrameOutcome::Segment(a) = tracker.feed(1, &frame.bytes, frame.ts_ns) {
            annotations.push(a);
        }
        while let Some(s) = tracker.next_summary() {
            summaries.push(s);
        }
    }
    tracker.finish();
    while let Some(s) = tracker.next_summary() {
        summaries.push(s);
    }
    (annotations, summaries)
}

/// Writes every record into a sink; returns nothing worth keeping.
fn write_all<R: Record>(format: RecordFormat, records: &[R]) {
    let mut w = RecordWriter::<R, _>::new(format, std::io::sink()).expect("a sink takes all");
    for r in records {
        w.write(black_box(r)).expect("a sink takes all");
    }
    w.flush().expect("a sink takes all");
}

/// The same lines through serde_json (how they were written before), for
/// comparison.
fn write_all_serde<R: Record>(records: &[R]) {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::sink());
    for r in records {
        serde_json::to_writer(&mut out, &Json(black_box(r))).expect("a sink takes all");
        out.write_all(b"\n").expect("a sink takes all");
    }
    out.flush().expect("a sink takes all");
}

/// Every segment's line, written the `way` named (serde, json or csv).
#[inline(never)]
fn write_annotations(way: &str, annotations: &[Annotation]) {
    match way {
        "serde" => write_all_serde(annotations),
        "json" => write_all(RecordFormat::Json, annotations),
        _ => write_all(RecordFormat::Csv, annotations),
    }
}

/// Every connection's line, written the `way` named.
#[inline(never)]
fn write_summaries(way: &str, summaries: &[ConnSummary]) {
    match way {
        "serde" => write_all_serde(summaries),
        "json" => write_all(RecordFormat::Json, summaries),
        _ => write_all(RecordFormat::Csv, summaries),
    }
}

fn lines(c: &mut Criterion) {
    let (annotations, summaries) = records();
    if let Ok(way) = std::env::var("TCPPHASE_BENCH_ONCE") {
        // Each line written once, for an instruction count that the other
        // work on a shared machine does not disturb: `valgrind
        // --tool=callgrind --collect-atstart=no
        // --toggle-collect='*write_annotations*'
        // --toggle-collect='*write_summaries*'` over this, each function's
        // inclusive count divided by the lines printed here.
        write_annotations(&way, &annotations);
        write_summaries(&way, &summaries);
        println!(
            "{way}: {} annotate lines, {} conns lines",
            annotations.len(),
            summaries.len()
        );
        return;
    }
    let mut group = c.benchmark_group("line");
    group.sample_size(20);
    group.throughput(Throughput::Elements(annotations.len() as u64));
    group.bench_function("annotate json via serde_json", |b| {
        b.iter(|| write_all_serde(&annotations))
    });
    group.throughput(Throughput::Elements(summaries.len() as u64));
    group.bench_function("conns json via serde_json", |b| {
        b.iter(|| write_all_serde(&summaries))
    });
    group.finish();
    for (name, format) in [("json", RecordFormat::Json), ("csv", RecordFormat::Csv)] {
        let mut group = c.benchmark_group("line");
        group.sample_size(20);
        group.throughput(Throughput::Elements(annotations.len() as u64));
        group.bench_function(format!("annotate {name}"), |b| {
            b.iter(|| write_all(format, &annotations))
        });
        group.throughput(Throughput::Elements(summaries.len() as u64));
        group.bench_function(format!("conns {name}"), |b| {
            b.iter(|| write_all(format, &summaries))
        });
        group.finish();
    }
}

criterion_group!(benches, lines);
criterion_main!(benches);
