//! The threads: `N` workers, the first of which reads the input, the
//! writer on the calling thread (it owns the output), and the bounded
//! channels of batches between them. Every batch of frames the lead reads
//! gives one results batch per worker (empty or not), so the writer takes
//! one from each worker per round, in lockstep, and merges them by frame.

use super::fast_route::fast_shard;
use super::numbering::Numbering;
use super::route::{Route, Router, Shards, LINKTYPE_RAW};
use super::worker::{Wants, Worker};
use super::{Gone, Held, Job, Out, Rank, Results, WorkBatch};
use crate::error::CommandError;
use crate::filter::PhaseSet;
use crate::input::{open_shared, read_frames_from, Flow, Source};
use crate::tracking::{Kind, Reached, Tally};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use tcpphase::capture::{CaptureReader, SharedCapture};
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Annotation, Config};
use tcpphase::wire::{decode_frame_linktype, WireError};

/// Frames of the input per batch (split over the workers).
const BATCH_FRAMES: usize = 4096;
/// A batch goes out early when one worker's frame bytes pass this.
const BATCH_BYTES: usize = 4 << 20;
/// Batches in flight on each channel.
const IN_FLIGHT: usize = 4;
/// How many frames ahead a worker asks for the bytes of a frame read in
/// place (measured on 1.35 M frames, two threads: CPU 0.57 -> 0.50 s with
/// 4; 2 and 8 did no better).
const PREFETCH_AHEAD: usize = 4;
/// End-of-input summaries per batch.
const END_CHUNK: usize = 256;

/// What the writer does with the merged results: the command's output.
pub(crate) trait Output {
    /// A segment, in global numbers; `t0` is the first frame's time.
    fn segment(&mut self, _a: &Annotation, _t0: u64) -> Result<(), CommandError> {
        Ok(())
    }
    /// A frame that does not parse.
    fn malformed(
        &mut self,
        _frame: u64,
        _ts_ns: u64,
        _error: WireError,
        _t0: u64,
    ) -> Result<(), CommandError> {
        Ok(())
    }
    /// A connection's summary, in global numbers, with the phases it went
    /// through (when asked).
    fn summary(&mut self, _s: ConnSummary, _phases: PhaseSet) -> Result<(), CommandError> {
        Ok(())
    }
    /// The first IPv6 segment of the capture has been seen.
    fn ipv6(&mut self) {}
}

