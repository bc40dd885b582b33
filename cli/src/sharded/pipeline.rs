//! The threads: `N` workers, the first of which (the lead, on the calling
//! thread) reads the input and writes the output, and the bounded
//! channels of batches between them. Every batch of frames the lead reads
//! gives one results batch per worker (empty or not), so the lead takes
//! one from each worker per round, in lockstep, and merges them by frame.

use super::fast_route::fast_shard;
use super::numbering::Numbering;
use super::route::{Route, Router, Shards, LINKTYPE_RAW};
use super::worker::{Wants, Worker};
use super::{Gone, Held, Job, Out, Rank, Results, WorkBatch};
use crate::conns::Spelled;
use crate::error::CommandError;
use crate::filter::PhaseSet;
use crate::input::{open_shared, read_frames_from, Flow, Source};
use crate::tracking::{Kind, Reached, Tally};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{
    channel, sync_channel, Receiver, Sender, SyncSender, TryRecvError, TrySendError,
};
use std::sync::Arc;
use tcpphase::capture::{CaptureReader, SharedCapture};
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Annotation, Config};
use tcpphase::wire::{decode_frame_linktype, WireError};

/// Frames of the input per batch (split over the workers).
pub(super) const BATCH_FRAMES: usize = 4096;
/// A batch goes out early when one worker's frame bytes pass this.
const BATCH_BYTES: usize = 4 << 20;
/// Batches in flight on each channel.
const IN_FLIGHT: usize = 4;
/// A worker with this many of the lead's batches still waiting leaves its
/// rows to the lead to spell.
const SPELL_BEHIND: usize = 2;
/// How many frames ahead a worker asks for the bytes of a frame read in
/// place (measured on 1.35 M frames, two threads: CPU 0.57 -> 0.50 s with
/// 4; 2 and 8 did no better).
const PREFETCH_AHEAD: usize = 4;
/// How far past the lead's last batch an idle worker has the map's pages
/// mapped (measured on 1.35 M frames, two threads, 21 alternating rounds:
/// 0.283 s -> 0.247 s; 8 MB did no better).
const POPULATE_AHEAD: usize = 4 << 20;
/// End-of-input summaries per batch.
const END_CHUNK: usize = 256;

/// What the lead does with the merged results: the command's output.
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
    /// through (when asked) and its row spelled but for the numbers (when
    /// its worker spelled it).
    fn summary(
        &mut self,
        _s: ConnSummary,
        _phases: PhaseSet,
        _spelled: Option<Spelled<'_>>,
    ) -> Result<(), CommandError> {
        Ok(())
    }
    /// The first IPv6 segment of the capture has been seen.
    fn ipv6(&mut self) {}
}

