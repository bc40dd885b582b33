//! `tcpphase conns`: one line per connection, as each leaves the table.

use crate::error::{outcome, CommandError, ErrorKind, Failure};
use crate::filter::{Filter, PhaseSet};
use crate::input::Source;
use crate::records::RecordWriter;
use crate::tracking::{track, unknown_stream, Event, Moment};
use crate::Format;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::net::SocketAddr;
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Annotation, Tracker};

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
    let mut tracker = Tracker::new(source.tracker_config());
    let mut sink = match Sink::new(format, out) {
        Ok(sink) => sink,
        Err(e) => return Err(CommandError::stdout(e).into()),
    };
    let mut chosen = Chosen {
        filter,
        phases_seen: HashMap::new(),
    };
    let mut order = InOrder::new(format == Format::Text);
    // Live input: each summary goes out as its connection leaves the table.
    let live = source.is_live();
    let (reached, mut problems) = if let Some(workers) = crate::sharded::workers(source) {
        let wants = crate::sharded::Wants {
            annotations: false,
            summaries: true,
            phases: chosen.by_phase(),
        };
        let mut out = Sharded {
            chosen: &mut chosen,
            order: &mut order,
            sink: &mut sink,
        };
        let (reached, mut problems) = crate::sharded::run(source, workers, wants, &mut out);
        // The workers summarised what was left at the end already.
        if problems.iter().all(|e| e.kind == ErrorKind::Input) {
            if let Err(e) = order.flush(|s| sink.write(s).map_err(CommandError::stdout)) {
                problems.push(e);
            }
        }
        (reached, problems)
    } else {
        let (reached, mut problems) =
            track(source, &mut tracker, Moment::End, |tracker, event, _| {
                if let Event::Segment(a) = event {
                    chosen.saw(a);
                    sink.saw(a);
                }
                while let Some(s) = tracker.next_summary() {
                    let wanted = chosen.wants(&s);
                    order.push(s, wanted, |s| sink.write(s).map_err(CommandError::stdout))?;
                    if live {
                        sink.flush().map_err(CommandError::stdout)?;
                    }
                }
                Ok(())
            });
        tracker.finish();
        // After damage the connections seen so far are still summarised; not
        // after the output failed.
        if problems.iter().all(|e| e.kind == ErrorKind::Input) {
            let mut written = Ok(());
            while let Some(s) = tracker.next_summary() {
                let wanted = chosen.wants(&s);
                written = order.push(s, wanted, |s| sink.write(s).map_err(CommandError::stdout));
                if written.is_err() {
                    break;
                }
            }
            if written.is_ok() {
                written = order.flush(|s| sink.write(s).map_err(CommandError::stdout));
            }
            if let Err(e) = written {
                problems.push(e);
            }
        }
        (reached, problems)
    };
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

    /// Whether a summary passes, given the phases its connection went
    /// through (as a worker thread kept them).
    fn wants_after(&self, s: &ConnSummary, phases: PhaseSet) -> bool {
        let went_through = !self.by_phase() || phases.intersects(self.filter.phases);
        went_through && self.filter.matches_endpoints(s.stream, s.client, s.server)
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

/// The sharded run's output: summaries, renumbered by the writer, into
/// the same filter, order and sink as one thread's.
struct Sharded<'r, 'f, 'o> {
    chosen: &'r mut Chosen<'f>,
    order: &'r mut InOrder,
    sink: &'r mut Sink<'o>,
}

impl crate::sharded::Output for Sharded<'_, '_, '_> {
    fn summary(&mut self, s: ConnSummary, phases: PhaseSet) -> Result<(), CommandError> {
        let wanted = self.chosen.wants_after(&s, phases);
        let sink = &mut *self.sink;
        self.order
            .push(s, wanted, |s| sink.write(s).map_err(CommandError::stdout))
    }

    fn ipv6(&mut self) {
        self.sink.saw_ipv6();
    }
}

/// How many summaries the text table holds back waiting for an older
/// connection's; past it the oldest held is written out of order, so
/// memory stays bounded.
const HOLD_CAP: usize = 1 << 16;

/// The text table lists connections in connection order, though they
/// leave the tracker's table in the order they end: a summary waits until
/// every older connection's has been written (JSON and CSV are written as
/// they come, for streaming).
struct InOrder {
    on: bool,
    next: u64,
    held: BTreeMap<u64, (ConnSummary, bool)>,
}

