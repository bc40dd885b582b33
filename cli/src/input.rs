//! Opening a capture: a file path, or `-` for standard input.

use crate::CommandError;
use std::io::Read;
use tcpphase::capture::CaptureReader;

/// Opens `path` (or standard input for `-`) as a capture.
pub fn open_capture(path: &str) -> Result<CaptureReader<'static>, CommandError> {
    let fail = |message: String| CommandError {
        input: path.to_string(),
        message,
    };
    let input: Box<dyn Read + Send> = if path == "-" {
        Box::new(std::io::stdin())
    } else {
        let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot open: {e}")))?;
        Box::new(file)
    };
    CaptureReader::new(input).map_err(|e| fail(e.to_string()))
}
