//! `--threads N`: connections sharded over worker threads by the flow hash
//! of their 4-tuple, with an ordered merge, so that the output is byte
//! for byte that of one thread.
//!
//! | file | what |
//! | --- | --- |
//! | `fast_route.rs` | a plain TCP frame's shard, read at fixed offsets |
//! | `route.rs` | any other frame's shard (decoded, fragments reassembled first), the sweep cadence |
//! | `worker.rs` | a worker: one tracker, its local numbers and when they end |
//! | `numbering.rs` | the merge's map of (worker, local number) to the global number |
//! | `pipeline.rs` | the threads, the batches between them, the ordered merge |
//!
//! There is no reader thread and no writer thread: the first worker (the
//! lead, on the calling thread) reads the input, finds each frame's shard
//! and writes the output, so `N` workers are `N` threads, none waiting for
//! a core. It finds a frame's shard cheaply for a plain TCP frame (its
//! 4-tuple at fixed offsets, no decoding), by the full decode otherwise
//! (tunnels, ICMP errors, fragments, which it reassembles first). It
//! tracks the frames of its own shard in place, straight from the input's
//! bytes, and gives the others theirs: where they lie in the input's map
//! when it is one capture file read in place (the map gives pages back
//! only once every worker is past them), else a copy of their bytes in
//! their batches (pipes, compressed or several files, rebuilt
//! fragments); with a tick at every
//! frame where the single tracker would sweep its table (its cadence, in
//! capture time), so every worker's table loses the same connections at
//! the same frames. Workers number streams and connections locally; for
//! every batch of frames the lead reads, each worker has results, and the
//! lead merges them in frame order as soon as all are in (and while it
//! would otherwise wait for a busy worker), numbering globally in order of
//! first appearance, as one tracker does. For `conns` what crosses
//! between threads is per connection (it opened, its summary), not per
//! frame.
//!
//! What one thread does differently from N: the table's cap
//! ([`tcpphase::track::Config::max_connections`], and the departed record
//! bounded by it) is split evenly over the workers, so output can differ
//! from one thread's only once a worker's share fills (over 1 M / N
//! connections open at once).

mod fast_route;
mod numbering;
mod pipeline;
mod route;
mod worker;

/// The worker threads a run of `source` uses: `None` for the plain
/// single-threaded path (one thread asked for, or live input, whose lines
/// go out one at a time as they happen).
pub(crate) fn workers(source: &crate::input::Source) -> Option<usize> {
    (source.threads > 1 && !source.is_live()).then_some(source.threads)
}

pub(crate) use pipeline::{run, Events, Output};
pub(crate) use worker::Wants;

use crate::conns::{RowSpeller, Spelled};
use crate::filter::PhaseSet;
use tcpphase::summary::ConnSummary;
use tcpphase::track::Annotation;
use tcpphase::wire::WireError;

/// One thing a worker is given to do, in frame order.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Job {
    /// Sweep the table as the single tracker would at frame `frame`.
    Tick {
        /// The frame at which the sweep happens.
        frame: u64,
        /// Its capture time.
        ts_ns: u64,
    },
    /// A frame of one of this worker's connections; its bytes are at
    /// `start..start + len` of the input's map or of the batch's arena.
    Frame {
        /// The global frame number.
        frame: u64,
        /// Capture time.
        ts_ns: u64,
        /// pcap LINKTYPE of the bytes.
        linktype: u32,
        /// Which holds the bytes.
        held: Held,
        /// Where the bytes start there.
        start: usize,
        /// How many there are.
        len: usize,
    },
}

/// Where a job's frame bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Held {
    /// In the input's map, read in place (one capture file).
    Map,
    /// Copied into the batch's arena (pipes, compressed or several
    /// files, rebuilt fragments).
    Arena,
}

/// A batch of jobs for one worker, with the frames' bytes.
#[derive(Debug, Default)]
pub(crate) struct WorkBatch {
    /// Time of the capture's first frame.
    t0: u64,
    /// How far into the input's map the lead had read when it sent the
    /// batch: the worker is done with the bytes before, once it is done
    /// with the batch.
    map_end: usize,
    jobs: Vec<Job>,
    arena: Vec<u8>,
}

