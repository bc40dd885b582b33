//! Every frame of every capture we have parses without a panic, and the
//! captures whose content is known give the TCP frame counts their READMEs state.

mod common;

use common::all_captures;
use std::path::Path;
use tcpphase::capture::CaptureReader;
use tcpphase::wire::{decode_frame_linktype, Decoded};

#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    frames: u64,
    tcp: u64,
    malformed: u64,
}

fn count(path: &Path) -> Counts {
    let file = std::fs::File::open(path).expect("open capture");
    let mut reader = CaptureReader::new(std::io::BufReader::new(file)).expect("capture header");
    let mut counts = Counts::default();
    loop {
        match reader.next_frame() {
            Ok(Some(frame)) => {
                counts.frames += 1;
                match decode_frame_linktype(frame.linktype, frame.data) {
                    Ok(Decoded::Tcp(_)) => counts.tcp += 1,
                    Ok(_) => {}
                    Err(e) => {
                        // The message must say what and where.
                        assert!(!e.to_string().is_empty());
                        counts.malformed += 1;
                    }
                }
            }
            Ok(None) => break,
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }
    counts
}

#[test]
fn every_frame_of_every_capture_parses_without_panic() {
    let captures = all_captures();
    assert!(
        !captures.is_empty(),
        "no captures found under snapshots/ or ../shared/corpus/"
    );
    for path in &captures {
        let counts = count(path);
        assert!(counts.frames > 0, "{}: no frames", path.display());
        eprintln!("{}: {counts:?}", path.display());
    }
}

/// TCP frame counts from `../shared/corpus/README.md`.
#[test]
fn corpus_tcp_frame_counts_match_its_readme() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if !corpus.exists() {
        eprintln!("no ../shared/corpus beside the repository; skipped");
        return;
    }
    let expected: &[(&str, u64, u64)] = &[
        ("zeek/pop3/pop3.pcap", 125, 125),
        ("zeek/ssh/ssh.pcap", 1797, 1795),
        ("zeek/wikipedia.pcap", 136, 78),
        ("zeek/ftp/ipv6.pcap", 136, 136),
        ("zeek/mixed-vlan-mpls.pcap", 47, 47),
        ("zeek/tcp-http-with-padding.pcap", 25, 25),
        ("zeek/tcp/http-on-irc-port-missing-syn.pcapng", 13, 13),
        ("tcpdump/tcp-handshake-nano.pcap", 3, 3),
        ("tcpdump/mptcp-fclose.pcap", 11, 9),
        ("tcpdump/accecn_handshake.pcap", 6, 6),
        ("tcpdump/tfo-5c1fa7f9ae91.pcap", 14, 14),
    ];
    for (name, frames, tcp) in expected {
        let counts = count(&corpus.join(name));
        assert_eq!((counts.frames, counts.tcp), (*frames, *tcp), "{name}");
    }
    // The fuzzed frame: a truncated TCP header, reported, not guessed.
    let counts = count(&corpus.join("tcpdump/tcp_header_heapoverflow.pcap"));
    assert_eq!((counts.frames, counts.tcp, counts.malformed), (1, 0, 1));
}
