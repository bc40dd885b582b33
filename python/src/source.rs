//! Where frames come from: a path, opened as the CLI opens it (plain or
//! compressed, by the core's reader), or a binary Python file object read
//! through its `read` method.

use crate::error::TcpphaseError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use std::io::Read;
use tcpphase::capture::{CaptureError, CaptureReader};
use tcpphase_cli::input::open_capture;
use tcpphase_cli::CommandError;

/// An open capture and the name errors give it.
pub struct Capture {
    /// The path, or the file object's `name` (`<file object>` without one).
    pub name: String,
    /// The core's reader.
    pub reader: CaptureReader<'static>,
}

impl Capture {
    /// Opens `source`: a `str` path or a binary file object.
    pub fn open(source: &Bound<'_, PyAny>) -> PyResult<Capture> {
        if let Ok(path) = source.cast::<PyString>() {
            let path: String = path.extract()?;
            let reader = open_capture(&path).map_err(|e| TcpphaseError::new_err(e.to_string()))?;
            return Ok(Capture { name: path, reader });
        }
        if !source.hasattr("read")? {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "source must be a path or a binary file object, not {}",
                source.get_type().name()?
            )));
        }
        let name = source
            .getattr("name")
            .ok()
            .and_then(|n| n.extract::<String>().ok())
            .unwrap_or_else(|| "<file object>".to_string());
        let input = FileObject(source.clone().unbind());
        let reader = CaptureReader::new(input)
            .map_err(|e| TcpphaseError::new_err(format!("{name}: {}", describe(&e))))?;
        Ok(Capture { name, reader })
    }

    /// The error for damage met after `frames` frames, as the CLI words it.
    pub fn damaged(&self, e: &CaptureError, frames: u64) -> CommandError {
        let mut message = describe(e);
        if frames > 0 {
            message.push_str(&format!(" (after frame {frames})"));
        }
        CommandError::input(&self.name, message)
    }
}

/// A capture error in words, as the CLI says it.
fn describe(e: &CaptureError) -> String {
    match e {
        CaptureError::Io(io) => format!("cannot read: {io}"),
        other => other.to_string(),
    }
}

/// A Python binary file object as a `Read`: each read takes the GIL and
/// calls `read(n)`.
struct FileObject(Py<PyAny>);

impl Read for FileObject {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        Python::attach(|py| {
            let got = self
                .0
                .call_method1(py, "read", (buf.len(),))
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let got = got.bind(py);
            if got.is_none() {
                // A non-blocking file with nothing ready: the end, for a capture.
                return Ok(0);
            }
            let bytes = got.cast::<PyBytes>().map_err(|_| {
                std::io::Error::other(
                    "the file object's read() does not return bytes: open the capture in binary mode ('rb')",
                )
            })?;
            let data = bytes.as_bytes();
            if data.len() > buf.len() {
                return Err(std::io::Error::other(
                    "the file object's read(n) returned more than n bytes",
                ));
            }
            buf[..data.len()].copy_from_slice(data);
            Ok(data.len())
        })
    }
}
