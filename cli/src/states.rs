//! `tcpphase states`: every endpoint's state at one moment of the capture,
//! as `netstat -tan` or `ss -tan` would have shown it on each host.
//!
//! Each connection has two endpoints: the client's row has local = client
//! and peer = server, the server's the reverse. An endpoint's frame is the
//! last frame at which its state changed. An endpoint in TIME-WAIT for
//! 2 x MSL of capture time has closed, as its host's timer would have
//! closed it.

use crate::error::{outcome, CommandError, Failure};
use crate::filter::Filter;
use crate::input::Source;
use crate::records::{Fields, Record, RecordWriter, Value};
use crate::tracking::{track, unknown_stream, Event, Moment, Reached};
use crate::Format;
use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use tcpphase::phase::{Direction, Phase, TcpState};
use tcpphase::track::{Config, Tracker};

/// How states are spelled (`--style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Style {
    /// RFC 9293: FIN-WAIT-2, ESTABLISHED, SYN-RECEIVED.
    #[default]
    Rfc,
    /// net-tools netstat -tan: FIN_WAIT2, ESTABLISHED, SYN_RECV.
    Netstat,
    /// iproute2 ss -tan: FIN-WAIT-2, ESTAB, SYN-RECV.
    Ss,
}

impl Style {
    /// `state` in this style.
    pub fn spell(self, state: TcpState) -> &'static str {
        match self {
            Style::Rfc => state.name(),
            Style::Netstat => state.netstat_name(),
            Style::Ss => state.ss_name(),
        }
    }
}

/// What `states` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatesOptions {
    /// The moment: a frame, a time, or the end of the capture.
    pub at: Moment,
    /// How states are spelled.
    pub style: Style,
    /// Also endpoints that are CLOSED (netstat and ss list none).
    pub all: bool,
    /// A table, JSON Lines or CSV.
    pub format: Format,
}

/// Which end of a connection an endpoint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The endpoint that sent the first SYN.
    Client,
    /// The other.
    Server,
}

impl Side {
    /// `client` or `server`.
    pub const fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

/// One endpoint at the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointState {
    /// Connection number.
    pub conn: u64,
    /// Wireshark stream number.
    pub stream: u64,
    /// Client or server.
    pub side: Side,
    /// This endpoint's address.
    pub local: SocketAddr,
    /// The other endpoint's address.
    pub peer: SocketAddr,
    /// Its state.
    pub state: TcpState,
    /// The frame that moved it there (`None`: its TIME-WAIT ran out).
    pub frame: Option<u64>,
    /// When it moved there, ns since the epoch.
    pub since_ns: u64,
    /// The phase of the connection's last segment.
    pub phase: Phase,
}

/// The last state change of one endpoint.
#[derive(Debug, Clone, Copy)]
struct Change {
    state: TcpState,
    frame: Option<u64>,
    ts_ns: u64,
}

/// What is known of one connection so far.
#[derive(Debug, Clone, Copy)]
struct ConnView {
    stream: u64,
    client: SocketAddr,
    server: SocketAddr,
    ends: [Change; 2],
    phase: Phase,
}

/// The endpoints of `source` at the moment `options.at`, and how far the
/// read got.
pub fn endpoints_at(
    source: &Source,
    at: Moment,
) -> (Vec<EndpointState>, Reached, Vec<CommandError>) {
    let mut tracker = Tracker::new(Config::default());
    let time_wait_ns = tracker.config().time_wait_ns;
    let mut conns: BTreeMap<u64, ConnView> = BTreeMap::new();
    let (reached, problems) = track(source, &mut tracker, at, |_, event, _| {
        let Event::Segment(a) = event else {
            return Ok(());
        };
        let view = conns.entry(a.conn).or_insert_with(|| {
            let (client, server) = match a.dir {
                Direction::ClientToServer => (a.src, a.dst),
                Direction::ServerToClient => (a.dst, a.src),
            };
            let none = Change {
                state: TcpState::Unknown,
                frame: None,
                ts_ns: a.ts_ns,
            };
            ConnView {
                stream: a.stream,
                client,
                server,
                ends: [none; 2],
                phase: a.phase,
            }
        });
        for (end, state) in view.ends.iter_mut().zip([a.client_state, a.server_state]) {
            if end.frame.is_none() || end.state != state {
                *end = Change {
                    state,
                    frame: Some(a.frame),
                    ts_ns: a.ts_ns,
                };
            }
        }
        view.phase = a.phase;
        Ok(())
    });
    let now = match at {
        Moment::Time(rel) => reached.t0().saturating_add(rel),
        _ => reached.last_ts,
    };
    let mut rows = Vec::with_capacity(conns.len() * 2);
    for (conn, view) in conns {
        for (side, end) in [Side::Client, Side::Server].into_iter().zip(view.ends) {
            let (local, peer) = match side {
                Side::Client => (view.client, view.server),
                Side::Server => (view.server, view.client),
            };
            let expires = end.ts_ns.saturating_add(time_wait_ns);
            let end = if end.state == TcpState::TimeWait && now >= expires {
                Change {
                    state: TcpState::Closed,
                    frame: None,
                    ts_ns: expires,
                }
            } else {
                end
            };
            rows.push(EndpointState {
                conn,
                stream: view.stream,
                side,
                local,
                peer,
                state: end.state,
                frame: end.frame,
                since_ns: end.ts_ns,
                phase: view.phase,
            });
        }
    }
    (rows, reached, problems)
}

