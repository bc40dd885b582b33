//! The one place records are written: JSON Lines or CSV with a header row.

use super::value::{csv_quote, json_string};
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

/// Lines gather in a block of this size before they go to `W` in one write.
const BLOCK: usize = 1 << 16;

/// Writes records of kind `R` to `W`, as JSON Lines or CSV: each line is
/// spelled into a block of memory (no serde, no per-field `dyn Write`),
/// and the block goes to `W` when full and at [`RecordWriter::flush`].
/// Writing a record allocates nothing once the block has its size.
pub struct RecordWriter<R: ?Sized, W: Write> {
    out: W,
    format: RecordFormat,
    /// Lines not yet written to `out`.
    block: Vec<u8>,
    /// Text formatted before it is escaped or quoted.
    scratch: String,
    cell: Vec<u8>,
    kind: std::marker::PhantomData<fn(&R)>,
}

impl<R: Record + ?Sized, W: Write> RecordWriter<R, W> {
    /// A writer of `format` into `out`; in CSV it writes the header row
    /// now, so that an output without records still has it.
    pub fn new(format: RecordFormat, out: W) -> io::Result<Self> {
        let mut w = RecordWriter {
            out,
            format,
            block: Vec::with_capacity(BLOCK + BLOCK / 4),
            scratch: String::new(),
            cell: Vec::new(),
            kind: std::marker::PhantomData,
        };
        if format == RecordFormat::Csv {
            for (i, key) in keys::<R>().into_iter().enumerate() {
                if i > 0 {
                    w.block.push(b',');
                }
                let start = w.block.len();
                w.block.extend_from_slice(key.as_bytes());
                csv_quote(&mut w.block, start, &mut w.cell);
            }
            w.block.push(b'\n');
            w.write_block()?;
        }
        Ok(w)
    }

    /// Writes one record: a JSON line, or a CSV row.
    pub fn write(&mut self, record: &R) -> io::Result<()> {
        match self.format {
            RecordFormat::Json => json_line(&mut self.block, &mut self.scratch, record),
            RecordFormat::Csv => {
                struct Cells<'a, 'r, R: ?Sized> {
                    record: &'r R,
                    block: &'a mut Vec<u8>,
                    cell: &'a mut Vec<u8>,
                    first: bool,
                }
                impl<R: ?Sized> Fields<R> for Cells<'_, '_, R> {
                    type Error = core::convert::Infallible;
                    fn field(
                        &mut self,
                        _: &'static str,
                        value: fn(&R) -> Value<'_>,
                    ) -> Result<(), Self::Error> {
                        if !std::mem::take(&mut self.first) {
                            self.block.push(b',');
                        }
                        value(self.record).write_csv(self.block, self.cell);
                        Ok(())
                    }
                }
                let Ok(()) = R::layout(&mut Cells {
                    record,
                    block: &mut self.block,
                    cell: &mut self.cell,
                    first: true,
                });
                self.block.push(b'\n');
            }
        }
        self.written()
    }

    /// Writes a record of another kind among these (a frame that does not
    /// parse among segments): its own JSON line; in CSV, whose columns are
    /// `R`'s, nothing.
    pub fn write_other<X: Record + ?Sized>(&mut self, record: &X) -> io::Result<()> {
        match self.format {
            RecordFormat::Json => {
                json_line(&mut self.block, &mut self.scratch, record);
                self.written()
            }
            RecordFormat::Csv => Ok(()),
        }
    }

    /// Writes out the lines held, and flushes `W`.
    pub fn flush(&mut self) -> io::Result<()> {
        self.write_block()?;
        self.out.flush()
    }

    /// After a line: the block goes out when full.
    fn written(&mut self) -> io::Result<()> {
        if self.block.len() >= BLOCK {
            self.write_block()
        } else {
            Ok(())
        }
    }

    /// Writes the block to `out`. It is emptied even when the write fails,
    /// so that nothing is written twice.
    fn write_block(&mut self) -> io::Result<()> {
        let result = self.out.write_all(&self.block);
        self.block.clear();
        result
    }
}

impl<R: ?Sized, W: Write> Drop for RecordWriter<R, W> {
    /// Lines still held go out (as a `BufWriter`'s would); an error here
    /// has nowhere to go, and [`RecordWriter::flush`] reports it first.
    fn drop(&mut self) {
        if !self.block.is_empty() {
            let _ = self.out.write_all(&self.block);
        }
    }
}

