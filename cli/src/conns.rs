//! `tcpphase conns`: one line per connection, as each leaves the table.

use crate::error::{outcome, CommandError, ErrorKind, Failure};
use crate::filter::{Filter, PhaseSet};
use crate::input::Source;
use crate::records::RecordWriter;
use crate::tracking::{track, unknown_stream, Event, Moment};
use crate::Format;
use std::collections::HashMap;
use std::io::Write;
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Annotation, Config, Tracker};

/// Summarises every connection of the capture at `path` into `out`.
/// On a damaged file the connections seen before the damage are still
/// summarised, then the error is returned.
pub fn conns(path: &str, format: Format, out: &mut dyn Write) -> Result<(), CommandError> {
    run(&Source::file(path), &Filter::default(), format, out).map_err(Failure::into_first)
}

/// `tcpphase conns`: the connections of `source` that pass `filter` (by
/// stream, port and host; by phase when the connection went through one
/// of the phases), in `format`.
pub fn run(
    source: &Source,
    filter: &Filter,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut tracker = Tracker::new(Config::default());
    let mut sink = match Sink::new(format, out) {
        Ok(sink) => sink,
        Err(e) => return Err(CommandError::stdout(e).into()),
    };
    let mut chosen = Chosen {
        filter,
        phases_seen: HashMap::new(),
    };
    // The text header comes with the first frame (or at the end of a
    // capture without any): none when nothing could be read.
    let mut header_due = format == Format::Text;
    let (reached, mut problems) = track(source, &mut tracker, Moment::End, |tracker, event, _| {
        if std::mem::take(&mut header_due) {
            sink.header().map_err(CommandError::stdout)?;
        }
        if let Event::Segment(a) = event {
            chosen.saw(a);
        }
        while let Some(s) = tracker.next_summary() {
            if chosen.wants(&s) {
                sink.write(&s).map_err(CommandError::stdout)?;
            }
        }
        Ok(())
    });
    tracker.finish();
    if header_due && reached.frames == 0 && problems.is_empty() {
        if let Err(e) = sink.header() {
            problems.push(CommandError::stdout(e));
        }
    }
    // After damage the connections seen so far are still summarised; not
    // after the output failed.
    if problems.iter().all(|e| e.kind == ErrorKind::Input) {
        while let Some(s) = tracker.next_summary() {
            if chosen.wants(&s) {
                if let Err(e) = sink.write(&s) {
                    problems.push(CommandError::stdout(e));
                    break;
                }
            }
        }
    }
    if let Err(e) = sink.flush() {
        problems.push(CommandError::stdout(e));
    }
    if let Some(e) = unknown_stream(source, filter, &reached, Moment::End, &problems) {
        problems.push(e);
    }
    outcome(problems)
}

/// Which connections pass the filter; with `--phase`, the phases each
/// live connection has gone through (forgotten when it is summarised).
struct Chosen<'a> {
    filter: &'a Filter,
    phases_seen: HashMap<u64, PhaseSet>,
}

impl Chosen<'_> {
    fn by_phase(&self) -> bool {
        !self.filter.phases.is_all()
    }

    fn saw(&mut self, a: &Annotation) {
        if self.by_phase() {
            self.phases_seen
                .entry(a.conn)
                .or_insert(PhaseSet::NONE)
                .insert(a.phase);
        }
    }

    fn wants(&mut self, s: &ConnSummary) -> bool {
        let went_through = !self.by_phase()
            || self
                .phases_seen
                .remove(&s.conn)
                .is_some_and(|seen| seen.intersects(self.filter.phases));
        went_through && self.filter.matches_endpoints(s.stream, s.client, s.server)
    }
}

/// Where the summaries go: the text table, or records.
enum Sink<'o> {
    Text(&'o mut dyn Write),
    Records(Box<RecordWriter<ConnSummary, &'o mut dyn Write>>),
}

impl<'o> Sink<'o> {
    fn new(format: Format, out: &'o mut dyn Write) -> std::io::Result<Self> {
        Ok(match format.records() {
            None => Sink::Text(out),
            Some(records) => Sink::Records(Box::new(RecordWriter::new(records, out)?)),
        })
    }

    /// The text table's header row.
    fn header(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Text(out) => write_header(out),
            Sink::Records(_) => Ok(()),
        }
    }

    fn write(&mut self, s: &ConnSummary) -> std::io::Result<()> {
        match self {
            Sink::Text(out) => write_text(out, s),
            Sink::Records(records) => records.write(s),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Text(out) => out.flush(),
            Sink::Records(records) => records.flush(),
        }
    }
}

fn write_header(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:>5} {:>6} {:<45} {:<45} {:<9} {:<12} {:<7} {:<12} {:<12} {:<6} {:<16} {:>5} {:>7} {:>7}",
        "conn",
        "stream",
        "client",
        "server",
        "handshake",
        "close",
        "closer",
        "client_state",
        "server_state",
        "zeek",
        "history",
        "compl",
        "pkts",
        "bytes"
    )
}

fn write_text(out: &mut dyn Write, s: &ConnSummary) -> std::io::Result<()> {
    writeln!(
        out,
        "{:>5} {:>6} {:<45} {:<45} {:<9} {:<12} {:<7} {:<12} {:<12} {:<6} {:<16} {:>5} {:>7} {:>7}",
        s.conn,
        s.stream,
        s.client.to_string(),
        s.server.to_string(),
        s.handshake.name(),
        s.close.name(),
        s.active_closer.map_or("-", |r| r.name()),
        s.client_state.name(),
        s.server_state.name(),
        s.conn_state,
        s.history.as_str(),
        s.completeness,
        s.client_packets + s.server_packets,
        s.client_bytes + s.server_bytes,
    )
}
