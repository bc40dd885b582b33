//! Issue 12: labels that hold on real traffic. Each test reads one of the
//! public captures of `../shared/field/` (its README names their sources)
//! and checks the frames a careful reader found labelled wrong, with the
//! RFC 9293 reasoning in its name and comments. `scenarios.rs` builds each
//! case frame by frame as well.

mod common;

use tcpphase::phase::Closer;
use tcpphase::track::Annotation;

/// A field capture, run through the tracker; `None` (test skipped, said
/// on stderr) when `../shared/field` is not beside the repository.
fn field(name: &str) -> Option<common::Run> {
    let Some(dir) = common::field_dir() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/field is missing"
        );
        eprintln!("../shared/field not found: skipped");
        return None;
    };
    Some(common::run(&dir.join(name)))
}

/// Frame `n` (1-based), which must be a TCP segment.
fn frame(run: &common::Run, n: usize) -> &Annotation {
    run.frames[n - 1]
        .as_ref()
        .unwrap_or_else(|| panic!("frame {n} is not a TCP segment"))
}

/// `phase/step CLIENT SERVER [closer] [+flags]`, as scenarios.rs prints it.
fn label(a: &Annotation) -> String {
    let mut line = format!(
        "{}/{} {} {}",
        a.phase, a.step, a.client_state, a.server_state
    );
    if a.closer != Closer::None {
        line.push(' ');
        line.push_str(a.closer.name());
    }
    if !a.flags.is_empty() {
        line.push_str(&format!(" +{}", a.flags));
    }
    line
}

/// RFC 9293 3.6: only the side whose FIN went first sends a last ACK; the
/// passive closer's repeated ACKs of the first FIN (before and after its
/// own FIN) stay passive-close/ack, flagged as repeats.
#[test]
fn arkime_retrans_passive_closers_repeated_acks_stay_passive() {
    let Some(run) = field("arkime-wireshark-retrans.pcap") else {
        return;
    };
    assert_eq!(
        label(frame(&run, 97)),
        "passive-close/ack FIN-WAIT-2 CLOSE-WAIT passive"
    );
    for n in [98, 99] {
        assert_eq!(
            label(frame(&run, n)),
            "passive-close/ack FIN-WAIT-2 CLOSE-WAIT passive +retransmission",
            "frame {n}: a duplicate ACK of the only FIN"
        );
    }
    assert_eq!(
        label(frame(&run, 102)),
        "passive-close/ack FIN-WAIT-2 LAST-ACK passive +retransmission",
        "frame 102: the passive closer repeats its ACK after its FIN"
    );
    assert_eq!(
        label(frame(&run, 105)),
        "active-close/last-ack TIME-WAIT CLOSED active"
    );
}

/// RFC 9293 3.10.7.4 (FIN-WAIT-1, FIN bit set): an endpoint whose FIN is
/// not yet acknowledged and that acknowledges the peer's FIN is CLOSING,
/// even when the segment carrying that ACK is a retransmission of its FIN.
#[test]
fn arkime_v6_retransmitted_fin_acking_the_peers_fin_moves_to_closing() {
    let Some(run) = field("arkime-v6.pcap") else {
        return;
    };
    assert_eq!(
        label(frame(&run, 73)),
        "active-close/fin FIN-WAIT-1 FIN-WAIT-1 active +simultaneous-close"
    );
    let resent = frame(&run, 74);
    assert_eq!(
        label(resent),
        "active-close/fin CLOSING CLOSING active +retransmission,simultaneous-close"
    );
    // The server's FIN again, now acknowledging the client's: both wait.
    assert_eq!(
        label(frame(&run, 75)),
        "active-close/fin TIME-WAIT TIME-WAIT active +retransmission,simultaneous-close"
    );
}

