//! [`Ladder`]: the layout both drawings share: the two parties, one row per
//! segment (or per fold), and the phase brackets over them.

use super::label::{arrow_label, step_text};
use super::Group;
use std::net::SocketAddr;
use tcpphase::phase::{AnomalyFlags, Direction, Phase, TcpState};
use tcpphase::summary::Role;
use tcpphase::track::Annotation;

/// Data and half-close runs longer than this fold ...
const FOLD_OVER: usize = 8;
/// ... keeping this many segments at each end.
const FOLD_KEEP: usize = 3;

/// One end of the ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Party {
    /// Its address and port.
    pub addr: SocketAddr,
    /// Its role in the stream's first connection.
    pub side: Role,
    /// The client was guessed (no SYN seen).
    pub guessed: bool,
}

impl Party {
    /// `client 10.0.0.1:40000` (`client?` when guessed).
    pub fn title(&self) -> String {
        format!(
            "{}{} {}",
            self.side.name(),
            if self.guessed { "?" } else { "" },
            self.addr
        )
    }
}

/// One segment's arrow.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow {
    /// The segment.
    pub segment: Annotation,
    /// From the left line to the right one.
    pub rightward: bool,
    /// The left endpoint's state, when it changes here.
    pub left_state: Option<TcpState>,
    /// The right endpoint's state, when it changes here.
    pub right_state: Option<TcpState>,
    /// Seconds since the stream's first segment.
    pub time: f64,
    /// Flags, relative seq/ack and length: `SYN, ACK seq=0 ack=1 len=0`.
    pub label: String,
    /// Phase and step, and anomalies: `active-close/fin [retransmission]`.
    pub step: String,
}

/// One row of the ladder.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// A segment.
    Arrow(Arrow),
    /// Segments folded away: `... 118 data segments ...`.
    Fold {
        /// How many.
        count: usize,
        /// Of which group.
        group: Group,
    },
    /// A new connection starts on the stream's ports.
    NewConnection {
        /// Its number.
        conn: u64,
    },
}

/// A phase bracket over rows `first..=last`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bracket {
    /// What it brackets.
    pub group: Group,
    /// A second line under the label: who closed first, a simultaneous
    /// open or close.
    pub note: Option<&'static str>,
    /// First row.
    pub first: usize,
    /// Last row.
    pub last: usize,
    /// Frame of its first segment.
    pub first_frame: u64,
    /// Frame of its last segment.
    pub last_frame: u64,
    /// Segments it holds, folded ones included.
    pub segments: usize,
}

/// The ladder diagram of one stream, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Ladder {
    /// The stream.
    pub stream: u64,
    /// The left line: the client of the stream's first connection.
    pub left: Party,
    /// The right line.
    pub right: Party,
    /// The rows, top to bottom.
    pub rows: Vec<Row>,
    /// The phase brackets.
    pub brackets: Vec<Bracket>,
    /// Segments drawn or folded.
    pub segments: usize,
}

