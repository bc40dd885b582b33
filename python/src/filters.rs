//! The keyword filters (`stream`, `port`, `host`, `phase`) as the CLI's
//! [`Filter`]: the same meaning, the same messages for bad values.

use pyo3::exceptions::PyValueError;
use pyo3::PyResult;
use tcpphase_cli::filter::{Filter, PhaseSet};
use tcpphase_cli::prefix::Prefix;

/// The filter of the lists the Python layer gathered from the keywords.
pub fn filter(
    streams: Vec<u64>,
    ports: Vec<u16>,
    hosts: Vec<String>,
    phases: Vec<String>,
) -> PyResult<Filter> {
    let hosts = hosts
        .iter()
        .map(|h| {
            h.trim()
                .parse::<Prefix>()
                .map_err(|e| PyValueError::new_err(format!("invalid value for host: {e}")))
        })
        .collect::<PyResult<Vec<Prefix>>>()?;
    let phases = if phases.is_empty() {
        PhaseSet::ALL
    } else {
        PhaseSet::parse(&phases.join(",")).map_err(PyValueError::new_err)?
    };
    Ok(Filter {
        streams,
        ports,
        hosts,
        phases,
    })
}
