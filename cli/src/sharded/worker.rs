//! A worker: one [`Tracker`] over the connections of its shard. It marks
//! what opens a stream or a connection (numbered locally, in order), and
//! says when a local number can no longer come back, so the writer's map
//! of local to global numbers stays as small as the table.

use super::numbering::IdMap;
use super::{Gone, Out, Rank, Results, Spelling};
use crate::conns::RowSpeller;
use crate::filter::PhaseSet;
use std::collections::VecDeque;
use std::net::SocketAddr;
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Annotation, Config, FrameOutcome, Tracker};

/// What the writer needs from workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wants {
    /// Every segment's annotation (`annotate`); else only what opens a
    /// connection.
    pub(crate) annotations: bool,
    /// Connection summaries (`conns`); else only that a connection left.
    pub(crate) summaries: bool,
    /// The phases each connection went through (`conns --phase`).
    pub(crate) phases: bool,
    /// Summaries' rows spelled here in this format (but for their
    /// numbers), so that the writer only adds those.
    pub(crate) spell: Option<crate::Format>,
}

/// A frame the tracker reads as not TCP, at no cost: a bare IPv4 header
/// of an experimental protocol (253) on a raw IPv4 link. Feeding it at a
/// time makes the tracker do what any frame at that time does first:
/// sweep its table when a sweep is due.
const TICK_LINKTYPE: u32 = 228;
const TICK_FRAME: [u8; 20] = [
    0x45, 0, 0, 20, 0, 0, 0x40, 0, 64, 253, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
];

/// A worker's tracker and its local numbering.
pub(crate) struct Worker {
    tracker: Tracker,
    wants: Wants,
    next_stream: u64,
    next_conn: u64,
    /// Streams whose 4-tuple left the table (a stream has one connection
    /// in the table at a time), by when they departed.
    departed_at: IdMap<u64>,
    /// The same, oldest first, as the tracker's bounded record of
    /// departed 4-tuples keeps them: one pushed out past the cap cannot
    /// come back, and is forgotten.
    departed: VecDeque<(u64, u64)>,
    departed_now: usize,
    departures: u64,
    cap: usize,
    phases: IdMap<PhaseSet>,
    ipv6_told: bool,
    finished: bool,
    speller: Option<RowSpeller>,
    /// Whether the speller spells now (see [`Worker::spell_rows`]).
    spelling: bool,
}

impl Worker {
    /// What it is asked for.
    pub(crate) fn wants(&self) -> Wants {
        self.wants
    }

    /// A worker whose tracker has `config`.
    pub(crate) fn new(config: Config, wants: Wants) -> Self {
        Worker {
            tracker: Tracker::new(config),
            wants,
            next_stream: 0,
            next_conn: 0,
            departed_at: IdMap::default(),
            departed: VecDeque::new(),
            departed_now: 0,
            departures: 0,
            cap: config.max_connections.max(1),
            phases: IdMap::default(),
            ipv6_told: false,
            finished: false,
            speller: wants.spell.and_then(RowSpeller::new),
            spelling: true,
        }
    }

    /// Whether a worker that spells its rows does so for the summaries to
    /// come (true), or leaves them to the writer (false: it is behind).
    /// The output is the same either way.
    pub(crate) fn spell_rows(&mut self, now: bool) {
        self.spelling = now;
    }

