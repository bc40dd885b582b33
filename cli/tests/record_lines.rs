//! Issue 15 point 5: the record writer spells its lines itself (joins made
//! once, numbers and seconds by integer arithmetic), and they are byte for
//! byte what serde_json writes for JSON Lines and what the csv crate writes
//! for CSV, given each value's `Display` / `{:.9}` form: over every record
//! of real captures (segments, frames that do not parse, connection
//! summaries) and over random records.

use proptest::prelude::*;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
mod common;

use common::captures_under;
use std::path::Path;
use tcpphase::capture::CaptureReader;
use tcpphase::phase::{AnomalyFlags, Phase, Step, TcpState};
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Annotation, Config, FrameOutcome, Tracker};
use tcpphase::wire::TcpFlags;
use tcpphase_cli::records::{
    keys, Fields, Json, Malformed, Record, RecordFormat, RecordWriter, Value,
};
use tcpphase_workload::{Workload, WorkloadConfig};

/// `records` through the record writer, in `format`.
fn written<R: Record>(format: RecordFormat, records: &[R]) -> String {
    let mut out = Vec::new();
    let mut w = RecordWriter::<R, _>::new(format, &mut out).unwrap();
    for r in records {
        w.write(r).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    String::from_utf8(out).unwrap()
}

/// `records` as JSON Lines through serde_json.
fn by_serde<R: Record>(records: &[R]) -> String {
    let mut out = String::new();
    for r in records {
        out += &serde_json::to_string(&Json(r)).unwrap();
        out.push('\n');
    }
    out
}

/// A value as its CSV cell before quoting, from the standard library's
/// own formatting.
fn cell(value: Value<'_>) -> String {
    match value {
        Value::U64(n) | Value::OptU64(Some(n)) => n.to_string(),
        Value::OptU64(None) | Value::OptSeconds(None) => String::new(),
        Value::Seconds(s) | Value::OptSeconds(Some(s)) => format!("{s:.9}"),
        Value::Str(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Ip(ip) => ip.to_string(),
        Value::Addr(addr) => addr.to_string(),
        Value::Anomalies(flags) => flags.names().collect::<Vec<_>>().join("|"),
        Value::TcpFlags(flags) => flags.letters(&mut [0; 9]).to_string(),
        Value::Text(text) => text.to_string(),
    }
}

/// `records` as CSV through the csv crate: the keys, then one row each.
fn by_csv_crate<R: Record>(records: &[R]) -> String {
    struct Cells<'r, R>(&'r R, Vec<String>);
    impl<R> Fields<R> for Cells<'_, R> {
        type Error = core::convert::Infallible;
        fn field(
            &mut self,
            _: &'static str,
            value: fn(&R) -> Value<'_>,
        ) -> Result<(), Self::Error> {
            self.1.push(cell(value(self.0)));
            Ok(())
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(keys::<R>()).unwrap();
    for r in records {
        let mut cells = Cells(r, Vec::new());
        let Ok(()) = R::layout(&mut cells);
        w.write_record(&cells.1).unwrap();
    }
    w.flush().unwrap();
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The writer agrees with serde_json and the csv crate on `records`.
fn agree<R: Record>(what: &str, records: &[R]) {
    let (ours, theirs) = (written(RecordFormat::Json, records), by_serde(records));
    if ours != theirs {
        let (a, b) = ours
            .lines()
            .zip(theirs.lines())
            .find(|(a, b)| a != b)
            .unwrap_or(("(lengths differ)", ""));
        panic!("{what}: JSON differs\n ours: {a}\nserde: {b}");
    }
    let (ours, theirs) = (written(RecordFormat::Csv, records), by_csv_crate(records));
    if ours != theirs {
        let (a, b) = ours
            .lines()
            .zip(theirs.lines())
            .find(|(a, b)| a != b)
            .unwrap_or(("(lengths differ)", ""));
        panic!("{what}: CSV differs\n ours: {a}\n  csv: {b}");
    }
}

/// Every record of one capture: its segments, its frames that do not
/// parse, its connection summaries.
#[derive(Default)]
struct Records {
    segments: Vec<Annotation>,
    malformed: Vec<Malformed>,
    summaries: Vec<ConnSummary>,
}

impl Records {
    fn feed(&mut self, tracker: &mut Tracker, frame: u64, linktype: u32, data: &[u8], ts_ns: u64) {
        match tracker.feed(linktype, data, ts_ns) {
            FrameOutcome::Segment(a) => self.segments.push(a),
            FrameOutcome::Malformed(e) => self.malformed.push(Malformed::new(frame, ts_ns, e)),
            FrameOutcome::NotTcp => {}
        }
        while let Some(s) = tracker.next_summary() {
            self.summaries.push(s);
        }
    }

    fn finish(mut self, mut tracker: Tracker) -> Self {
        tracker.finish();
        while let Some(s) = tracker.next_summary() {
            self.summaries.push(s);
        }
        self
    }

    fn of_file(path: &Path) -> Option<Self> {
        let file = std::fs::File::open(path).ok()?;
        let mut reader = CaptureReader::new(std::io::BufReader::new(file)).ok()?;
        let mut tracker = Tracker::new(Config::default());
        let mut records = Records::default();
        let mut frame = 0;
        while let Ok(Some(f)) = reader.next_frame() {
            frame += 1;
            records.feed(&mut tracker, frame, f.linktype, f.data, f.ts_ns);
        }
        Some(records.finish(tracker))
    }

    /// A synthetic capture: microsecond times of today, every ending.
    fn of_workload(connections: u64) -> Self {
        let mut tracker = Tracker::new(Config::default());
        let mut records = Records::default();
        let workload = Workload::new(WorkloadConfig {
            connections,
            concurrency: 64,
            ..WorkloadConfig::default()
        });
        for (i, f) in workload.enumerate() {
            records.feed(&mut tracker, i as u64 + 1, 1, &f.bytes, f.ts_ns);
        }
        records.finish(tracker)
    }

    fn agree(&self, what: &str) {
        agree(&format!("{what} segments"), &self.segments);
        agree(&format!("{what} summaries"), &self.summaries);
        // A frame that does not parse is a line of its own among segments.
        let mut ours = Vec::new();
        let mut w = RecordWriter::<Annotation, _>::new(RecordFormat::Json, &mut ours).unwrap();
        let mut theirs = String::new();
        for (m, a) in self.malformed.iter().zip(self.segments.iter().cycle()) {
            w.write_other(m).unwrap();
            w.write(a).unwrap();
            theirs += &by_serde(std::slice::from_ref(m));
            theirs += &by_serde(std::slice::from_ref(a));
        }
        w.flush().unwrap();
        drop(w);
        assert_eq!(String::from_utf8(ours).unwrap(), theirs, "{what} malformed");
    }
}

/// Every record of every capture under `snapshots/` (and of the public
/// corpus beside the repository, when it is there), and of a synthetic
/// capture of 3000 connections.
#[test]
fn lines_of_real_captures_are_spelled_as_serde_json_and_the_csv_crate_spell_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    captures_under(&root.join("snapshots"), &mut files);
    captures_under(&root.join("../shared/corpus"), &mut files);
    captures_under(&root.join("../shared/field"), &mut files);
    files.sort();
    let (mut segments, mut malformed, mut summaries) = (0, 0, 0);
    for path in &files {
        let Some(records) = Records::of_file(path) else {
            continue;
        };
        records.agree(&path.display().to_string());
        segments += records.segments.len();
        malformed += records.malformed.len();
        summaries += records.summaries.len();
    }
    let workload = Records::of_workload(3000);
    workload.agree("workload");
    assert!(workload.segments.len() > 30_000);
    assert!(segments > 1000 && summaries > 50, "{segments} {summaries}");
    eprintln!(
        "{} captures: {segments} segments, {malformed} malformed, {summaries} summaries",
        files.len()
    );
}

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(IpAddr::from),
        any::<[u8; 16]>().prop_map(IpAddr::from),
        // Few distinct groups, so that `::` shortening and the v4-mapped
        // form both come up.
        prop::array::uniform8(prop_oneof![Just(0u16), Just(0xffff), any::<u16>()])
            .prop_map(|g| IpAddr::from(std::net::Ipv6Addr::from(g))),
    ]
}

