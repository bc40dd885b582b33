//! Every command run as a person runs it: from files and from standard
//! input, on several files as one capture, with filters, state spellings,
//! colour only on a terminal, and a progress bar only on a terminal.

mod common;
use common::*;

#[test]
fn every_command_reads_standard_input_like_the_file() {
    let path = recording("half-close.pcap");
    let bytes = std::fs::read(&path).unwrap();
    for cmd in [
        &["annotate"][..],
        &["annotate", "--json"],
        &["annotate", "--csv"],
        &["conns"],
        &["conns", "--json"],
        &["states", "--all"],
        &["states", "--json", "--at", "9"],
        &["diagram", "--stream", "0"],
        &["diagram", "--stream", "0", "--json"],
        &["diagram", "--stream", "0", "--svg", "-"],
    ] {
        let mut from_file = cmd.to_vec();
        from_file.push(&path);
        let mut from_stdin = cmd.to_vec();
        from_stdin.push("-");
        let a = tcpphase(&from_file, None);
        let b = tcpphase(&from_stdin, Some(&bytes));
        assert_eq!((a.code, b.code), (0, 0), "{cmd:?}: {} {}", a.err, b.err);
        assert_eq!((a.err.as_str(), b.err.as_str()), ("", ""));
        assert!(!a.out.is_empty(), "{cmd:?}");
        assert_eq!(a.out, b.out, "{cmd:?}");
    }
}

/// The recording cut in three files, written in `dir`.
fn rotated(dir: &std::path::Path, name: &str) -> Vec<String> {
    let pcap = Pcap::read(&recording(name));
    let n = pcap.records.len();
    let cuts = [0, n / 3, 2 * n / 3, n];
    (0..3)
        .map(|i| {
            let path = dir.join(format!("ring_{i:05}.pcap"));
            std::fs::write(&path, pcap.file_of(cuts[i]..cuts[i + 1])).unwrap();
            path.to_string_lossy().into_owned()
        })
        .collect()
}

#[test]
fn rotated_files_read_as_one_capture_in_timestamp_order() {
    let dir = temp_dir("rotated");
    for name in ["port-reuse.pcap", "data-bulk.pcap", "half-close.pcap"] {
        let whole = recording(name);
        let parts = rotated(&dir, name);
        // Given in any order, with standard input among them.
        let reversed: Vec<&str> = parts.iter().rev().map(String::as_str).collect();
        let middle = std::fs::read(&parts[1]).unwrap();
        let with_stdin = [parts[2].as_str(), "-", parts[0].as_str()];
        for cmd in [
            &["annotate", "--json"][..],
            &["annotate"],
            &["conns", "--json"],
            &["states", "--all", "--at", "9"],
            &["diagram", "--stream", "0", "--full"],
        ] {
            let one = tcpphase(&[cmd, &[whole.as_str()]].concat(), None);
            let three = tcpphase(&[cmd, &reversed[..]].concat(), None);
            let piped = tcpphase(&[cmd, &with_stdin[..]].concat(), Some(&middle));
            assert_eq!(
                (one.code, three.code, piped.code),
                (0, 0, 0),
                "{}",
                three.err
            );
            assert_eq!(one.out, three.out, "{name} {cmd:?}");
            assert_eq!(one.out, piped.out, "{name} {cmd:?} with standard input");
        }
    }
}

