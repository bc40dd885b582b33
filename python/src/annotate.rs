//! `annotate`: one dict per segment, the records of `tcpphase annotate
//! --json`, as an iterator that reads the capture as it is consumed.

use crate::error::command_errors;
use crate::py_record::{Dicts, StringCache};
use crate::record_iter::{IterState, RecordIter};
use crate::source::Capture;
use crate::walk::{Event, Walk};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use tcpphase::track::Annotation;
use tcpphase_cli::filter::Filter;
use tcpphase_cli::records::Malformed;
use tcpphase_cli::tracking::{unknown_stream, Moment};

/// The segments of a capture, one dict each, read as they are asked for.
#[pyclass(module = "tcpphase._native", unsendable)]
pub struct Annotations {
    walk: Walk,
    filter: Filter,
    strings: StringCache,
    segments: Dicts<Annotation>,
    malformed: Dicts<Malformed>,
    state: IterState,
}

#[pymethods]
impl Annotations {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyDict>>> {
        self.guarded_next(py)
    }
}

impl Annotations {
    /// Opens `source` for annotation through `filter`.
    pub fn open(source: &Bound<'_, PyAny>, filter: Filter) -> PyResult<Annotations> {
        Ok(Annotations {
            walk: Walk::new(Capture::open(source)?),
            filter,
            strings: StringCache::default(),
            segments: Dicts::new(source.py())?,
            malformed: Dicts::new(source.py())?,
            state: IterState::Reading,
        })
    }

    fn read_next(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyDict>>> {
        loop {
            match self.walk.next_event() {
                Event::Segment(a) if self.filter.matches_segment(&a) => {
                    let record =
                        self.segments
                            .dict_in_lineage(py, &mut self.strings, &a, lineage(&a))?;
                    return Ok(Some(record.unbind()));
                }
                Event::Malformed {
                    frame,
                    ts_ns,
                    error,
                } if self.filter.matches_malformed() => {
                    let record = Malformed::new(frame, ts_ns, error);
                    return Ok(Some(
                        self.malformed
                            .dict(py, &mut self.strings, &record)?
                            .unbind(),
                    ));
                }
                Event::End => {
                    self.state = IterState::Done;
                    let mut problems = self.walk.problems();
                    let source = self.walk.source();
                    let reached = self.walk.reached;
                    if let Some(e) =
                        unknown_stream(&source, &self.filter, &reached, Moment::End, &problems)
                    {
                        problems.push(e);
                    }
                    return if problems.is_empty() {
                        Ok(None)
                    } else {
                        Err(command_errors(&problems))
                    };
                }
                _ => {}
            }
        }
    }
}

/// A segment's lineage: its connection's direction, whose segments repeat
/// most of their values.
pub fn lineage(a: &Annotation) -> u64 {
    a.stream << 1 | a.dir as u64
}

impl RecordIter for Annotations {
    fn state(&mut self) -> &mut IterState {
        &mut self.state
    }

    fn next_record(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyDict>>> {
        self.read_next(py)
    }
}
