//! One field's value, borrowed from its record. How a line spells it is
//! in `spelling.rs`; this `Serialize` spells the same JSON through serde.

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use std::fmt::Display;
use std::net::{IpAddr, SocketAddr};
use tcpphase::phase::AnomalyFlags;
use tcpphase::wire::TcpFlags;

/// The value of one field.
#[derive(Clone, Copy)]
pub enum Value<'a> {
    /// A count or a number: `7`.
    U64(u64),
    /// A number that may be missing: `7`, JSON `null` / an empty cell.
    OptU64(Option<u64>),
    /// Seconds: JSON's shortest form, 9 decimals in CSV.
    Seconds(f64),
    /// Seconds that may be missing: JSON `null` / an empty cell.
    OptSeconds(Option<f64>),
    /// A name or other text.
    Str(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// An address: `10.0.0.1`, `::1`.
    Ip(IpAddr),
    /// An address and port: `10.0.0.1:80`, `[::1]:80`.
    Addr(SocketAddr),
    /// Anomaly flags: a JSON array of names, joined with `|` in CSV.
    Anomalies(AnomalyFlags),
    /// TCP flag letters: `SA`, `FA`.
    TcpFlags(TcpFlags),
    /// Text formatted on the way out (an error message).
    Text(&'a dyn Display),
}

impl Serialize for Value<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Value::U64(n) | Value::OptU64(Some(n)) => s.serialize_u64(n),
            Value::Seconds(secs) | Value::OptSeconds(Some(secs)) => s.serialize_f64(secs),
            Value::OptU64(None) | Value::OptSeconds(None) => s.serialize_none(),
            Value::Str(text) => s.serialize_str(text),
            Value::Bool(b) => s.serialize_bool(b),
            Value::Ip(ip) => s.collect_str(&ip),
            Value::Addr(addr) => s.collect_str(&addr),
            Value::Anomalies(flags) => {
                let mut seq = s.serialize_seq(None)?;
                for name in flags.names() {
                    seq.serialize_element(name)?;
                }
                seq.end()
            }
            Value::TcpFlags(flags) => {
                let mut letters = [0u8; 9];
                s.serialize_str(flags.letters(&mut letters))
            }
            Value::Text(text) => s.collect_str(text),
        }
    }
}

/// Capture time in ns as seconds.
pub(crate) fn seconds(ts_ns: u64) -> f64 {
    ts_ns as f64 / 1e9
}
