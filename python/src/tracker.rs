//! `Tracker`: frames fed one at a time by the caller (from scapy, dpkt, a
//! socket), each answered with its `annotate --json` record.

use crate::annotate::lineage;
use crate::error::{internal, poisoned, TcpphaseError};
use crate::py_record::{Dicts, StringCache};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyDict, PyFloat, PyInt, PyList};
use std::panic::{catch_unwind, AssertUnwindSafe};
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Annotation, Config, FrameOutcome};
use tcpphase::wire::WireError;
use tcpphase_cli::records::Malformed;

/// Follows every connection of the frames fed to it, in the order fed.
///
/// ``feed(linktype, data, ts)`` annotates one frame: ``linktype`` is its
/// pcap LINKTYPE (1 Ethernet, 113 Linux cooked, 0 BSD loopback, 228 raw
/// IPv4, ...), ``data`` its bytes, ``ts`` its capture time in seconds
/// since the epoch. ``finish()`` ends the input and returns every
/// connection's summary.
#[pyclass(module = "tcpphase._native", unsendable)]
pub struct Tracker {
    inner: tcpphase::track::Tracker,
    strings: StringCache,
    segments: Dicts<Annotation>,
    malformed: Dicts<Malformed>,
    summaries: Dicts<ConnSummary>,
    poisoned: bool,
}

#[pymethods]
impl Tracker {
    #[new]
    fn new(py: Python<'_>) -> PyResult<Self> {
        Ok(Tracker {
            inner: tcpphase::track::Tracker::new(Config::default()),
            strings: StringCache::default(),
            segments: Dicts::new(py)?,
            malformed: Dicts::new(py)?,
            summaries: Dicts::new(py)?,
            poisoned: false,
        })
    }

    /// Annotates one frame: the dict ``annotate --json`` prints for it, a
    /// ``malformed`` record when it does not parse, ``None`` when it is not
    /// a TCP segment. Raises TcpphaseError for a link type tcpphase does
    /// not read, ValueError for a time before the epoch.
    fn feed(
        &mut self,
        py: Python<'_>,
        linktype: u32,
        data: PyBackedBytes,
        ts: &Bound<'_, PyAny>,
    ) -> PyResult<Option<Py<PyDict>>> {
        if self.poisoned {
            return Err(poisoned());
        }
        let ts_ns = nanoseconds(ts)?;
        let outcome = catch_unwind(AssertUnwindSafe(|| self.inner.feed(linktype, &data, ts_ns)));
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(payload) => {
                self.poisoned = true;
                return Err(internal(payload));
            }
        };
        match outcome {
            FrameOutcome::Segment(a) => Ok(Some(
                self.segments
                    .dict_in_lineage(py, &mut self.strings, &a, lineage(&a))?
                    .unbind(),
            )),
            FrameOutcome::NotTcp => Ok(None),
            FrameOutcome::Malformed(WireError::UnsupportedLinkType { linktype }) => {
                Err(TcpphaseError::new_err(format!(
                    "frame {}: unsupported link type {linktype}; tcpphase reads Ethernet, Linux cooked capture (v1, v2), BSD loopback and raw IPv4/IPv6",
                    self.inner.frames()
                )))
            }
            FrameOutcome::Malformed(error) => {
                let record = Malformed::new(self.inner.frames(), ts_ns, error);
                Ok(Some(
                    self.malformed.dict(py, &mut self.strings, &record)?.unbind(),
                ))
            }
        }
    }

    /// The summaries of the connections that have left the table so far
    /// (ended and past TIME-WAIT, or idle too long), as ``conns --json``
    /// prints them; each is returned once.
    fn summaries<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        if self.poisoned {
            return Err(poisoned());
        }
        let list = PyList::empty(py);
        while let Some(s) = self.inner.next_summary() {
            list.append(self.summaries.dict(py, &mut self.strings, &s)?)?;
        }
        Ok(list)
    }

    /// Ends the input: the summaries not yet returned, those that left the
    /// table first, then every live connection in connection order. The
    /// tracker starts empty again afterwards.
    fn finish<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        if self.poisoned {
            return Err(poisoned());
        }
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| self.inner.finish())) {
            self.poisoned = true;
            return Err(internal(payload));
        }
        self.summaries(py)
    }

    /// Frames fed so far.
    #[getter]
    fn frames(&self) -> u64 {
        self.inner.frames()
    }

    /// Connections in the table now.
    #[getter]
    fn live_connections(&self) -> usize {
        self.inner.live_connections()
    }
}

/// `ts` in seconds (int or float) as ns since the epoch.
fn nanoseconds(ts: &Bound<'_, PyAny>) -> PyResult<u64> {
    let bad = || {
        PyValueError::new_err(format!(
            "ts must be seconds since the epoch, 0 or more, that fit in 64-bit nanoseconds: got {ts}"
        ))
    };
    if ts.is_instance_of::<PyInt>() {
        let secs: u64 = ts.extract().map_err(|_| bad())?;
        return secs.checked_mul(1_000_000_000).ok_or_else(bad);
    }
    if ts.is_instance_of::<PyFloat>() || ts.hasattr("__float__")? {
        let secs: f64 = ts.extract().map_err(|_| bad())?;
        let ns = (secs * 1e9).round();
        if !ns.is_finite() || !(0.0..1.8e19).contains(&ns) {
            return Err(bad());
        }
        return Ok(ns as u64);
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "ts must be a number of seconds, not {}",
        ts.get_type().name()?
    )))
}