/// RFC 9293 3.10.7.4: a RST is acceptable only when its sequence number
/// lies in the receiver's window. The client's RSTs at seq 1493 (its own
/// FIN's place) fall below the 1494 the server expects: the server drops
/// them (and answers with challenge ACKs, RFC 5961), so they are
/// reset/rst-ignored, flagged out-of-window, and no state moves. From
/// frame 85 the RSTs carry 1494 = RCV.NXT exactly: acceptable, so the
/// first of them aborts (the server's ACKs after it show a stack that
/// did not honour it, which an observer cannot know when it arrives).
#[test]
fn suricata_ssh_rsts_below_the_receivers_window_are_ignored() {
    let Some(run) = field("suricata-ssh-hassh-reassembled.pcap") else {
        return;
    };
    assert_eq!(
        label(frame(&run, 79)),
        "reset/rst-ignored FIN-WAIT-1 ESTABLISHED active +out-of-window"
    );
    assert_eq!(
        label(frame(&run, 80)),
        "active-close/fin FIN-WAIT-1 FIN-WAIT-1 active +simultaneous-close"
    );
    for n in [81, 83] {
        let a = frame(&run, n);
        assert_eq!(
            (a.phase.name(), a.step.name()),
            ("reset", "rst-ignored"),
            "frame {n}"
        );
        assert_ne!(a.client_state.name(), "CLOSED", "frame {n}");
    }
    for n in [82, 84] {
        let a = frame(&run, n);
        assert_eq!(
            label(a),
            "active-close/last-ack CLOSING CLOSING active +simultaneous-close",
            "frame {n}: the server's ACK is no after-reset"
        );
    }
    assert_eq!(label(frame(&run, 85)), "reset/abort CLOSED CLOSED active");
}

/// One direction captured (server to client only). RFC 9293 3.5: a server
/// leaves SYN-RECEIVED only on the ACK of its SYN-ACK, so its data proves
/// the client ESTABLISHED; before that the client is UNKNOWN (nothing
/// captured proves its SYN), and the handshake is not-seen.
#[test]
fn suricata_async_server_data_proves_the_unseen_client_established() {
    let Some(run) = field("suricata-tcp-async-01.pcap") else {
        return;
    };
    assert_eq!(
        label(frame(&run, 1)),
        "handshake/syn-ack UNKNOWN SYN-RECEIVED"
    );
    assert_eq!(label(frame(&run, 2)), "data/data ESTABLISHED ESTABLISHED");
    let segments: Vec<&Annotation> = run.frames.iter().flatten().collect();
    assert_eq!(segments.len(), 139);
    for a in &segments[1..] {
        assert_eq!(a.client_state.name(), "ESTABLISHED", "frame {}", a.frame);
    }
    assert_eq!(run.summaries.len(), 1);
    assert_eq!(run.summaries[0].handshake.name(), "not-seen");
}

/// One direction captured (client to server only), stream 2. RFC 9293 3.5:
/// the client's ACK of the unseen SYN-ACK proves the server sent it, and
/// that ACK needs no answer: the server is ESTABLISHED, not LISTEN.
#[test]
fn pcapplusplus_raw_ip_client_ack_proves_the_unseen_server_established() {
    let Some(run) = field("pcapplusplus-raw_ip.pcap") else {
        return;
    };
    let stream2: Vec<&Annotation> = run
        .frames
        .iter()
        .flatten()
        .filter(|a| a.stream == 2)
        .collect();
    assert!(stream2.len() > 3);
    assert_eq!(label(stream2[0]), "handshake/syn SYN-SENT LISTEN");
    assert_eq!(label(stream2[1]), "handshake/ack ESTABLISHED ESTABLISHED");
    for a in &stream2[1..] {
        assert_ne!(a.server_state.name(), "LISTEN", "frame {}", a.frame);
    }
}

