//! `states`: every endpoint's state at a moment, the records of `tcpphase
//! states --json`, computed by the CLI's own `endpoints_at`.

use crate::error::command_errors;
use crate::py_record::{Dicts, StringCache};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;
use tcpphase::phase::TcpState;
use tcpphase_cli::filter::Filter;
use tcpphase_cli::input::Source;

use tcpphase_cli::states::{endpoints_at, EndpointRecord, Style};
use tcpphase_cli::tracking::{unknown_stream, Moment};
use tcpphase_cli::CommandError;

/// The moment of `at` (a frame, from 1) or `at_time` (seconds after the
/// first frame), checked as the CLI checks `--at` and `--at-time`.
pub fn moment(at: Option<u64>, at_time: Option<f64>) -> PyResult<Moment> {
    match (at, at_time) {
        (Some(_), Some(_)) => Err(PyValueError::new_err(
            "at and at_time cannot be used together",
        )),
        (Some(0), None) => Err(PyValueError::new_err(
            "at is a frame number: 1 is the first frame",
        )),
        (Some(frame), None) => Ok(Moment::Frame(frame)),
        (None, Some(secs)) if !secs.is_finite() || secs < 0.0 => Err(PyValueError::new_err(
            format!("'{secs}' is not a time after the first frame"),
        )),
        (None, Some(secs)) => Ok(Moment::Time((secs * 1e9).round() as u64)),
        (None, None) => Ok(Moment::End),
    }
}

/// How states are spelled: `rfc`, `netstat` or `ss`.
pub fn style(name: &str) -> PyResult<Style> {
    match name {
        "rfc" => Ok(Style::Rfc),
        "netstat" => Ok(Style::Netstat),
        "ss" => Ok(Style::Ss),
        other => Err(PyValueError::new_err(format!(
            "unknown style '{other}': the styles are rfc, netstat and ss"
        ))),
    }
}

/// The endpoints of the capture at `path` at `at` that pass `filter`, as
/// the list `states --json` prints (CLOSED ones only with `all`).
pub fn endpoints<'py>(
    py: Python<'py>,
    path: &str,
    at: Moment,
    filter: &Filter,
    style: Style,
    all: bool,
) -> PyResult<Bound<'py, PyList>> {
    let source = Source::file(path);
    let (rows, reached, mut problems) = py.detach(|| endpoints_at(&source, at));
    if let Moment::Frame(n) = at {
        if reached.frames < n && problems.is_empty() {
            problems.push(CommandError::input(
                source.name(),
                format!(
                    "no frame {n}: the capture has {} frame{}",
                    reached.frames,
                    if reached.frames == 1 { "" } else { "s" }
                ),
            ));
        }
    }
    if let Some(e) = unknown_stream(&source, filter, &reached, at, &problems) {
        problems.push(e);
    }
    if !problems.is_empty() {
        return Err(command_errors(&problems));
    }
    let mut strings = StringCache::default();
    let dicts = Dicts::new(py)?;
    let list = PyList::empty(py);
    for row in rows
        .iter()
        .filter(|r| filter.matches_endpoints(r.stream, r.local, r.peer))
        .filter(|r| filter.phases.contains(r.phase))
        .filter(|r| all || r.state != TcpState::Closed)
    {
        list.append(dicts.dict(
            py,
            &mut strings,
            &EndpointRecord {
                endpoint: row,
                style,
            },
        )?)?;
    }
    Ok(list)
}
