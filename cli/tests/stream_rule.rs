//! Issue 14 point 3: `--stream-rule 4.0|4.4` on every command that prints
//! streams. A client retries connect() after a RST with the same initial
//! sequence number: Wireshark 4.4 (the default) gives the retry a new
//! stream, Wireshark 4.0 keeps it in the first.

mod common;

use common::tcpphase;

/// SYN, RST-ACK, then the same SYN again, on raw IPv4 (LINKTYPE 101).
fn retry_after_rst() -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(0xa1b2c3d4u32.to_le_bytes());
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend([0; 8]);
    out.extend(65535u32.to_le_bytes());
    out.extend(101u32.to_le_bytes());
    let frames: [(bool, u8, u32, u32); 3] = [
        (true, 0x02, 1000, 0),
        (false, 0x14, 0, 1001),
        (true, 0x02, 1000, 0),
    ];
    for (i, (from_client, flags, seq, ack)) in frames.into_iter().enumerate() {
        let (src, dst, sport, dport) = if from_client {
            ([10, 0, 0, 1], [10, 0, 0, 2], 40000u16, 80u16)
        } else {
            ([10, 0, 0, 2], [10, 0, 0, 1], 80, 40000)
        };
        let mut frame = vec![0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0];
        frame.extend(src);
        frame.extend(dst);
        frame.extend(sport.to_be_bytes());
        frame.extend(dport.to_be_bytes());
        frame.extend(seq.to_be_bytes());
        frame.extend(ack.to_be_bytes());
        frame.extend([0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        out.extend((100 + i as u32).to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend((frame.len() as u32).to_le_bytes());
        out.extend((frame.len() as u32).to_le_bytes());
        out.extend(frame);
    }
    out
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
