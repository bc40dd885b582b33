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
            spell: Some(format),
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
                    order.push(s, wanted, |s, _| {
                        sink.write(s).map_err(CommandError::stdout)
                    })?;
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
                written = order.push(s, wanted, |s, _| {
                    sink.write(s).map_err(CommandError::stdout)
                });
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
    fn summary(
        &mut self,
        s: ConnSummary,
        phases: PhaseSet,
        spelled: Option<Spelled<'_>>,
    ) -> Result<(), CommandError> {
        let wanted = self.chosen.wants_after(&s, phases);
        let sink = &mut *self.sink;
        self.order.push(s, wanted, |s, this| {
            sink.write_row(s, spelled.filter(|_| this))
                .map_err(CommandError::stdout)
        })
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
    /// is due: `write` is told whether what it writes is this summary
    /// (or one held before).
    fn push(
        &mut self,
        s: ConnSummary,
        wanted: bool,
        mut write: impl FnMut(&ConnSummary, bool) -> Result<(), CommandError>,
    ) -> Result<(), CommandError> {
        if !self.on {
            return if wanted { write(&s, true) } else { Ok(()) };
        }
        if s.conn <= self.next {
            // Its turn (those held all come later): out at once.
            self.next = self.next.max(s.conn + 1);
            if wanted {
                write(&s, true)?;
            }
        } else {
            self.held.insert(s.conn, (s, wanted));
        }
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
                write(&s, false)?;
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
        self.write_row(s, None)
    }

    /// Writes `s`'s row; the most of it may be spelled already (by a
    /// worker thread): the same bytes either way.
    fn write_row(&mut self, s: &ConnSummary, spelled: Option<Spelled<'_>>) -> std::io::Result<()> {
        self.header()?;
        match (self, spelled) {
            (
                Sink::Text {
                    out, addr_w, line, ..
                },
                spelled,
            ) => {
                line.clear();
                let w = address_width(*addr_w, s);
                let Some(row) = spelled else {
                    write_text(line, s, w);
                    return out.write_all(line.as_bytes());
                };
                let (client, server, rest) = row.text_parts();
                write_text_head(line, s.conn, s.stream, client, server, w);
                out.write_all(line.as_bytes())?;
                out.write_all(rest)
            }
            (Sink::Records(records), None) => records.write(s),
            (Sink::Records(records), Some(row)) => {
                records.write_after_numbers(&[s.conn, s.stream], row.rest)
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Text { out, .. } => out.flush(),
            Sink::Records(records) => records.flush(),
        }
    }
}

/// A row of the conns output spelled by a worker thread but for its
/// first two fields (the connection and stream numbers, which only the
/// writer knows): for text, the client and server addresses unpadded,
/// then the columns after them; for records, the line after `"stream"`'s
/// value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spelled<'a> {
    /// What follows the numbers (text: the addresses first).
    pub(crate) rest: &'a [u8],
    /// Text: the lengths of the client's and the server's address at the
    /// start of `rest`.
    pub(crate) addrs: [u8; 2],
}

impl<'a> Spelled<'a> {
    /// Text: the client's address, the server's, the columns after them.
    fn text_parts(&self) -> (&'a str, &'a str, &'a [u8]) {
        let [c, s] = self.addrs.map(usize::from);
        let (client, rest) = self.rest.split_at(c.min(self.rest.len()));
        let (server, rest) = rest.split_at(s.min(rest.len()));
        // Spelled by `RowSpeller` from `&str`s: UTF-8 (ASCII) always.
        let text = |b| std::str::from_utf8(b).unwrap_or_default();
        (text(client), text(server), rest)
    }
}

/// Spells conns rows but for their numbers ([`Spelled`]), on a worker
/// thread, so that the writer only puts the numbers before them.
pub(crate) enum RowSpeller {
    /// The text table.
    Text(String),
    /// JSON Lines or CSV.
    Records(Box<RecordWriter<ConnSummary, std::io::Sink>>),
}

impl RowSpeller {
    /// A speller for `format`.
    pub(crate) fn new(format: Format) -> Option<Self> {
        Some(match format.records() {
            None => RowSpeller::Text(String::with_capacity(256)),
            // The CSV header goes to the sink.
            Some(records) => {
                RowSpeller::Records(Box::new(RecordWriter::new(records, std::io::sink()).ok()?))
            }
        })
    }

    /// Appends `s`'s row but for its numbers to `out`; returns the text's
    /// address lengths (see [`Spelled::addrs`]).
    pub(crate) fn spell(&mut self, s: &ConnSummary, out: &mut Vec<u8>) -> [u8; 2] {
        match self {
            RowSpeller::Text(line) => {
                let mut client = AddrText::default();
                let mut server = AddrText::default();
                let (client, server) = (client.of(s.client), server.of(s.server));
                out.extend_from_slice(client.as_bytes());
                out.extend_from_slice(server.as_bytes());
                line.clear();
                write_text_rest(line, s);
                out.extend_from_slice(line.as_bytes());
                // An address is at most 47 characters.
                [client.len(), server.len()].map(|n| u8::try_from(n).unwrap_or(u8::MAX))
            }
            RowSpeller::Records(records) => {
                let numbered = ConnSummary {
                    conn: 0,
                    stream: 0,
                    ..*s
                };
                records.spell_rest(&numbered, 2, out);
                [0, 0]
            }
        }
    }
}

