//! `tcpphase conns --zeek` / `--zeek-json`: Zeek's conn.log, TCP
//! connections only, bounded by Zeek's timers ([`tcpphase::zeek`]), in
//! Zeek's ASCII (TSV) log format or its JSON log format.

use crate::error::{outcome, CommandError, Failure};
use crate::filter::Filter;
use crate::input::{read_frames, Flow, Source};
use std::io::Write;
use tcpphase::wire::{decode_frame_linktype, Decoded, WireError};
use tcpphase::zeek::{ServerPorts, ZeekConfig, ZeekConnRecord, ZeekSessions};

/// Which of Zeek's log formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZeekFormat {
    /// Zeek's ASCII log: tab-separated, with its `#` header lines.
    Tsv,
    /// Zeek's JSON log: one object per line, unset fields left out.
    Json,
}

/// conn.log's fields, in Zeek's order, with their Zeek types: those of
/// Zeek 8's conn.log, which ends in `ip_proto` (Zeek's own test baselines
/// have it too).
pub const FIELDS: [(&str, &str); 22] = [
    ("ts", "time"),
    ("uid", "string"),
    ("id.orig_h", "addr"),
    ("id.orig_p", "port"),
    ("id.resp_h", "addr"),
    ("id.resp_p", "port"),
    ("proto", "enum"),
    ("service", "string"),
    ("duration", "interval"),
    ("orig_bytes", "count"),
    ("resp_bytes", "count"),
    ("conn_state", "string"),
    ("local_orig", "bool"),
    ("local_resp", "bool"),
    ("missed_bytes", "count"),
    ("history", "string"),
    ("orig_pkts", "count"),
    ("orig_ip_bytes", "count"),
    ("resp_pkts", "count"),
    ("resp_ip_bytes", "count"),
    ("tunnel_parents", "set[string]"),
    ("ip_proto", "count"),
];

/// Parses `NAME=VALUE` for `--zeek-opt` into `config`: a timer of
/// [`ZeekConfig::TIMER_NAMES`] in seconds, a byte count of
/// [`ZeekConfig::COUNT_NAMES`], `report_gaps_for_partial=T|F`,
/// `ignore_checksums=T|F`, `connection_partial_close=T|F` (as if a script
/// handled that event), `likely_server_ports=PORT,...` (empty: none, as
/// `zeek -b` without protocol scripts) or
/// `Site::private_address_space_is_local=T|F`.
pub fn set_option(config: &mut ZeekConfig, text: &str) -> Result<(), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not NAME=VALUE"))?;
    let flag = |v: &str| match v {
        "T" | "true" => Ok(true),
        "F" | "false" => Ok(false),
        _ => Err(format!("{name} takes T or F, not '{v}'")),
    };
    match name {
        "report_gaps_for_partial" => config.report_gaps_for_partial = flag(value)?,
        "ignore_checksums" => config.ignore_checksums = flag(value)?,
        "connection_partial_close" => config.connection_partial_close = flag(value)?,
        "Site::private_address_space_is_local" => {
            config.private_address_space_is_local = flag(value)?
        }
        "likely_server_ports" => {
            let ports = value
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.trim_end_matches("/tcp")
                        .parse::<u16>()
                        .map_err(|_| format!("likely_server_ports: '{p}' is not a port"))
                })
                .collect::<Result<Vec<u16>, String>>()?;
            config.likely_server_ports = ServerPorts::of(&ports).ok_or_else(|| {
                format!(
                    "likely_server_ports: at most {} ports, not {}",
                    ServerPorts::MAX,
                    ports.len()
                )
            })?;
        }
        _ if ZeekConfig::COUNT_NAMES.contains(&name) => {
            let bytes: u64 = value
                .trim()
                .parse()
                .map_err(|_| format!("{name}: '{value}' is not a number of bytes"))?;
            config.set_count(name, bytes);
        }
        _ => {
            let secs: f64 = value
                .trim_end_matches("secs")
                .trim_end_matches("sec")
                .trim()
                .parse()
                .map_err(|_| format!("{name}: '{value}' is not a number of seconds"))?;
            if !secs.is_finite() || secs < 0.0 {
                return Err(format!("{name}: '{value}' is not a duration"));
            }
            if !config.set_timer(name, (secs * 1e9).round() as u64) {
                return Err(format!(
                    "unknown Zeek option '{name}'; known: {}, {}, report_gaps_for_partial, ignore_checksums, connection_partial_close, likely_server_ports, Site::private_address_space_is_local",
                    ZeekConfig::TIMER_NAMES.join(", "),
                    ZeekConfig::COUNT_NAMES.join(", ")
                ));
            }
        }
    }
    Ok(())
}

/// `--zeek-opt`'s check, for the argument parser: the option as given
/// when [`set_option`] takes it.
pub fn check_option(text: &str) -> Result<String, String> {
    set_option(&mut ZeekConfig::default(), text).map(|()| text.to_string())
}

