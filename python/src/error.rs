//! The Python exceptions: `TcpphaseError` carries the CLI's message; bad
//! arguments are `ValueError`s.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::PyErr;
use tcpphase_cli::CommandError;

create_exception!(
    tcpphase,
    TcpphaseError,
    PyException,
    "A capture that cannot be read (whole), or a request it cannot answer; the message is the one the tcpphase command prints."
);

/// The exception for the errors a command met, one per line, as the CLI
/// prints them (without its `tcpphase: ` prefix).
pub fn command_errors(errors: &[CommandError]) -> PyErr {
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    TcpphaseError::new_err(lines.join("\n"))
}

/// The exception for a panic caught at the boundary: a bug, told once.
pub fn internal(payload: Box<dyn std::any::Any + Send>) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string());
    TcpphaseError::new_err(format!(
        "internal error: {what}; this is a bug, please report it"
    ))
}

/// The exception for an object used again after an internal error.
pub fn poisoned() -> PyErr {
    TcpphaseError::new_err("unusable after an earlier internal error")
}