/// Appends `record` as one JSON line to `block`, keys in layout order.
fn json_line<X: Record + ?Sized>(block: &mut Vec<u8>, scratch: &mut String, record: &X) {
    struct Members<'a, 'r, X: ?Sized> {
        record: &'r X,
        block: &'a mut Vec<u8>,
        scratch: &'a mut String,
        open: u8,
    }
    impl<X: ?Sized> Fields<X> for Members<'_, '_, X> {
        type Error = core::convert::Infallible;
        fn field(
            &mut self,
            key: &'static str,
            value: fn(&X) -> Value<'_>,
        ) -> Result<(), Self::Error> {
            self.block.push(std::mem::replace(&mut self.open, b','));
            json_string(self.block, key);
            self.block.push(b':');
            value(self.record).write_json(self.block, self.scratch);
            Ok(())
        }
    }
    let mut members = Members {
        record,
        block,
        scratch,
        open: b'{',
    };
    let Ok(()) = X::layout(&mut members);
    if members.open == b'{' {
        // A record without fields.
        block.push(b'{');
    }
    block.extend_from_slice(b"}\n");
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

    /// Awkward values: text needing every kind of escape, floats of every
    /// magnitude and the non-finite ones.
    struct Awkward {
        text: &'static str,
        secs: f64,
    }

    impl Record for Awkward {
        fn layout<F: Fields<Self>>(f: &mut F) -> Result<(), F::Error> {
            f.field("text", |a| Value::Str(a.text))?;
            f.field("shown", |a| Value::Text(&a.text))?;
            f.field("secs", |a| Value::Seconds(a.secs))?;
            f.field("opt", |a| Value::OptSeconds(Some(-a.secs)))?;
            f.field("ip", |_| Value::Ip("fe80::1".parse().unwrap()))?;
            f.field("max", |_| Value::U64(u64::MAX))?;
            f.field("flags", |_| Value::TcpFlags(tcpphase::wire::TcpFlags(0x12)))
        }
    }

    #[test]
    fn json_lines_are_spelled_as_serde_json_spells_them() {
        let texts = [
            "",
            "plain",
            "q\"uote\\back/slash",
            "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f}\u{7f}",
            "é ✓ 🦀",
            "a,b\r\nc",
        ];
        let secs = [
            0.0,
            -0.0,
            0.25,
            0.1,
            1e-7,
            1.5e-10,
            123456.789,
            1_700_000_000.000_1,
            1_700_000_000.123_456_7,
            1e15,
            1e16,
            1e17,
            1e21,
            1e22,
            5e-324,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for text in texts {
            for secs in secs {
                let record = Awkward { text, secs };
                let mut ours = Vec::new();
                let mut w = RecordWriter::<Awkward, _>::new(RecordFormat::Json, &mut ours).unwrap();
                w.write(&record).unwrap();
                w.flush().unwrap();
                drop(w);
                let theirs = serde_json::to_string(&Json(&record)).unwrap() + "\n";
                assert_eq!(String::from_utf8(ours).unwrap(), theirs);
            }
        }
    }

    #[test]
    fn csv_cells_holding_commas_quotes_or_line_breaks_are_quoted() {
        let written = |text| {
            let mut out = Vec::new();
            let mut w = RecordWriter::<Awkward, _>::new(RecordFormat::Csv, &mut out).unwrap();
            w.write(&Awkward { text, secs: 0.5 }).unwrap();
            w.flush().unwrap();
            drop(w);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            written("say \"hi\", twice\r\n"),
            "text,shown,secs,opt,ip,max,flags\n\
             \"say \"\"hi\"\", twice\r\n\",\"say \"\"hi\"\", twice\r\n\",\
             0.500000000,-0.500000000,fe80::1,18446744073709551615,SA\n"
        );
        assert_eq!(
            written("plain"),
            "text,shown,secs,opt,ip,max,flags\nplain,plain,0.500000000,-0.500000000,fe80::1,18446744073709551615,SA\n"
        );
    }

    #[test]
    fn lines_held_in_the_block_go_out_when_it_fills_and_at_flush() {
        let mut out = Vec::new();
        let mut w = RecordWriter::<Awkward, _>::new(RecordFormat::Json, &mut out).unwrap();
        let record = Awkward {
            text: "x",
            secs: 1.0,
        };
        let mut lines = 0;
        while w.block.len() + 200 < BLOCK {
            w.write(&record).unwrap();
            lines += 1;
        }
        assert!(lines > 10);
        for _ in 0..10 {
            w.write(&record).unwrap();
        }
        assert!(w.block.len() < BLOCK, "a full block is written out");
        w.flush().unwrap();
        assert!(w.block.is_empty());
        drop(w);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), lines + 10);
    }
}
