//! `conns`: one dict per connection, the records of `tcpphase conns
//! --json`, in the same order: as each connection leaves the table, then
//! the live ones at the end of the capture.

use crate::error::command_errors;
use crate::py_record::{Dicts, StringCache};
use crate::record_iter::{IterState, RecordIter};
use crate::source::Capture;
use crate::walk::{Event, Walk};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::collections::HashMap;
use tcpphase::summary::ConnSummary;
use tcpphase_cli::filter::{Filter, PhaseSet};

use tcpphase_cli::tracking::{unknown_stream, Moment};

/// The connections of a capture, one dict each, read as they are asked for.
#[pyclass(module = "tcpphase._native", unsendable)]
pub struct Summaries {
    walk: Walk,
    filter: Filter,
    /// With a phase filter: the phases each live connection went through.
    phases_seen: HashMap<u64, PhaseSet>,
    strings: StringCache,
    summaries: Dicts<ConnSummary>,
    state: IterState,
}

#[pymethods]
impl Summaries {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyDict>>> {
        self.guarded_next(py)
    }
}

impl Summaries {
    /// Opens `source` for summaries of the connections that pass `filter`
    /// (by phase: the connections that went through one of its phases).
    pub fn open(source: &Bound<'_, PyAny>, filter: Filter) -> PyResult<Summaries> {
        Ok(Summaries {
            walk: Walk::new(Capture::open(source)?),
            filter,
            phases_seen: HashMap::new(),
            strings: StringCache::default(),
            summaries: Dicts::new(source.py())?,
            state: IterState::Reading,
        })
    }

    fn wants(&mut self, s: &ConnSummary) -> bool {
        let went_through = self.filter.phases.is_all()
            || self
                .phases_seen
                .remove(&s.conn)
                .is_some_and(|seen| seen.intersects(self.filter.phases));
        went_through && self.filter.matches_endpoints(s.stream, s.client, s.server)
    }

    fn read_next(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyDict>>> {
        loop {
            while let Some(s) = self.walk.tracker.next_summary() {
                if self.wants(&s) {
                    let record = self.summaries.dict(py, &mut self.strings, &s)?;
                    return Ok(Some(record.unbind()));
                }
            }
            if self.state == IterState::Finished {
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
            match self.walk.next_event() {
                Event::Segment(a) => {
                    if !self.filter.phases.is_all() {
                        self.phases_seen
                            .entry(a.conn)
                            .or_insert(PhaseSet::NONE)
                            .insert(a.phase);
                    }
                }
                Event::End => {
                    self.walk.tracker.finish();
                    self.state = IterState::Finished;
                }
                Event::Malformed { .. } | Event::Other => {}
            }
        }
    }
}

impl RecordIter for Summaries {
    fn state(&mut self) -> &mut IterState {
        &mut self.state
    }

    fn next_record(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyDict>>> {
        self.read_next(py)
    }
}