/// Backscatter: SYN-ACKs answering spoofed SYNs. Only a SYN proves a
/// SYN-SENT socket (RFC 9293 3.5): each receiver stays UNKNOWN and each
/// handshake is not-seen, never no-answer.
#[test]
fn stopddos_backscatter_syn_acks_prove_no_syn_sent_socket() {
    let Some(run) = field("stopddos-amp-tcp-reflection-synack.pcap") else {
        return;
    };
    let lone: Vec<_> = run
        .summaries
        .iter()
        .filter(|s| s.history.as_str() == "^h")
        .collect();
    assert!(lone.len() > 6000, "{} lone SYN-ACKs", lone.len());
    for s in &lone {
        assert_eq!(
            (s.handshake.name(), s.client_state.name()),
            ("not-seen", "UNKNOWN"),
            "conn {}",
            s.conn
        );
    }
    assert!(run
        .frames
        .iter()
        .flatten()
        .all(|a| a.client_state.name() != "SYN-SENT" || a.tcp_flags.syn() && !a.tcp_flags.ack()));
}

/// ICMP errors quoting a TCP header (RFC 9293 3.10.8, RFC 5927): Wireshark
/// gives the quoted header a tcp.stream, a new one for a 4-tuple it has not
/// seen. tcpphase labels the error other/icmp-error on the connection it
/// names, with that stream number, so no later stream number shifts; the
/// error answering a SYN makes the handshake unreachable.
#[test]
fn stopddos_icmp_errors_take_the_stream_of_the_connection_they_name() {
    let Some(run) = field("stopddos-amp-tcp-reflection-synack.pcap") else {
        return;
    };
    let icmp = frame(&run, 128);
    assert_eq!(
        (icmp.phase.name(), icmp.step.name()),
        ("other", "icmp-error")
    );
    assert_eq!(icmp.stream, 123, "tcp.stream of the quoted header");
    assert_eq!(
        (icmp.src.to_string(), icmp.dst.to_string()),
        (
            "172.99.233.20:4211".to_string(),
            "104.253.185.41:443".to_string()
        )
    );
    // The next segment keeps Wireshark's number.
    assert_eq!(frame(&run, 129).stream, 124);
    let errors = run
        .frames
        .iter()
        .flatten()
        .filter(|a| a.step.name() == "icmp-error")
        .count();
    assert!(errors > 100, "{errors} ICMP errors");
    let summary = run
        .summaries
        .iter()
        .find(|s| s.stream == 123)
        .expect("a summary for stream 123");
    assert_eq!(summary.handshake.name(), "unreachable");
}

/// RFC 9293 3.10.7.3 (SYN-RECEIVED receiving a RST): SYN, SYN-ACK, then
/// the client's RST. The responder did not refuse: the handshake was
/// aborted (Zeek's modbus test capture, stream 4).
#[test]
fn zeek_modbus_rst_after_the_syn_ack_is_an_aborted_handshake() {
    let Some(corpus) = common::corpus_dir() else {
        eprintln!("../shared/corpus not found: skipped");
        return;
    };
    let run = common::run(&corpus.join("zeek/modbus/modbus-and-non-modbus-p502.pcap"));
    assert_eq!(label(frame(&run, 64)), "reset/abort CLOSED CLOSED");
    let s = run
        .summaries
        .iter()
        .find(|s| s.stream == 4)
        .expect("stream 4");
    assert_eq!((s.handshake.name(), s.close.name()), ("aborted", "reset"));
}

/// RFC 9293 3.10.1: a RST answering a SYN proves nothing listens on the
/// port. The client retries (Zeek's pop3 capture, frames 1-6): on each
/// retry the server is CLOSED, not LISTEN.
#[test]
fn zeek_pop3_retry_after_a_refusal_finds_the_server_closed() {
    let Some(corpus) = common::corpus_dir() else {
        eprintln!("../shared/corpus not found: skipped");
        return;
    };
    let run = common::run(&corpus.join("zeek/pop3/pop3.pcap"));
    assert_eq!(label(frame(&run, 1)), "handshake/syn SYN-SENT LISTEN");
    assert_eq!(label(frame(&run, 2)), "reset/refused CLOSED CLOSED");
    for n in [3, 5] {
        assert_eq!(
            label(frame(&run, n)),
            "handshake/syn SYN-SENT CLOSED +port-reuse",
            "frame {n}"
        );
    }
}