    /// Who spells the next summary's row.
    fn spelling(&mut self) -> Spelling<'_> {
        match &mut self.speller {
            None => Spelling::Writer,
            Some(speller) if self.spelling => Spelling::Worker(speller),
            Some(_) => Spelling::Left,
        }
    }

    /// The single tracker would sweep its table at frame `frame` (at
    /// `ts_ns`): this one sweeps there too.
    pub(crate) fn tick(&mut self, frame: u64, ts_ns: u64, out: &mut Results) {
        self.tracker.feed(TICK_LINKTYPE, &TICK_FRAME, ts_ns);
        self.summaries(frame, Rank::Sweep, None, out);
    }

    /// A frame of this worker's shard: its bytes (a frame of `linktype`,
    /// or a packet rebuilt from fragments), straight from the input.
    pub(crate) fn frame(
        &mut self,
        frame: u64,
        ts_ns: u64,
        linktype: u32,
        data: &[u8],
        out: &mut Results,
    ) {
        match self.tracker.feed(linktype, data, ts_ns) {
            FrameOutcome::Segment(mut a) => {
                a.frame = frame;
                self.segment(&a, out);
                self.summaries(frame, Rank::Frame, Some(&a), out);
            }
            // The cheap route sent a frame the decode finds malformed.
            FrameOutcome::Malformed(error) => out.malformed(frame, ts_ns, error),
            FrameOutcome::NotTcp => {}
        }
    }

    /// The end of the input: every connection left is summarised.
    ///
    /// Up to `limit` summaries at a time (so that they are not all held
    /// twice at once); call again while it returns true.
    pub(crate) fn finish(&mut self, out: &mut Results, limit: usize) -> bool {
        if !self.finished {
            self.finished = true;
            self.tracker.finish();
        }
        for _ in 0..limit {
            let Some(s) = self.tracker.next_summary() else {
                return false;
            };
            let conn = s.conn;
            let phases = self.phases.remove(&conn).unwrap_or(PhaseSet::NONE);
            if self.wants.summaries {
                out.summary(u64::MAX, Rank::Sweep, s, phases, self.spelling());
            }
        }
        true
    }

    fn segment(&mut self, a: &Annotation, out: &mut Results) {
        let new_stream = a.stream == self.next_stream;
        let new_conn = a.conn == self.next_conn;
        if new_stream {
            self.next_stream += 1;
        }
        if new_conn {
            self.next_conn += 1;
            if !new_stream && self.departed_at.remove(&a.stream).is_some() {
                // The tracker took the 4-tuple back from its departed record.
                self.departed_now -= 1;
            }
        }
        if self.wants.phases {
            self.phases
                .entry(a.conn)
                .or_insert(PhaseSet::NONE)
                .insert(a.phase);
        }
        if self.wants.annotations {
            out.segment(a, new_stream, new_conn);
        } else if new_conn {
            out.outs.push(Out::Opened {
                frame: a.frame,
                stream: a.stream,
                conn: a.conn,
                new_stream,
            });
        }
        if !self.ipv6_told && a.src.is_ipv6() {
            self.ipv6_told = true;
            out.outs.push(Out::Ipv6 { frame: a.frame });
        }
    }

    /// Takes the summaries the last feed queued. `a` is the segment fed
    /// (none for a sweep or the end): a summary of its own 4-tuple is a
    /// connection it replaced in the table.
    fn summaries(&mut self, frame: u64, rank: Rank, a: Option<&Annotation>, out: &mut Results) {
        while let Some(s) = self.tracker.next_summary() {
            let phases = self.phases.remove(&s.conn).unwrap_or(PhaseSet::NONE);
            let (conn, stream) = (s.conn, s.stream);
            let replaced = a.filter(|a| same_key(a, &s)).map(|a| a.stream != stream);
            if self.wants.summaries {
                out.summary(frame, rank, s, phases, self.spelling());
            } else {
                out.gone.push(Gone::Conn(conn));
            }
            self.left(frame, stream, replaced, out);
        }
    }

    /// A connection of local stream `stream` left the table. `replaced`:
    /// Some(true) when a new stream took its 4-tuple's entry (the stream
    /// is over), Some(false) when a new connection continues the stream,
    /// None when the entry left the table (the 4-tuple departed).
    fn left(&mut self, frame: u64, stream: u64, replaced: Option<bool>, out: &mut Results) {
        if frame == u64::MAX {
            return; // the end: the writer forgets everything anyway
        }
        match replaced {
            Some(false) => {}
            Some(true) => out.gone.push(Gone::Stream(stream)),
            None => {
                self.departures += 1;
                self.departed_at.insert(stream, self.departures);
                self.departed.push_back((stream, self.departures));
                self.departed_now += 1;
                while self.departed_now > self.cap {
                    let Some((old, when)) = self.departed.pop_front() else {
                        break;
                    };
                    if self.departed_at.get(&old) == Some(&when) {
                        self.departed_at.remove(&old);
                        self.departed_now -= 1;
                        out.gone.push(Gone::Stream(old));
                    }
                }
                // Streams taken back leave stale places behind: keep the
                // queue within twice the cap.
                if self.departed.len() > 2 * self.cap + 16 {
                    let at = &self.departed_at;
                    self.departed.retain(|(s, when)| at.get(s) == Some(when));
                }
            }
        }
    }
}