/// In what order a worker's summaries at one frame come: those of the
/// sweep before the frame's segment, those of the segment after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rank {
    /// Summarised by a sweep (or at the end of the input).
    Sweep,
    /// Summarised by the frame's own segment (port reuse, a full table).
    Frame,
}

/// What a worker tells the lead's merge, in frame order: small and plain, with
/// what is bulky (an annotation, a summary, an error) beside it in the
/// batch's [`Results`], by its index there.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Out {
    /// A segment's annotation (`Results::annotations[at]`), in local
    /// numbers; whether it opens a stream or a connection.
    Segment {
        frame: u64,
        at: u32,
        new_stream: bool,
        new_conn: bool,
    },
    /// A connection opened (when annotations are not wanted).
    Opened {
        frame: u64,
        stream: u64,
        conn: u64,
        new_stream: bool,
    },
    /// A connection's summary (`Results::summaries[at]`), in local
    /// numbers, with the phases it went through (when asked).
    Summary {
        frame: u64,
        rank: Rank,
        at: u32,
        phases: PhaseSet,
    },
    /// A frame that does not parse (`Results::malformed[at]`).
    Malformed { frame: u64, at: u32 },
    /// The worker's first IPv6 segment.
    Ipv6 { frame: u64 },
}

impl Out {
    /// Where it goes in the merged order: frame, then sweep summaries,
    /// the frame's own line, the frame's summaries.
    fn key(&self) -> (u64, u8) {
        match *self {
            Out::Summary {
                frame,
                rank: Rank::Sweep,
                ..
            } => (frame, 0),
            Out::Summary { frame, .. } => (frame, 2),
            Out::Segment { frame, .. }
            | Out::Opened { frame, .. }
            | Out::Malformed { frame, .. }
            | Out::Ipv6 { frame } => (frame, 1),
        }
    }
}

/// Where a summary's spelled row lies in [`Results`]' bytes.
#[derive(Debug, Clone, Copy)]
struct SpelledAt {
    start: u32,
    end: u32,
    addrs: [u8; 2],
}

impl SpelledAt {
    /// A row its worker left for the writer to spell.
    const LEFT: SpelledAt = SpelledAt {
        start: u32::MAX,
        end: u32::MAX,
        addrs: [0; 2],
    };
}

/// Who spells a summary's row.
pub(crate) enum Spelling<'a> {
    /// The writer, always: the worker has no speller (the lead writes its
    /// own rows whole).
    Writer,
    /// The worker, with this speller.
    Worker(&'a mut RowSpeller),
    /// The writer, this time: the worker is behind, and leaves the writer
    /// a share of its work that either can do.
    Left,
}

/// A local number that will not come back: the merge may forget it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Gone {
    /// A connection summarised (when summaries are not sent).
    Conn(u64),
    /// A stream whose 4-tuple cannot be taken back any more.
    Stream(u64),
}

/// A worker's results for one batch.
#[derive(Debug, Default)]
pub(crate) struct Results {
    t0: u64,
    outs: Vec<Out>,
    /// The annotations `Out::Segment` points to.
    annotations: Vec<Annotation>,
    /// The summaries `Out::Summary` points to (no allocation for each).
    summaries: Vec<ConnSummary>,
    /// The capture time and error `Out::Malformed` points to.
    malformed: Vec<(u64, WireError)>,
    /// Rows spelled for the summaries (but for their numbers), by workers
    /// that spell them: `spelled_at[i]` is where summary `i`'s lies.
    spelled: Vec<u8>,
    spelled_at: Vec<SpelledAt>,
    gone: Vec<Gone>,
    /// Summaries of the end of the input, in local connection order.
    end: bool,
    /// More of them follow in the next batch.
    more: bool,
}

impl Results {
    /// Index of the next item of a side list (a batch holds far fewer
    /// than 2^32).
    fn index(len: usize) -> u32 {
        u32::try_from(len).unwrap_or(u32::MAX)
    }