impl Ladder {
    /// Lays out `segments` (one stream's, in capture order, at least one);
    /// `t0` is the stream's first segment's time; `full` keeps every
    /// segment.
    pub fn new(stream: u64, segments: &[Annotation], t0: u64, full: bool) -> Ladder {
        let first = segments[0];
        let (client, server) = ends(&first);
        let left = Party {
            addr: client,
            side: Role::Client,
            guessed: first.origin_guessed,
        };
        let right = Party {
            addr: server,
            side: Role::Server,
            guessed: first.origin_guessed,
        };

        // Arrows, with the states written where they change.
        let mut arrows = Vec::with_capacity(segments.len());
        let mut prev: Option<(u64, TcpState, TcpState)> = None;
        for a in segments {
            let (client, _) = ends(a);
            let (l, r) = if client == left.addr {
                (a.client_state, a.server_state)
            } else {
                (a.server_state, a.client_state)
            };
            let (left_state, right_state) = match prev {
                Some((conn, pl, pr)) if conn == a.conn => {
                    ((pl != l).then_some(l), (pr != r).then_some(r))
                }
                _ => (Some(l), Some(r)),
            };
            prev = Some((a.conn, l, r));
            arrows.push(Arrow {
                segment: *a,
                rightward: a.src == left.addr,
                left_state,
                right_state,
                time: a.ts_ns.saturating_sub(t0) as f64 / 1e9,
                label: arrow_label(a),
                step: step_text(a),
            });
        }

        // Runs of one group on one connection: the brackets.
        let mut rows = Vec::with_capacity(arrows.len());
        let mut brackets = Vec::new();
        let mut start = 0;
        while start < arrows.len() {
            let group = Group::of(arrows[start].segment.phase);
            let conn = arrows[start].segment.conn;
            let end = arrows[start..]
                .iter()
                .position(|x| Group::of(x.segment.phase) != group || x.segment.conn != conn)
                .map_or(arrows.len(), |n| start + n);
            if start > 0 && arrows[start - 1].segment.conn != conn {
                rows.push(Row::NewConnection { conn });
            }
            let run = &arrows[start..end];
            let first_row = rows.len();
            let hide = if full || !matches!(group, Group::Data | Group::HalfClose) {
                None
            } else {
                fold_range(run)
            };
            for (i, arrow) in run.iter().enumerate() {
                match &hide {
                    Some(h) if h.start == i => rows.push(Row::Fold {
                        count: h.len(),
                        group,
                    }),
                    Some(h) if h.contains(&i) => {}
                    _ => rows.push(Row::Arrow(arrow.clone())),
                }
            }
            brackets.push(Bracket {
                group,
                note: note(group, run),
                first: first_row,
                last: rows.len() - 1,
                first_frame: run[0].segment.frame,
                last_frame: run[run.len() - 1].segment.frame,
                segments: run.len(),
            });
            start = end;
        }
        Ladder {
            stream,
            left,
            right,
            rows,
            brackets,
            segments: segments.len(),
        }
    }

    /// The bracket a row is in, and where in it: (bracket, is first row,
    /// is last row).
    pub fn bracket_of(&self, row: usize) -> Option<(&Bracket, bool, bool)> {
        self.brackets
            .iter()
            .find(|b| (b.first..=b.last).contains(&row))
            .map(|b| (b, row == b.first, row == b.last))
    }
}

/// The segments of a long run to fold: all but a few at each end, when
/// none of them changes a state (a state change is always drawn).
fn fold_range(run: &[Arrow]) -> Option<std::ops::Range<usize>> {
    if run.len() <= FOLD_OVER {
        return None;
    }
    let hidden = FOLD_KEEP..run.len() - FOLD_KEEP;
    let quiet = run[hidden.clone()]
        .iter()
        .all(|a| a.left_state.is_none() && a.right_state.is_none());
    quiet.then_some(hidden)
}

/// The second line of a bracket's label.
fn note(group: Group, run: &[Arrow]) -> Option<&'static str> {
    let any = |flag| run.iter().any(|a| a.segment.flags.contains(flag));
    match group {
        Group::Handshake if any(AnomalyFlags::SIMULTANEOUS_OPEN) => Some("simultaneous"),
        Group::Close if any(AnomalyFlags::SIMULTANEOUS_CLOSE) => Some("simultaneous"),
        Group::Close => run
            .iter()
            .find(|a| a.segment.phase == Phase::ActiveClose)
            .map(|a| match a.segment.dir {
                Direction::ClientToServer => "client active",
                Direction::ServerToClient => "server active",
            }),
        _ => None,
    }
}

/// (client, server) of a segment's connection.
fn ends(a: &Annotation) -> (SocketAddr, SocketAddr) {
    match a.dir {
        Direction::ClientToServer => (a.src, a.dst),
        Direction::ServerToClient => (a.dst, a.src),
    }
}