/// Whether the summary is of the 4-tuple the annotation's segment is on.
fn same_key(a: &Annotation, s: &ConnSummary) -> bool {
    let key = |x: SocketAddr, y: SocketAddr| if x <= y { (x, y) } else { (y, x) };
    key(a.src, a.dst) == key(s.client, s.server)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SYN from 10.0.0.1:`port` to 10.0.0.2:80 on a raw IPv4 link.
    fn syn(port: u16) -> Vec<u8> {
        let mut f = vec![
            0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        f.extend_from_slice(&port.to_be_bytes());
        f.extend_from_slice(&[
            0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
        ]);
        f
    }

    /// Ticks (no port) and SYNs, in order, as the pipeline gives them.
    fn work(worker: &mut Worker, jobs: &[(u64, u64, Option<u16>)], out: &mut Results) {
        for &(frame, ts_ns, port) in jobs {
            match port {
                None => worker.tick(frame, ts_ns, out),
                Some(port) => worker.frame(frame, ts_ns, 228, &syn(port), out),
            }
        }
    }

    /// Streams whose 4-tuple departed are remembered as the tracker's
    /// departed record is, up to the cap: past it the oldest are told
    /// gone (the writer forgets them), and a segment on one opens a new
    /// stream, as in the tracker.
    #[test]
    fn departed_streams_past_the_cap_are_told_gone() {
        let second = 1_000_000_000;
        let config = Config {
            max_connections: 2,
            idle_timeout_ns: second,
            ..Config::default()
        };
        let wants = Wants {
            annotations: true,
            summaries: false,
            phases: false,
            spell: None,
        };
        let mut worker = Worker::new(config, wants);
        let mut out = Results::default();
        // Two connections, then a sweep 5 s later: both idle, both depart.
        work(
            &mut worker,
            &[
                (1, 0, Some(1000)),
                (2, 1, Some(1001)),
                (3, 5 * second, None),
            ],
            &mut out,
        );
        assert!(out.gone.iter().all(|g| matches!(g, Gone::Conn(_))));
        assert_eq!(worker.departed_now, 2);
        // Two more depart: the first two are pushed out of the record.
        out = Results::default();
        work(
            &mut worker,
            &[
                (4, 6 * second, Some(1002)),
                (5, 6 * second, Some(1003)),
                (6, 12 * second, None),
            ],
            &mut out,
        );
        let gone: Vec<u64> = out
            .gone
            .iter()
            .filter_map(|g| match g {
                Gone::Stream(s) => Some(*s),
                Gone::Conn(_) => None,
            })
            .collect();
        assert_eq!(gone, [0, 1]);
        assert_eq!(worker.departed_at.len(), 2);
        // Port 1000 again: its stream was forgotten, so a new one (4).
        out = Results::default();
        work(&mut worker, &[(7, 13 * second, Some(1000))], &mut out);
        match (out.outs.as_slice(), out.annotations.as_slice()) {
            (
                [Out::Segment {
                    at: 0,
                    new_stream: true,
                    ..
                }],
                [a],
            ) => assert_eq!(a.stream, 4),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_tick_frame_is_not_tcp_and_sweeps() {
        let mut tracker = Tracker::default();
        assert_eq!(
            tracker.feed(TICK_LINKTYPE, &TICK_FRAME, 0),
            FrameOutcome::NotTcp
        );
    }
}
