//! Issue 14 point 3: `--stream-rule 4.0|4.4` on every command that prints
//! streams. A client retries connect() after a RST with the same initial
//! sequence number: Wireshark 4.4 (the default) gives the retry a new
//! stream, Wireshark 4.0 keeps it in the first.

mod common;

use common::tcpphase;

/// SYN, RST-ACK, then the same SYN again, on raw IPv4 (LINKTYPE 101).
fn retry_after_rst() -> Vec<u8> {
    common::raw_ipv4_pcap(&[
        (100, true, 0x02, 1000, 0),
        (101, false, 0x14, 0, 1001),
        (102, true, 0x02, 1000, 0),
    ])
}

#[test]
fn every_command_numbers_streams_by_the_chosen_wireshark() {
    let dir = common::temp_dir("stream-rule");
    let path = dir.join("retry.pcap");
    std::fs::write(&path, retry_after_rst()).expect("write capture");
    let file = path.to_str().expect("UTF-8 path");
    // (rule flag, the retry's stream)
    for (rule, retry_stream) in [(None, "1"), (Some("4.4"), "1"), (Some("4.0"), "0")] {
        let with = |args: &[&str]| {
            let mut all: Vec<&str> = args.to_vec();
            if let Some(r) = rule {
                all.extend(["--stream-rule", r]);
            }
            all.push(file);
            let run = tcpphase(&all, None);
            assert_eq!(run.code, 0, "{args:?}: {}", run.err);
            run.out
        };
        let annotate = with(&["annotate", "--json"]);
        let third = annotate.lines().nth(2).expect("three segments");
        assert!(
            third.contains(&format!("\"stream\":{retry_stream}")),
            "{rule:?}: {third}"
        );
        let conns = with(&["conns", "--json"]);
        let last = conns.lines().last().expect("a connection");
        assert!(
            last.contains(&format!("\"stream\":{retry_stream}")),
            "{rule:?}: {last}"
        );
        let states = with(&["states", "--json", "--all"]);
        assert!(
            states.contains(&format!("\"stream\":{retry_stream}")),
            "{rule:?}: {states}"
        );
        with(&["diagram", "--stream", retry_stream]);
    }
    let bad = tcpphase(&["annotate", "--stream-rule", "3.6", file], None);
    assert_eq!(bad.code, 2);
    assert!(bad.err.contains("4.0 or 4.4"), "{}", bad.err);
}
