//! The command on bad input: one clear line on stderr naming the file, what
//! is wrong and where; exit status 1; the good frames before it printed.

use std::process::Command;

fn tcpphase(args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tcpphase"));
    cmd.args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .stdin(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("run tcpphase");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn recording(name: &str) -> String {
    format!(
        "{}/../snapshots/captures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn a_truncated_file_prints_the_frames_before_the_cut_then_one_error_line() {
    let bytes = std::fs::read(recording("http-server-closes.pcap")).unwrap();
    let cut = &bytes[..bytes.len() - 30];
    let path = std::env::temp_dir().join("tcpphase-truncated-test.pcap");
    std::fs::write(&path, cut).unwrap();
    let (code, out, err) = tcpphase(&["annotate", "--json", path.to_str().unwrap()], None);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 10, "the ten whole frames are printed");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("tcpphase-truncated-test.pcap"), "{err}");
    assert!(err.contains("truncated") && err.contains("byte"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn not_a_capture_and_a_missing_file_are_one_line_each() {
    let (code, out, err) = tcpphase(&["annotate", "-"], Some(b"hello, this is text"));
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err.trim(),
        "tcpphase: -: not a pcap or pcapng file (starts with 68 65 6c 6c)"
    );
    let (code, _, err) = tcpphase(&["conns", "/nonexistent/capture.pcap"], None);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("tcpphase: /nonexistent/capture.pcap: cannot open"),
        "{err}"
    );
}

#[test]
fn standard_input_reads_like_the_file() {
    let path = recording("half-close.pcap");
    let bytes = std::fs::read(&path).unwrap();
    let (code, from_file, _) = tcpphase(&["annotate", "--json", &path], None);
    let (code2, from_stdin, _) = tcpphase(&["annotate", "--json", "-"], Some(&bytes));
    assert_eq!((code, code2), (0, 0));
    assert_eq!(from_file, from_stdin);
    assert_eq!(from_file.lines().count(), 15);
}

#[test]
fn usage_errors_exit_with_status_2() {
    let (code, _, err) = tcpphase(&["annotate"], None);
    assert_eq!(code, 2);
    assert!(err.contains("Usage"), "{err}");
}