/// `conns --zeek` (`json`: `--zeek-json`) with its `--zeek-opt` settings
/// (already checked by [`check_option`]); `#open` is the wall clock, as
/// Zeek writes it.
pub fn run_cli(
    source: &Source,
    filter: &Filter,
    options: &[String],
    json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut config = ZeekConfig::default();
    for option in options {
        set_option(&mut config, option).map_err(|e| CommandError::usage("--zeek-opt", e))?;
    }
    let format = if json {
        ZeekFormat::Json
    } else {
        ZeekFormat::Tsv
    };
    let opened = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    run(source, filter, config, format, opened, out)
}

/// Writes the conn.log of `source` into `out`. `--port` and `--host` of
/// `filter` choose rows; `opened` is the `#open` / `#close` time (seconds
/// since the epoch; Zeek writes the wall clock).
pub fn run(
    source: &Source,
    filter: &Filter,
    config: ZeekConfig,
    format: ZeekFormat,
    opened: u64,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut sessions = ZeekSessions::new(config);
    let mut line = String::with_capacity(256);
    let mut failed: Option<CommandError> = None;
    if format == ZeekFormat::Tsv {
        if let Err(e) = write_header(out, opened) {
            return Err(Failure(vec![CommandError::stdout(e)]));
        }
    }
    // Frames of a link type tcpphase does not read: told once per file and
    // link type, as the other commands do.
    let mut skipped: Vec<(String, u32, u64, u64)> = Vec::new();
    let mut problems = read_frames(source, |frame| {
        match decode_frame_linktype(frame.linktype, frame.data) {
            Ok(Decoded::Tcp(segment)) => sessions.feed_segment(frame.ts_ns, &segment),
            Err(WireError::UnsupportedLinkType { linktype }) => {
                match skipped
                    .iter_mut()
                    .find(|s| s.1 == linktype && s.0 == frame.input)
                {
                    Some(s) => s.3 += 1,
                    None => skipped.push((frame.input.to_string(), linktype, frame.number, 1)),
                }
            }
            // Not TCP, or a frame that does not parse: Zeek logs no TCP
            // connection for it either.
            _ => {}
        }
        while let Some(r) = sessions.next_record() {
            write_row(out, &mut line, &r, filter, format).map_err(CommandError::stdout)?;
        }
        Ok(Flow::Continue)
    });
    problems.extend(skipped.into_iter().map(|(input, linktype, first, count)| {
        CommandError::input(
            input,
            format!(
                "unsupported link type {linktype} from frame {first}: {count} frame(s) skipped"
            ),
        )
    }));
    sessions.finish();
    while let Some(r) = sessions.next_record() {
        if let Err(e) = write_row(out, &mut line, &r, filter, format) {
            failed = Some(CommandError::stdout(e));
            break;
        }
    }
    if format == ZeekFormat::Tsv && failed.is_none() {
        if let Err(e) = writeln!(out, "#close\t{}", zeek_date(opened)) {
            failed = Some(CommandError::stdout(e));
        }
    }
    if let Err(e) = out.flush() {
        failed.get_or_insert(CommandError::stdout(e));
    }
    problems.extend(failed);
    outcome(problems)
}

fn write_header(out: &mut dyn Write, opened: u64) -> std::io::Result<()> {
    let names: Vec<&str> = FIELDS.iter().map(|f| f.0).collect();
    let types: Vec<&str> = FIELDS.iter().map(|f| f.1).collect();
    write!(
        out,
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t{}\n#fields\t{}\n#types\t{}\n",
        zeek_date(opened),
        names.join("\t"),
        types.join("\t")
    )
}

fn wanted(filter: &Filter, r: &ZeekConnRecord) -> bool {
    (filter.ports.is_empty() || filter.ports.iter().any(|&p| p == r.orig.1 || p == r.resp.1))
        && (filter.hosts.is_empty()
            || filter
                .hosts
                .iter()
                .any(|h| h.contains(r.orig.0) || h.contains(r.resp.0)))
}

/// One row into `line` (reused), then out.
fn write_row(
    out: &mut dyn Write,
    line: &mut String,
    r: &ZeekConnRecord,
    filter: &Filter,
    format: ZeekFormat,
) -> std::io::Result<()> {
    if !wanted(filter, r) {
        return Ok(());
    }
    line.clear();
    match format {
        ZeekFormat::Tsv => tsv_row(line, r),
        ZeekFormat::Json => json_row(line, r),
    }
    out.write_all(line.as_bytes())
}

/// Zeek's `time` / `interval` in seconds with 6 decimals (microseconds,
/// truncated as pcap's timeval is).
fn seconds(ns: u64) -> String {
    format!("{}.{:06}", ns / 1_000_000_000, (ns % 1_000_000_000) / 1_000)
}

