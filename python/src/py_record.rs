//! The CLI's records as Python dicts: a [`Fields`] visitor over the one
//! record layout of `tcpphase_cli::records`, so the keys, their order and
//! the values are those `--json` prints, from the same list.
//!
//! Making a dict is most of what a record costs in Python, and most of
//! that is setting items. So:
//!
//! - each record kind's layout is read once ([`Dicts`]) into its keys, as
//!   Python strings, and the functions that read its values; and into a
//!   dict of its keys that new dicts are copied from (a copy is sized
//!   already and is one `memcpy` of the key table);
//! - short strings that recur (names of phases and states, addresses, flag
//!   letters) are kept as Python strings;
//! - records of one *lineage* (for segments: one direction of one
//!   connection) repeat most of their values: each lineage has a private
//!   dict holding its last record, in which only the fields whose value
//!   changed are set, and the record handed out is a copy of it. Which
//!   fields changed is known from a [`Print`] of each value, taken without
//!   making any Python object. The lineage is only a hint of where
//!   repetition is likely: every field is compared, so two records that
//!   share a slot are still each exactly their own values.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};
use std::net::IpAddr;
use tcpphase::wire::TcpFlags;
use tcpphase_cli::records::{Fields, Record, Value};

/// Slots of a table of kept strings: a text or address whose slot holds
/// another one replaces it (bounded memory, no hashing library: profiles
/// showed the hashing). Fewer (128) were measured no faster.
const SLOTS: usize = 1024;
/// Slots of the table of lineages. A lineage's slot is its id modulo
/// this: streams are numbered in order of appearance, so the streams live
/// together take different slots, and a slot is soon taken again by a
/// newer stream, while its dict is still in the processor's cache (a
/// hashed slot in a larger table was measured slower).
const LINEAGE_SLOTS: usize = 256;
/// Longer strings are not kept: they rarely recur.
const KEPT_LEN: usize = 24;

/// A short text packed in words: hashed and compared without a call to
/// `memcmp`, which showed in profiles.
#[derive(Clone, Copy, Eq)]
struct Short([u64; KEPT_LEN / 8], usize);

impl PartialEq for Short {
    /// Word by word, as [`Print::same_as`].
    #[inline(always)]
    fn eq(&self, other: &Short) -> bool {
        let (Short([a, b, c], n), Short([x, y, z], m)) = (*self, *other);
        n == m && a == x && b == y && c == z
    }
}

impl Short {
    /// `text` packed, if it is short: in words loaded straight from the
    /// text, overlapping where its length is not a multiple of 8 (with the
    /// length, they still tell every text apart). Bytes copied to the stack
    /// and read back as words stalled the processor (a store not forwarded
    /// to the wider load).
    #[inline]
    fn of(text: &str) -> Option<Short> {
        let b = text.as_bytes();
        let n = b.len();
        let words = match n {
            0 => [0; 3],
            1..=3 => [
                u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
                0,
                0,
            ],
            4..=7 => [
                u64::from(load4(b, 0)) | u64::from(load4(b, n - 4)) << 32,
                0,
                0,
            ],
            8..=16 => [load8(b, 0), load8(b, n - 8), 0],
            17..=KEPT_LEN => [load8(b, 0), load8(b, 8), load8(b, n - 8)],
            _ => return None,
        };
        Some(Short(words, n))
    }

    fn slot(&self) -> usize {
        let [a, b, c] = self.0;
        mix(
            a ^ b.rotate_left(21) ^ c.rotate_left(42) ^ self.1 as u64,
            SLOTS,
        )
    }
}

/// The 8 bytes of `b` from `at` (0 past its end).
#[inline(always)]
fn load8(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .and_then(|s| <[u8; 8]>::try_from(s).ok())
        .map_or(0, u64::from_le_bytes)
}

/// The 4 bytes of `b` from `at` (0 past its end).
#[inline(always)]
fn load4(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
        .map_or(0, u32::from_le_bytes)
}

/// A slot number below `slots` (a power of two) from 64 bits (Fibonacci
/// hashing).
fn mix(x: u64, slots: usize) -> usize {
    (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - slots.trailing_zeros())) as usize
}

/// A table of kept Python strings, one entry per slot.
struct Slots<K>(Vec<Option<(K, Py<PyString>)>>);

impl<K: Copy + Eq> Slots<K> {
    /// An empty table of `slots` slots.
    fn new(slots: usize) -> Slots<K> {
        Slots((0..slots).map(|_| None).collect())
    }

