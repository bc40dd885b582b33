//! `tcpphase diagram`: the ladder diagram of one stream, as textbooks draw
//! the handshake and the close. Client and server are two vertical lines
//! with their state written beside them wherever it changes; each segment
//! is an arrow with its flags, relative seq/ack and length; the phases are
//! bracketed. Long data phases fold unless asked in full.
//!
//! | file | what |
//! | --- | --- |
//! | `mod.rs` | [`DiagramOptions`] and [`run`]: one stream's segments into a drawing |
//! | `ladder.rs` | [`Ladder`]: the rows, brackets and folds both drawings share |
//! | `group.rs` | [`Group`]: what a bracket holds |
//! | `label.rs` | the texts beside each arrow |
//! | `text.rs` | the terminal drawing (Unicode box drawing or ASCII) |
//! | `svg.rs` | the SVG drawing |
//! | `records.rs` | `--json` (the ladder as one object) and `--csv` (its segments) |

mod group;
mod label;
mod ladder;
mod records;
pub mod svg;
pub mod text;

pub use group::Group;
pub use label::{arrow_label, step_text};
pub use ladder::{Arrow, Bracket, Ladder, Party, Row};

use crate::error::{outcome, CommandError, Failure};
use crate::filter::Filter;
use crate::input::Source;
use crate::records::RecordFormat;
use crate::tracking::{track, unknown_stream, Event, Moment};
use crate::Format;
use std::io::Write;
use tcpphase::track::{Config, Tracker};

/// How `diagram` draws.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DiagramOptions {
    /// The stream to draw.
    pub stream: u64,
    /// Every segment, no folding.
    pub full: bool,
    /// Plain ASCII instead of Unicode box drawing.
    pub ascii: bool,
    /// Colour by phase (ANSI escape codes).
    pub color: bool,
    /// Text: the ladder; JSON: the ladder as one object; CSV: its
    /// segments, one row each, with `annotate --csv`'s columns.
    pub format: Format,
    /// Draw SVG into this file (`-`: standard output) instead of text.
    pub svg: Option<String>,
}

/// `tcpphase diagram`: the ladder of stream `options.stream` of `source`,
/// with the segments that pass `filter` (its `--phase`, `--port`,
/// `--host`), as text, JSON or SVG.
pub fn run(
    source: &Source,
    filter: &Filter,
    options: &DiagramOptions,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut filter = filter.clone();
    filter.streams = vec![options.stream];
    let mut tracker = Tracker::new(Config::default());
    let mut segments = Vec::new();
    let mut t0 = None;
    let (reached, mut problems) = track(source, &mut tracker, Moment::End, |_, event, _| {
        if let Event::Segment(a) = event {
            if a.stream == options.stream {
                t0.get_or_insert(a.ts_ns);
                if filter.matches_segment(a) {
                    segments.push(*a);
                }
            }
        }
        Ok(())
    });
    if segments.is_empty() {
        if problems.is_empty() {
            let missing = unknown_stream(source, &filter, &reached, Moment::End, &problems)
                .unwrap_or_else(|| {
                    CommandError::input(
                        source.name(),
                        format!(
                            "stream {} has no segment that passes --phase, --port and --host",
                            options.stream
                        ),
                    )
                });
            problems.push(missing);
        }
        return outcome(problems);
    }
    let ladder = Ladder::new(options.stream, &segments, t0.unwrap_or(0), options.full);
    let written = match &options.svg {
        Some(path) if path != "-" => {
            let svg = svg::render(&ladder);
            if let Err(e) = std::fs::write(path, svg) {
                problems.push(CommandError::output(path.as_str(), e));
            }
            Ok(())
        }
        Some(_) => out.write_all(svg::render(&ladder).as_bytes()),
        None => match options.format.records() {
            Some(RecordFormat::Json) => records::write_json(out, &ladder, &segments),
            Some(RecordFormat::Csv) => records::write_csv(out, &segments),
            None => out.write_all(text::render(&ladder, options.ascii, options.color).as_bytes()),
        },
    };
    if let Err(e) = written.and_then(|()| out.flush()) {
        problems.push(CommandError::stdout(e));
    }
    outcome(problems)
}
