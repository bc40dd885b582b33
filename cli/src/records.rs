//! The records the faces print: DESIGN's keys, borrowed from an annotation
//! or a summary, serialised by serde without per-record allocation.

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use tcpphase::phase::AnomalyFlags;
use tcpphase::summary::ConnSummary;
use tcpphase::track::Annotation;
use tcpphase::wire::TcpFlags;

fn ts_seconds(ts_ns: u64) -> f64 {
    ts_ns as f64 / 1e9
}

struct FlagNames(AnomalyFlags);

impl Serialize for FlagNames {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for name in self.0.names() {
            seq.serialize_element(name)?;
        }
        seq.end()
    }
}

struct Letters(TcpFlags);

impl Serialize for Letters {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 9];
        s.serialize_str(self.0.letters(&mut buf))
    }
}

/// One segment as JSON: DESIGN's keys, then the segment's own.
#[derive(Serialize)]
pub struct AnnotationJson {
    frame: u64,
    stream: u64,
    conn: u64,
    dir: &'static str,
    phase: &'static str,
    step: &'static str,
    client_state: &'static str,
    server_state: &'static str,
    closer: &'static str,
    flags: FlagNames,
    origin_guessed: bool,
    ts: f64,
    src: std::net::IpAddr,
    sport: u16,
    dst: std::net::IpAddr,
    dport: u16,
    tcp_flags: Letters,
    seq: u32,
    ack: u32,
    len: u32,
}

impl AnnotationJson {
    /// The JSON record of an annotation.
    pub fn of(a: &Annotation) -> Self {
        AnnotationJson {
            frame: a.frame,
            stream: a.stream,
            conn: a.conn,
            dir: a.dir.name(),
            phase: a.phase.name(),
            step: a.step.name(),
            client_state: a.client_state.name(),
            server_state: a.server_state.name(),
            closer: a.closer.name(),
            flags: FlagNames(a.flags),
            origin_guessed: a.origin_guessed,
            ts: ts_seconds(a.ts_ns),
            src: a.src.ip(),
            sport: a.src.port(),
            dst: a.dst.ip(),
            dport: a.dst.port(),
            tcp_flags: Letters(a.tcp_flags),
            seq: a.seq,
            ack: a.ack,
            len: a.len,
        }
    }
}

/// A frame that does not parse, as JSON.
#[derive(Serialize)]
pub struct MalformedJson {
    /// Frame number.
    pub frame: u64,
    /// Capture time in seconds.
    pub ts: f64,
    /// Always `other`.
    pub phase: &'static str,
    /// Always `malformed`.
    pub step: &'static str,
    /// What is wrong and where: `frame 7: TCP header at byte 34 ...`.
    pub error: FrameError,
}

impl MalformedJson {
    /// The JSON record of frame `frame`, captured at `ts_ns`, that does
    /// not parse.
    pub fn of(frame: u64, ts_ns: u64, error: tcpphase::wire::WireError) -> Self {
        MalformedJson {
            frame,
            ts: ts_seconds(ts_ns),
            phase: "other",
            step: "malformed",
            error: FrameError { frame, error },
        }
    }
}

/// A wire error and its frame, serialised as the string
/// `frame N: what` without building the string first.
pub struct FrameError {
    frame: u64,
    error: tcpphase::wire::WireError,
}

impl Serialize for FrameError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("frame {}: {}", self.frame, self.error))
    }
}

/// The CSV header of `annotate --csv`.
pub const ANNOTATION_CSV_HEADER: [&str; 20] = [
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
    "origin_guessed",
    "ts",
    "src",
    "sport",
    "dst",
    "dport",
    "tcp_flags",
    "seq",
    "ack",
    "len",
];

/// Text buffers reused from one CSV row to the next, so that writing a row
/// allocates nothing once they have grown.
#[derive(Default)]
pub struct CsvScratch {
    field: String,
}

impl CsvScratch {
    /// `value` formatted into the reused buffer.
    fn text(&mut self, value: impl std::fmt::Display) -> &[u8] {
        use std::fmt::Write as _;
        self.field.clear();
        // Writing into a String cannot fail.
        let _ = write!(self.field, "{value}");
        self.field.as_bytes()
    }
}