/// The address columns' width for `s`'s row: the table's, or an IPv6
/// address's if `s` is one (a row never cuts an address).
fn address_width(table: usize, s: &ConnSummary) -> usize {
    table.max(if s.client.is_ipv6() { V6_WIDTH } else { 0 })
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
    let (client, server) = (client.of(s.client), server.of(s.server));
    write_text_head(out, s.conn, s.stream, client, server, addr_w);
    write_text_rest(out, s);
}

/// A row's first columns: the numbers and the addresses.
fn write_text_head(
    out: &mut String,
    conn: u64,
    stream: u64,
    client: &str,
    server: &str,
    addr_w: usize,
) {
    let mut n = itoa::Buffer::new();
    right(out, n.format(conn), 5);
    right(out, n.format(stream), 6);
    left(out, client, addr_w);
    left(out, server, addr_w);
}

/// A row's columns after the addresses, to its end.
fn write_text_rest(out: &mut String, s: &ConnSummary) {
    let mut n = itoa::Buffer::new();
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
/// Every column's text is ASCII (numbers, addresses, names, Zeek's
/// letters): a byte is a character.
fn left(out: &mut String, text: &str, width: usize) {
    debug_assert!(text.is_ascii());
    out.push_str(text);
    spaces(out, width.saturating_sub(text.len()) + 1);
}

/// Spaces to `width` characters, then `text`, and the column separator.
fn right(out: &mut String, text: &str, width: usize) {
    debug_assert!(text.is_ascii());
    spaces(out, width.saturating_sub(text.len()));
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

/// A connection's summary for tests: a SYN from 10.0.0.1:40000 to
/// 10.0.0.2:80 that got no answer, numbered `conn`.
#[cfg(test)]
pub(crate) fn sample_summary(conn: u64) -> ConnSummary {
    use tcpphase::phase::TcpState;
    use tcpphase::summary::zeek::ZeekConn;
    use tcpphase::summary::{CloseKind, HandshakeOutcome};
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
    use super::sample_summary as summary;
    use tcpphase::summary::zeek::ZeekConn;

    /// Issue 12 point 10: connection 1 ends and leaves the tracker's table
    /// before connection 0 does; the text table still lists 0 first, and a
    /// connection the filter drops does not hold the others back.
    #[test]
    fn the_text_table_is_in_connection_order() {
        let mut order = InOrder::new(true);
        let mut written = Vec::new();
        for (conn, wanted) in [(1, true), (3, true), (0, true), (2, false)] {
            order
                .push(summary(conn), wanted, |s, this| {
                    written.push((s.conn, this));
                    Ok(())
                })
                .unwrap();
        }
        // 0 goes out as it comes; 1 and 3 were held for it.
        assert_eq!(written, [(0, true), (1, false), (3, false)]);
        order
            .push(summary(5), true, |s, this| {
                written.push((s.conn, this));
                Ok(())
            })
            .unwrap();
        order
            .flush(|s| {
                written.push((s.conn, false));
                Ok(())
            })
            .unwrap();
        assert_eq!(written, [(0, true), (1, false), (3, false), (5, false)]);
        // JSON and CSV stream as they come.
        let mut streamed = Vec::new();
        let mut off = InOrder::new(false);
        for conn in [1, 0] {
            off.push(summary(conn), true, |s, this| {
                streamed.push((s.conn, this));
                Ok(())
            })
            .unwrap();
        }
        assert_eq!(streamed, [(1, true), (0, true)]);
    }

    /// A row spelled on a worker thread but for its numbers, then written
    /// with them, is the row written whole: text (IPv4 and IPv6, before
    /// and after the address columns widen), JSON and CSV.
    #[test]
    fn a_row_spelled_elsewhere_is_the_same_row() {
        let v4 = ConnSummary {
            conn: 12345,
            stream: 7,
            ..summary(0)
        };
        let v6 = ConnSummary {
            conn: 3,
            stream: 1_000_000,
            client: "[2001:db8::ff00:42:8329]:65535".parse().unwrap(),
            server: "[::1]:443".parse().unwrap(),
            history: ZeekConn::new(true).history(),
            first_ts_ns: 1_234_567_891,
            last_ts_ns: 9_876_543_210,
            syn_to_syn_ack_ns: Some(1500),
            ..summary(0)
        };
        for format in [Format::Text, Format::Json, Format::Csv] {
            for ipv6_seen in [false, true] {
                let (mut whole, mut parts) = (Vec::new(), Vec::new());
                {
                    let mut a = Sink::new(format, &mut whole).unwrap();
                    let mut b = Sink::new(format, &mut parts).unwrap();
                    let mut speller = RowSpeller::new(format).unwrap();
                    if ipv6_seen {
                        a.saw_ipv6();
                        b.saw_ipv6();
                    }
                    for s in [v4, v6, v4] {
                        a.write(&s).unwrap();
                        // The worker spells with its own (local) numbers.
                        let local = ConnSummary {
                            conn: 99,
                            stream: 98,
                            ..s
                        };
                        let mut rest = Vec::new();
                        let addrs = speller.spell(&local, &mut rest);
                        b.write_row(&s, Some(Spelled { rest: &rest, addrs }))
                            .unwrap();
                    }
                    a.flush().unwrap();
                    b.flush().unwrap();
                }
                assert!(whole.len() > 100);
                assert_eq!(
                    String::from_utf8_lossy(&whole),
                    String::from_utf8_lossy(&parts),
                    "{format:?}, IPv6 seen: {ipv6_seen}"
                );
            }
        }
    }
}
