//! `tcpphase conns`: one line per connection, as each leaves the table.

use crate::input::open_capture;
use crate::records::SummaryJson;
use crate::{CommandError, Format};
use std::io::Write;
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Config, Tracker};

/// Summarises every connection of the capture at `path` into `out`.
/// On a damaged file the connections seen before the damage are still
/// summarised, then the error is returned.
pub fn conns(path: &str, format: Format, out: &mut dyn Write) -> Result<(), CommandError> {
    let mut reader = open_capture(path)?;
    let mut tracker = Tracker::new(Config::default());
    if format == Format::Text {
        writeln!(
            out,
            "{:>5} {:>6} {:<45} {:<45} {:<9} {:<12} {:<7} {:<12} {:<12} {:<6} {:<16} {:>5} {:>7} {:>7}",
            "conn", "stream", "client", "server", "handshake", "close", "closer", "client_state",
            "server_state", "zeek", "history", "compl", "pkts", "bytes"
        )
        .map_err(io_err)?;
    }
    let result = loop {
        match reader.next_frame() {
            Ok(Some(frame)) => {
                tracker.feed(frame.linktype, frame.data, frame.ts_ns);
            }
            Ok(None) => break Ok(()),
            Err(e) => {
                break Err(CommandError {
                    input: path.to_string(),
                    message: format!("{e} (after frame {})", reader.frames_read()),
                })
            }
        }
        while let Some(s) = tracker.next_summary() {
            write_summary(out, &s, format)?;
        }
    };
    tracker.finish();
    while let Some(s) = tracker.next_summary() {
        write_summary(out, &s, format)?;
    }
    out.flush().map_err(io_err)?;
    result
}

fn write_summary(out: &mut dyn Write, s: &ConnSummary, format: Format) -> Result<(), CommandError> {
    match format {
        Format::Json | Format::Csv => {
            serde_json::to_writer(&mut *out, &SummaryJson::of(s)).map_err(|e| CommandError {
                input: "<stdout>".into(),
                message: e.to_string(),
            })?;
            out.write_all(b"\n").map_err(io_err)
        }
        Format::Text => writeln!(
            out,
            "{:>5} {:>6} {:<45} {:<45} {:<9} {:<12} {:<7} {:<12} {:<12} {:<6} {:<16} {:>5} {:>7} {:>7}",
            s.conn,
            s.stream,
            s.client.to_string(),
            s.server.to_string(),
            s.handshake.name(),
            s.close.name(),
            s.active_closer.map_or("-", |r| r.name()),
            s.client_state.name(),
            s.server_state.name(),
            s.conn_state,
            s.history.as_str(),
            s.completeness,
            s.client_packets + s.server_packets,
            s.client_bytes + s.server_bytes,
        )
        .map_err(io_err),
    }
}

fn io_err(e: std::io::Error) -> CommandError {
    CommandError {
        input: "<stdout>".into(),
        message: e.to_string(),
    }
}