/// Writes one annotation as a CSV row (flags joined with `|`), formatting
/// into `scratch` instead of allocating.
pub fn write_annotation_csv<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    a: &Annotation,
    scratch: &mut CsvScratch,
) -> csv::Result<()> {
    w.write_field(scratch.text(a.frame))?;
    w.write_field(scratch.text(a.stream))?;
    w.write_field(scratch.text(a.conn))?;
    w.write_field(a.dir.name())?;
    w.write_field(a.phase.name())?;
    w.write_field(a.step.name())?;
    w.write_field(a.client_state.name())?;
    w.write_field(a.server_state.name())?;
    w.write_field(a.closer.name())?;
    scratch.field.clear();
    for (i, name) in a.flags.names().enumerate() {
        if i > 0 {
            scratch.field.push('|');
        }
        scratch.field.push_str(name);
    }
    w.write_field(scratch.field.as_bytes())?;
    w.write_field(if a.origin_guessed { "true" } else { "false" })?;
    w.write_field(scratch.text(format_args!("{:.9}", ts_seconds(a.ts_ns))))?;
    w.write_field(scratch.text(a.src.ip()))?;
    w.write_field(scratch.text(a.src.port()))?;
    w.write_field(scratch.text(a.dst.ip()))?;
    w.write_field(scratch.text(a.dst.port()))?;
    let mut letters = [0u8; 9];
    w.write_field(a.tcp_flags.letters(&mut letters))?;
    w.write_field(scratch.text(a.seq))?;
    w.write_field(scratch.text(a.ack))?;
    w.write_field(scratch.text(a.len))?;
    w.write_record(None::<&[u8]>)
}

/// One connection summary as JSON, DESIGN's keys.
#[derive(Serialize)]
pub struct SummaryJson {
    conn: u64,
    stream: u64,
    client: String,
    server: String,
    origin_guessed: bool,
    handshake: &'static str,
    rtt_syn_synack: Option<f64>,
    rtt_synack_ack: Option<f64>,
    close: &'static str,
    active_closer: &'static str,
    client_state: &'static str,
    server_state: &'static str,
    conn_state: &'static str,
    history: String,
    completeness: u8,
    client_packets: u64,
    server_packets: u64,
    client_bytes: u64,
    server_bytes: u64,
    first_ts: f64,
    last_ts: f64,
}

impl SummaryJson {
    /// The JSON record of a summary.
    pub fn of(s: &ConnSummary) -> Self {
        SummaryJson {
            conn: s.conn,
            stream: s.stream,
            client: s.client.to_string(),
            server: s.server.to_string(),
            origin_guessed: s.origin_guessed,
            handshake: s.handshake.name(),
            rtt_syn_synack: s.syn_to_syn_ack_ns.map(ts_seconds),
            rtt_synack_ack: s.syn_ack_to_ack_ns.map(ts_seconds),
            close: s.close.name(),
            active_closer: s.active_closer.map_or("", |r| r.name()),
            client_state: s.client_state.name(),
            server_state: s.server_state.name(),
            conn_state: s.conn_state,
            history: s.history.to_string(),
            completeness: s.completeness,
            client_packets: s.client_packets,
            server_packets: s.server_packets,
            client_bytes: s.client_bytes,
            server_bytes: s.server_bytes,
            first_ts: ts_seconds(s.first_ts_ns),
            last_ts: ts_seconds(s.last_ts_ns),
        }
    }
}

/// One endpoint of `tcpphase states --json`.
#[derive(Serialize)]
pub struct EndpointJson {
    conn: u64,
    stream: u64,
    side: &'static str,
    local: String,
    peer: String,
    state: &'static str,
    frame: Option<u64>,
    ts: f64,
}

impl EndpointJson {
    /// The JSON record of an endpoint, its state spelled in `style`.
    pub fn of(e: &crate::states::EndpointState, style: crate::states::Style) -> Self {
        EndpointJson {
            conn: e.conn,
            stream: e.stream,
            side: e.side.name(),
            local: e.local.to_string(),
            peer: e.peer.to_string(),
            state: style.spell(e.state),
            frame: e.frame,
            ts: ts_seconds(e.since_ns),
        }
    }
}
