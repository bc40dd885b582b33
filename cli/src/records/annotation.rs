//! A segment's record (`annotate --json`, `--csv`): the annotation's keys,
//! then the segment's own; and the record of a frame that does not parse.

use super::value::seconds;
use super::{Fields, Record, Value};
use std::fmt;
use tcpphase::phase::{Phase, Step};
use tcpphase::track::Annotation;
use tcpphase::wire::WireError;

impl Record for Annotation {
    // Inlined into the record writer, so that each value is spelled
    // straight from the record, the line's cursor in registers.
    #[inline(always)]
    fn layout<F: Fields<Self>>(f: &mut F) -> Result<(), F::Error> {
        f.field("frame", |a| Value::U64(a.frame))?;
        f.field("stream", |a| Value::U64(a.stream))?;
        f.field("conn", |a| Value::U64(a.conn))?;
        f.field("dir", |a| Value::Str(a.dir.name()))?;
        f.field("phase", |a| Value::Str(a.phase.name()))?;
        f.field("step", |a| Value::Str(a.step.name()))?;
        f.field("client_state", |a| Value::Str(a.client_state.name()))?;
        f.field("server_state", |a| Value::Str(a.server_state.name()))?;
        f.field("closer", |a| Value::Str(a.closer.name()))?;
        f.field("flags", |a| Value::Anomalies(a.flags))?;
        f.field("origin_guessed", |a| Value::Bool(a.origin_guessed))?;
        f.field("ts", |a| Value::Seconds(seconds(a.ts_ns)))?;
        f.field("src", |a| Value::Ip(a.src.ip()))?;
        f.field("sport", |a| Value::U64(a.src.port().into()))?;
        f.field("dst", |a| Value::Ip(a.dst.ip()))?;
        f.field("dport", |a| Value::U64(a.dst.port().into()))?;
        f.field("tcp_flags", |a| Value::TcpFlags(a.tcp_flags))?;
        f.field("seq", |a| Value::U64(a.seq.into()))?;
        f.field("ack", |a| Value::U64(a.ack.into()))?;
        f.field("len", |a| Value::U64(a.len.into()))
    }
}

/// A frame that does not parse: phase `other`, step `malformed`, and what
/// is wrong where.
#[derive(Debug, Clone, Copy)]
pub struct Malformed {
    /// Capture time, ns since the epoch.
    pub ts_ns: u64,
    /// The frame and what is wrong with it.
    pub error: FrameError,
}

impl Malformed {
    /// Frame `frame`, captured at `ts_ns`, which does not parse.
    pub fn new(frame: u64, ts_ns: u64, error: WireError) -> Self {
        Malformed {
            ts_ns,
            error: FrameError { frame, error },
        }
    }
}

impl Record for Malformed {
    fn layout<F: Fields<Self>>(f: &mut F) -> Result<(), F::Error> {
        f.field("frame", |m| Value::U64(m.error.frame))?;
        f.field("ts", |m| Value::Seconds(seconds(m.ts_ns)))?;
        f.field("phase", |_| Value::Str(Phase::Other.name()))?;
        f.field("step", |_| Value::Str(Step::Malformed.name()))?;
        f.field("error", |m| Value::Text(&m.error))
    }
}

/// A wire error and its frame, shown as `frame N: what`.
#[derive(Debug, Clone, Copy)]
pub struct FrameError {
    /// Frame number.
    pub frame: u64,
    /// What is wrong and where in the frame.
    pub error: WireError,
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "frame {}: {}", self.frame, self.error)
    }
}
