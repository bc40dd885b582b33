//! What the record iterators (`annotate`, `conns`) share: where an
//! iterator is, and one `__next__` step with a panic caught at the Python
//! boundary (the panic poisons the iterator and becomes an exception).

use crate::error::{internal, poisoned};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Where a record iterator is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum IterState {
    /// Reading the capture.
    Reading,
    /// The capture is read; the records of its end are still coming.
    Finished,
    /// Every record given.
    Done,
    /// An earlier step panicked: every later one raises.
    Poisoned,
}

/// An iterator of record dicts whose steps are guarded.
pub trait RecordIter {
    /// The iterator's state.
    fn state(&mut self) -> &mut IterState;

    /// The next record, or `None` at the end (may set the state).
    fn next_record(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyDict>>>;

    /// One `__next__`: `None` once done, the poison error once poisoned,
    /// else the next record with any panic caught.
    fn guarded_next(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyDict>>> {
        match *self.state() {
            IterState::Done => return Ok(None),
            IterState::Poisoned => return Err(poisoned()),
            IterState::Reading | IterState::Finished => {}
        }
        match catch_unwind(AssertUnwindSafe(|| self.next_record(py))) {
            Ok(result) => result,
            Err(payload) => {
                *self.state() = IterState::Poisoned;
                Err(internal(payload))
            }
        }
    }
}