/// Reads `source` with `workers` workers, giving `output` in frame order
/// what one tracker's run would give. Returns how far the read went and
/// the problems met, as [`crate::tracking::track`] does.
///
/// The lead works on the calling thread (it also writes the output), the
/// other `workers - 1` on threads of their own: as many threads as
/// workers, none left to wait for a core.
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
    // One capture file is read in place by every worker; else (and if it
    // cannot be mapped) the lead copies the others' frames.
    let (shared, reader) = match open_shared(source, workers - 1) {
        Some((shared, reader)) => (Some(shared), Some(reader)),
        None => (None, None),
    };
    std::thread::scope(|scope| {
        // Emptied batches go back to the lead to be filled again: no
        // allocation, no fresh pages, once the first few are made.
        let (spare_batch_tx, spare_batch_rx) = channel::<WorkBatch>();
        let mut jobs = Vec::with_capacity(workers - 1);
        let mut backlogs = Vec::with_capacity(workers - 1);
        let mut results = Vec::with_capacity(workers - 1);
        for i in 0..workers - 1 {
            let (job_tx, job_rx) = sync_channel::<WorkBatch>(IN_FLIGHT);
            let backlog = Arc::new(AtomicUsize::new(0));
            let (result_tx, result_rx) = sync_channel::<Results>(IN_FLIGHT);
            let (spare_result_tx, spare_result_rx) = channel::<Results>();
            let channels = FollowerChannels {
                jobs: job_rx,
                backlog: Arc::clone(&backlog),
                spare_batches: spare_batch_tx.clone(),
                results: ResultChannels {
                    results: result_tx,
                    spare: spare_result_rx,
                },
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
            jobs.push(job_tx);
            backlogs.push(backlog);
            results.push(FollowerResults {
                results: result_rx,
                spare: spare_result_tx,
            });
        }
        drop(spare_batch_tx);
        let channels = LeadChannels {
            jobs,
            backlogs,
            spare_batches: spare_batch_rx,
            results,
        };
        let mut merge = Merge::new(workers, output);
        let input = Input { shared, reader };
        // The lead writes: spelling its rows first would only add a copy.
        let (tally, problems) = lead(
            source,
            input,
            Worker::new(
                config,
                Wants {
                    spell: None,
                    ..wants
                },
            ),
            channels,
            &mut merge,
        );
        let (mut reached, problems) = tally.finish(source, problems);
        reached.streams = merge.numbering.streams();
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

/// Why the lead stops before the end of the input.
enum Halt {
    /// Writing the output failed.
    Output(CommandError),
    /// Another worker is gone (it panicked: the scope's end says so).
    Gone,
}

/// A follower's ends of its results channel.
struct ResultChannels {
    results: SyncSender<Results>,
    spare: Receiver<Results>,
}

impl ResultChannels {
    /// An emptied results batch back from the lead, or a new one.
    fn fresh(&self) -> Results {
        self.spare
            .try_recv()
            .unwrap_or_else(|_| Results::with_room())
    }

    /// Sends one batch of results; false when the lead is gone.
    fn send(&self, mut out: Results, t0: u64) -> bool {
        out.t0 = t0;
        self.results.send(out).is_ok()
    }

    /// The end of the input: the summaries of what is left, a chunk at a
    /// time, until the lead has them all (or is gone).
    fn finish(&self, worker: &mut Worker, t0: u64) {
        loop {
            let mut out = self.fresh();
            let more = end_chunk(worker, &mut out);
            if !self.send(out, t0) || !more {
                return;
            }
        }
    }
}

/// The next chunk of `worker`'s summaries at the end of the input into
/// `out`; whether more follow.
fn end_chunk(worker: &mut Worker, out: &mut Results) -> bool {
    out.end = true;
    out.more = worker.finish(out, END_CHUNK);
    out.more
}

/// The lead's end of a follower's results.
struct FollowerResults {
    results: Receiver<Results>,
    /// Emptied results go back for the follower to fill again.
    spare: Sender<Results>,
}

/// The lead worker's ends of the channels.
struct LeadChannels {
    /// To the other workers, in order.
    jobs: Vec<SyncSender<WorkBatch>>,
    /// How many batches each of them has not taken yet.
    backlogs: Vec<Arc<AtomicUsize>>,
    spare_batches: Receiver<WorkBatch>,
    /// From the other workers, in the same order.
    results: Vec<FollowerResults>,
}

/// Another worker's ends of the channels.
struct FollowerChannels {
    jobs: Receiver<WorkBatch>,
    /// How many batches sent to this worker it has not taken yet.
    backlog: Arc<AtomicUsize>,
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

/// The lead worker (worker 0), on the calling thread: it reads the input,
/// finds each frame's shard (cheaply for a plain TCP frame, by the full
/// decode otherwise), tracks the frames of its own shard in place, hands
/// every other worker the bytes of its frames, with a tick where the
/// single tracker would sweep, and merges everyone's results into the
/// output ([`Merge`]) whenever they are in, and while it would otherwise
/// wait for a busy worker. It tallies the frames and returns the reading's
/// problems, and the output's.
fn lead(
    source: &Source,
    input: Input,
    worker: Worker,
    channels: LeadChannels,
    merge: &mut Merge<'_>,
) -> (Tally, Vec<CommandError>) {
    let mut lead = Lead {
        worker,
        out: merge.fresh(),
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
    let mut halt = None;
    let mut problems = read_frames_from(source, input.reader, |frame| {
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
            if let Err(stop) = lead.send(&channels, merge, tally.reached.t0()) {
                halt = Some(stop);
                return Ok(Flow::Stop);
            }
        }
        Ok(Flow::Continue)
    });
    let t0 = tally.reached.t0();
    if halt.is_none() && frames > 0 {
        halt = lead.send(&channels, merge, t0).err();
    }
    // No more jobs: the others summarise what they have left as their job
    // channels close, and the batches (theirs come back no more) leave
    // memory before those summaries take theirs.
    let LeadChannels {
        jobs,
        spare_batches,
        results,
        ..
    } = channels;
    drop(jobs);
    drop(spare_batches);
    lead.batches = Vec::new();
    if halt.is_none() {
        // Read to the end: the map goes once the others let it go.
        lead.map = None;
        halt = merge.finish(&mut lead.worker, &results, t0).err();
    }
    // Stopped early: the others end at their next send.
    drop(results);
    if let Some(Halt::Output(e)) = halt {
        problems.push(e);
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
    /// The split of connections. The lead reads, routes and writes, so
    /// it tracks a smaller share (see [`Shards::with_lead_share`]): 45 %
    /// of an even one where there is a line per connection (`conns`),
    /// none where there is a line per segment (`annotate`: the writing is
    /// the most of the work there). Measured on 2 cores, the 1.35 M-frame
    /// workload, alternating runs: `conns` 20-60 % within noise (40 % the
    /// best median with a writer thread, 45 % once the lead wrote);
    /// `annotate --json` 0.46 s at 0 %, 0.50 s at 25 %, 0.59 s at an even
    /// share.
    fn shards(&self) -> Shards {
        let workers = self.batches.len() + 1;
        if self.worker.wants().annotations {
            Shards::with_lead_share(workers, 0)
        } else {
            Shards::with_lead_share(workers, 45)
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

    /// Sends every other worker its batch and merges what is in. A worker
    /// whose queue is full is waited for by merging the oldest results
    /// meanwhile (the wait becomes writing time).
    fn send(
        &mut self,
        channels: &LeadChannels,
        merge: &mut Merge<'_>,
        t0: u64,
    ) -> Result<(), Halt> {
        for ((tx, backlog), batch) in channels
            .jobs
            .iter()
            .zip(&channels.backlogs)
            .zip(&mut self.batches)
        {
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
            // Counted first: the worker may take it at once.
            backlog.fetch_add(1, Ordering::Relaxed);
            loop {
                match tx.try_send(full) {
                    Ok(()) => break,
                    Err(TrySendError::Full(back)) => {
                        full = back;
                        if !merge.merge_oldest(&channels.results)? {
                            // Nothing of ours to merge: just wait.
                            tx.send(full).map_err(|_| Halt::Gone)?;
                            break;
                        }
                    }
                    Err(TrySendError::Disconnected(_)) => return Err(Halt::Gone),
                }
            }
        }
        let mut out = std::mem::replace(&mut self.out, merge.fresh());
        out.t0 = t0;
        merge.own.push_back(out);
        merge.merge_ready(&channels.results)
    }
}

/// Another worker: batches of its frames in, results out (one for one),
/// and at the end of the input the summaries of what is left.
fn follow(mut worker: Worker, mut channels: FollowerChannels) {
    let mut t0 = 0;
    let mut writer_gone = false;
    let map = channels.map.as_ref().map(|(map, _)| map.bytes());
    // How far into the map this worker has had the pages mapped.
    let mut populated = 0;
    while let Ok(mut batch) = channels.jobs.recv() {
        t0 = batch.t0;
        // Behind (more of the lead's batches waiting): the lead spells
        // this batch's rows, which either thread can do; else this worker
        // spells them, so that the lead only writes.
        let behind = channels
            .backlog
            .fetch_sub(1, Ordering::Relaxed)
            .saturating_sub(1);
        worker.spell_rows(behind < SPELL_BEHIND);
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
            // Nothing waiting: map the pages the lead reads next, and
            // unmap those everyone is past, so that the lead does not
            // stop for either.
            if channels.backlog.load(Ordering::Relaxed) == 0 {
                if populated < batch.map_end + POPULATE_AHEAD / 2 {
                    let from = populated.max(batch.map_end);
                    populated = batch.map_end + POPULATE_AHEAD;
                    map.populate(from, populated - from);
                }
                map.give_back();
            }
        }
        let _ = channels.spare_batches.send(batch);
        if !channels.results.send(out, t0) {
            writer_gone = true;
            break;
        }
    }
    // Done with the whole map: the lead never waits on this worker again,
    // and the last holder unmaps it (its pages not yet given back leave
    // resident memory before the summaries of the end take theirs).
    if let Some((map, consumer)) = channels.map.take() {
        map.consumed(consumer, usize::MAX);
    }
    if !writer_gone {
        worker.spell_rows(true);
        channels.results.finish(&mut worker, t0);
    }
}

/// The writer's side of the lead: every worker's results for one batch
/// of frames (a round) merged in frame order into the output, in global
/// numbers, as soon as they are all in.
struct Merge<'o> {
    numbering: Numbering,
    output: &'o mut dyn Output,
    /// The lead's own results, oldest first, not yet merged.
    own: VecDeque<Results>,
    /// The lead's emptied results, to be filled again.
    own_spare: Vec<Results>,
    /// Each other worker's results for the oldest round, once in.
    ready: Vec<Option<Results>>,
    /// The round being merged, and how far into each worker's results.
    round: Vec<Results>,
    heads: Vec<usize>,
    /// One sweep's summaries from every worker: (connection, worker, index).
    sweep: Vec<(u64, usize, usize)>,
}

impl<'o> Merge<'o> {
    fn new(workers: usize, output: &'o mut dyn Output) -> Self {
        Merge {
            numbering: Numbering::new(workers),
            output,
            own: VecDeque::new(),
            own_spare: Vec::new(),
            ready: (1..workers).map(|_| None).collect(),
            round: Vec::with_capacity(workers),
            heads: vec![0; workers],
            sweep: Vec::new(),
        }
    }

    /// Emptied results for the lead to fill, or new ones.
    fn fresh(&mut self) -> Results {
        self.own_spare.pop().unwrap_or_else(Results::with_room)
    }

    /// Merges every round whose results are all in, without waiting.
    fn merge_ready(&mut self, followers: &[FollowerResults]) -> Result<(), Halt> {
        while !self.own.is_empty() {
            for (slot, follower) in self.ready.iter_mut().zip(followers) {
                if slot.is_none() {
                    match follower.results.try_recv() {
                        Ok(results) => *slot = Some(results),
                        Err(TryRecvError::Empty) => return Ok(()),
                        Err(TryRecvError::Disconnected) => return Err(Halt::Gone),
                    }
                }
            }
            self.merge_round(followers)?;
        }
        Ok(())
    }

    /// Merges the oldest round, waiting for the other workers' results
    /// (they have their jobs for it); false when no round is pending.
    fn merge_oldest(&mut self, followers: &[FollowerResults]) -> Result<bool, Halt> {
        if self.own.is_empty() {
            return Ok(false);
        }
        for (slot, follower) in self.ready.iter_mut().zip(followers) {
            if slot.is_none() {
                *slot = Some(follower.results.recv().map_err(|_| Halt::Gone)?);
            }
        }
        self.merge_round(followers)?;
        Ok(true)
    }

    /// Merges the oldest round (the lead's results and every `ready`
    /// one), then gives the emptied results back.
    fn merge_round(&mut self, followers: &[FollowerResults]) -> Result<(), Halt> {
        let Some(own) = self.own.pop_front() else {
            return Ok(());
        };
        self.round.push(own);
        for slot in &mut self.ready {
            self.round.push(slot.take().unwrap_or_default());
        }
        let merged = merge_round(
            &mut self.round,
            &mut self.heads,
            &mut self.sweep,
            &mut self.numbering,
            &mut *self.output,
        );
        let mut round = self.round.drain(..);
        if let Some(mut own) = round.next() {
            own.clear();
            self.own_spare.push(own);
        }
        for (mut results, follower) in round.zip(followers) {
            results.clear();
            let _ = follower.spare.send(results);
        }
        merged.map_err(Halt::Output)
    }

    /// The end of the input: the rounds still pending, then every
    /// worker's last summaries (the lead's `worker` makes its own a
    /// chunk at a time as they are merged).
    fn finish(
        &mut self,
        worker: &mut Worker,
        followers: &[FollowerResults],
        t0: u64,
    ) -> Result<(), Halt> {
        while self.merge_oldest(followers)? {}
        let mut next = |w: usize| match w.checked_sub(1) {
            None => {
                let mut out = Results::with_room();
                out.t0 = t0;
                end_chunk(worker, &mut out);
                Some(out)
            }
            Some(i) => followers.get(i).and_then(|f| f.results.recv().ok()),
        };
        let mut round = Vec::with_capacity(followers.len() + 1);
        for w in 0..=followers.len() {
            round.push(next(w).ok_or(Halt::Gone)?);
        }
        write_end(&mut round, next, &mut self.numbering, &mut *self.output).map_err(Halt::Output)
    }
}

/// Merges one round (`round[w]`: worker `w`'s results for the same batch
/// of frames) in frame order into `output`, in global numbers.
fn merge_round(
    round: &mut [Results],
    heads: &mut [usize],
    sweep: &mut Vec<(u64, usize, usize)>,
    numbering: &mut Numbering,
    output: &mut dyn Output,
) -> Result<(), CommandError> {
    heads.iter_mut().for_each(|h| *h = 0);
    let t0 = round.first().map_or(0, |r| r.t0);
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
            for &(_, w, i) in sweep.iter() {
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
    Ok(())
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
    mut next: impl FnMut(usize) -> Option<Results>,
    numbering: &mut Numbering,
    output: &mut dyn Output,
) -> Result<(), CommandError> {
    let mut heads = vec![0usize; round.len()];
    loop {
        let mut best: Option<(usize, u64)> = None;
        for w in 0..round.len() {
            // A worker's batch used up: its next one, while more follow.
            while heads[w] >= round[w].outs.len() && round[w].more {
                match next(w) {
                    Some(results) => {
                        round[w] = results;
                        heads[w] = 0;
                    }
                    None => round[w].more = false,
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
            output.summary(summary, phases, round[w].spelled(at))?;
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
        Out::Summary { at, phases, .. } => {
            output.summary(results.summaries[at as usize], phases, results.spelled(at))
        }
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