/// `tcpphase states`: the endpoints of the connections that pass `filter`
/// (`--phase`: the phase the connection is in at that moment).
pub fn run(
    source: &Source,
    filter: &Filter,
    options: StatesOptions,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let (rows, reached, mut problems) = endpoints_at(source, options.at);
    if reached.frames == 0 && !problems.is_empty() {
        return outcome(problems);
    }
    if let Moment::Frame(n) = options.at {
        if reached.frames < n && problems.is_empty() {
            problems.push(CommandError::input(
                source.name(),
                format!(
                    "no frame {n}: the capture has {} frame{}",
                    reached.frames,
                    if reached.frames == 1 { "" } else { "s" }
                ),
            ));
            return outcome(problems);
        }
    }
    if let Some(e) = unknown_stream(source, filter, &reached, options.at, &problems) {
        problems.push(e);
        return outcome(problems);
    }
    let chosen: Vec<&EndpointState> = rows
        .iter()
        .filter(|r| filter.matches_endpoints(r.stream, r.local, r.peer))
        .filter(|r| filter.phases.contains(r.phase))
        .collect();
    let shown: Vec<&EndpointState> = chosen
        .iter()
        .copied()
        .filter(|r| options.all || r.state != TcpState::Closed)
        .collect();
    let written = match options.format.records() {
        Some(format) => write_records(format, out, &shown, options.style),
        None => {
            let hidden = chosen.len() - shown.len();
            write_table(out, &shown, hidden, &reached, options)
        }
    };
    if let Err(e) = written.and_then(|()| out.flush()) {
        problems.push(CommandError::stdout(e));
    }
    outcome(problems)
}

/// An endpoint as a record (`states --json`, `--csv`), its state spelled
/// in `style`.
#[derive(Debug, Clone, Copy)]
pub struct EndpointRecord<'a> {
    /// The endpoint.
    pub endpoint: &'a EndpointState,
    /// How its state is spelled.
    pub style: Style,
}

impl Record for EndpointRecord<'_> {
    fn layout<F: Fields<Self>>(f: &mut F) -> Result<(), F::Error> {
        f.field("conn", |r| Value::U64(r.endpoint.conn))?;
        f.field("stream", |r| Value::U64(r.endpoint.stream))?;
        f.field("side", |r| Value::Str(r.endpoint.side.name()))?;
        f.field("local", |r| Value::Addr(r.endpoint.local))?;
        f.field("peer", |r| Value::Addr(r.endpoint.peer))?;
        f.field("state", |r| Value::Str(r.style.spell(r.endpoint.state)))?;
        f.field("frame", |r| Value::OptU64(r.endpoint.frame))?;
        f.field("ts", |r| Value::Seconds(r.endpoint.since_ns as f64 / 1e9))
    }
}

fn write_records(
    format: crate::records::RecordFormat,
    out: &mut dyn Write,
    rows: &[&EndpointState],
    style: Style,
) -> std::io::Result<()> {
    let mut records = RecordWriter::new(format, out)?;
    for endpoint in rows {
        records.write(&EndpointRecord { endpoint, style })?;
    }
    records.flush()
}

fn write_table(
    out: &mut dyn Write,
    rows: &[&EndpointState],
    hidden: usize,
    reached: &Reached,
    options: StatesOptions,
) -> std::io::Result<()> {
    let t0 = reached.t0();
    let secs = |ts: u64| ts.saturating_sub(t0) as f64 / 1e9;
    match options.at {
        Moment::End => writeln!(
            out,
            "at the end of the capture: frame {}, {:.6} s",
            reached.frames,
            secs(reached.last_ts)
        )?,
        Moment::Frame(_) => writeln!(
            out,
            "right after frame {}, {:.6} s",
            reached.frames,
            secs(reached.last_ts)
        )?,
        Moment::Time(rel) if !reached.stopped_early && t0.saturating_add(rel) > reached.last_ts => {
            let asked = if rel == u64::MAX {
                "long".to_string()
            } else {
                format!("at {:.6} s,", rel as f64 / 1e9)
            };
            writeln!(
                out,
                "{asked} after the capture ends: it ends earlier, at {:.6} s with frame {}",
                secs(reached.last_ts),
                reached.frames
            )?
        }
        Moment::Time(rel) => writeln!(
            out,
            "at {:.6} s, after frame {}",
            rel as f64 / 1e9,
            reached.frames
        )?,
    }
    let local_w = rows
        .iter()
        .map(|r| r.local.to_string().len())
        .chain([5])
        .max()
        .unwrap_or(5);
    let peer_w = rows
        .iter()
        .map(|r| r.peer.to_string().len())
        .chain([4])
        .max()
        .unwrap_or(4);
    let state_w = rows
        .iter()
        .map(|r| options.style.spell(r.state).len())
        .chain([5])
        .max()
        .unwrap_or(5);
    writeln!(
        out,
        "{:<local_w$}  {:<peer_w$}  {:<state_w$}  {:>6}  {:>11}  {:<6}  {:>6}  {:>5}",
        "local", "peer", "state", "frame", "since", "side", "stream", "conn"
    )?;
    for r in rows {
        let frame = r.frame.map_or_else(|| "-".to_string(), |f| f.to_string());
        writeln!(
            out,
            "{:<local_w$}  {:<peer_w$}  {:<state_w$}  {:>6}  {:>11.6}  {:<6}  {:>6}  {:>5}",
            r.local.to_string(),
            r.peer.to_string(),
            options.style.spell(r.state),
            frame,
            secs(r.since_ns),
            r.side.name(),
            r.stream,
            r.conn,
        )?;
    }
    if rows.is_empty() {
        writeln!(out, "(no endpoint)")?;
    }
    if hidden > 0 {
        writeln!(
            out,
            "({hidden} CLOSED endpoint{} not shown, as netstat and ss show none; --all lists {})",
            if hidden == 1 { "" } else { "s" },
            if hidden == 1 { "it" } else { "them" }
        )?;
    }
    Ok(())
}
