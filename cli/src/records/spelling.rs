//! How each [`Value`] is spelled in a JSON line and in a CSV cell, onto a
//! [`Cursor`]: as serde_json spells JSON (its escapes, its shortest float
//! form) and as the csv crate quotes a cell, byte for byte.
//!
//! A line makes room for [`VALUE_ROOM`] bytes per value before it starts,
//! so bounded values write without asking; text makes its own room.

use super::block::{Cursor, VALUE_ROOM};
use super::seconds::{csv_seconds, json_seconds};
use super::Value;
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use tcpphase::phase::AnomalyFlags;

/// Appends `value` as JSON; `scratch` holds text formatted on the way (an
/// error message) before it is escaped.
#[inline(always)]
pub(crate) fn json_value(c: &mut Cursor<'_>, value: Value<'_>, scratch: &mut String) {
    match value {
        Value::U64(n) | Value::OptU64(Some(n)) => c.u64(n),
        Value::Seconds(s) | Value::OptSeconds(Some(s)) if s.is_finite() => json_seconds(c, s),
        Value::Seconds(_) | Value::OptSeconds(_) | Value::OptU64(None) => c.put_slice(b"null"),
        Value::Str(s) => json_string(c, s),
        Value::Bool(b) => c.put_slice(if b { b"true" } else { b"false" }),
        Value::Ip(ip) => {
            c.put(b'"');
            ip_text(c, ip);
            c.put(b'"');
        }
        Value::Addr(addr) => {
            c.put(b'"');
            addr_text(c, addr);
            c.put(b'"');
        }
        Value::Anomalies(flags) => json_anomalies(c, flags),
        Value::TcpFlags(flags) => {
            let mut letters = [0u8; 9];
            c.put(b'"');
            // Letters only: nothing to escape.
            c.put_slice(flags.letters(&mut letters).as_bytes());
            c.put(b'"');
        }
        Value::Text(text) => {
            scratch.clear();
            // Writing into a String cannot fail.
            let _ = write!(scratch, "{text}");
            json_string(c, scratch);
        }
    }
}

/// Appends `value` as a CSV cell, quoted when it holds a comma, a quote or
/// a line break (quotes doubled), as the csv crate quotes; only text can.
/// `scratch` holds a cell while it is quoted.
#[inline(always)]
pub(crate) fn csv_value(c: &mut Cursor<'_>, value: Value<'_>, scratch: &mut Vec<u8>) {
    match value {
        Value::U64(n) | Value::OptU64(Some(n)) => c.u64(n),
        Value::Seconds(s) | Value::OptSeconds(Some(s)) => csv_seconds(c, s),
        Value::OptU64(None) | Value::OptSeconds(None) => {}
        Value::Str(s) => csv_text(c, s, scratch),
        Value::Bool(b) => c.put_slice(if b { b"true" } else { b"false" }),
        Value::Ip(ip) => ip_text(c, ip),
        Value::Addr(addr) => addr_text(c, addr),
        Value::Anomalies(flags) => {
            for (i, name) in flags.names().enumerate() {
                // Names need no quoting (a test checks every one).
                c.room(name.len() + 1);
                if i > 0 {
                    c.put(b'|');
                }
                c.put_slice(name.as_bytes());
            }
        }
        Value::TcpFlags(flags) => {
            let mut letters = [0u8; 9];
            c.put_slice(flags.letters(&mut letters).as_bytes());
        }
        Value::Text(text) => {
            let start = c.at;
            // Writing into the line cannot fail.
            let _ = write!(c, "{text}");
            csv_quote(c, start, scratch);
        }
    }
}

/// A JSON array of the flags' names.
#[inline]
fn json_anomalies(c: &mut Cursor<'_>, flags: AnomalyFlags) {
    if flags == AnomalyFlags::NONE {
        c.put_slice(b"[]");
        return;
    }
    c.put(b'[');
    for (i, name) in flags.names().enumerate() {
        // Names need no escapes (a test checks every one).
        c.room(name.len() + 4);
        if i > 0 {
            c.put(b',');
        }
        c.put(b'"');
        c.put_slice(name.as_bytes());
        c.put(b'"');
    }
    c.room(1);
    c.put(b']');
}

/// Which bytes JSON escapes: control characters, the quote, the backslash.
const ESCAPED: [bool; 256] = {
    let mut escaped = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        escaped[b] = true;
        b += 1;
    }
    escaped[b'"' as usize] = true;
    escaped[b'\\' as usize] = true;
    escaped
};

