//! The one place records are written: JSON Lines or CSV with a header row.

use super::block::{Block, Cursor, Join, VALUE_ROOM};
use super::spelling::{csv_quote, csv_value, json_string, json_value};
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
/// What stands between two values (`,"stream":`) is joined once, here;
/// a line then makes room once and copies each join as one move.
/// Writing a record allocates nothing once the block has its size.
pub struct RecordWriter<R: ?Sized, W: Write> {
    out: W,
    format: RecordFormat,
    /// Lines not yet written to `out`.
    block: Block,
    /// What comes before each of `R`'s values, in layout order:
    /// `{"frame":`, `,"stream":`, ... in JSON; nothing, then `,` in CSV.
    joins: Box<[Join]>,
    /// What ends a line: `}\n` (`{}\n` without fields) or `\n`.
    end: Join,
    /// The room a line of `R` takes but for its text, which makes its own.
    line_room: usize,
    scratch: Scratch,
    kind: std::marker::PhantomData<fn(&R)>,
}

/// Text held on the way into a line.
#[derive(Default)]
struct Scratch {
    /// Text formatted before it is escaped (an error message).
    text: String,
    /// A CSV cell while it is quoted.
    cell: Vec<u8>,
}

impl<R: Record + ?Sized, W: Write> RecordWriter<R, W> {
    /// A writer of `format` into `out`; in CSV it writes the header row
    /// now, so that an output without records still has it.
    pub fn new(format: RecordFormat, out: W) -> io::Result<Self> {
        let keys = keys::<R>();
        let (joins, end): (Box<[Join]>, Join) = match format {
            RecordFormat::Json => (
                keys.iter()
                    .enumerate()
                    .map(|(i, key)| {
                        let mut text = vec![if i == 0 { b'{' } else { b',' }];
                        text.extend_from_slice(json_key(key).as_bytes());
                        text.push(b':');
                        Join::new(&text)
                    })
                    .collect(),
                Join::new(if keys.is_empty() { b"{}\n" } else { b"}\n" }),
            ),
            RecordFormat::Csv => (
                (0..keys.len())
                    .map(|i| Join::new(if i == 0 { b"" } else { b"," }))
                    .collect(),
                Join::new(b"\n"),
            ),
        };
        let line_room = joins.iter().map(|j| j.room() + VALUE_ROOM).sum::<usize>() + end.room();
        let mut w = RecordWriter {
            out,
            format,
            block: Block::new(BLOCK + line_room.max(BLOCK / 4)),
            joins,
            end,
            line_room,
            scratch: Scratch::default(),
            kind: std::marker::PhantomData,
        };
        if format == RecordFormat::Csv {
            let mut c = w.block.cursor(0);
            for (i, key) in keys.into_iter().enumerate() {
                c.room(key.len() + 1);
                if i > 0 {
                    c.put(b',');
                }
                let start = c.at;
                c.put_slice(key.as_bytes());
                csv_quote(&mut c, start, &mut w.scratch.cell);
            }
            c.room(1);
            c.put(b'\n');
            w.block.keep(c);
            w.write_block()?;
        }
        Ok(w)
    }

    /// Writes one record: a JSON line, or a CSV row.
    #[inline]
    pub fn write(&mut self, record: &R) -> io::Result<()> {
        self.spell(record);
        self.written()
    }

    /// Spells one record into the block, after the lines held.
    #[inline]
    fn spell(&mut self, record: &R) {
        let line = Line {
            record,
            joins: &self.joins,
            next: 0,
            cursor: self.block.cursor(self.line_room),
            scratch: &mut self.scratch,
        };
        let mut cursor = match self.format {
            RecordFormat::Json => {
                let mut members = JsonMembers(line);
                let Ok(()) = R::layout(&mut members);
                members.0.cursor
            }
            RecordFormat::Csv => {
                let mut cells = CsvCells(line);
                let Ok(()) = R::layout(&mut cells);
                cells.0.cursor
            }
        };
        cursor.join(&self.end);
        self.block.keep(cursor);
    }

    /// Spells `record` as [`RecordWriter::write`] would but for its first
    /// `skip` fields, appending the rest of the line to `rest` instead of
    /// writing it. Those fields must be numbers and `0` in `record`: the
    /// line's start is theirs, then the rest. Another thread spells rows
    /// so; the writer puts the real numbers before them with
    /// [`RecordWriter::write_after_numbers`].
    pub(crate) fn spell_rest(&mut self, record: &R, skip: usize, rest: &mut Vec<u8>) {
        let start = self.block.len();
        self.spell(record);
        // Each skipped field: its join, then `0`.
        let numbers: usize = self.joins.iter().take(skip).map(|j| j.len() + 1).sum();
        if let Some(after) = self.block.lines().get(start + numbers..) {
            rest.extend_from_slice(after);
        }
        self.block.truncate(start);
    }