#[test]
fn filters_on_every_command() {
    let file = recording("port-reuse.pcap");
    let lines = |args: &[&str]| {
        let run = tcpphase(&[args, &[file.as_str()]].concat(), None);
        assert_eq!(run.code, 0, "{args:?}: {}", run.err);
        run.out
    };
    // annotate: 22 segments, 11 per stream, 6 in the closes.
    assert_eq!(lines(&["annotate"]).lines().count(), 22);
    assert_eq!(lines(&["annotate", "--stream", "1"]).lines().count(), 11);
    assert_eq!(lines(&["annotate", "--stream", "0,1"]).lines().count(), 22);
    assert_eq!(lines(&["annotate", "--port", "47010"]).lines().count(), 22);
    assert_eq!(lines(&["annotate", "--port", "80"]).lines().count(), 0);
    assert_eq!(
        lines(&["annotate", "--host", "127.0.0.2"]).lines().count(),
        0
    );
    let closes = lines(&["annotate", "--phase", "close", "--stream", "0"]);
    assert_eq!(closes.lines().count(), 4);
    assert!(closes.lines().all(|l| l.contains("-close ")), "{closes}");
    let resets = lines(&["annotate", "--phase", "reset,handshake"]);
    assert_eq!(resets.lines().count(), 6);
    // conns: the header and one line per connection.
    assert_eq!(lines(&["conns"]).lines().count(), 3);
    assert_eq!(lines(&["conns", "--stream", "1"]).lines().count(), 2);
    assert_eq!(lines(&["conns", "--phase", "reset"]).lines().count(), 1);
    assert_eq!(
        lines(&["conns", "--json", "--host", "127.0.0.1", "--port", "47510"])
            .lines()
            .count(),
        2
    );
    // states and diagram.
    assert_eq!(
        lines(&["states", "--all", "--json", "--stream", "0"])
            .lines()
            .count(),
        2
    );
    assert_eq!(
        lines(&["states", "--all", "--json", "--port", "1"])
            .lines()
            .count(),
        0
    );
    let drawn = lines(&["diagram", "--stream", "1", "--phase", "handshake", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&drawn).unwrap();
    assert_eq!(v["segments"].as_array().unwrap().len(), 3);
}

#[test]
fn style_spells_states_as_rfc_netstat_and_ss() {
    let file = recording("http-server-closes.pcap");
    let state_at = |frame: &str, style: &str| {
        let run = tcpphase(
            &["states", "--json", "--at", frame, "--style", style, &file],
            None,
        );
        assert_eq!(run.code, 0, "{}", run.err);
        run.out
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["state"].as_str().unwrap().to_string()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(state_at("2", "rfc"), ["SYN-SENT", "SYN-RECEIVED"]);
    assert_eq!(state_at("2", "netstat"), ["SYN_SENT", "SYN_RECV"]);
    assert_eq!(state_at("2", "ss"), ["SYN-SENT", "SYN-RECV"]);
    assert_eq!(state_at("8", "rfc"), ["ESTABLISHED", "FIN-WAIT-1"]);
    assert_eq!(state_at("8", "netstat"), ["ESTABLISHED", "FIN_WAIT1"]);
    assert_eq!(state_at("8", "ss"), ["ESTAB", "FIN-WAIT-1"]);
    assert_eq!(state_at("9", "rfc"), ["CLOSE-WAIT", "FIN-WAIT-2"]);
    assert_eq!(state_at("9", "netstat"), ["CLOSE_WAIT", "FIN_WAIT2"]);
    assert_eq!(state_at("9", "ss"), ["CLOSE-WAIT", "FIN-WAIT-2"]);
    assert_eq!(state_at("10", "netstat"), ["LAST_ACK", "FIN_WAIT2"]);
    assert_eq!(state_at("11", "ss"), ["TIME-WAIT"]);
    // 2 x MSL (60 s) after the last ACK the TIME-WAIT endpoint has closed,
    // by its timer: no frame moved it.
    let later = tcpphase(
        &["states", "--all", "--json", "--at-time", "100", &file],
        None,
    );
    let server: serde_json::Value =
        serde_json::from_str(later.out.lines().nth(1).unwrap()).unwrap();
    assert_eq!(server["state"], "CLOSED");
    assert_eq!(server["frame"], serde_json::Value::Null);
    let by_time = tcpphase(
        &["states", "--at-time", "0.35", "--style", "netstat", &file],
        None,
    );
    assert!(by_time.out.contains("CLOSE_WAIT") && by_time.out.contains("FIN_WAIT2"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let file = recording("half-close.pcap");
    // Standard output is a pipe here: no colour unless --color always,
    // which wins over NO_COLOR.
    for args in [&["annotate"][..], &["diagram", "--stream", "0"]] {
        let plain = tcpphase(&[args, &[file.as_str()]].concat(), None);
        assert!(!plain.out.contains('\x1b'), "{args:?}");
        let never = tcpphase(&[args, &["--color", "never", file.as_str()]].concat(), None);
        assert_eq!(never.out, plain.out);
        let always = tcpphase_env(
            &[args, &["--color", "always", file.as_str()]].concat(),
            None,
            &[("NO_COLOR", "1")],
        );
        assert!(
            always.out.contains("\x1b[32m"),
            "{args:?}: handshake in green"
        );
        assert!(always.out.contains("\x1b[0m"));
    }
    // JSON, CSV and SVG are never coloured.
    for args in [
        &["annotate", "--json"][..],
        &["annotate", "--csv"],
        &["diagram", "--stream", "0", "--json"],
        &["diagram", "--stream", "0", "--svg", "-"],
    ] {
        let run = tcpphase(
            &[args, &["--color", "always", file.as_str()]].concat(),
            None,
        );
        assert_eq!(run.code, 0, "{}", run.err);
        assert!(!run.out.contains('\x1b'), "{args:?}");
    }
}

/// Runs `command` in a pseudo-terminal (util-linux `script`) of type
/// xterm, returning
/// what the terminal showed; `None` where `script` is missing.
fn on_a_terminal(command: &str, env: &[(&str, &str)]) -> Option<String> {
    let mut cmd = std::process::Command::new("script");
    // A terminal that can redraw a line (CI runs without TERM).
    cmd.args(["-qfec", command, "/dev/null"])
        .env("TERM", "xterm")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn colour_and_progress_on_a_terminal_and_nothing_elsewhere() {
    let bin = env!("CARGO_BIN_EXE_tcpphase");
    // Five copies of one recording: a read long enough for the bar (the
    // same file named five times is refused).
    let dir = temp_dir("progress");
    let copies: Vec<String> = (0..5)
        .map(|i| {
            let copy = dir.join(format!("bulk{i}.pcap"));
            std::fs::copy(recording("data-bulk.pcap"), &copy).unwrap();
            copy.to_string_lossy().into_owned()
        })
        .collect();
    let five = copies.join(" ");
    // Not a terminal: standard error stays empty.
    let mut args = vec!["states"];
    args.extend(copies.iter().map(String::as_str));
    let quiet = tcpphase_env(&args, None, &[("TCPPHASE_PROGRESS_DELAY_MS", "0")]);
    assert_eq!((quiet.code, quiet.err.as_str()), (0, ""));

    let Some(shown) = on_a_terminal(
        &format!("{bin} states {five} > /dev/null"),
        &[("TCPPHASE_PROGRESS_DELAY_MS", "0")],
    ) else {
        eprintln!("no `script` here: skipping the terminal half");
        return;
    };
    assert!(shown.contains("reading ["), "{shown:?}");
    assert!(shown.contains("KiB/359.30 KiB"), "{shown:?}");
    assert!(shown.contains("frames/s"), "{shown:?}");
    // Output to the terminal: coloured, unless NO_COLOR.
    let file = recording("refused.pcap");
    let coloured = on_a_terminal(&format!("{bin} annotate {file}"), &[]).unwrap();
    assert!(coloured.contains("\x1b[1;31m"), "{coloured:?}");
    let plain = on_a_terminal(&format!("{bin} annotate {file}"), &[("NO_COLOR", "1")]).unwrap();
    assert!(!plain.contains('\x1b'), "{plain:?}");
    assert!(plain.contains("refused"));
}

#[test]
fn help_shows_examples_for_every_command() {
    let top = tcpphase(&["--help"], None);
    assert_eq!(top.code, 0);
    for word in [
        "annotate",
        "conns",
        "states",
        "diagram",
        "Examples:",
        "Exit status",
    ] {
        assert!(top.out.contains(word), "{word}: {}", top.out);
    }
    for cmd in ["annotate", "conns", "states", "diagram"] {
        let help = tcpphase(&[cmd, "--help"], None);
        assert_eq!(help.code, 0);
        assert!(help.out.contains("Examples:"), "{cmd}");
        assert!(help.out.contains(&format!("tcpphase {cmd} ")), "{cmd}");
        for filter in ["--port", "--host", "--phase", "--stream"] {
            assert!(help.out.contains(filter), "{cmd} {filter}");
        }
    }
}