fn addr() -> impl Strategy<Value = SocketAddr> {
    (ip(), any::<u16>()).prop_map(SocketAddr::from)
}

/// Capture times: microseconds around today, nanoseconds, anything.
fn ts_ns() -> impl Strategy<Value = u64> {
    prop_oneof![
        (1_600_000_000_000_000u64..1_900_000_000_000_000).prop_map(|us| us * 1000),
        1_600_000_000_000_000_000u64..1_900_000_000_000_000_000,
        0u64..10_000_000_000,
        any::<u64>(),
    ]
}

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    prop::sample::select(all)
}

prop_compose! {
    fn annotation(base: Annotation)(
        frame in any::<u64>(), stream in any::<u64>(), conn in any::<u64>(), ts_ns in ts_ns(),
        phase in pick(&Phase::ALL), step in pick(&Step::ALL),
        client_state in pick(&TcpState::ALL), server_state in pick(&TcpState::ALL),
        flags in any::<u16>(), origin_guessed in any::<bool>(),
        src in addr(), dst in addr(), tcp_flags in any::<u16>(),
        seq in any::<u32>(), ack in any::<u32>(), len in any::<u32>(),
    ) -> Annotation {
        Annotation {
            frame, stream, conn, ts_ns, phase, step, client_state, server_state,
            flags: AnomalyFlags(flags), origin_guessed, src, dst,
            tcp_flags: TcpFlags(tcp_flags), seq, ack, len,
            ..base
        }
    }
}

