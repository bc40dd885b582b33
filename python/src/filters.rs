//! The keyword filters (`stream`, `port`, `host`, `phase`) as the CLI's
//! [`Filter`]: the same meaning, the same messages for bad values.

use pyo3::exceptions::PyValueError;
use pyo3::PyResult;
use std::net::IpAddr;
use tcpphase_cli::filter::{Filter, PhaseSet};

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
            h.trim().parse::<IpAddr>().map_err(|_| {
                PyValueError::new_err(format!(
                    "invalid value '{h}' for host: not an IPv4 or IPv6 address"
                ))
            })
        })
        .collect::<PyResult<Vec<IpAddr>>>()?;
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