    /// The string kept for `key` in `slot`, or the one `make` makes, kept.
    #[inline(always)]
    fn get_or<'py>(
        &mut self,
        py: Python<'py>,
        slot: usize,
        key: K,
        make: impl FnOnce() -> Bound<'py, PyString>,
    ) -> Bound<'py, PyString> {
        let entry = &mut self.0[slot];
        if let Some((k, s)) = entry {
            if *k == key {
                return s.bind(py).clone();
            }
        }
        let s = make();
        *entry = Some((key, s.clone().unbind()));
        s
    }
}

/// What a value is, without a Python object: two values with the same
/// print make equal Python objects. Four words compared at once: a tag
/// (with a text's length), then the value's bits.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Print([u64; 4]);

impl Print {
    /// A value made anew every time (a list, which is mutable; long text):
    /// equal to no other print.
    const NEVER: Print = Print([0; 4]);
    const INT: u64 = 1;
    const FLOAT: u64 = 2;
    const NULL: u64 = 3;
    const BOOL: u64 = 4;
    const TCP_FLAGS: u64 = 5;
    const IP4: u64 = 6;
    const IP6: u64 = 7;
    /// Text, its length in the bits above the tag's 8.
    const TEXT: u64 = 8;

    #[inline(always)]
    fn of(value: &Value<'_>) -> Print {
        match *value {
            Value::U64(n) | Value::OptU64(Some(n)) => Print([Print::INT, n, 0, 0]),
            Value::Seconds(s) | Value::OptSeconds(Some(s)) if s.is_finite() => {
                Print([Print::FLOAT, s.to_bits(), 0, 0])
            }
            Value::Seconds(_) | Value::OptU64(None) | Value::OptSeconds(_) => {
                Print([Print::NULL, 0, 0, 0])
            }
            Value::Str(text) => match Short::of(text) {
                Some(Short([a, b, c], len)) => Print([Print::TEXT | (len as u64) << 8, a, b, c]),
                None => Print::NEVER,
            },
            Value::Bool(b) => Print([Print::BOOL, u64::from(b), 0, 0]),
            Value::Ip(IpAddr::V4(a)) => Print([Print::IP4, u64::from(u32::from(a)), 0, 0]),
            Value::Ip(IpAddr::V6(a)) => {
                let x = u128::from(a);
                Print([Print::IP6, x as u64, (x >> 64) as u64, 0])
            }
            Value::TcpFlags(flags) => Print([Print::TCP_FLAGS, u64::from(flags.0), 0, 0]),
            // A list is mutable: each record has its own. Addresses with
            // ports and formatted text are rare: made each time.
            Value::Anomalies(_) | Value::Text(_) | Value::Addr(_) => Print::NEVER,
        }
    }

    /// The short text this print is of, if it is one.
    fn short(&self) -> Option<Short> {
        let [tag, a, b, c] = self.0;
        (tag & 0xff == Print::TEXT).then_some(Short([a, b, c], (tag >> 8) as usize))
    }

    /// Whether a value with this print is the value with print `kept`.
    /// Word by word, tag first: a print is written word by word, and read
    /// back at once (as `==` on the array is compiled) it stalled the
    /// processor (a store not forwarded to the wider load).
    #[inline(always)]
    fn same_as(&self, kept: &Print) -> bool {
        let ([tag, a, b, c], [k_tag, k_a, k_b, k_c]) = (self.0, kept.0);
        tag != 0 && tag == k_tag && a == k_a && b == k_b && c == k_c
    }
}

/// The function that reads a field's value from a record.
type Reader<R> = fn(&R) -> Value<'_>;

/// One field of a record's layout: its key as a Python string and the
/// function that reads its value.
struct Field<R: ?Sized> {
    key: Py<PyString>,
    value: Reader<R>,
}

/// The last record of one lineage: a private dict, never handed out, and
/// the print of each of its values.
struct Lineage {
    id: u64,
    dict: Py<PyDict>,
    prints: Vec<Print>,
}

/// How records of type `R` become dicts: `R`'s layout read once into a
/// table of keys (Python strings) and value readers, a dict of the keys
/// (values `None`) to copy new dicts from, and the lineages met.
pub struct Dicts<R: ?Sized> {
    fields: Vec<Field<R>>,
    blank: Py<PyDict>,
    /// Lineages by their id's slot (empty until the first is met).
    lineages: Vec<Option<Lineage>>,
}

