//! `diagram --json` (the ladder as one object) and `diagram --csv` (its
//! segments as `annotate --csv` rows).

use super::Ladder;
use crate::records::{Json, RecordFormat, RecordWriter};
use serde::Serialize;
use std::io::Write;
use tcpphase::track::Annotation;

/// The ladder as one JSON object: the stream, its ends, the brackets, and
/// every segment (never folded) with `annotate --json`'s keys.
#[derive(Serialize)]
struct LadderJson<'a> {
    stream: u64,
    client: String,
    server: String,
    brackets: Vec<BracketJson>,
    segments: Vec<Json<'a, Annotation>>,
}

#[derive(Serialize)]
struct BracketJson {
    phase: &'static str,
    note: Option<&'static str>,
    first_frame: u64,
    last_frame: u64,
    segments: usize,
}

pub fn write_json(
    out: &mut dyn Write,
    ladder: &Ladder,
    segments: &[Annotation],
) -> std::io::Result<()> {
    let record = LadderJson {
        stream: ladder.stream,
        client: ladder.left.addr.to_string(),
        server: ladder.right.addr.to_string(),
        brackets: ladder
            .brackets
            .iter()
            .map(|b| BracketJson {
                phase: b.group.name(),
                note: b.note,
                first_frame: b.first_frame,
                last_frame: b.last_frame,
                segments: b.segments,
            })
            .collect(),
        segments: segments.iter().map(Json).collect(),
    };
    serde_json::to_writer(&mut *out, &record)?;
    out.write_all(b"\n")
}

/// The stream's segments (never folded) as `annotate --csv` rows.
pub fn write_csv(out: &mut dyn Write, segments: &[Annotation]) -> std::io::Result<()> {
    let mut records = RecordWriter::<Annotation, _>::new(RecordFormat::Csv, out)?;
    for a in segments {
        records.write(a)?;
    }
    records.flush()
}
