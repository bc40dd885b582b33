//! `tcpphase conns`: one line per connection, as each leaves the table.

use crate::error::{outcome, CommandError, ErrorKind, Failure};
use crate::filter::{Filter, PhaseSet};
use crate::input::Source;
use crate::records::RecordWriter;
use crate::tracking::{track, unknown_stream, Event, Moment};
use crate::Format;
use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
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
    let (reached, mut problems) = track(source, &mut tracker, Moment::End, |tracker, event, _| {
        if let Event::Segment(a) = event {
            chosen.saw(a);
            sink.saw(a);
        }
        while let Some(s) = tracker.next_summary() {
            if chosen.wants(&s) {
                sink.write(&s).map_err(CommandError::stdout)?;
            }
        }
        Ok(())
    });
    tracker.finish();
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
    // A table without rows still has its header; none when nothing could
    // be read, or the output failed.
    let readable = reached.frames > 0 || problems.is_empty();
    if readable && problems.iter().all(|e| e.kind == ErrorKind::Input) {
        if let Err(e) = sink.header() {
            problems.push(CommandError::stdout(e));
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
    Text {
        out: &'o mut dyn Write,
        /// The address columns' width: IPv4's until an IPv6 segment is seen.
        addr_w: usize,
        /// The header is written (with the first row, or at the end).
        headed: bool,
    },
    Records(Box<RecordWriter<ConnSummary, &'o mut dyn Write>>),
}

impl<'o> Sink<'o> {
    fn new(format: Format, out: &'o mut dyn Write) -> std::io::Result<Self> {
        Ok(match format.records() {
            None => Sink::Text {
                out,
                addr_w: V4_WIDTH,
                headed: false,
            },
            Some(records) => Sink::Records(Box::new(RecordWriter::new(records, out)?)),
        })
    }

    /// Sizes the address columns to the capture: until the header is
    /// written, an IPv6 segment widens them.
    fn saw(&mut self, a: &Annotation) {
        if let Sink::Text {
            addr_w,
            headed: false,
            ..
        } = self
        {
            if a.src.is_ipv6() {
                *addr_w = V6_WIDTH;
            }
        }
    }

    /// The text table's header row, once.
    fn header(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Text {
                out,
                addr_w,
                headed,
            } if !*headed => {
                *headed = true;
                write_header(*out, *addr_w)
            }
            _ => Ok(()),
        }
    }

    fn write(&mut self, s: &ConnSummary) -> std::io::Result<()> {
        self.header()?;
        match self {
            Sink::Text { out, addr_w, .. } => {
                let w = (*addr_w).max(if s.client.is_ipv6() { V6_WIDTH } else { 0 });
                write_text(*out, s, w)
            }
            Sink::Records(records) => records.write(s),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Text { out, .. } => out.flush(),
            Sink::Records(records) => records.flush(),
        }
    }
}

/// The widest `addr:port` of an IPv4 address, and of an IPv6 one.
const V4_WIDTH: usize = "255.255.255.255:65535".len();
const V6_WIDTH: usize = "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535".len();

fn write_header(out: &mut dyn Write, addr_w: usize) -> std::io::Result<()> {
    writeln!(
        out,
        "{:>5} {:>6} {:<addr_w$} {:<addr_w$} {:<9} {:<12} {:<7} {:<12} {:<12} {:<6} {:<16} {:>5} {:>7} {:>7}",
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

fn write_text(out: &mut dyn Write, s: &ConnSummary, addr_w: usize) -> std::io::Result<()> {
    let mut client = AddrText::default();
    let mut server = AddrText::default();
    writeln!(
        out,
        "{:>5} {:>6} {:<addr_w$} {:<addr_w$} {:<9} {:<12} {:<7} {:<12} {:<12} {:<6} {:<16} {:>5} {:>7} {:>7}",
        s.conn,
        s.stream,
        client.of(s.client),
        server.of(s.server),
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

/// An `addr:port` formatted on the stack, so that the column pads it
/// (a `SocketAddr`'s own `Display` pads only without a port).
struct AddrText {
    buf: [u8; V6_WIDTH],
}

impl Default for AddrText {
    fn default() -> Self {
        AddrText { buf: [0; V6_WIDTH] }
    }
}

impl AddrText {
    fn of(&mut self, addr: SocketAddr) -> &str {
        use std::io::Write as _;
        let mut cursor = std::io::Cursor::new(&mut self.buf[..]);
        // The widest address fits the buffer.
        let _ = write!(cursor, "{addr}");
        let len = cursor.position() as usize;
        std::str::from_utf8(&self.buf[..len]).unwrap_or("")
    }
}
