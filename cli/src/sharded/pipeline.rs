//! The threads: `N` workers, each walking the whole input, the writer on
//! the calling thread (it owns the output), and the bounded channels of
//! result batches between them. Every worker sends a batch (empty or not)
//! at the same frames of the input, so the writer takes one batch from
//! each worker per round, in lockstep, and merges them by frame.

use super::fast_route::fast_shard;
use super::numbering::Numbering;
use super::route::{Route, Router, LINKTYPE_RAW};
use super::worker::{Wants, Worker};
use super::{Gone, Out, Rank, Results};
use crate::error::CommandError;
use crate::filter::PhaseSet;
use crate::input::{read_frames, Flow, Source};
use crate::progress::ProgressMode;
use crate::tracking::{Kind, Reached, Tally};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Annotation, Config};
use tcpphase::wire::{decode_frame_linktype, WireError};

/// Frames of the input per results batch of each worker.
const BATCH_FRAMES: usize = 2048;
/// Batches in flight on each channel.
const IN_FLIGHT: usize = 4;
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
    std::thread::scope(|scope| {
        let mut result_rxs = Vec::with_capacity(workers);
        let mut spare_result_txs = Vec::with_capacity(workers);
        let mut walkers = Vec::with_capacity(workers);
        let stop = &stop;
        for me in 0..workers {
            let (result_tx, result_rx) = sync_channel::<Results>(IN_FLIGHT);
            let (spare_result_tx, spare_result_rx) = channel::<Results>();
            result_rxs.push(result_rx);
            spare_result_txs.push(spare_result_tx);
            // Worker 0 shows the progress and tallies the frames; the
            // others read the same frames quietly.
            let mut own = source.clone();
            if me > 0 {
                own.progress = ProgressMode::Off;
            }
            let channels = WorkerChannels {
                results: result_tx,
                spare_results: spare_result_rx,
            };
            let place = Place { me, workers };
            let spawned = std::thread::Builder::new()
                .name(format!("tcpphase-worker-{me}"))
                .spawn_scoped(scope, move || {
                    walk(&own, place, Worker::new(config, wants), channels, stop)
                });
            match spawned {
                Ok(handle) => walkers.push(handle),
                Err(e) => {
                    // Those started stop within a batch of frames.
                    stop.store(true, Ordering::Relaxed);
                    return spawn_failure(source, e);
                }
            }
        }
        let mut numbering = Numbering::new(workers);
        let failure = write(&result_rxs, &spare_result_txs, &mut numbering, output).err();
        if failure.is_some() {
            stop.store(true, Ordering::Relaxed);
        }
        // Workers stop at their next send.
        drop(result_rxs);
        let mut first = None;
        for walker in walkers {
            match walker.join() {
                Ok(done) => {
                    first.get_or_insert(done);
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        let (tally, mut problems) = first.unwrap_or_default();
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

/// Which worker a thread is, of how many.
#[derive(Debug, Clone, Copy)]
struct Place {
    me: usize,
    workers: usize,
}

/// A worker's ends of the channels.
struct WorkerChannels {
    results: SyncSender<Results>,
    spare_results: Receiver<Results>,
}

impl WorkerChannels {
    /// An emptied results batch back from the writer, or a new one.
    fn fresh(&self) -> Results {
        self.spare_results.try_recv().unwrap_or_else(|_| Results {
            outs: Vec::with_capacity(BATCH_FRAMES / 2),
            ..Results::default()
        })
    }
}

/// A worker: walks every frame of the input, sweeps where the single
/// tracker would, tracks the frames of its own shard, and sends its
/// results every [`BATCH_FRAMES`] frames of the input (every worker at
/// the same frames, so that the writer merges them round by round); at
/// the end of the input, the summaries of what is left. Worker 0 tallies
/// the frames and keeps the reading's problems (every worker meets the
/// same).
fn walk(
    source: &Source,
    place: Place,
    mut worker: Worker,
    channels: WorkerChannels,
    stop: &AtomicBool,
) -> (Tally, Vec<CommandError>) {
    let Place { me, workers } = place;
    let mut tally = Tally::default();
    let mut router = Router::new(workers);
    let mut out = channels.fresh();
    let mut t0 = None;
    let mut frames = 0usize;
    let mut open = true;
    let problems = read_frames(source, |frame| {
        let (number, ts_ns) = (frame.number, frame.ts_ns);
        t0.get_or_insert(ts_ns);
        match fast_shard(frame.linktype, frame.data, workers) {
            Some(owner) => {
                // The single tracker sweeps here if the frame parses.
                if router.due(ts_ns) {
                    let malformed = decode_frame_linktype(frame.linktype, frame.data).is_err();
                    if router.sweeps(ts_ns, malformed) {
                        worker.tick(number, ts_ns, &mut out);
                    }
                }
                if owner == me {
                    worker.frame(number, ts_ns, frame.linktype, frame.data, &mut out);
                }
                if me == 0 {
                    // Malformed or not, a line: the tally counts it so.
                    tally.frame(&frame, Kind::Segment);
                }
            }
            None => {
                let route = router.route(frame.linktype, frame.data, ts_ns);
                let malformed = matches!(route, Route::Malformed(_));
                if router.sweeps(ts_ns, malformed) {
                    worker.tick(number, ts_ns, &mut out);
                }
                match route {
                    Route::Flow {
                        worker: owner,
                        rebuilt,
                    } => {
                        if owner == me {
                            let (linktype, bytes) = match rebuilt {
                                Some(which) => (LINKTYPE_RAW, router.rebuilt(which)),
                                None => (frame.linktype, frame.data),
                            };
                            worker.frame(number, ts_ns, linktype, bytes, &mut out);
                        }
                        if me == 0 {
                            tally.frame(&frame, Kind::Segment);
                        }
                    }
                    Route::NotTcp => {
                        if me == 0 {
                            tally.frame(&frame, Kind::NotTcp);
                        }
                    }
                    Route::Malformed(error) => {
                        if me == 0 {
                            tally.frame(&frame, Kind::Malformed(&error));
                            if !matches!(error, WireError::UnsupportedLinkType { .. }) {
                                out.outs.push(Out::Malformed {
                                    frame: number,
                                    ts_ns,
                                    error,
                                });
                            }
                        }
                    }
                }
            }
        }
        frames += 1;
        if frames >= BATCH_FRAMES {
            frames = 0;
            if stop.load(Ordering::Relaxed) {
                open = false;
                return Ok(Flow::Stop);
            }
            let full = std::mem::replace(&mut out, channels.fresh());
            if !send(&channels, full, t0) {
                open = false;
                return Ok(Flow::Stop);
            }
        }
        Ok(Flow::Continue)
    });
    if open && frames > 0 {
        let last = std::mem::take(&mut out);
        open = send(&channels, last, t0);
    }
    while open {
        let mut out = channels.fresh();
        out.end = true;
        out.more = worker.finish(&mut out, END_CHUNK);
        let more = out.more;
        open = send(&channels, out, t0) && more;
    }
    (tally, problems)
}

/// Sends one batch of results; false when the writer is gone.
fn send(channels: &WorkerChannels, mut out: Results, t0: Option<u64>) -> bool {
    out.t0 = t0.unwrap_or(0);
    channels.results.send(out).is_ok()
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
            results.outs.clear();
            results.gone.clear();
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
                    while let Some(Out::Summary {
                        frame: f,
                        rank: Rank::Sweep,
                        summary,
                        ..
                    }) = results.outs.get_mut(heads[w])
                    {
                        if *f != frame {
                            break;
                        }
                        summary.stream = numbering.stream(w, summary.stream);
                        summary.conn = numbering.conn_leaves(w, summary.conn);
                        sweep.push((summary.conn, w, heads[w]));
                        heads[w] += 1;
                    }
                }
                sweep.sort_unstable();
                for &(_, w, i) in &sweep {
                    deliver(
                        std::mem::replace(&mut round[w].outs[i], Out::Taken),
                        w,
                        numbering,
                        output,
                        t0,
                    )?;
                }
                continue;
            }
            let i = heads[w];
            heads[w] += 1;
            let out = std::mem::replace(&mut round[w].outs[i], Out::Taken);
            let out = match out {
                Out::Summary {
                    frame,
                    rank,
                    mut summary,
                    phases,
                } => {
                    summary.stream = numbering.stream(w, summary.stream);
                    summary.conn = numbering.conn_leaves(w, summary.conn);
                    Out::Summary {
                        frame,
                        rank,
                        summary,
                        phases,
                    }
                }
                other => other,
            };
            deliver(out, w, numbering, output, t0)?;
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
            if let Some(Out::Summary { summary, .. }) = round[w].outs.get(heads[w]) {
                let conn = numbering.conn(w, summary.conn);
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
        if let Out::Summary {
            summary, phases, ..
        } = std::mem::replace(&mut round[w].outs[i], Out::Taken)
        {
            let mut summary = *summary;
            summary.stream = numbering.stream(w, summary.stream);
            summary.conn = numbering.conn_leaves(w, summary.conn);
            output.summary(summary, phases)?;
        }
    }
}

/// Gives one result of worker `w` to the output, in global numbers
/// (summaries are renumbered by the caller).
fn deliver(
    out: Out,
    w: usize,
    numbering: &mut Numbering,
    output: &mut dyn Output,
    t0: u64,
) -> Result<(), CommandError> {
    match out {
        Out::Segment {
            mut a,
            new_stream,
            new_conn,
        } => {
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
        Out::Summary {
            summary, phases, ..
        } => output.summary(*summary, phases),
        Out::Malformed {
            frame,
            ts_ns,
            error,
        } => output.malformed(frame, ts_ns, error, t0),
        Out::Ipv6 { .. } => {
            output.ipv6();
            Ok(())
        }
        Out::Taken => Ok(()),
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
