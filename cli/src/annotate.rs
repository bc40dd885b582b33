//! `tcpphase annotate`: one line per TCP segment with its phase.

use crate::input::open_capture;
use crate::records::{write_annotation_csv, AnnotationJson, MalformedJson, ANNOTATION_CSV_HEADER};
use crate::{CommandError, Format};
use std::io::Write;
use tcpphase::track::{Annotation, Config, FrameOutcome, Tracker};

/// Annotates every TCP segment of the capture at `path` and writes one
/// line per segment to `out`. Frames before a damaged part of the file are
/// written before the error is returned.
pub fn annotate(path: &str, format: Format, out: &mut dyn Write) -> Result<(), CommandError> {
    if format == Format::Csv {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(ANNOTATION_CSV_HEADER).map_err(csv_err)?;
        let result = each_outcome(path, |outcome, _| match outcome {
            Outcome::Segment(a) => write_annotation_csv(&mut w, a).map_err(csv_err),
            Outcome::Malformed { .. } => Ok(()),
        });
        w.flush().map_err(|e| csv_err(e.into()))?;
        return result;
    }
    let io_err = |e: std::io::Error| CommandError {
        input: "<stdout>".into(),
        message: e.to_string(),
    };
    let result = each_outcome(path, |outcome, t0| match (outcome, format) {
        (Outcome::Segment(a), Format::Json) => {
            serde_json::to_writer(&mut *out, &AnnotationJson::of(a)).map_err(json_err)?;
            out.write_all(b"\n").map_err(io_err)
        }
        (Outcome::Segment(a), _) => write_text(out, a, t0).map_err(io_err),
        (
            Outcome::Malformed {
                frame,
                ts_ns,
                error,
            },
            Format::Json,
        ) => {
            let error = format!("frame {frame}: {error}");
            let record = MalformedJson {
                frame: *frame,
                ts: *ts_ns as f64 / 1e9,
                phase: "other",
                step: "malformed",
                error: &error,
            };
            serde_json::to_writer(&mut *out, &record).map_err(json_err)?;
            out.write_all(b"\n").map_err(io_err)
        }
        (
            Outcome::Malformed {
                frame,
                ts_ns,
                error,
            },
            _,
        ) => writeln!(
            out,
            "{frame:>6} {:>11.6} other/malformed: {error}",
            ts_ns.saturating_sub(t0) as f64 / 1e9
        )
        .map_err(io_err),
    });
    out.flush().map_err(io_err)?;
    result
}

/// What one frame gave, for the writers.
enum Outcome<'a> {
    Segment(&'a Annotation),
    Malformed {
        frame: u64,
        ts_ns: u64,
        error: tcpphase::wire::WireError,
    },
}

/// Runs the tracker over the capture, calling `emit` for each TCP segment
/// and malformed frame with the first frame's time.
fn each_outcome(
    path: &str,
    mut emit: impl FnMut(&Outcome<'_>, u64) -> Result<(), CommandError>,
) -> Result<(), CommandError> {
    let mut reader = open_capture(path)?;
    let mut tracker = Tracker::new(Config::default());
    let mut first_ts = None;
    loop {
        let frame = match reader.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => return Ok(()),
            Err(e) => {
                return Err(CommandError {
                    input: path.to_string(),
                    message: format!("{e} (after frame {})", reader.frames_read()),
                })
            }
        };
        let t0 = *first_ts.get_or_insert(frame.ts_ns);
        let (number, ts_ns) = (frame.number, frame.ts_ns);
        match tracker.feed(frame.linktype, frame.data, ts_ns) {
            FrameOutcome::Segment(a) => emit(&Outcome::Segment(&a), t0)?,
            FrameOutcome::NotTcp => {}
            FrameOutcome::Malformed(error) => emit(
                &Outcome::Malformed {
                    frame: number,
                    ts_ns,
                    error,
                },
                t0,
            )?,
        }
    }
}

fn write_text(out: &mut dyn Write, a: &Annotation, t0: u64) -> std::io::Result<()> {
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
    out.write_all(b"\n")
}

fn json_err(e: serde_json::Error) -> CommandError {
    CommandError {
        input: "<stdout>".into(),
        message: e.to_string(),
    }
}

fn csv_err(e: csv::Error) -> CommandError {
    CommandError {
        input: "<stdout>".into(),
        message: e.to_string(),
    }
}