    /// Writes one line: its first fields, which are `numbers`, then
    /// `rest` as [`RecordWriter::spell_rest`] spelled it (skipping as many
    /// fields as there are numbers).
    pub(crate) fn write_after_numbers(&mut self, numbers: &[u64], rest: &[u8]) -> io::Result<()> {
        let mut cursor = self.block.cursor(self.line_room + rest.len());
        for (join, &n) in self.joins.iter().zip(numbers) {
            cursor.join(join);
            cursor.u64(n);
        }
        cursor.put_slice(rest);
        self.block.keep(cursor);
        self.written()
    }

    /// Writes a record of another kind among these (a frame that does not
    /// parse among segments): its own JSON line, its keys joined as it is
    /// written; in CSV, whose columns are `R`'s, nothing.
    pub fn write_other<X: Record + ?Sized>(&mut self, record: &X) -> io::Result<()> {
        match self.format {
            RecordFormat::Json => {
                let mut members = JsonMembers(Line {
                    record,
                    joins: &[],
                    next: 0,
                    cursor: self.block.cursor(0),
                    scratch: &mut self.scratch,
                });
                let Ok(()) = X::layout(&mut members);
                let Line {
                    next, mut cursor, ..
                } = members.0;
                cursor.room(3);
                if next == 0 {
                    cursor.put(b'{');
                }
                cursor.put_slice(b"}\n");
                self.block.keep(cursor);
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
    #[inline]
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
        let result = self.out.write_all(self.block.lines());
        self.block.clear();
        result
    }
}

impl<R: ?Sized, W: Write> Drop for RecordWriter<R, W> {
    /// Lines still held go out (as a `BufWriter`'s would); an error here
    /// has nowhere to go, and [`RecordWriter::flush`] reports it first.
    fn drop(&mut self) {
        if self.block.len() > 0 {
            let _ = self.out.write_all(self.block.lines());
        }
    }
}

/// A key as a JSON string, as serde_json spells it.
fn json_key(key: &str) -> String {
    let mut block = Block::new(0);
    let mut c = block.cursor(VALUE_ROOM);
    json_string(&mut c, key);
    block.keep(c);
    String::from_utf8_lossy(block.lines()).into_owned()
}

/// One line being spelled: the record, the joins before its values (none
/// for a record of another kind: then each key is joined as it comes),
/// and how many values are written.
struct Line<'l, 'r, X: ?Sized> {
    record: &'r X,
    joins: &'l [Join],
    next: usize,
    cursor: Cursor,
    scratch: &'l mut Scratch,
}

impl<X: ?Sized> Line<'_, '_, X> {
    /// Writes what comes before the next value; `unjoined` writes it when
    /// no join was made for it.
    #[inline(always)]
    fn join(&mut self, unjoined: impl FnOnce(&mut Cursor, bool)) {
        match self.joins.get(self.next) {
            Some(join) => self.cursor.join(join),
            None => {
                unjoined(&mut self.cursor, self.next == 0);
                self.cursor.room(VALUE_ROOM);
            }
        }
        self.next += 1;
    }
}

/// A line's fields as JSON members.
struct JsonMembers<'l, 'r, X: ?Sized>(Line<'l, 'r, X>);

impl<X: ?Sized> Fields<X> for JsonMembers<'_, '_, X> {
    type Error = core::convert::Infallible;
    #[inline(always)]
    fn field(&mut self, key: &'static str, value: fn(&X) -> Value<'_>) -> Result<(), Self::Error> {
        let line = &mut self.0;
        line.join(|c, first| {
            c.room(key.len() * 6 + 4);
            c.put(if first { b'{' } else { b',' });
            json_string(c, key);
            c.put(b':');
        });
        json_value(&mut line.cursor, value(line.record), &mut line.scratch.text);
        Ok(())
    }
}

/// A line's fields as CSV cells.
struct CsvCells<'l, 'r, X: ?Sized>(Line<'l, 'r, X>);

impl<X: ?Sized> Fields<X> for CsvCells<'_, '_, X> {
    type Error = core::convert::Infallible;
    #[inline(always)]
    fn field(&mut self, _: &'static str, value: fn(&X) -> Value<'_>) -> Result<(), Self::Error> {
        let line = &mut self.0;
        line.join(|c, first| {
            if !first {
                c.room(1);
                c.put(b',');
            }
        });
        csv_value(&mut line.cursor, value(line.record), &mut line.scratch.cell);
        Ok(())
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
        assert_eq!(w.block.len(), 0);
        drop(w);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), lines + 10);
    }
}
