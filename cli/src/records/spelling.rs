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
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::OnceLock;
use tcpphase::phase::AnomalyFlags;
use tcpphase::wire::TcpFlags;

/// Appends `value` as JSON; `scratch` holds text formatted on the way (an
/// error message) before it is escaped.
#[inline(always)]
pub(crate) fn json_value(c: &mut Cursor, value: Value<'_>, scratch: &mut String) {
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
            c.put(b'"');
            // Letters only: nothing to escape.
            tcp_flags(c, flags);
            c.put(b'"');
        }
        Value::Text(text) => c.detour(|c| {
            scratch.clear();
            // Writing into a String cannot fail.
            let _ = write!(scratch, "{text}");
            json_string(c, scratch);
        }),
    }
}

/// Appends `value` as a CSV cell, quoted when it holds a comma, a quote or
/// a line break (quotes doubled), as the csv crate quotes; only text can.
/// `scratch` holds a cell while it is quoted.
#[inline(always)]
pub(crate) fn csv_value(c: &mut Cursor, value: Value<'_>, scratch: &mut Vec<u8>) {
    match value {
        Value::U64(n) | Value::OptU64(Some(n)) => c.u64(n),
        Value::Seconds(s) | Value::OptSeconds(Some(s)) => csv_seconds(c, s),
        Value::OptU64(None) | Value::OptSeconds(None) => {}
        Value::Str(s) => csv_text(c, s, scratch),
        Value::Bool(b) => c.put_slice(if b { b"true" } else { b"false" }),
        Value::Ip(ip) => ip_text(c, ip),
        Value::Addr(addr) => addr_text(c, addr),
        Value::Anomalies(flags) => c.detour(|c| {
            for (i, name) in flags.names().enumerate() {
                // Names need no quoting (a test checks every one).
                c.room(name.len() + 1);
                if i > 0 {
                    c.put(b'|');
                }
                c.put_slice(name.as_bytes());
            }
        }),
        Value::TcpFlags(flags) => tcp_flags(c, flags),
        Value::Text(text) => c.detour(|c| {
            let start = c.at;
            // Writing into the line cannot fail.
            let _ = write!(c, "{text}");
            csv_quote(c, start, scratch);
        }),
    }
}

/// A JSON array of the flags' names.
#[inline(always)]
fn json_anomalies(c: &mut Cursor, flags: AnomalyFlags) {
    if flags == AnomalyFlags::NONE {
        c.put_slice(b"[]");
    } else {
        c.detour(|c| json_names(c, flags));
    }
}

/// The flags' names, quoted, in brackets.
#[inline(never)]
fn json_names(c: &mut Cursor, flags: AnomalyFlags) {
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
#[inline(always)]
pub(crate) fn json_string(c: &mut Cursor, s: &str) {
    let bytes = s.as_bytes();
    let len = bytes.len();
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        // 8 to 16 bytes (most names): two words, checked and copied whole.
        let (head, tail) = (u64::from_le_bytes(*head), u64::from_le_bytes(*tail));
        if len <= 16 && !escapes_any(head) && !escapes_any(tail) {
            c.put(b'"');
            c.two_words(head, tail, len);
            c.put(b'"');
            return;
        }
    } else if let (Some(head), Some(tail)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        // 4 to 7 bytes: the same with half words.
        let (head, tail) = (u32::from_le_bytes(*head), u32::from_le_bytes(*tail));
        if !escapes_any(u64::from(head) << 32 | u64::from(tail)) {
            c.put(b'"');
            c.two_half_words(head, tail, len);
            c.put(b'"');
            return;
        }
    }
    if len <= VALUE_ROOM - 2 && !bytes.iter().any(|&b| ESCAPED[usize::from(b)]) {
        // Up to 3 bytes, or more than 16 that fit the room.
        c.put(b'"');
        c.put_slice(bytes);
        c.put(b'"');
    } else {
        c.detour(|c| json_escaped(c, bytes));
    }
}