/// Reads `source` with `workers` worker threads, giving `output` in frame
/// order what one tracker's run would give. Returns how far the read went
/// and the problems met, as [`crate::tracking::track`] does.
pub(crate) fn run(
    source: &Source,
    workers: usize,
    wants: Wants,
    output: &mut dyn Output,
) -> (Reached, Vec<CommandError>) {
    let workers = workers.max(1);
    let base = source.tracker_config();
    let config = Config {
        max_connections: (base.max_connections / workers).max(1),
        ..base
    };
    let stop = AtomicBool::new(false);
    // One capture file is read in place by every worker; else (and if it
    // cannot be mapped) the lead copies the others' frames.
    let (shared, reader) = match open_shared(source, workers - 1) {
        Some((shared, reader)) => (Some(shared), Some(reader)),
        None => (None, None),
    };
    std::thread::scope(|scope| {
        let mut result_rxs = Vec::with_capacity(workers);
        let mut spare_result_txs = Vec::with_capacity(workers);
        let mut result_ends = Vec::with_capacity(workers);
        for _ in 0..workers {
            let (result_tx, result_rx) = sync_channel::<Results>(IN_FLIGHT);
            let (spare_result_tx, spare_result_rx) = channel::<Results>();
            result_rxs.push(result_rx);
            spare_result_txs.push(spare_result_tx);
            result_ends.push(ResultChannels {
                results: result_tx,
                spare: spare_result_rx,
            });
        }
        let mut result_ends = result_ends.into_iter();
        let lead_results = result_ends.next().expect("one worker at least");
        // Emptied batches go back to the lead to be filled again: no
        // allocation, no fresh pages, once the first few are made.
        let (spare_batch_tx, spare_batch_rx) = channel::<WorkBatch>();
        let mut job_txs = Vec::with_capacity(workers - 1);
        for (i, results) in result_ends.enumerate() {
            let (job_tx, job_rx) = sync_channel::<WorkBatch>(IN_FLIGHT);
            job_txs.push(job_tx);
            let channels = FollowerChannels {
                jobs: job_rx,
                spare_batches: spare_batch_tx.clone(),
                results,
                map: shared.clone().map(|map| (map, i)),
            };
            let spawned = std::thread::Builder::new()
                // Short names: Linux keeps 15 characters of a thread's name.
                .name(format!("tcpphase-w{}", i + 1))
                .spawn_scoped(scope, move || follow(Worker::new(config, wants), channels));
            if let Err(e) = spawned {
                // Those started end as their channels close.
                return spawn_failure(source, e);
            }
        }
        drop(spare_batch_tx);
        let stop = &stop;
        let channels = LeadChannels {
            jobs: job_txs,
            spare_batches: spare_batch_rx,
            results: lead_results,
        };
        let input = Input { shared, reader };
        let lead = std::thread::Builder::new()
            .name("tcpphase-lead".into())
            .spawn_scoped(scope, move || {
                lead(source, input, Worker::new(config, wants), channels, stop)
            });
        let lead = match lead {
            Ok(lead) => lead,
            Err(e) => return spawn_failure(source, e),
        };
        let mut numbering = Numbering::new(workers);
        let failure = write(&result_rxs, &spare_result_txs, &mut numbering, output).err();
        if failure.is_some() {
            stop.store(true, Ordering::Relaxed);
        }
        // Workers stop at their next send.
        drop(result_rxs);
        let (tally, mut problems) = match lead.join() {
            Ok(done) => done,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        problems.extend(failure);
        let (mut reached, problems) = tally.finish(source, problems);
        reached.streams = numbering.streams();
        (reached, problems)
    })
}

/// No thread could be started: nothing read, and why.
fn spawn_failure(source: &Source, e: std::io::Error) -> (Reached, Vec<CommandError>) {
    let problem = CommandError::input(
        source.name(),
        format!("cannot start a thread ({e}); --threads 1 reads without any"),
    );
    (Reached::default(), vec![problem])
}

/// A worker's ends of its results channel.
struct ResultChannels {
    results: SyncSender<Results>,
    spare: Receiver<Results>,
}

impl ResultChannels {
    /// An emptied results batch back from the writer, or a new one.
    fn fresh(&self) -> Results {
        self.spare.try_recv().unwrap_or_else(|_| Results {
            outs: Vec::with_capacity(BATCH_FRAMES / 2),
            ..Results::default()
        })
    }

    /// Sends one batch of results; false when the writer is gone.
    fn send(&self, mut out: Results, t0: u64) -> bool {
        out.t0 = t0;
        self.results.send(out).is_ok()
    }

    /// The end of the input: the summaries of what is left, a chunk at a
    /// time, until the writer has them all (or is gone).
    fn finish(&self, worker: &mut Worker, t0: u64) {
        loop {
            let mut out = self.fresh();
            out.end = true;
            out.more = worker.finish(&mut out, END_CHUNK);
            let more = out.more;
            if !self.send(out, t0) || !more {
                return;
            }
        }
    }
}

/// The lead worker's ends of the channels.
struct LeadChannels {
    /// To the other workers, in order.
    jobs: Vec<SyncSender<WorkBatch>>,
    spare_batches: Receiver<WorkBatch>,
    results: ResultChannels,
}

/// Another worker's ends of the channels.
struct FollowerChannels {
    jobs: Receiver<WorkBatch>,
    spare_batches: Sender<WorkBatch>,
    results: ResultChannels,
    /// The input's map, when frames are read in place, and which of its
    /// consumers this worker is.
    map: Option<(SharedCapture, usize)>,
}

/// The input as the lead reads it: one capture file mapped for every
/// worker, with its reader, or (both `None`) the source's inputs opened
/// as usual.
struct Input {
    shared: Option<SharedCapture>,
    reader: Option<CaptureReader<'static>>,
}

/// The lead worker (worker 0): it reads the input, finds each frame's
/// shard (cheaply for a plain TCP frame, by the full decode otherwise),
/// tracks the frames of its own shard in place, and hands every other
/// worker the bytes of its frames, with a tick where the single tracker
/// would sweep; its results and each of theirs cover the same frames, so
/// that the writer merges them round by round. It tallies the frames and
/// returns the reading's problems.
fn lead(
    source: &Source,
    input: Input,
    worker: Worker,
    channels: LeadChannels,
    stop: &AtomicBool,
) -> (Tally, Vec<CommandError>) {
    let mut lead = Lead {
        worker,
        out: channels.results.fresh(),
        batches: (0..channels.jobs.len())
            .map(|_| WorkBatch::default())
            .collect(),
        map: input.shared,
        map_end: 0,
    };
    let mut tally = Tally::default();
    let shards = lead.shards();
    let mut router = Router::new(shards);
    let mut frames = 0usize;
    let mut open = true;
    let problems = read_frames_from(source, input.reader, |frame| {
        let (number, ts_ns) = (frame.number, frame.ts_ns);
        lead.read_past(frame.data);
        match fast_shard(frame.linktype, frame.data, shards) {
            Some(owner) => {
                // The single tracker sweeps here if the frame parses.
                if router.due(ts_ns) {
                    let malformed = decode_frame_linktype(frame.linktype, frame.data).is_err();
                    if router.sweeps(ts_ns, malformed) {
                        lead.tick(number, ts_ns);
                    }
                }
                lead.frame(owner, number, ts_ns, frame.linktype, frame.data);
                // Malformed or not, a line: the tally counts it so.
                tally.frame(&frame, Kind::Segment);
            }
            None => {
                let route = router.route(frame.linktype, frame.data, ts_ns);
                if router.sweeps(ts_ns, matches!(route, Route::Malformed(_))) {
                    lead.tick(number, ts_ns);
                }
                match route {
                    Route::Flow { worker, rebuilt } => {
                        let (linktype, bytes) = match rebuilt {
                            Some(which) => (LINKTYPE_RAW, router.rebuilt(which)),
                            None => (frame.linktype, frame.data),
                        };
                        lead.frame(worker, number, ts_ns, linktype, bytes);
                        tally.frame(&frame, Kind::Segment);
                    }
                    Route::NotTcp => {
                        tally.frame(&frame, Kind::NotTcp);
                    }
                    Route::Malformed(error) => {
                        tally.frame(&frame, Kind::Malformed(&error));
                        if !matches!(error, WireError::UnsupportedLinkType { .. }) {
                            lead.out.malformed(number, ts_ns, error);
                        }
                    }
                }
            }
        }
        frames += 1;
        if frames >= BATCH_FRAMES || lead.batches.iter().any(|b| b.arena.len() > BATCH_BYTES) {
            frames = 0;
            if stop.load(Ordering::Relaxed) || !lead.send(&channels, tally.reached.t0()) {
                open = false;
                return Ok(Flow::Stop);
            }
        }
        Ok(Flow::Continue)
    });
    let t0 = tally.reached.t0();
    if open && frames > 0 {
        open = lead.send(&channels, t0);
    }
    // The others finish as their job channels close.
    let LeadChannels { jobs, results, .. } = channels;
    drop(jobs);
    if open {
        results.finish(&mut lead.worker, t0);
    }
    (tally, problems)
}

/// What the lead worker fills as it reads.
struct Lead {
    worker: Worker,
    /// Its own results.
    out: Results,
    /// The other workers' jobs, in order.
    batches: Vec<WorkBatch>,
    /// The input's map, when the workers read frames in place.
    map: Option<SharedCapture>,
    /// How far into the map the lead has read.
    map_end: usize,
}

impl Lead {
    /// The split of connections: the lead reads and routes every frame,
    /// so where the writer has little to do (no line per segment) it
    /// tracks a smaller share, 40 % of an even one (see
    /// [`Shards::with_lead_share`]).
    fn shards(&self) -> Shards {
        let workers = self.batches.len() + 1;
        if self.worker.wants().annotations {
            Shards::even(workers)
        } else {
            Shards::with_lead_share(workers, 40)
        }
    }

    /// Every worker sweeps at this frame.
    fn tick(&mut self, frame: u64, ts_ns: u64) {
        self.worker.tick(frame, ts_ns, &mut self.out);
        for batch in &mut self.batches {
            batch.jobs.push(Job::Tick { frame, ts_ns });
        }
    }

    /// The lead has read the frame `bytes`: past them in the map, if
    /// they are in it.
    fn read_past(&mut self, bytes: &[u8]) {
        if let Some(at) = self.map.as_ref().and_then(|m| m.offset_of(bytes)) {
            self.map_end = at + bytes.len();
        }
    }

    /// A frame for worker `owner`: tracked here, or given to that worker
    /// in its batch: where it is in the map, or a copy of its bytes.
    fn frame(&mut self, owner: usize, frame: u64, ts_ns: u64, linktype: u32, bytes: &[u8]) {
        let Some(batch) = owner.checked_sub(1).and_then(|i| self.batches.get_mut(i)) else {
            self.worker
                .frame(frame, ts_ns, linktype, bytes, &mut self.out);
            return;
        };
        let (held, start) = match self.map.as_ref().and_then(|m| m.offset_of(bytes)) {
            Some(start) => (Held::Map, start),
            None => {
                let start = batch.arena.len();
                batch.arena.extend_from_slice(bytes);
                (Held::Arena, start)
            }
        };
        batch.jobs.push(Job::Frame {
            frame,
            ts_ns,
            linktype,
            held,
            start,
            len: bytes.len(),
        });
    }

    /// Sends every worker its batch and the writer these results; false
    /// when a thread is gone.
    fn send(&mut self, channels: &LeadChannels, t0: u64) -> bool {
        for (tx, batch) in channels.jobs.iter().zip(&mut self.batches) {
            let fresh = channels
                .spare_batches
                .try_recv()
                .unwrap_or_else(|_| WorkBatch {
                    t0: 0,
                    map_end: 0,
                    jobs: Vec::with_capacity(BATCH_FRAMES + 64),
                    // Frames read in place need no copy.
                    arena: Vec::with_capacity(if self.map.is_some() {
                        0
                    } else {
                        BATCH_FRAMES * 256
                    }),
                });
            let mut full = std::mem::replace(batch, fresh);
            full.t0 = t0;
            full.map_end = self.map_end;
            if tx.send(full).is_err() {
                return false;
            }
        }
        let out = std::mem::replace(&mut self.out, channels.results.fresh());
        channels.results.send(out, t0)
    }
}

/// Another worker: batches of its frames in, results out (one for one),
/// and at the end of the input the summaries of what is left.
fn follow(mut worker: Worker, channels: FollowerChannels) {
    let mut t0 = 0;
    let mut writer_gone = false;
    let map = channels.map.as_ref().map(|(map, _)| map.bytes());
    while let Ok(mut batch) = channels.jobs.recv() {
        t0 = batch.t0;
        let mut out = channels.results.fresh();
        for (j, job) in batch.jobs.iter().enumerate() {
            // The lead read these bytes on the other core: start loading
            // a later frame's headers while this one is labelled.
            if let (
                Some((map, _)),
                Some(Job::Frame {
                    held: Held::Map,
                    start,
                    ..
                }),
            ) = (&channels.map, batch.jobs.get(j + PREFETCH_AHEAD))
            {
                map.prefetch(*start);
            }
            match *job {
                Job::Tick { frame, ts_ns } => worker.tick(frame, ts_ns, &mut out),
                Job::Frame {
                    frame,
                    ts_ns,
                    linktype,
                    held,
                    start,
                    len,
                } => {
                    let bytes = match held {
                        // The lead holds frames in the map only with one.
                        Held::Map => map.map_or(&[][..], |m| &m[start..start + len]),
                        Held::Arena => &batch.arena[start..start + len],
                    };
                    worker.frame(frame, ts_ns, linktype, bytes, &mut out);
                }
            }
        }
        batch.jobs.clear();
        batch.arena.clear();
        if let Some((map, consumer)) = &channels.map {
            map.consumed(*consumer, batch.map_end);
        }
        let _ = channels.spare_batches.send(batch);
        if !channels.results.send(out, t0) {
            writer_gone = true;
            break;
        }
    }
    // Done with the whole map: the lead never waits on this worker again.
    if let Some((map, consumer)) = &channels.map {
        map.consumed(*consumer, usize::MAX);
    }
    if !writer_gone {
        channels.results.finish(&mut worker, t0);
    }
}

/// The writer: one result batch from each worker per round, merged in
/// frame order into `output`.
fn write(
    result_rxs: &[Receiver<Results>],
    spare_result_txs: &[Sender<Results>],
    numbering: &mut Numbering,
    output: &mut dyn Output,
) -> Result<(), CommandError> {
    let mut round: Vec<Results> = Vec::with_capacity(result_rxs.len());
    let mut heads = vec![0usize; result_rxs.len()];
    let mut sweep: Vec<(u64, usize, usize)> = Vec::new();
    loop {
        for (mut results, spare) in round.drain(..).zip(spare_result_txs) {
            results.clear();
            let _ = spare.send(results);
        }
        for rx in result_rxs {
            match rx.recv() {
                Ok(results) => round.push(results),
                Err(_) => return Ok(()),
            }
        }
        heads.iter_mut().for_each(|h| *h = 0);
        let t0 = round.first().map_or(0, |r| r.t0);
        if round.iter().any(|r| r.end) {
            return write_end(&mut round, result_rxs, numbering, output);
        }
        loop {
            let mut best: Option<(usize, (u64, u8))> = None;
            for (w, results) in round.iter().enumerate() {
                if let Some(out) = results.outs.get(heads[w]) {
                    let key = out.key();
                    if best.is_none_or(|(_, b)| key < b) {
                        best = Some((w, key));
                    }
                }
            }
            let Some((w, (frame, rank))) = best else {
                break;
            };
            if rank == 0 {
                // One sweep's summaries, from every worker, in global
                // connection order as the one tracker queues them.
                sweep.clear();
                for (w, results) in round.iter_mut().enumerate() {
                    while let Some(&Out::Summary {
                        frame: f,
                        rank: Rank::Sweep,
                        at,
                        ..
                    }) = results.outs.get(heads[w])
                    {
                        if f != frame {
                            break;
                        }
                        let conn = renumber(&mut results.summaries[at as usize], w, numbering);
                        sweep.push((conn, w, heads[w]));
                        heads[w] += 1;
                    }
                }
                sweep.sort_unstable();
                for &(_, w, i) in &sweep {
                    deliver(round[w].outs[i], &round[w], w, numbering, output, t0)?;
                }
                continue;
            }
            let i = heads[w];
            heads[w] += 1;
            let out = round[w].outs[i];
            if let Out::Summary { at, .. } = out {
                renumber(&mut round[w].summaries[at as usize], w, numbering);
            }
            deliver(out, &round[w], w, numbering, output, t0)?;
        }
        for (w, results) in round.iter().enumerate() {
            for gone in &results.gone {
                match *gone {
                    Gone::Conn(c) => numbering.forget_conn(w, c),
                    Gone::Stream(s) => numbering.forget_stream(w, s),
                }
            }
        }
    }
}

/// Worker `w`'s summary `s` in global numbers (its connection's number
/// is forgotten: it does not come back); returns that number.
fn renumber(s: &mut ConnSummary, w: usize, numbering: &mut Numbering) -> u64 {
    s.stream = numbering.stream(w, s.stream);
    s.conn = numbering.conn_leaves(w, s.conn);
    s.conn
}

/// The end of the input: each worker's last summaries, in batches, merged
/// in global connection order as the one tracker's `finish` orders them.
fn write_end(
    round: &mut [Results],
    result_rxs: &[Receiver<Results>],
    numbering: &mut Numbering,
    output: &mut dyn Output,
) -> Result<(), CommandError> {
    let mut heads = vec![0usize; round.len()];
    loop {
        let mut best: Option<(usize, u64)> = None;
        for w in 0..round.len() {
            // A worker's batch used up: its next one, while more follow.
            while heads[w] >= round[w].outs.len() && round[w].more {
                match result_rxs[w].recv() {
                    Ok(next) => {
                        round[w] = next;
                        heads[w] = 0;
                    }
                    Err(_) => round[w].more = false,
                }
            }
            if let Some(&Out::Summary { at, .. }) = round[w].outs.get(heads[w]) {
                let conn = numbering.conn(w, round[w].summaries[at as usize].conn);
                if best.is_none_or(|(_, b)| conn < b) {
                    best = Some((w, conn));
                }
            } else if heads[w] < round[w].outs.len() {
                heads[w] += 1; // nothing else comes at the end
            }
        }
        let Some((w, _)) = best else {
            if round
                .iter()
                .enumerate()
                .all(|(w, r)| heads[w] >= r.outs.len() && !r.more)
            {
                return Ok(());
            }
            continue;
        };
        let i = heads[w];
        heads[w] += 1;
        if let Out::Summary { at, phases, .. } = round[w].outs[i] {
            let mut summary = round[w].summaries[at as usize];
            renumber(&mut summary, w, numbering);
            output.summary(summary, phases)?;
        }
    }
}

/// Gives one result `out` of worker `w` (with the side lists of its
/// `results`) to the output, in global numbers (summaries are renumbered
/// by the caller).
fn deliver(
    out: Out,
    results: &Results,
    w: usize,
    numbering: &mut Numbering,
    output: &mut dyn Output,
    t0: u64,
) -> Result<(), CommandError> {
    match out {
        Out::Segment {
            at,
            new_stream,
            new_conn,
            ..
        } => {
            let mut a = results.annotations[at as usize];
            numbering.open(w, a.stream, new_stream, a.conn, new_conn);
            a.stream = numbering.stream(w, a.stream);
            a.conn = numbering.conn(w, a.conn);
            output.segment(&a, t0)
        }
        Out::Opened {
            stream,
            conn,
            new_stream,
            ..
        } => {
            numbering.open(w, stream, new_stream, conn, true);
            Ok(())
        }
        Out::Summary { at, phases, .. } => output.summary(results.summaries[at as usize], phases),
        Out::Malformed { frame, at } => {
            let (ts_ns, error) = results.malformed[at as usize];
            output.malformed(frame, ts_ns, error, t0)
        }
        Out::Ipv6 { .. } => {
            output.ipv6();
            Ok(())
        }
    }
}

/// An [`Output`] of per-frame events, as [`crate::tracking::track`]'s
/// visitor sees them (`annotate`).
pub(crate) struct Events<F>(pub(crate) F);

impl<F> Output for Events<F>
where
    F: FnMut(crate::tracking::Event<'_>, u64) -> Result<(), CommandError>,
{
    fn segment(&mut self, a: &Annotation, t0: u64) -> Result<(), CommandError> {
        (self.0)(crate::tracking::Event::Segment(a), t0)
    }

    fn malformed(
        &mut self,
        frame: u64,
        ts_ns: u64,
        error: WireError,
        t0: u64,
    ) -> Result<(), CommandError> {
        (self.0)(
            crate::tracking::Event::Malformed {
                frame,
                ts_ns,
                error,
            },
            t0,
        )
    }
}
