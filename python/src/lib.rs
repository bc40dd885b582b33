//! `tcpphase._native`: the Rust side of the Python package. The records
//! are the CLI's own (`tcpphase_cli::records`), turned into dicts by a
//! visitor of the CLI's one record layout, so the keys and values are those `--json` prints.
//!
//! | file | what |
//! | --- | --- |
//! | `source.rs` | a path or a binary file object as a capture |
//! | `walk.rs` | the CLI's reading loop, one frame at a time |
//! | `filters.rs` | `stream`, `port`, `host`, `phase` as the CLI's filter |
//! | `py_record.rs` | records as dicts: each layout read once; a segment's dict copied from the last of its lineage, changed values set |
//! | `annotate.rs` | the iterator of segment records |
//! | `conns.rs` | the iterator of connection summaries |
//! | `states.rs` | the endpoints at a moment |
//! | `tracker.rs` | `Tracker`: frames fed by the caller |
//! | `error.rs` | `TcpphaseError`, panics caught at the boundary |

mod annotate;
mod conns;
mod error;
mod filters;
mod py_record;
mod record_iter;
mod source;
mod states;
mod tracker;
mod walk;

use pyo3::prelude::*;
use pyo3::types::PyList;

/// The segments of `source` that pass the filters, one `annotate --json`
/// record each.
#[pyfunction]
#[pyo3(name = "annotate")]
fn py_annotate(
    source: &Bound<'_, PyAny>,
    streams: Vec<u64>,
    ports: Vec<u16>,
    hosts: Vec<String>,
    phases: Vec<String>,
) -> PyResult<annotate::Annotations> {
    let filter = filters::filter(streams, ports, hosts, phases)?;
    annotate::Annotations::open(source, filter)
}

/// The connections of `source` that pass the filters, one `conns --json`
/// record each.
#[pyfunction]
#[pyo3(name = "conns")]
fn py_conns(
    source: &Bound<'_, PyAny>,
    streams: Vec<u64>,
    ports: Vec<u16>,
    hosts: Vec<String>,
    phases: Vec<String>,
) -> PyResult<conns::Summaries> {
    let filter = filters::filter(streams, ports, hosts, phases)?;
    conns::Summaries::open(source, filter)
}

/// The endpoints of the capture at `path`, as `states --json` lists them.
#[pyfunction]
#[pyo3(name = "states")]
#[allow(clippy::too_many_arguments)]
fn py_states<'py>(
    py: Python<'py>,
    path: &str,
    at: Option<u64>,
    at_time: Option<f64>,
    style: &str,
    all: bool,
    streams: Vec<u64>,
    ports: Vec<u16>,
    hosts: Vec<String>,
    phases: Vec<String>,
) -> PyResult<Bound<'py, PyList>> {
    let filter = filters::filter(streams, ports, hosts, phases)?;
    let at = states::moment(at, at_time)?;
    let style = states::style(style)?;
    states::endpoints(py, path, at, &filter, style, all)
}

/// The module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(py_annotate, m)?)?;
    m.add_function(wrap_pyfunction!(py_conns, m)?)?;
    m.add_function(wrap_pyfunction!(py_states, m)?)?;
    m.add_class::<tracker::Tracker>()?;
    m.add_class::<annotate::Annotations>()?;
    m.add_class::<conns::Summaries>()?;
    m.add("TcpphaseError", m.py().get_type::<error::TcpphaseError>())?;
    Ok(())
}
