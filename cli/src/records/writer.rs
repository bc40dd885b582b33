//! The one place records are written: JSON Lines or CSV with a header row.

use super::{keys, Fields, Record, Value};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::io::{self, Write};

/// How records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFormat {
    /// JSON Lines: one object per line.
    Json,
    /// CSV: a header row of the keys, then one row per record.
    Csv,
}

/// One record as a JSON object, for embedding it in a larger document
/// (`diagram --json`'s segments) or in `serde_json::to_string`.
pub struct Json<'r, R: ?Sized>(pub &'r R);

impl<R: Record + ?Sized> Serialize for Json<'_, R> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Entries<'r, R: ?Sized, M> {
            record: &'r R,
            map: M,
        }
        impl<R: ?Sized, M: SerializeMap> Fields<R> for Entries<'_, R, M> {
            type Error = M::Error;
            fn field(
                &mut self,
                key: &'static str,
                value: fn(&R) -> Value<'_>,
            ) -> Result<(), M::Error> {
                self.map.serialize_entry(key, &value(self.record))
            }
        }
        let mut entries = Entries {
            record: self.0,
            map: s.serialize_map(None)?,
        };
        R::layout(&mut entries)?;
        entries.map.end()
    }
}

/// Writes records of kind `R` to `W`, as JSON Lines or CSV. Writing a
/// record allocates nothing once the CSV cell buffer has grown.
pub struct RecordWriter<R: ?Sized, W: Write> {
    out: Out<W>,
    kind: std::marker::PhantomData<fn(&R)>,
}

enum Out<W: Write> {
    Json(W),
    Csv {
        w: Box<csv::Writer<W>>,
        cell: String,
    },
}

impl<R: Record + ?Sized, W: Write> RecordWriter<R, W> {
    /// A writer of `format` into `out`; in CSV it writes the header row
    /// now, so that an output without records still has it.
    pub fn new(format: RecordFormat, out: W) -> io::Result<Self> {
        let out = match format {
            RecordFormat::Json => Out::Json(out),
            RecordFormat::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(keys::<R>()).map_err(csv_io)?;
                Out::Csv {
                    w: Box::new(w),
                    cell: String::new(),
                }
            }
        };
        Ok(RecordWriter {
            out,
            kind: std::marker::PhantomData,
        })
    }

    /// Writes one record: a JSON line, or a CSV row.
    pub fn write(&mut self, record: &R) -> io::Result<()> {
        match &mut self.out {
            Out::Json(out) => write_json_line(out, record),
            Out::Csv { w, cell } => {
                struct Cells<'a, 'r, R: ?Sized, W: Write> {
                    record: &'r R,
                    w: &'a mut csv::Writer<W>,
                    cell: &'a mut String,
                }
                impl<R: ?Sized, W: Write> Fields<R> for Cells<'_, '_, R, W> {
                    type Error = csv::Error;
                    fn field(
                        &mut self,
                        _: &'static str,
                        value: fn(&R) -> Value<'_>,
                    ) -> csv::Result<()> {
                        value(self.record).write_cell(self.cell);
                        self.w.write_field(self.cell.as_bytes())
                    }
                }
                R::layout(&mut Cells {
                    record,
                    w: &mut **w,
                    cell,
                })
                .map_err(csv_io)?;
                w.write_record(None::<&[u8]>).map_err(csv_io)
            }
        }
    }

    /// Writes a record of another kind among these (a frame that does not
    /// parse among segments): its own JSON line; in CSV, whose columns are
    /// `R`'s, nothing.
    pub fn write_other<X: Record + ?Sized>(&mut self, record: &X) -> io::Result<()> {
        match &mut self.out {
            Out::Json(out) => write_json_line(out, record),
            Out::Csv { .. } => Ok(()),
        }
    }

    /// Writes out what the CSV writer still holds, and flushes `W`.
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.out {
            Out::Json(out) => out.flush(),
            Out::Csv { w, .. } => w.flush(),
        }
    }
}

fn write_json_line<X: Record + ?Sized, W: Write>(out: &mut W, record: &X) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &Json(record))?;
    out.write_all(b"\n")
}

/// A CSV error as the I/O error it is (its kind kept: a closed pipe stays
/// a closed pipe).
fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcpphase::phase::AnomalyFlags;

    /// A record of every kind of value.
    struct Sample {
        gap: Option<f64>,
        flags: AnomalyFlags,
    }

    impl Record for Sample {
        fn layout<F: Fields<Self>>(f: &mut F) -> Result<(), F::Error> {
            f.field("n", |_| Value::U64(7))?;
            f.field("gap", |s| Value::OptSeconds(s.gap))?;
            f.field("flags", |s| Value::Anomalies(s.flags))?;
            f.field("addr", |_| Value::Addr("[::1]:80".parse().unwrap()))?;
            f.field("name", |_| Value::Str("a,b"))
        }
    }

    fn written(format: RecordFormat, samples: &[Sample]) -> String {
        let mut out = Vec::new();
        let mut w = RecordWriter::<Sample, _>::new(format, &mut out).unwrap();
        for s in samples {
            w.write(s).unwrap();
        }
        w.flush().unwrap();
        drop(w);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_lines_and_csv_come_from_one_layout() {
        let samples = [
            Sample {
                gap: None,
                flags: AnomalyFlags::NONE,
            },
            Sample {
                gap: Some(0.25),
                flags: AnomalyFlags::RETRANSMISSION | AnomalyFlags::PORT_REUSE,
            },
        ];
        assert_eq!(
            written(RecordFormat::Json, &samples),
            "{\"n\":7,\"gap\":null,\"flags\":[],\"addr\":\"[::1]:80\",\"name\":\"a,b\"}\n\
             {\"n\":7,\"gap\":0.25,\"flags\":[\"retransmission\",\"port-reuse\"],\"addr\":\"[::1]:80\",\"name\":\"a,b\"}\n"
        );
        assert_eq!(
            written(RecordFormat::Csv, &samples),
            "n,gap,flags,addr,name\n\
             7,,,[::1]:80,\"a,b\"\n\
             7,0.250000000,retransmission|port-reuse,[::1]:80,\"a,b\"\n"
        );
        // Without records, CSV still has its header; JSON Lines nothing.
        assert_eq!(written(RecordFormat::Csv, &[]), "n,gap,flags,addr,name\n");
        assert_eq!(written(RecordFormat::Json, &[]), "");
        assert_eq!(keys::<Sample>(), ["n", "gap", "flags", "addr", "name"]);
    }
}