prop_compose! {
    fn summary(base: ConnSummary)(
        conn in any::<u64>(), stream in any::<u64>(), client in addr(), server in addr(),
        origin_guessed in any::<bool>(), first_ts_ns in ts_ns(), last_ts_ns in ts_ns(),
        counts in any::<[u64; 4]>(), rtts in any::<[Option<u64>; 2]>(),
        short_rtts in (0u64..2_000_000_000, 0u64..2_000_000), completeness in any::<u8>(),
        client_state in pick(&TcpState::ALL), server_state in pick(&TcpState::ALL),
    ) -> ConnSummary {
        ConnSummary {
            conn, stream, client, server, origin_guessed, first_ts_ns, last_ts_ns,
            client_packets: counts[0], server_packets: counts[1],
            client_bytes: counts[2], server_bytes: counts[3],
            syn_to_syn_ack_ns: rtts[0].map(|_| short_rtts.0),
            syn_ack_to_ack_ns: rtts[1],
            completeness, client_state, server_state,
            ..base
        }
    }
}

/// Real records to vary (the fields not varied keep their real values).
fn bases() -> Records {
    Records::of_workload(200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_segments_are_spelled_as_serde_json_and_the_csv_crate_spell_them(
        records in prop::collection::vec(annotation(bases().segments.remove(7)), 1..300)
    ) {
        agree("random segments", &records);
    }

    #[test]
    fn random_summaries_are_spelled_as_serde_json_and_the_csv_crate_spell_them(
        records in prop::collection::vec(summary(bases().summaries.remove(3)), 1..300)
    ) {
        agree("random summaries", &records);
    }
}

/// A write error reaches the caller, and nothing is written twice.
#[test]
fn a_failed_write_is_reported() {
    struct Failing(usize);
    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += 1;
            if self.0 > 1 {
                Err(std::io::Error::other("disk full"))
            } else {
                Ok(buf.len())
            }
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let records = Records::of_workload(50);
    let mut w = RecordWriter::<Annotation, _>::new(RecordFormat::Csv, Failing(0)).unwrap();
    let failed = records
        .segments
        .iter()
        .filter(|a| w.write(a).is_err())
        .count();
    assert!(failed > 0, "the block filled and its write failed");
    assert!(w.flush().is_err());
}