    /// A segment's annotation, in local numbers.
    pub(crate) fn segment(&mut self, a: &Annotation, new_stream: bool, new_conn: bool) {
        let at = Self::index(self.annotations.len());
        self.annotations.push(*a);
        self.outs.push(Out::Segment {
            frame: a.frame,
            at,
            new_stream,
            new_conn,
        });
    }

    /// A connection's summary, in local numbers, its row spelled here as
    /// `spelling` says (the lead then only adds the numbers).
    pub(crate) fn summary(
        &mut self,
        frame: u64,
        rank: Rank,
        s: ConnSummary,
        phases: PhaseSet,
        spelling: Spelling<'_>,
    ) {
        let at = Self::index(self.summaries.len());
        match spelling {
            Spelling::Writer => {}
            Spelling::Worker(speller) => {
                let start = self.spelled.len();
                let addrs = speller.spell(&s, &mut self.spelled);
                self.spelled_at.push(SpelledAt {
                    start: Self::index(start),
                    end: Self::index(self.spelled.len()),
                    addrs,
                });
            }
            Spelling::Left => self.spelled_at.push(SpelledAt::LEFT),
        }
        self.summaries.push(s);
        self.outs.push(Out::Summary {
            frame,
            rank,
            at,
            phases,
        });
    }

    /// The row spelled for summary `at`, if its worker spelled it.
    fn spelled(&self, at: u32) -> Option<Spelled<'_>> {
        if self.spelled_at.len() != self.summaries.len() {
            return None;
        }
        let row = self.spelled_at.get(at as usize)?;
        if row.start == SpelledAt::LEFT.start {
            return None;
        }
        Some(Spelled {
            rest: self.spelled.get(row.start as usize..row.end as usize)?,
            addrs: row.addrs,
        })
    }

    /// A frame that does not parse.
    pub(crate) fn malformed(&mut self, frame: u64, ts_ns: u64, error: WireError) {
        let at = Self::index(self.malformed.len());
        self.malformed.push((ts_ns, error));
        self.outs.push(Out::Malformed { frame, at });
    }

    /// New, with room for a batch's worth of results.
    fn with_room() -> Self {
        Results {
            outs: Vec::with_capacity(pipeline::BATCH_FRAMES / 2),
            ..Results::default()
        }
    }

    /// Emptied, its room kept, to be filled again.
    fn clear(&mut self) {
        self.outs.clear();
        self.annotations.clear();
        self.summaries.clear();
        self.malformed.clear();
        self.spelled.clear();
        self.spelled_at.clear();
        self.gone.clear();
        self.end = false;
        self.more = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conns::sample_summary;
    use crate::Format;

    /// A worker that falls behind leaves some rows to the writer among
    /// those it spells: each is found as it was left, and a spelled one is
    /// the speller's bytes for it alone; a worker without a speller leaves
    /// every row to the writer.
    #[test]
    fn rows_left_to_the_writer_sit_among_spelled_ones() {
        let mut speller = RowSpeller::new(Format::Csv).expect("a speller");
        let mut results = Results::default();
        let summaries = [sample_summary(1), sample_summary(2), sample_summary(3)];
        for (i, s) in summaries.into_iter().enumerate() {
            let spelling = if i == 1 {
                Spelling::Left
            } else {
                Spelling::Worker(&mut speller)
            };
            results.summary(i as u64 + 1, Rank::Frame, s, PhaseSet::NONE, spelling);
        }
        let mut alone = Vec::new();
        let addrs = RowSpeller::new(Format::Csv)
            .expect("a speller")
            .spell(&summaries[2], &mut alone);
        assert!(results.spelled(0).is_some());
        assert!(results.spelled(1).is_none());
        let third = results.spelled(2).expect("spelled");
        assert_eq!((third.rest, third.addrs), (&alone[..], addrs));
        assert!(!alone.is_empty());

        let mut lead = Results::default();
        lead.summary(
            1,
            Rank::Frame,
            summaries[0],
            PhaseSet::NONE,
            Spelling::Writer,
        );
        assert!(lead.spelled(0).is_none());
    }
}