/// Appends `s` as a JSON string: quoted, with serde_json's escapes.
#[inline]
pub(crate) fn json_string(c: &mut Cursor<'_>, s: &str) {
    let bytes = s.as_bytes();
    if bytes.len() <= VALUE_ROOM - 2 && !bytes.iter().any(|&b| ESCAPED[usize::from(b)]) {
        // Nothing to escape (names, addresses), and it fits the room.
        c.put(b'"');
        c.put_slice(bytes);
        c.put(b'"');
    } else {
        json_escaped(c, bytes);
    }
}

/// Appends text that needs escapes or more room than a value's.
#[cold]
fn json_escaped(c: &mut Cursor<'_>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // At most 6 bytes (`\u001f`) for each byte, and the quotes.
    c.room(bytes.len() * 6 + 2);
    c.put(b'"');
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
        c.put_slice(&bytes[plain..i]);
        plain = i + 1;
        if short == b'u' {
            c.put_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]);
        } else {
            c.put_slice(&[b'\\', short]);
        }
    }
    c.put_slice(&bytes[plain..]);
    c.put(b'"');
}

/// Appends text as a CSV cell.
#[inline]
fn csv_text(c: &mut Cursor<'_>, s: &str, scratch: &mut Vec<u8>) {
    let start = c.at;
    c.room(s.len());
    c.put_slice(s.as_bytes());
    csv_quote(c, start, scratch);
}

/// Quotes the cell written since `start` when it needs it: when it holds
/// a comma, a quote, CR or LF (quotes inside are doubled).
#[inline]
pub(crate) fn csv_quote(c: &mut Cursor<'_>, start: usize, scratch: &mut Vec<u8>) {
    if c.since(start)
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        csv_requote(c, start, scratch);
    }
}

#[cold]
fn csv_requote(c: &mut Cursor<'_>, start: usize, scratch: &mut Vec<u8>) {
    scratch.clear();
    scratch.extend_from_slice(c.since(start));
    c.rewind(start);
    // Every byte doubled at most, and the quotes.
    c.room(scratch.len() * 2 + 2);
    c.put(b'"');
    for &b in scratch.iter() {
        if b == b'"' {
            c.put(b'"');
        }
        c.put(b);
    }
    c.put(b'"');
}

/// Appends an address as `Display` spells it: IPv4 from a table of
/// octets (the common case, without the formatting machinery), IPv6
/// through `Display`.
#[inline]
fn ip_text(c: &mut Cursor<'_>, ip: IpAddr) {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, d, e] = v4.octets();
            c.octet(a);
            c.put(b'.');
            c.octet(b);
            c.put(b'.');
            c.octet(d);
            c.put(b'.');
            c.octet(e);
        }
        IpAddr::V6(v6) => {
            // Writing into the line cannot fail.
            let _ = write!(c, "{v6}");
        }
    }
}

/// Appends `addr:port` as `Display` spells it (`[v6]:port`, with a v6
/// scope as `%scope`).
#[inline]
fn addr_text(c: &mut Cursor<'_>, addr: SocketAddr) {
    match addr {
        SocketAddr::V4(v4) => {
            ip_text(c, IpAddr::V4(*v4.ip()));
            c.put(b':');
            c.u64(v4.port().into());
        }
        SocketAddr::V6(v6) => {
            // Writing into the line cannot fail.
            let _ = write!(c, "{v6}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::block::Block;
    use super::*;

    fn spelt(write: impl FnOnce(&mut Cursor<'_>)) -> String {
        let mut block = Block::new(0);
        let mut cursor = block.cursor(VALUE_ROOM);
        write(&mut cursor);
        let at = cursor.at;
        block.take(at);
        String::from_utf8(block.lines().to_vec()).unwrap()
    }

    #[test]
    fn addresses_are_spelled_as_display_spells_them() {
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
                "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535",
            ]
            .map(|a| a.parse::<SocketAddr>().unwrap()),
        );
        for addr in addrs {
            assert_eq!(spelt(|c| addr_text(c, addr)), addr.to_string());
            assert_eq!(spelt(|c| ip_text(c, addr.ip())), addr.ip().to_string());
            // The longest bounded value fits the room a value is given.
            let json = spelt(|c| json_value(c, Value::Addr(addr), &mut String::new()));
            assert!(json.len() <= VALUE_ROOM, "{json}");
        }
    }

    #[test]
    fn anomaly_names_need_neither_escapes_nor_quotes() {
        for (_, name) in AnomalyFlags::ALL {
            assert!(!name
                .bytes()
                .any(|b| ESCAPED[usize::from(b)] || matches!(b, b',' | b'|' | b'\r' | b'\n')));
        }
        let all = AnomalyFlags::ALL
            .into_iter()
            .fold(AnomalyFlags::NONE, |all, (f, _)| all | f);
        assert_eq!(
            spelt(|c| json_value(c, Value::Anomalies(all), &mut String::new())),
            serde_json::to_string(&Value::Anomalies(all)).unwrap()
        );
    }
}
