//! Every kind of trouble, for a person: one line on standard error naming
//! the file, what is wrong and where; exit status 1 for bad input and 2
//! for a bad command line; never a panic or a backtrace; the good frames
//! still printed.

mod common;
use common::*;

/// One line, `tcpphase: ` first, no panic, no backtrace.
fn one_clean_line(err: &str) {
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("tcpphase: "), "{err}");
    for sign in ["panicked", "backtrace", "RUST_BACKTRACE", "internal error"] {
        assert!(!err.contains(sign), "{err}");
    }
}

#[test]
fn not_a_capture_on_every_command() {
    for cmd in [
        &["annotate", "-"][..],
        &["conns", "-"],
        &["states", "-"],
        &["diagram", "--stream", "0", "-"],
    ] {
        let run = tcpphase(cmd, Some(b"GET / HTTP/1.1\r\nHost: example\r\n\r\n"));
        assert_eq!(run.code, 1, "{cmd:?}");
        one_clean_line(&run.err);
        assert_eq!(
            run.err.trim(),
            "tcpphase: -: not a pcap or pcapng file (starts with 47 45 54 20)"
        );
    }
    let empty = tcpphase(&["annotate", "-"], Some(b""));
    assert_eq!(empty.code, 1);
    assert_eq!(
        empty.err.trim(),
        "tcpphase: -: empty input: not a capture file"
    );
}

#[test]
fn a_truncated_file_names_the_byte_and_the_frame_after_the_good_frames() {
    let dir = temp_dir("truncated");
    let bytes = std::fs::read(recording("http-server-closes.pcap")).unwrap();
    let path = dir.join("cut.pcap");
    std::fs::write(&path, &bytes[..bytes.len() - 30]).unwrap();
    let path = path.to_str().unwrap();
    for cmd in [
        &["annotate"][..],
        &["conns", "--json"],
        &["states", "--all"],
    ] {
        let mut args = cmd.to_vec();
        args.push(path);
        let run = tcpphase(&args, None);
        assert_eq!(run.code, 1, "{cmd:?}");
        one_clean_line(&run.err);
        assert_eq!(
            run.err.trim(),
            format!("tcpphase: {path}: file truncated: record at byte 1057 is incomplete (after frame 10)")
        );
        assert!(
            !run.out.is_empty(),
            "{cmd:?}: the good frames are still used"
        );
    }
    let run = tcpphase(&["annotate", path], None);
    assert_eq!(run.out.lines().count(), 10);
    let run = tcpphase(&["diagram", "--stream", "0", path], None);
    assert_eq!(run.code, 1);
    assert!(run.out.contains("10 segments"), "{}", run.out);
}

#[test]
fn an_unsupported_link_type_is_one_line_not_one_per_frame() {
    let pcap = Pcap::read(&recording("http-server-closes.pcap"));
    // A whole file of it.
    let mut user0 = pcap.file_of(0..pcap.records.len());
    user0[20..24].copy_from_slice(&147u32.to_le_bytes());
    let run = tcpphase(&["annotate", "-"], Some(&user0));
    assert_eq!((run.code, run.out.as_str()), (1, ""));
    one_clean_line(&run.err);
    assert_eq!(
        run.err.trim(),
        "tcpphase: -: unsupported link type 147 (DLT_USER, private use) from frame 1 (byte 24): \
         11 frames skipped; tcpphase reads Ethernet, Linux cooked capture (v1, v2), BSD loopback and raw IPv4/IPv6"
    );
    // A pcapng whose second interface is USB: the TCP frames are all
    // annotated, numbered as Wireshark numbers them, and one line tells
    // of the others.
    let mixed = pcapng_with_a_second_link_type(&pcap, 220);
    for json in [false, true] {
        let args: &[&str] = if json {
            &["annotate", "--json", "-"]
        } else {
            &["annotate", "-"]
        };
        let run = tcpphase(args, Some(&mixed));
        assert_eq!(run.code, 1);
        assert_eq!(run.out.lines().count(), 11, "{}", run.out);
        assert!(!run.out.contains("malformed"), "{}", run.out);
        let first = run.out.lines().next().unwrap();
        assert!(first.trim_start().starts_with('1') || first.contains("\"frame\":1,"));
        let last = run.out.lines().last().unwrap();
        assert!(
            last.trim_start().starts_with("21 ") || last.contains("\"frame\":21,"),
            "{last}"
        );
        one_clean_line(&run.err);
        assert!(
            run.err.starts_with(
                "tcpphase: -: unsupported link type 220 (Linux USB) from frame 2 (byte "
            ),
            "{}",
            run.err
        );
        assert!(run.err.contains("11 frames skipped"), "{}", run.err);
    }
}

