//! `tcpphase annotate`: one line per TCP segment with its phase.

use crate::color::{phase_color, RESET};
use crate::error::{outcome, CommandError, Failure};
use crate::filter::Filter;
use crate::input::Source;
use crate::records::{Malformed, RecordWriter};
use crate::tracking::{track, unknown_stream, Event, Moment};
use crate::Format;
use std::io::Write;
use tcpphase::phase::Phase;
use tcpphase::track::{Annotation, Tracker};

/// How `annotate` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AnnotateOptions {
    /// Text, JSON Lines or CSV.
    pub format: Format,
    /// Colour text lines by phase (ANSI escape codes).
    pub color: bool,
}

/// Annotates every TCP segment of the capture at `path` and writes one
/// line per segment to `out`. Frames before a damaged part of the file are
/// written before the error is returned.
pub fn annotate(path: &str, format: Format, out: &mut dyn Write) -> Result<(), CommandError> {
    let options = AnnotateOptions {
        format,
        color: false,
    };
    run(&Source::file(path), &Filter::default(), options, out).map_err(Failure::into_first)
}

/// `tcpphase annotate`: the segments of `source` that pass `filter`, one
/// line each, in `options`' format. Everything readable is written; the
/// problems met on the way come back at the end.
pub fn run(
    source: &Source,
    filter: &Filter,
    options: AnnotateOptions,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut tracker = Tracker::new(source.tracker_config());
    // A buffer of our own in front of `out`: serde_json, the CSV writer
    // and write! make many small writes, which then stay inlined instead
    // of each going through `dyn Write`.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
    // Live input: each line goes out as its record is decoded.
    let live = source.is_live();
    let workers = crate::sharded::workers(source);
    let (reached, mut problems) = match options.format.records() {
        Some(format) => {
            let mut records = match RecordWriter::<Annotation, _>::new(format, &mut buffered) {
                Ok(records) => records,
                Err(e) => return Err(CommandError::stdout(e).into()),
            };
            let on_event = |event: Event<'_>, _: u64| {
                match event {
                    Event::Segment(a) if filter.matches_segment(a) => records.write(a),
                    Event::Malformed {
                        frame,
                        ts_ns,
                        error,
                    } if filter.matches_malformed() => {
                        records.write_other(&Malformed::new(frame, ts_ns, error))
                    }
                    _ => Ok(()),
                }
                .map_err(CommandError::stdout)?;
                if live {
                    records.flush().map_err(CommandError::stdout)?;
                }
                Ok(())
            };
            let result = each_event(source, &mut tracker, workers, on_event);
            if let Err(e) = records.flush() {
                return Err(CommandError::stdout(e).into());
            }
            result
        }
        None => each_event(source, &mut tracker, workers, |event, t0| {
            write_text_event(&mut buffered, event, t0, filter, options.color)
                .map_err(CommandError::stdout)?;
            if live {
                buffered.flush().map_err(CommandError::stdout)?;
            }
            Ok(())
        }),
    };
    if let Err(e) = buffered.flush() {
        return Err(CommandError::stdout(e).into());
    }
    drop(buffered);
    if let Err(e) = out.flush() {
        problems.push(CommandError::stdout(e));
    }
    if let Some(e) = unknown_stream(source, filter, &reached, Moment::End, &problems) {
        problems.push(e);
    }
    outcome(problems)
}

/// Every frame's event, in order, through `tracker` or through `workers`
/// worker threads.
fn each_event(
    source: &Source,
    tracker: &mut Tracker,
    workers: Option<usize>,
    mut on_event: impl FnMut(Event<'_>, u64) -> Result<(), CommandError>,
) -> (crate::tracking::Reached, Vec<CommandError>) {
    match workers {
        Some(n) => {
            let wants = crate::sharded::Wants {
                annotations: true,
                summaries: false,
                phases: false,
                spell: None,
            };
            crate::sharded::run(source, n, wants, &mut crate::sharded::Events(on_event))
        }
        None => track(source, tracker, Moment::End, |tracker, event, t0| {
            // Summaries are not printed: drained, so the queue stays short.
            while tracker.next_summary().is_some() {}
            on_event(event, t0)
        }),
    }
}

/// Writes one frame's text line, if it passes the filter.
fn write_text_event<W: Write>(
    out: &mut W,
    event: Event<'_>,
    t0: u64,
    filter: &Filter,
    color: bool,
) -> std::io::Result<()> {
    match event {
        Event::Segment(a) if filter.matches_segment(a) => write_text(out, a, t0, color),
        Event::Malformed {
            frame,
            ts_ns,
            error,
        } if filter.matches_malformed() => {
            let color = if color { phase_color(Phase::Other) } else { "" };
            let reset = if color.is_empty() { "" } else { RESET };
            writeln!(
                out,
                "{color}{frame:>6} {:>11.6} other/malformed: {error}{reset}",
                ts_ns.saturating_sub(t0) as f64 / 1e9
            )
        }
        _ => Ok(()),
    }
}

/// One segment's text line; no allocation.
fn write_text<W: Write>(out: &mut W, a: &Annotation, t0: u64, color: bool) -> std::io::Result<()> {
    let color = if color { phase_color(a.phase) } else { "" };
    out.write_all(color.as_bytes())?;
    let mut letters = [0u8; 9];
    write!(
        out,
        "{:>6} {:>11.6} {:>21} -> {:<21} {:<4} len={:<5} stream={:<3} {:<13} {:<10} {:<12} {:<12}",
        a.frame,
        a.ts_ns.saturating_sub(t0) as f64 / 1e9,
        a.src,
        a.dst,
        a.tcp_flags.letters(&mut letters),
        a.len,
        a.stream,
        a.phase.name(),
        a.step.name(),
        a.client_state.name(),
        a.server_state.name(),
    )?;
    if !a.flags.is_empty() {
        write!(out, " [{}]", a.flags)?;
    }
    if !color.is_empty() {
        out.write_all(RESET.as_bytes())?;
    }
    out.write_all(b"\n")
}