impl<R: Record + ?Sized> Dicts<R> {
    /// The table of `R`'s layout.
    pub fn new(py: Python<'_>) -> PyResult<Dicts<R>> {
        /// Gathers a layout's fields.
        struct Gather<R: ?Sized>(Vec<(&'static str, Reader<R>)>);
        impl<R: ?Sized> Fields<R> for Gather<R> {
            type Error = core::convert::Infallible;
            fn field(
                &mut self,
                key: &'static str,
                value: fn(&R) -> Value<'_>,
            ) -> Result<(), Self::Error> {
                self.0.push((key, value));
                Ok(())
            }
        }
        let mut gather = Gather(Vec::new());
        let Ok(()) = R::layout(&mut gather);
        let blank = PyDict::new(py);
        let mut fields = Vec::with_capacity(gather.0.len());
        for (key, value) in gather.0 {
            let key = PyString::intern(py, key);
            blank.set_item(&key, py.None())?;
            fields.push(Field {
                key: key.unbind(),
                value,
            });
        }
        Ok(Dicts {
            fields,
            blank: blank.unbind(),
            lineages: Vec::new(),
        })
    }

    /// `record` as a new dict: its layout's keys, in order, with their
    /// values.
    pub fn dict<'py>(
        &self,
        py: Python<'py>,
        strings: &mut StringCache,
        record: &R,
    ) -> PyResult<Bound<'py, PyDict>> {
        let dict = self.blank.bind(py).copy()?;
        for field in &self.fields {
            let value = (field.value)(record);
            let object = strings.object(py, value, &Print::of(&value))?;
            dict.set_item(field.key.bind(py), object)?;
        }
        Ok(dict)
    }

    /// `record` as a new dict, as [`Dicts::dict`] makes it, made from the
    /// last record of the lineage `id` (for a segment: its connection and
    /// direction), setting only the values that differ from that record's.
    pub fn dict_in_lineage<'py>(
        &mut self,
        py: Python<'py>,
        strings: &mut StringCache,
        record: &R,
        id: u64,
    ) -> PyResult<Bound<'py, PyDict>> {
        if self.lineages.is_empty() {
            self.lineages = (0..LINEAGE_SLOTS).map(|_| None).collect();
        }
        let slot = id as usize % LINEAGE_SLOTS;
        let mut lineage = match self.lineages[slot].take() {
            Some(mut l) => {
                // Another lineage's last record serves as well: every
                // value is compared anyway.
                l.id = id;
                l
            }
            None => Lineage {
                id,
                dict: self.blank.bind(py).copy()?.unbind(),
                prints: vec![Print::NEVER; self.fields.len()],
            },
        };
        let made = self.fill(py, strings, record, &mut lineage);
        // The dict handed out is a copy: the lineage's own is never seen,
        // so what a caller does to a record does not reach the next one
        // (and a list in it is replaced before the next copy).
        let copied = made.and_then(|()| lineage.dict.bind(py).copy());
        if copied.is_ok() {
            self.lineages[slot] = Some(lineage);
        }
        copied
    }

    /// Sets in the lineage's dict each value of `record` whose print
    /// differs from the one there.
    fn fill(
        &self,
        py: Python<'_>,
        strings: &mut StringCache,
        record: &R,
        lineage: &mut Lineage,
    ) -> PyResult<()> {
        let dict = lineage.dict.bind(py);
        for (field, kept) in self.fields.iter().zip(lineage.prints.iter_mut()) {
            let value = (field.value)(record);
            let print = Print::of(&value);
            if print.same_as(kept) {
                continue;
            }
            // On an error the lineage is dropped: `kept` is not looked at
            // again.
            let object = strings.object(py, value, &print)?;
            dict.set_item(field.key.bind(py), object)?;
            *kept = print;
        }
        Ok(())
    }
}

/// The Python strings kept from one record to the next: short texts and
/// addresses that recur.
pub struct StringCache {
    /// Short texts by their content.
    texts: Slots<Short>,
    /// Addresses, spelled as JSON spells them.
    ips: Slots<IpAddr>,
    /// TCP flag letters by the flags' bits.
    flags: Slots<u16>,
}

impl Default for StringCache {
    fn default() -> StringCache {
        StringCache {
            texts: Slots::new(SLOTS),
            ips: Slots::new(SLOTS),
            flags: Slots::new(SLOTS),
        }
    }
}