#[test]
fn unreadable_inputs_missing_files_and_directories() {
    let run = tcpphase(&["conns", "/nonexistent/capture.pcap"], None);
    assert_eq!(run.code, 1);
    one_clean_line(&run.err);
    assert_eq!(
        run.err.trim(),
        "tcpphase: /nonexistent/capture.pcap: cannot open: No such file or directory (os error 2)"
    );
    let dir = temp_dir("directory");
    let dir = dir.to_str().unwrap();
    let run = tcpphase(&["states", dir], None);
    assert_eq!(run.code, 1);
    one_clean_line(&run.err);
    assert_eq!(
        run.err.trim(),
        format!("tcpphase: {dir}: is a directory, not a capture file")
    );
}

#[test]
fn a_bad_file_among_several_is_told_and_the_others_are_read() {
    let good = recording("refused.pcap");
    let run = tcpphase(&["annotate", "/nonexistent/a.pcap", &good], None);
    assert_eq!(run.code, 1);
    assert_eq!(run.out.lines().count(), 2);
    one_clean_line(&run.err);
    assert!(
        run.err.contains("/nonexistent/a.pcap: cannot open"),
        "{}",
        run.err
    );
}

#[test]
fn an_unknown_stream_names_the_streams_there_are() {
    let file = recording("port-reuse.pcap");
    for cmd in [
        &["diagram", "--stream", "7"][..],
        &["annotate", "--stream", "7"],
        &["conns", "--stream", "7"],
        &["states", "--stream", "7"],
    ] {
        let mut args = cmd.to_vec();
        args.push(&file);
        let run = tcpphase(&args, None);
        assert_eq!(run.code, 1, "{cmd:?}");
        one_clean_line(&run.err);
        assert_eq!(
            run.err.trim(),
            format!("tcpphase: {file}: no stream 7: the capture has streams 0 to 1"),
            "{cmd:?}"
        );
    }
    let run = tcpphase(&["states", "--at", "3", "--stream", "1", &file], None);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.err.trim(),
        format!("tcpphase: {file}: no stream 1: the capture has only stream 0 up to frame 3")
    );
    let run = tcpphase(&["states", "--at", "99", &file], None);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.err.trim(),
        format!("tcpphase: {file}: no frame 99: the capture has 22 frames")
    );
    let run = tcpphase(&["diagram", "--stream", "0", "--port", "9", &file], None);
    assert_eq!(run.code, 1);
    one_clean_line(&run.err);
    assert!(
        run.err.contains("stream 0 has no segment that passes"),
        "{}",
        run.err
    );
}

#[test]
fn usage_errors_exit_with_status_2() {
    let file = recording("refused.pcap");
    for args in [
        &["annotate"][..],
        &["frobnicate", &file],
        &["annotate", "--json", "--csv", &file],
        &["annotate", "--phase", "finish", &file],
        &["annotate", "--port", "http", &file],
        &["annotate", "--host", "example.com", &file],
        &["annotate", "--color", "sometimes", &file],
        &["states", "--at", "0", &file],
        &["states", "--at", "3", "--at-time", "1", &file],
        &["states", "--at-time", "-1", &file],
        &["states", "--style", "bsd", &file],
        &["diagram", &file],
        &["diagram", "--stream", "x", &file],
        &["annotate", "-", "-"],
    ] {
        let run = tcpphase(args, Some(b""));
        assert_eq!(run.code, 2, "{args:?}: {}", run.err);
        assert!(run.err.starts_with("error: "), "{args:?}: {}", run.err);
        assert!(!run.err.contains("panicked"), "{}", run.err);
        assert_eq!(run.out, "");
    }
    let run = tcpphase(&["annotate", "--phase", "finish", &file], None);
    assert!(run.err.contains("unknown phase 'finish'"), "{}", run.err);
}

#[test]
fn garbage_after_a_good_header_never_panics() {
    let pcap = Pcap::read(&recording("http-server-closes.pcap"));
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for round in 0..40 {
        let mut bytes = pcap.file_of(0..3);
        for _ in 0..(round * 37) % 400 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            bytes.push(seed as u8);
        }
        for cmd in [&["annotate", "-"][..], &["states", "-"]] {
            let run = tcpphase(cmd, Some(&bytes));
            assert!(run.code == 0 || run.code == 1, "{}", run.err);
            assert!(run.err.lines().count() <= 1, "{}", run.err);
            assert!(!run.err.contains("panicked"), "{}", run.err);
        }
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    // Thirty copies of one recording: more output than a pipe holds (the
    // same file named thirty times is refused).
    let dir = temp_dir("reader_goes_away");
    let copies: Vec<std::path::PathBuf> = (0..30)
        .map(|i| {
            let copy = dir.join(format!("bulk{i}.pcap"));
            std::fs::copy(recording("data-bulk.pcap"), &copy).unwrap();
            copy
        })
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcpphase"))
        .arg("annotate")
        .args(&copies)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("handshake"));
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