/// Whether any of a word's 8 bytes is one JSON escapes: below 0x20, `"`
/// or `\` (a byte is below n when subtracting n borrows from its top bit,
/// which was clear; a byte equals b when it xors with b to zero).
#[inline(always)]
fn escapes_any(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & TOPS;
    below(word, 0x20)
        | below(word ^ (ONES * u64::from(b'"')), 1)
        | below(word ^ (ONES * u64::from(b'\\')), 1)
        != 0
}

/// Appends text that needs escapes or more room than a value's.
#[cold]
fn json_escaped(c: &mut Cursor, bytes: &[u8]) {
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
fn csv_text(c: &mut Cursor, s: &str, scratch: &mut Vec<u8>) {
    let start = c.at;
    c.room(s.len());
    c.put_slice(s.as_bytes());
    csv_quote(c, start, scratch);
}

/// Quotes the cell written since `start` when it needs it: when it holds
/// a comma, a quote, CR or LF (quotes inside are doubled).
#[inline]
pub(crate) fn csv_quote(c: &mut Cursor, start: usize, scratch: &mut Vec<u8>) {
    if c.since(start)
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        c.detour(|c| csv_requote(c, start, scratch));
    }
}

#[cold]
fn csv_requote(c: &mut Cursor, start: usize, scratch: &mut Vec<u8>) {
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

/// The letters of TCP flags (`TcpFlags::letters`) for each of the 512
/// values of the 9 flag bits, padded, with their count in the last byte:
/// made once, then copied as one move.
fn letters_of(flags: TcpFlags) -> &'static [u8; 16] {
    static LETTERS: OnceLock<Box<[[u8; 16]; 512]>> = OnceLock::new();
    let table = LETTERS.get_or_init(|| {
        let mut table = Box::new([[0; 16]; 512]);
        for (bits, entry) in (0u16..).zip(table.iter_mut()) {
            let mut letters = [0; 9];
            let letters = TcpFlags(bits).letters(&mut letters).as_bytes();
            entry[..letters.len()].copy_from_slice(letters);
            entry[15] = letters.len() as u8;
        }
        table
    });
    // The 9 flags are the low 9 bits (a test checks every u16).
    &table[usize::from(flags.0 & 0x1ff)]
}

/// Appends TCP flag letters: `SA`, `FA`.
#[inline(always)]
fn tcp_flags(c: &mut Cursor, flags: TcpFlags) {
    let entry = letters_of(flags);
    c.copy_padded(entry, usize::from(entry[15]));
}

/// Appends an address as `Display` spells it, without the formatting
/// machinery.
#[inline(always)]
fn ip_text(c: &mut Cursor, ip: IpAddr) {
    match ip {
        IpAddr::V4(v4) => c.ipv4(v4.octets()),
        IpAddr::V6(v6) => c.detour(|c| ipv6_text(c, v6)),
    }
}

/// Appends an IPv6 address as `Display` spells it: a v4-mapped address as
/// `::ffff:a.b.c.d`; otherwise lower-case hex groups without leading
/// zeros, the first longest run of two or more zero groups as `::`.
#[inline(never)]
fn ipv6_text(c: &mut Cursor, ip: Ipv6Addr) {
    if let Some(v4) = ip.to_ipv4_mapped() {
        c.put_slice(b"::ffff:");
        c.ipv4(v4.octets());
        return;
    }
    let groups = ip.segments();
    let (mut zeros_at, mut zeros) = (0, 0);
    let mut run_at = 0;
    for (i, &group) in groups.iter().enumerate() {
        if group != 0 {
            run_at = i + 1;
        } else if i + 1 - run_at > zeros {
            (zeros_at, zeros) = (run_at, i + 1 - run_at);
        }
    }
    if zeros > 1 {
        hex_groups(c, &groups[..zeros_at]);
        c.put_slice(b"::");
        hex_groups(c, &groups[zeros_at + zeros..]);
    } else {
        hex_groups(c, &groups);
    }
}

/// Hex groups joined by `:`.
fn hex_groups(c: &mut Cursor, groups: &[u16]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, &group) in groups.iter().enumerate() {
        if i > 0 {
            c.put(b':');
        }
        let digits = (19 - (group | 1).leading_zeros()) / 4;
        for d in (0..digits).rev() {
            c.put(HEX[usize::from(group >> (4 * d) & 0xf)]);
        }
    }
}