impl StringCache {
    fn text<'py>(&mut self, py: Python<'py>, text: &str) -> Bound<'py, PyString> {
        match Short::of(text) {
            Some(short) => self.short_text(py, short, text),
            None => PyString::new(py, text),
        }
    }

    #[inline(always)]
    fn short_text<'py>(
        &mut self,
        py: Python<'py>,
        short: Short,
        text: &str,
    ) -> Bound<'py, PyString> {
        self.texts
            .get_or(py, short.slot(), short, || PyString::new(py, text))
    }

    fn ip<'py>(&mut self, py: Python<'py>, ip: IpAddr) -> Bound<'py, PyString> {
        let bits = match ip {
            IpAddr::V4(a) => u64::from(u32::from(a)),
            IpAddr::V6(a) => {
                let x = u128::from(a);
                (x as u64) ^ ((x >> 64) as u64).rotate_left(17) ^ 1
            }
        };
        self.ips
            .get_or(py, mix(bits, SLOTS), ip, || display(py, &ip))
    }

    /// One value as the Python object `json.loads` would make of its
    /// JSON; `print` is the value's [`Print`].
    fn object<'py>(
        &mut self,
        py: Python<'py>,
        value: Value<'_>,
        print: &Print,
    ) -> PyResult<Bound<'py, PyAny>> {
        let [tag, bits, _, _] = print.0;
        Ok(match (tag & 0xff, value) {
            (Print::INT, _) => bits.into_pyobject(py)?.into_any(),
            (Print::FLOAT, _) => PyFloat::new(py, f64::from_bits(bits)).into_any(),
            (Print::TEXT, Value::Str(text)) => match print.short() {
                Some(short) => self.short_text(py, short, text).into_any(),
                None => PyString::new(py, text).into_any(),
            },
            (Print::TCP_FLAGS, Value::TcpFlags(flags)) => self.tcp_flags(py, flags).into_any(),
            (_, value) => to_py(py, self, value)?,
        })
    }

    /// TCP flag letters, kept by the flags' bits.
    fn tcp_flags<'py>(&mut self, py: Python<'py>, flags: TcpFlags) -> Bound<'py, PyString> {
        self.flags
            .get_or(py, mix(u64::from(flags.0), SLOTS), flags.0, || {
                let mut letters = [0u8; 9];
                PyString::new(py, flags.letters(&mut letters))
            })
    }
}

/// One value as the Python object `json.loads` would make of its JSON.
fn to_py<'py>(
    py: Python<'py>,
    cache: &mut StringCache,
    value: Value<'_>,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::U64(n) | Value::OptU64(Some(n)) => n.into_pyobject(py)?.into_any(),
        // JSON has no NaN or infinity: serde_json writes them as null.
        Value::Seconds(s) | Value::OptSeconds(Some(s)) if s.is_finite() => {
            s.into_pyobject(py)?.into_any()
        }
        Value::Seconds(_) | Value::OptU64(None) | Value::OptSeconds(_) => py.None().into_bound(py),
        Value::Str(text) => cache.text(py, text).into_any(),
        Value::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
        Value::Ip(ip) => cache.ip(py, ip).into_any(),
        Value::Addr(addr) => display(py, &addr).into_any(),
        Value::Anomalies(flags) => {
            // Mostly none: a new empty list, without gathering names.
            let list = PyList::empty(py);
            for name in flags.names() {
                list.append(cache.text(py, name))?;
            }
            list.into_any()
        }
        Value::TcpFlags(flags) => cache.tcp_flags(py, flags).into_any(),
        Value::Text(text) => PyString::new(py, &text.to_string()).into_any(),
    })
}

/// `value` as `Display` spells it, as a Python string: formatted on the
/// stack (an address, a port), on the heap only when longer.
fn display<'py>(py: Python<'py>, value: &dyn std::fmt::Display) -> Bound<'py, PyString> {
    /// Text written into a fixed buffer.
    struct OnStack {
        bytes: [u8; 64],
        len: usize,
    }
    impl std::fmt::Write for OnStack {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            let end = self.len + s.len();
            let room = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
            room.copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }
    let mut text = OnStack {
        bytes: [0; 64],
        len: 0,
    };
    match std::fmt::Write::write_fmt(&mut text, format_args!("{value}")) {
        // Only whole `str`s were written: it is UTF-8.
        Ok(()) => match std::str::from_utf8(&text.bytes[..text.len]) {
            Ok(s) => PyString::new(py, s),
            Err(_) => PyString::new(py, &value.to_string()),
        },
        Err(_) => PyString::new(py, &value.to_string()),
    }
}
