//! A serde serializer whose output is Python objects: the CLI's JSON
//! records (`tcpphase_cli::records`) become dicts with exactly the keys and
//! values `--json` prints, without a JSON text in between.
//!
//! Keys are `&'static str`s that recur in every record and short strings
//! (names of phases, states, addresses) recur too: both are kept as Python
//! strings, so a record costs one dict and its numbers.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde::ser::{self, Serialize};
use std::collections::HashMap;
use std::fmt;

/// Strings longer than this are not kept (they rarely recur).
const CACHED_LEN: usize = 48;
/// Kept strings; past this many the cache starts again (bounded memory on
/// a capture with many addresses).
const CACHED_STRINGS: usize = 8192;

/// The Python strings kept from one record to the next.
#[derive(Default)]
pub struct StringCache {
    /// Keys by their address: struct field names are `'static`.
    keys: Vec<(usize, Py<PyString>)>,
    /// Where the last key was found: the next one is usually right after.
    last_key: usize,
    /// Short values by their text.
    values: HashMap<Box<str>, Py<PyString>>,
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

    fn value<'py>(&mut self, py: Python<'py>, text: &str) -> Bound<'py, PyString> {
        if text.len() > CACHED_LEN {
            return PyString::new(py, text);
        }
        if let Some(s) = self.values.get(text) {
            return s.bind(py).clone();
        }
        if self.values.len() >= CACHED_STRINGS {
            self.values.clear();
        }
        let s = PyString::new(py, text);
        self.values.insert(text.into(), s.clone().unbind());
        s
    }
}

/// `record` as a Python object: a struct becomes a dict, a sequence a
/// list, an `Option` the value or `None`.
pub fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    cache: &mut StringCache,
    record: &T,
) -> PyResult<Bound<'py, PyAny>> {
    record
        .serialize(ToPy { py, cache })
        .map_err(|e| PyValueError::new_err(e.0))
}

/// Why a value could not become a Python object.
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

impl From<std::convert::Infallible> for Error {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error(e.to_string())
    }
}

fn unsupported(what: &str) -> Error {
    Error(format!("{what} has no Python form in a tcpphase record"))
}

/// The serializer: one Python object per call.
struct ToPy<'a, 'py> {
    py: Python<'py>,
    cache: &'a mut StringCache,
}

type Out<'py> = Result<Bound<'py, PyAny>, Error>;

impl<'a, 'py> ser::Serializer for ToPy<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    type SerializeSeq = SeqToPy<'a, 'py>;
    type SerializeTuple = SeqToPy<'a, 'py>;
    type SerializeTupleStruct = SeqToPy<'a, 'py>;
    type SerializeTupleVariant = ser::Impossible<Bound<'py, PyAny>, Error>;
    type SerializeMap = ser::Impossible<Bound<'py, PyAny>, Error>;
    type SerializeStruct = StructToPy<'a, 'py>;
    type SerializeStructVariant = ser::Impossible<Bound<'py, PyAny>, Error>;

    fn serialize_bool(self, v: bool) -> Out<'py> {
        Ok(pyo3::types::PyBool::new(self.py, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> Out<'py> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Out<'py> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Out<'py> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Out<'py> {
        Ok(v.into_pyobject(self.py)?.into_any())
    }
    fn serialize_u8(self, v: u8) -> Out<'py> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Out<'py> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Out<'py> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Out<'py> {
        Ok(v.into_pyobject(self.py)?.into_any())
    }
    fn serialize_f32(self, v: f32) -> Out<'py> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Out<'py> {
        // serde_json writes a non-finite float as null.
        if v.is_finite() {
            Ok(v.into_pyobject(self.py)?.into_any())
        } else {
            Ok(self.py.None().into_bound(self.py))
        }
    }
    fn serialize_char(self, v: char) -> Out<'py> {
        let mut buf = [0u8; 4];
        self.serialize_str(v.encode_utf8(&mut buf))
    }
    fn serialize_str(self, v: &str) -> Out<'py> {
        Ok(self.cache.value(self.py, v).into_any())
    }
    fn serialize_bytes(self, _: &[u8]) -> Out<'py> {
        Err(unsupported("bytes"))
    }
    fn serialize_none(self) -> Out<'py> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Out<'py> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Out<'py> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Out<'py> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Out<'py> {
        Err(unsupported("an enum with data"))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqToPy<'a, 'py>, Error> {
        Ok(SeqToPy {
            py: self.py,
            cache: self.cache,
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqToPy<'a, 'py>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<SeqToPy<'a, 'py>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(unsupported("an enum with data"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(unsupported("a map"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<StructToPy<'a, 'py>, Error> {
        Ok(StructToPy {
            py: self.py,
            dict: PyDict::new(self.py),
            cache: self.cache,
        })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(unsupported("an enum with data"))
    }
}

/// A sequence on its way to a list.
struct SeqToPy<'a, 'py> {
    py: Python<'py>,
    cache: &'a mut StringCache,
    items: Vec<Bound<'py, PyAny>>,
}

impl<'py> SeqToPy<'_, 'py> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let item = value.serialize(ToPy {
            py: self.py,
            cache: self.cache,
        })?;
        self.items.push(item);
        Ok(())
    }

    fn list(self) -> Out<'py> {
        Ok(PyList::new(self.py, self.items)?.into_any())
    }
}

impl<'py> ser::SerializeSeq for SeqToPy<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.list()
    }
}

impl<'py> ser::SerializeTuple for SeqToPy<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.list()
    }
}

impl<'py> ser::SerializeTupleStruct for SeqToPy<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.list()
    }
}

/// A struct on its way to a dict, its fields in the order serde gives.
struct StructToPy<'a, 'py> {
    py: Python<'py>,
    dict: Bound<'py, PyDict>,
    cache: &'a mut StringCache,
}

impl<'py> ser::SerializeStruct for StructToPy<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let value = value.serialize(ToPy {
            py: self.py,
            cache: self.cache,
        })?;
        let key = self.cache.key(self.py, key);
        self.dict.set_item(key, value)?;
        Ok(())
    }
    fn end(self) -> Out<'py> {
        Ok(self.dict.into_any())
    }
}
