//! One field's value, borrowed from its record, and how it is spelled in
//! JSON and in a CSV cell.

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use std::fmt::Display;
use std::io::Write as _;
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

impl Value<'_> {
    /// Appends the value as JSON to `out`; `scratch` holds text formatted
    /// on the way (an error message) before it is escaped. Spelled as
    /// serde_json spells it (its shortest float form, its escapes), so that
    /// this line and [`Value`]'s `Serialize` agree byte for byte.
    pub fn write_json(&self, out: &mut Vec<u8>, scratch: &mut String) {
        // Writing into a Vec or a String cannot fail.
        match *self {
            Value::U64(n) | Value::OptU64(Some(n)) => {
                out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
            }
            Value::Seconds(s) | Value::OptSeconds(Some(s)) if s.is_finite() => {
                out.extend_from_slice(zmij::Buffer::new().format_finite(s).as_bytes());
            }
            Value::Seconds(_) | Value::OptSeconds(_) | Value::OptU64(None) => {
                out.extend_from_slice(b"null");
            }
            Value::Str(s) => json_string(out, s),
            Value::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
            Value::Ip(ip) => {
                out.push(b'"');
                ip_text(out, ip);
                out.push(b'"');
            }
            Value::Addr(addr) => {
                out.push(b'"');
                addr_text(out, addr);
                out.push(b'"');
            }
            Value::Anomalies(flags) => {
                out.push(b'[');
                for (i, name) in flags.names().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    json_string(out, name);
                }
                out.push(b']');
            }
            Value::TcpFlags(flags) => {
                let mut letters = [0u8; 9];
                json_string(out, flags.letters(&mut letters));
            }
            Value::Text(text) => {
                scratch.clear();
                let _ = std::fmt::Write::write_fmt(scratch, format_args!("{text}"));
                json_string(out, scratch);
            }
        }
    }

    /// Appends the value as a CSV cell to `out`, quoted when it holds a
    /// comma, a quote or a line break (quotes doubled), as the csv crate
    /// quotes; `scratch` as in [`Value::write_json`].
    pub fn write_csv(&self, out: &mut Vec<u8>, scratch: &mut Vec<u8>) {
        let start = out.len();
        // Writing into a Vec cannot fail.
        match *self {
            Value::U64(n) | Value::OptU64(Some(n)) => {
                out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
            }
            Value::Seconds(s) | Value::OptSeconds(Some(s)) => {
                let _ = write!(out, "{s:.9}");
            }
            Value::OptU64(None) | Value::OptSeconds(None) => {}
            Value::Str(s) => out.extend_from_slice(s.as_bytes()),
            Value::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
            Value::Ip(ip) => ip_text(out, ip),
            Value::Addr(addr) => addr_text(out, addr),
            Value::Anomalies(flags) => {
                for (i, name) in flags.names().enumerate() {
                    if i > 0 {
                        out.push(b'|');
                    }
                    out.extend_from_slice(name.as_bytes());
                }
            }
            Value::TcpFlags(flags) => {
                let mut letters = [0u8; 9];
                out.extend_from_slice(flags.letters(&mut letters).as_bytes());
            }
            Value::Text(text) => {
                let _ = write!(out, "{text}");
            }
        }
        csv_quote(out, start, scratch);
    }
}

/// Appends an address as `Display` spells it: IPv4 digit by digit (the
/// common case, without the formatting machinery), IPv6 through `Display`.
fn ip_text(out: &mut Vec<u8>, ip: IpAddr) {
    match ip {
        IpAddr::V4(v4) => {
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push(b'.');
                }
                let (h, t, u) = (octet / 100, octet / 10 % 10, octet % 10);
                if h > 0 {
                    out.push(b'0' + h);
                }
                if h > 0 || t > 0 {
                    out.push(b'0' + t);
                }
                out.push(b'0' + u);
            }
        }
        // Writing into a Vec cannot fail.
        IpAddr::V6(v6) => {
            let _ = write!(out, "{v6}");
        }
    }
}

/// Appends `addr:port` as `Display` spells it (`[v6]:port`, with a v6
/// scope as `%scope`).
fn addr_text(out: &mut Vec<u8>, addr: SocketAddr) {
    match addr {
        SocketAddr::V4(v4) => {
            ip_text(out, IpAddr::V4(*v4.ip()));
            out.push(b':');
            out.extend_from_slice(itoa::Buffer::new().format(v4.port()).as_bytes());
        }
        // Writing into a Vec cannot fail.
        SocketAddr::V6(v6) => {
            let _ = write!(out, "{v6}");
        }
    }
}

/// Appends `s` as a JSON string: quoted, with serde_json's escapes.
pub(crate) fn json_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        // Nothing to escape (names, keys, addresses): one copy.
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    out.push(b'"');
    let mut plain = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0c => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0..=0x1f => b'u',
            _ => continue,
        };
        out.extend_from_slice(&bytes[plain..i]);
        plain = i + 1;
        if short == b'u' {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]);
        } else {
            out.extend_from_slice(&[b'\\', short]);
        }
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
}

/// Quotes the cell `out[start..]` in place when it needs it: when it
/// holds a comma, a quote, CR or LF (quotes inside are doubled).
pub(crate) fn csv_quote(out: &mut Vec<u8>, start: usize, scratch: &mut Vec<u8>) {
    if !out[start..]
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        return;
    }
    scratch.clear();
    scratch.extend_from_slice(&out[start..]);
    out.truncate(start);
    out.push(b'"');
    for &b in scratch.iter() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_spelled_as_display_spells_them() {
        let mut out = Vec::new();
        let mut addrs: Vec<SocketAddr> = Vec::new();
        for octet in 0..=255u8 {
            let port = u16::from(octet) * 257;
            addrs.push(([octet, 0, 10, 255], port).into());
            addrs.push(([1, octet, 100, 9], 65535).into());
        }
        addrs.extend(
            [
                "[::1]:80",
                "[fe80::1%3]:443",
                "[2001:db8::ff00:42:8329]:0",
                "[::ffff:1.2.3.4]:9",
            ]
            .map(|a| a.parse::<SocketAddr>().unwrap()),
        );
        for addr in addrs {
            out.clear();
            addr_text(&mut out, addr);
            assert_eq!(std::str::from_utf8(&out).unwrap(), addr.to_string());
            out.clear();
            ip_text(&mut out, addr.ip());
            assert_eq!(std::str::from_utf8(&out).unwrap(), addr.ip().to_string());
        }
    }
}
