//! The threads: one reader, `N` workers, the writer on the calling thread
//! (it owns the output), and the bounded channels of batches between them.
//! Every reader batch goes to every worker (empty or not), so the writer
//! takes one result batch from each worker per round, in lockstep, and
//! merges them by frame.

use super::numbering::Numbering;
use super::route::{Route, Router, LINKTYPE_RAW};
use super::worker::{Wants, Worker};
use super::{Gone, Job, Out, Rank, Results, WorkBatch};
use crate::error::CommandError;
use crate::filter::PhaseSet;
use crate::input::{read_frames, Flow, Source};
use crate::tracking::{Kind, Reached, Tally};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Annotation, Config};
use tcpphase::wire::WireError;

/// Frames per reader batch (split over the workers).
const BATCH_FRAMES: usize = 1024;
/// A batch goes out early when one worker's frame bytes pass this.
const BATCH_BYTES: usize = 4 << 20;
/// Batches in flight on each channel.
const IN_FLIGHT: usize = 4;
/// End-of-input summaries per batch.
const END_CHUNK: usize = 4096;

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
        let mut job_txs = Vec::with_capacity(workers);
        let mut result_rxs = Vec::with_capacity(workers);
        let mut spare_result_txs = Vec::with_capacity(workers);
        // Emptied batches go back to be filled again: no allocation, no
        // fresh pages, once the first few are made.
        let (spare_batch_tx, spare_batch_rx) = channel::<WorkBatch>();
        for _ in 0..workers {
            let (job_tx, job_rx) = sync_channel::<WorkBatch>(IN_FLIGHT);
            let (result_tx, result_rx) = sync_channel::<Results>(IN_FLIGHT);
            let (spare_result_tx, spare_result_rx) = channel::<Results>();
            job_txs.push(job_tx);
            result_rxs.push(result_rx);
            spare_result_txs.push(spare_result_tx);
            let channels = WorkerChannels {
                jobs: job_rx,
                results: result_tx,
                spare_batches: spare_batch_tx.clone(),
                spare_results: spare_result_rx,
            };
            let name = format!("tcpphase-worker-{}", job_txs.len() - 1);
            let spawned = std::thread::Builder::new()
                .name(name)
                .spawn_scoped(scope, move || work(Worker::new(config, wants), channels));
            if let Err(e) = spawned {
                return spawn_failure(source, e);
            }
        }
        drop(spare_batch_tx);
        let stop = &stop;
        let reader = std::thread::Builder::new()
            .name("tcpphase-reader".into())
            .spawn_scoped(scope, move || read(source, job_txs, spare_batch_rx, stop));
        let reader = match reader {
            Ok(reader) => reader,
            Err(e) => return spawn_failure(source, e),
        };
        let mut numbering = Numbering::new(workers);
        let failure = write(&result_rxs, &spare_result_txs, &mut numbering, output).err();
        if failure.is_some() {
            stop.store(true, Ordering::Relaxed);
        }
        // Workers stop at their next send, the reader at its next one.
        drop(result_rxs);
        let (tally, mut problems) = match reader.join() {
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

/// The reader: frames into per-worker batches, a tick to every worker
/// where the single tracker would sweep.
fn read(
    source: &Source,
    job_txs: Vec<SyncSender<WorkBatch>>,
    spare: Receiver<WorkBatch>,
    stop: &AtomicBool,
) -> (Tally, Vec<CommandError>) {
    let workers = job_txs.len();
    let mut tally = Tally::default();
    let mut router = Router::new(workers);
    let mut batches: Vec<WorkBatch> = (0..workers).map(|_| WorkBatch::default()).collect();
    let mut frames = 0usize;
    let mut open = true;
    let send = |batches: &mut Vec<WorkBatch>, t0: u64| -> bool {
        for (tx, batch) in job_txs.iter().zip(batches.iter_mut()) {
            let fresh = spare.try_recv().unwrap_or_else(|_| WorkBatch {
                t0: 0,
                jobs: Vec::with_capacity(BATCH_FRAMES + 64),
                arena: Vec::with_capacity(BATCH_FRAMES * 256),
            });
            let mut full = std::mem::replace(batch, fresh);
            full.t0 = t0;
            if tx.send(full).is_err() {
                return false;
            }
        }
        true
    };
    let problems = read_frames(source, |frame| {
        if stop.load(Ordering::Relaxed) {
            return Ok(Flow::Stop);
        }
        let (number, ts_ns) = (frame.number, frame.ts_ns);
        let mut job = None;
        let mut malformed = false;
        match router.route(frame.linktype, frame.data, ts_ns) {
            Route::Flow { worker, rebuilt } => {
                let (linktype, bytes) = match rebuilt {
                    Some(packet) => (LINKTYPE_RAW, packet),
                    None => (frame.linktype, frame.data),
                };
                let arena = &mut batches[worker].arena;
                let start = arena.len();
                arena.extend_from_slice(bytes);
                job = Some((
                    worker,
                    Job::Frame {
                        frame: number,
                        ts_ns,
                        linktype,
                        start,
                        len: bytes.len(),
                    },
                ));
                tally.frame(&frame, Kind::Segment);
            }
            Route::NotTcp => {
                tally.frame(&frame, Kind::NotTcp);
            }
            Route::Malformed(error) => {
                malformed = true;
                tally.frame(&frame, Kind::Malformed(&error));
                if !matches!(error, WireError::UnsupportedLinkType { .. }) {
                    job = Some((
                        0,
                        Job::Malformed {
                            frame: number,
                            ts_ns,
                            error,
                        },
                    ));
                }
            }
        }
        if router.sweeps(ts_ns, malformed) {
            for batch in &mut batches {
                batch.jobs.push(Job::Tick {
                    frame: number,
                    ts_ns,
                });
            }
        }
        if let Some((worker, job)) = job {
            batches[worker].jobs.push(job);
        }
        frames += 1;
        if frames >= BATCH_FRAMES || batches.iter().any(|b| b.arena.len() > BATCH_BYTES) {
            frames = 0;
            if !send(&mut batches, tally.reached.t0()) {
                open = false;
                return Ok(Flow::Stop);
            }
        }
        Ok(Flow::Continue)
    });
    if open && frames > 0 {
        send(&mut batches, tally.reached.t0());
    }
    (tally, problems)
}

/// A worker's ends of the channels.
struct WorkerChannels {
    jobs: Receiver<WorkBatch>,
    results: SyncSender<Results>,
    spare_batches: Sender<WorkBatch>,
    spare_results: Receiver<Results>,
}

/// A worker: batches in, results out, and at the end of the input the
/// summaries of what is left.
fn work(mut worker: Worker, channels: WorkerChannels) {
    let mut t0 = 0;
    while let Ok(mut batch) = channels.jobs.recv() {
        t0 = batch.t0;
        let mut out = channels
            .spare_results
            .try_recv()
            .unwrap_or_else(|_| Results {
                outs: Vec::with_capacity(BATCH_FRAMES + 64),
                ..Results::default()
            });
        out.t0 = t0;
        worker.work(&batch, &mut out);
        batch.jobs.clear();
        batch.arena.clear();
        let _ = channels.spare_batches.send(batch);
        if channels.results.send(out).is_err() {
            return;
        }
    }
    loop {
        let mut out = channels.spare_results.try_recv().unwrap_or_default();
        out.t0 = t0;
        out.end = true;
        out.more = worker.finish(&mut out, END_CHUNK);
        let more = out.more;
        if channels.results.send(out).is_err() || !more {
            return;
        }
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