fn tsv_row(line: &mut String, r: &ZeekConnRecord) {
    use std::fmt::Write as _;
    let opt = |v: Option<u64>| v.map_or("-".to_string(), |n| n.to_string());
    let flag = |v: Option<bool>| match v {
        Some(true) => "T",
        Some(false) => "F",
        None => "-",
    };
    let _ = writeln!(
        line,
        "{}\t{}\t{}\t{}\t{}\t{}\ttcp\t-\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t-\t6",
        seconds(r.ts),
        r.uid,
        r.orig.0,
        r.orig.1,
        r.resp.0,
        r.resp.1,
        r.duration.map_or("-".to_string(), seconds),
        opt(r.orig_bytes),
        opt(r.resp_bytes),
        r.conn_state,
        flag(r.local_orig),
        flag(r.local_resp),
        r.missed_bytes,
        r.history.as_deref().unwrap_or("-"),
        r.orig_pkts,
        r.orig_ip_bytes,
        r.resp_pkts,
        r.resp_ip_bytes,
    );
}

fn json_row(line: &mut String, r: &ZeekConnRecord) {
    use std::fmt::Write as _;
    let _ = write!(
        line,
        "{{\"ts\":{},\"uid\":\"{}\",\"id.orig_h\":\"{}\",\"id.orig_p\":{},\"id.resp_h\":\"{}\",\"id.resp_p\":{},\"proto\":\"tcp\"",
        json_seconds(r.ts),
        r.uid,
        r.orig.0,
        r.orig.1,
        r.resp.0,
        r.resp.1
    );
    if let (Some(d), Some(o), Some(p)) = (r.duration, r.orig_bytes, r.resp_bytes) {
        let _ = write!(
            line,
            ",\"duration\":{},\"orig_bytes\":{o},\"resp_bytes\":{p}",
            json_seconds(d)
        );
    }
    let _ = write!(line, ",\"conn_state\":\"{}\"", r.conn_state);
    if let (Some(o), Some(p)) = (r.local_orig, r.local_resp) {
        let _ = write!(line, ",\"local_orig\":{o},\"local_resp\":{p}");
    }
    let _ = write!(line, ",\"missed_bytes\":{}", r.missed_bytes);
    if let Some(h) = &r.history {
        // History letters need no JSON escaping.
        let _ = write!(line, ",\"history\":\"{h}\"");
    }
    let _ = writeln!(
        line,
        ",\"orig_pkts\":{},\"orig_ip_bytes\":{},\"resp_pkts\":{},\"resp_ip_bytes\":{},\"ip_proto\":6}}",
        r.orig_pkts, r.orig_ip_bytes, r.resp_pkts, r.resp_ip_bytes
    );
}

/// Seconds as Zeek's JSON writer gives a double: the shortest form.
fn json_seconds(ns: u64) -> String {
    let micros = ns / 1_000;
    let value = (micros / 1_000_000) as f64 + (micros % 1_000_000) as f64 / 1e6;
    format!("{value}")
}

/// `#open` / `#close`: `YYYY-MM-DD-HH-MM-SS` (UTC).
pub fn zeek_date(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}-{:02}-{:02}-{:02}",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_and_the_partial_close_handler_are_options() {
        let mut c = ZeekConfig::default();
        set_option(&mut c, "tcp_max_initial_window=0").unwrap();
        set_option(&mut c, "tcp_excessive_data_without_further_acks=2500").unwrap();
        set_option(&mut c, "tcp_partial_close_delay=1.5").unwrap();
        set_option(&mut c, "connection_partial_close=T").unwrap();
        assert_eq!(c.tcp_max_initial_window, 0);
        assert_eq!(c.tcp_excessive_data_without_further_acks, 2500);
        assert_eq!(c.tcp_partial_close_delay, 1_500_000_000);
        assert!(c.connection_partial_close);
        assert!(set_option(&mut c, "tcp_max_initial_window=1.5").is_err());
        assert!(c.likely_server_ports.contains(80));
        set_option(&mut c, "likely_server_ports=").unwrap();
        assert!(!c.likely_server_ports.contains(80));
        set_option(&mut c, "likely_server_ports=8443/tcp,80").unwrap();
        assert!(c.likely_server_ports.contains(8443) && c.likely_server_ports.contains(80));
        assert!(set_option(&mut c, "likely_server_ports=http").is_err());
    }

    #[test]
    fn zeek_dates() {
        assert_eq!(zeek_date(0), "1970-01-01-00-00-00");
        assert_eq!(zeek_date(1_700_000_000), "2023-11-14-22-13-20");
    }

    #[test]
    fn json_seconds_are_shortest_microseconds() {
        assert_eq!(json_seconds(1_258_531_221_486_539_000), "1258531221.486539");
        assert_eq!(json_seconds(163_000_000), "0.163");
    }
}