impl InOrder {
    fn new(on: bool) -> Self {
        InOrder {
            on,
            next: 0,
            held: BTreeMap::new(),
        }
    }

    /// Takes one summary (`wanted`: it passes the filter) and writes what
    /// is due.
    fn push(
        &mut self,
        s: ConnSummary,
        wanted: bool,
        mut write: impl FnMut(&ConnSummary) -> Result<(), CommandError>,
    ) -> Result<(), CommandError> {
        if !self.on {
            return if wanted { write(&s) } else { Ok(()) };
        }
        self.held.insert(s.conn, (s, wanted));
        loop {
            let over = self.held.len() > HOLD_CAP;
            let Some(first) = self.held.first_entry() else {
                break;
            };
            if *first.key() > self.next && !over {
                break;
            }
            let (s, wanted) = first.remove();
            self.next = self.next.max(s.conn + 1);
            if wanted {
                write(&s)?;
            }
        }
        Ok(())
    }

    /// Writes every summary still held, in connection order.
    fn flush(
        &mut self,
        mut write: impl FnMut(&ConnSummary) -> Result<(), CommandError>,
    ) -> Result<(), CommandError> {
        while let Some((_, (s, wanted))) = self.held.pop_first() {
            if wanted {
                write(&s)?;
            }
        }
        Ok(())
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
        /// A row, formatted here first: padding a column through an
        /// `io::Write` costs a call per fill character.
        line: String,
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
                line: String::with_capacity(256),
            },
            Some(records) => Sink::Records(Box::new(RecordWriter::new(records, out)?)),
        })
    }

    /// Sizes the address columns to the capture: until the header is
    /// written, an IPv6 segment widens them.
    fn saw(&mut self, a: &Annotation) {
        if a.src.is_ipv6() {
            self.saw_ipv6();
        }
    }

    /// An IPv6 segment: the address columns widen, unless the header is
    /// written already.
    fn saw_ipv6(&mut self) {
        if let Sink::Text {
            addr_w,
            headed: false,
            ..
        } = self
        {
            *addr_w = V6_WIDTH;
        }
    }

    /// The text table's header row, once.
    fn header(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Text {
                out,
                addr_w,
                headed,
                ..
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
            Sink::Text {
                out, addr_w, line, ..
            } => {
                let w = (*addr_w).max(if s.client.is_ipv6() { V6_WIDTH } else { 0 });
                line.clear();
                write_text(line, s, w);
                out.write_all(line.as_bytes())
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

/// One row of the text table, into `out`: the columns of
/// [`write_header`], padded by hand (core::fmt's padding writes a fill
/// character at a time; the text is the same).
fn write_text(out: &mut String, s: &ConnSummary, addr_w: usize) {
    let mut client = AddrText::default();
    let mut server = AddrText::default();
    let mut n = itoa::Buffer::new();
    right(out, n.format(s.conn), 5);
    right(out, n.format(s.stream), 6);
    left(out, client.of(s.client), addr_w);
    left(out, server.of(s.server), addr_w);
    left(out, s.handshake.name(), 9);
    left(out, s.close.name(), 12);
    left(out, s.active_closer.map_or("-", |r| r.name()), 7);
    left(out, s.client_state.name(), 12);
    left(out, s.server_state.name(), 12);
    left(out, s.conn_state, 6);
    left(out, s.history.as_str(), 16);
    right(out, n.format(s.completeness), 5);
    right(out, n.format(s.client_packets + s.server_packets), 7);
    right(out, n.format(s.client_bytes + s.server_bytes), 7);
    // The last column ends the line, not a separator.
    out.pop();
    out.push('\n');
}

/// `text` then spaces to `width` characters, and the column separator.
fn left(out: &mut String, text: &str, width: usize) {
    out.push_str(text);
    spaces(out, width.saturating_sub(text.chars().count()) + 1);
}

/// Spaces to `width` characters, then `text`, and the column separator.
fn right(out: &mut String, text: &str, width: usize) {
    spaces(out, width.saturating_sub(text.chars().count()));
    out.push_str(text);
    out.push(' ');
}

fn spaces(out: &mut String, n: usize) {
    const SPACES: &str = "                                                ";
    let mut n = n;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
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
        let len = match addr {
            // Digits copied in place: `Display` through `core::fmt` cost
            // ~1 400 instructions an address, a quarter of a row.
            SocketAddr::V4(v4) => {
                let mut digits = itoa::Buffer::new();
                let mut len = 0;
                let mut put = |buf: &mut [u8; V6_WIDTH], bytes: &[u8]| {
                    buf[len..len + bytes.len()].copy_from_slice(bytes);
                    len += bytes.len();
                };
                for (i, octet) in v4.ip().octets().into_iter().enumerate() {
                    if i > 0 {
                        put(&mut self.buf, b".");
                    }
                    put(&mut self.buf, digits.format(octet).as_bytes());
                }
                put(&mut self.buf, b":");
                put(&mut self.buf, digits.format(v4.port()).as_bytes());
                len
            }
            SocketAddr::V6(_) => {
                use std::io::Write as _;
                let mut cursor = std::io::Cursor::new(&mut self.buf[..]);
                // The widest address fits the buffer.
                let _ = write!(cursor, "{addr}");
                cursor.position() as usize
            }
        };
        std::str::from_utf8(&self.buf[..len]).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An address is spelled as its `Display` spells it, IPv4 by hand.
    #[test]
    fn addresses_read_as_display_spells_them() {
        let mut text = AddrText::default();
        for addr in [
            "0.0.0.0:0",
            "255.255.255.255:65535",
            "10.0.12.7:80",
            "192.168.100.9:4430",
            "1.22.133.4:9",
            "[::1]:443",
            "[2001:db8::ff00:42:8329]:65535",
            "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
            "[::ffff:10.0.0.1]:1",
        ] {
            let addr: SocketAddr = addr.parse().expect("an address");
            assert_eq!(text.of(addr), addr.to_string());
        }
        for octet in 0..=255u8 {
            let addr =
                SocketAddr::from(([octet, 255 - octet, octet / 3, 7], u16::from(octet) * 257));
            assert_eq!(text.of(addr), addr.to_string());
        }
    }
    use tcpphase::phase::TcpState;
    use tcpphase::summary::zeek::ZeekConn;
    use tcpphase::summary::{CloseKind, HandshakeOutcome};

    fn summary(conn: u64) -> ConnSummary {
        ConnSummary {
            conn,
            stream: conn,
            client: "10.0.0.1:40000".parse().unwrap(),
            server: "10.0.0.2:80".parse().unwrap(),
            origin_guessed: false,
            first_ts_ns: 0,
            last_ts_ns: 0,
            client_packets: 1,
            server_packets: 0,
            client_bytes: 0,
            server_bytes: 0,
            handshake: HandshakeOutcome::NoAnswer,
            syn_to_syn_ack_ns: None,
            syn_ack_to_ack_ns: None,
            close: CloseKind::Open,
            active_closer: None,
            client_state: TcpState::SynSent,
            server_state: TcpState::Listen,
            conn_state: "S0",
            history: ZeekConn::new(false).history(),
            completeness: 1,
        }
    }

    /// Issue 12 point 10: connection 1 ends and leaves the tracker's table
    /// before connection 0 does; the text table still lists 0 first, and a
    /// connection the filter drops does not hold the others back.
    #[test]
    fn the_text_table_is_in_connection_order() {
        let mut order = InOrder::new(true);
        let mut written = Vec::new();
        for (conn, wanted) in [(1, true), (3, true), (0, true), (2, false)] {
            order
                .push(summary(conn), wanted, |s| {
                    written.push(s.conn);
                    Ok(())
                })
                .unwrap();
        }
        assert_eq!(written, [0, 1, 3]);
        order
            .push(summary(5), true, |s| {
                written.push(s.conn);
                Ok(())
            })
            .unwrap();
        order
            .flush(|s| {
                written.push(s.conn);
                Ok(())
            })
            .unwrap();
        assert_eq!(written, [0, 1, 3, 5]);
        // JSON and CSV stream as they come.
        let mut streamed = Vec::new();
        let mut off = InOrder::new(false);
        for conn in [1, 0] {
            off.push(summary(conn), true, |s| {
                streamed.push(s.conn);
                Ok(())
            })
            .unwrap();
        }
        assert_eq!(streamed, [1, 0]);
    }
}
