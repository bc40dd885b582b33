//! The CLI's records as Python dicts: a [`Fields`] visitor over the one
//! record layout of `tcpphase_cli::records`, so the keys, their order and
//! the values are those `--json` prints, from the same list.
//!
//! Keys recur in every record, and so do short strings (names of phases
//! and states, addresses, flag letters): they are kept as Python strings,
//! so that a record costs one dict and its numbers.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};
use std::net::IpAddr;
use tcpphase_cli::records::{keys, Fields, Record, Value};

/// Slots of a table of kept strings: a text or address whose slot holds
/// another one replaces it (bounded memory, no hashing library: profiles
/// showed the hashing).
const SLOTS: usize = 1024;
/// Longer strings are not kept: they rarely recur.
const KEPT_LEN: usize = 24;

/// A short text packed in words: hashed and compared without a call to
/// `memcmp`, which showed in profiles.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Short([u64; KEPT_LEN / 8], usize);

impl Short {
    fn of(text: &str) -> Option<Short> {
        let bytes = text.as_bytes();
        if bytes.len() > KEPT_LEN {
            return None;
        }
        let mut words = [0u64; KEPT_LEN / 8];
        for (i, b) in bytes.iter().enumerate() {
            words[i / 8] |= u64::from(*b) << ((i % 8) * 8);
        }
        Some(Short(words, bytes.len()))
    }

    fn slot(&self) -> usize {
        let [a, b, c] = self.0;
        mix(a ^ b.rotate_left(21) ^ c.rotate_left(42) ^ self.1 as u64)
    }
}

/// A slot number from 64 bits (Fibonacci hashing).
fn mix(x: u64) -> usize {
    (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS.trailing_zeros())) as usize
}

/// A table of kept Python strings, one entry per slot.
struct Slots<K>(Vec<Option<(K, Py<PyString>)>>);

impl<K> Default for Slots<K> {
    fn default() -> Self {
        Slots((0..SLOTS).map(|_| None).collect())
    }
}

impl<K: Copy + Eq> Slots<K> {
    /// The string kept for `key` in `slot`, or the one `make` makes, kept.
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

/// The Python strings kept from one record to the next.
#[derive(Default)]
pub struct StringCache {
    /// Keys by their address: a record's keys are `'static` and come in
    /// the same order every time.
    keys: Vec<(usize, Py<PyString>)>,
    /// Where the last key was found: the next one is usually right after.
    last_key: usize,
    /// Short texts by their content.
    texts: Slots<Short>,
    /// Addresses, spelled as JSON spells them.
    ips: Slots<IpAddr>,
    /// Per record type (by its type name), a dict with its keys: copied, it
    /// is a dict already sized for the record, whose keys are only replaced.
    templates: Vec<(&'static str, Py<PyDict>)>,
}

impl StringCache {
    fn key<'py>(&mut self, py: Python<'py>, key: &'static str) -> Bound<'py, PyString> {
        let addr = key.as_ptr() as usize;
        let guess = self.last_key + 1;
        if let Some((a, s)) = self.keys.get(guess) {
            if *a == addr {
                self.last_key = guess;
                return s.bind(py).clone();
            }
        }
        if let Some(i) = self.keys.iter().position(|(a, _)| *a == addr) {
            self.last_key = i;
            return self.keys[i].1.bind(py).clone();
        }
        let s = PyString::intern(py, key);
        self.keys.push((addr, s.clone().unbind()));
        self.last_key = self.keys.len() - 1;
        s
    }

    fn text<'py>(&mut self, py: Python<'py>, text: &str) -> Bound<'py, PyString> {
        let Some(short) = Short::of(text) else {
            return PyString::new(py, text);
        };
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
            .get_or(py, mix(bits), ip, || PyString::new(py, &ip.to_string()))
    }
}

impl StringCache {
    /// A new dict holding `R`'s keys in order (values `None`), sized for them.
    fn blank<'py, R: Record + ?Sized>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let kind = std::any::type_name::<R>();
        if let Some((_, t)) = self
            .templates
            .iter()
            .find(|(k, _)| core::ptr::eq(k.as_ptr(), kind.as_ptr()) || *k == kind)
        {
            return t.bind(py).copy();
        }
        let template = PyDict::new(py);
        for key in keys::<R>() {
            template.set_item(self.key(py, key), py.None())?;
        }
        self.templates.push((kind, template.clone().unbind()));
        template.copy()
    }
}

/// `record` as a dict: its layout's keys, in order, with their values.
pub fn to_dict<'py, R: Record + ?Sized>(
    py: Python<'py>,
    cache: &mut StringCache,
    record: &R,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = cache.blank::<R>(py)?;
    let mut fields = DictFields {
        py,
        record,
        dict,
        cache,
    };
    R::layout(&mut fields)?;
    Ok(fields.dict)
}

/// The visitor that fills a dict.
struct DictFields<'a, 'py, R: ?Sized> {
    py: Python<'py>,
    record: &'a R,
    dict: Bound<'py, PyDict>,
    cache: &'a mut StringCache,
}

impl<R: ?Sized> Fields<R> for DictFields<'_, '_, R> {
    type Error = PyErr;

    fn field(&mut self, key: &'static str, value: fn(&R) -> Value<'_>) -> PyResult<()> {
        let value = to_py(self.py, self.cache, value(self.record))?;
        let key = self.cache.key(self.py, key);
        self.dict.set_item(key, value)
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
        Value::Addr(addr) => PyString::new(py, &addr.to_string()).into_any(),
        Value::Anomalies(flags) => {
            let names: Vec<Bound<'py, PyString>> =
                flags.names().map(|name| cache.text(py, name)).collect();
            PyList::new(py, names)?.into_any()
        }
        Value::TcpFlags(flags) => {
            let mut letters = [0u8; 9];
            cache.text(py, flags.letters(&mut letters)).into_any()
        }
        Value::Text(text) => PyString::new(py, &text.to_string()).into_any(),
    })
}