/// Appends `addr:port` as `Display` spells it (`[v6]:port`, with a
/// scope other than 0 as `%scope`).
#[inline(always)]
fn addr_text(c: &mut Cursor, addr: SocketAddr) {
    match addr {
        SocketAddr::V4(v4) => c.ipv4(v4.ip().octets()),
        SocketAddr::V6(v6) => c.detour(|c| {
            c.put(b'[');
            ipv6_text(c, *v6.ip());
            if v6.scope_id() != 0 {
                c.put(b'%');
                c.u64(v6.scope_id().into());
            }
            c.put(b']');
        }),
    }
    c.put(b':');
    c.u64(addr.port().into());
}

#[cfg(test)]
mod tests {
    use super::super::block::Block;
    use super::*;

    fn spelt(write: impl FnOnce(&mut Cursor)) -> String {
        let mut block = Block::new(0);
        let mut cursor = block.cursor(VALUE_ROOM);
        write(&mut cursor);
        block.keep(cursor);
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
                "[::1.2.3.4]:9",
                "[::ffff:0:0]:1",
                "[::]:0",
                "[1::]:1",
                "[1:0:0:2:0:0:0:3]:1",
                "[1:0:0:2:0:0:3:4]:1",
                "[1:0:2:0:3:0:4:0]:1",
                "[0:1:0:1:0:1:0:1%7]:1",
                "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535",
            ]
            .map(|a| a.parse::<SocketAddr>().unwrap()),
        );
        // Random groups, many of them zero (runs of every length).
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let groups: [u16; 8] = std::array::from_fn(|i| {
                if x >> (i + 40) & 1 == 0 {
                    0
                } else {
                    (x >> (4 * i)) as u16
                }
            });
            let scope = if x & 3 == 0 { (x >> 32) as u32 } else { 0 };
            addrs.push(std::net::SocketAddrV6::new(groups.into(), x as u16, 0, scope).into());
        }
        for addr in addrs {
            assert_eq!(spelt(|c| addr_text(c, addr)), addr.to_string());
            assert_eq!(spelt(|c| ip_text(c, addr.ip())), addr.ip().to_string());
            // The longest bounded value fits the room a value is given.
            let json = spelt(|c| json_value(c, Value::Addr(addr), &mut String::new()));
            assert!(json.len() <= VALUE_ROOM, "{json}");
        }
    }

    #[test]
    fn strings_of_every_short_length_are_escaped_as_serde_json_escapes_them() {
        let specials = [
            "\"", "\\", "\n", "\u{0}", "\u{1f}", "\u{7f}", " ", "é", "✓", "🦀", "a",
        ];
        for len in 0..=20 {
            for at in 0..=len {
                for special in specials {
                    let mut text = "x".repeat(len);
                    text.insert_str(at, special);
                    for text in [
                        text.clone(),
                        text.replace('x', "\u{a2}"),
                        text.replace('x', "!"),
                    ] {
                        assert_eq!(
                            spelt(|c| json_string(c, &text)),
                            serde_json::to_string(&text).unwrap(),
                            "{text:?}"
                        );
                    }
                }
            }
        }
        // Bytes on either side of each escaped range, in every lane.
        for b in 0u8..=0x7f {
            for len in 1..=16 {
                for at in 0..len {
                    let mut bytes = vec![b'x'; len];
                    bytes[at] = b;
                    let text = String::from_utf8(bytes).unwrap();
                    assert_eq!(
                        spelt(|c| json_string(c, &text)),
                        serde_json::to_string(&text).unwrap(),
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn tcp_flags_are_spelled_as_the_core_spells_them() {
        for bits in 0..=u16::MAX {
            let mut letters = [0; 9];
            assert_eq!(
                spelt(|c| tcp_flags(c, TcpFlags(bits))),
                TcpFlags(bits).letters(&mut letters),
                "{bits:#x}"
            );
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
