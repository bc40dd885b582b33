//! The connection scenarios of issue 3: each test is one exchange, recorded
//! from the Linux kernel (`snapshots/captures/`) or constructed frame by
//! frame, and the labels its segments must get.
//!
//! Labels are compared as one line per segment, as a user reads them:
//! `phase/step CLIENT-STATE SERVER-STATE [closer] [+flags]`, for example
//! `active-close/fin FIN-WAIT-1 ESTABLISHED active`. Summaries likewise:
//! `handshake close active-closer client-state server-state zeek history`.

mod common;
#[path = "common/pcap_writer.rs"]
mod pcap_writer;

use pcap_writer::*;
use tcpphase::phase::{AnomalyFlags, Closer, Direction};
use tcpphase::summary::ConnSummary;
use tcpphase::track::{Annotation, StreamRule};

/// A segment's label as one line.
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

/// A summary's outcome as one line.
fn outcome(s: &ConnSummary) -> String {
    format!(
        "{} {} {} {} {} {} {}",
        s.handshake.name(),
        s.close.name(),
        s.active_closer.map_or("-", |r| r.name()),
        s.client_state,
        s.server_state,
        s.conn_state,
        s.history,
    )
}

/// A recorded capture, run through the tracker.
struct Recorded {
    frames: Vec<Annotation>,
    summaries: Vec<ConnSummary>,
}

impl Recorded {
    fn open(name: &str) -> Recorded {
        let path = common::repo_root()
            .join("snapshots/captures")
            .join(format!("{name}.pcap"));
        let run = common::run(&path);
        let frames = run
            .frames
            .into_iter()
            .map(|a| a.expect("every recorded frame is a TCP segment"))
            .collect();
        Recorded {
            frames,
            summaries: run.summaries,
        }
    }

    /// Frame `n`, 1-based as Wireshark numbers it.
    fn frame(&self, n: usize) -> &Annotation {
        &self.frames[n - 1]
    }

    fn label(&self, n: usize) -> String {
        label(self.frame(n))
    }

    /// The one connection of the capture: one stream, one conn, one summary.
    fn only_summary(&self) -> &ConnSummary {
        assert!(self.frames.iter().all(|a| a.stream == 0 && a.conn == 0));
        assert_eq!(self.summaries.len(), 1);
        &self.summaries[0]
    }

    /// No segment in the capture carries any of `flags`.
    fn nowhere(&self, flags: AnomalyFlags) {
        for a in &self.frames {
            assert!(a.flags.0 & flags.0 == 0, "frame {}: {}", a.frame, label(a));
        }
    }
}

/// The handshake and the request/response every HTTP-like capture starts with.
fn assert_opening_and_exchange(r: &Recorded) {
    assert_eq!(r.label(1), "handshake/syn SYN-SENT LISTEN");
    assert_eq!(r.label(2), "handshake/syn-ack SYN-SENT SYN-RECEIVED");
    assert_eq!(r.label(3), "handshake/ack ESTABLISHED ESTABLISHED");
    assert_eq!(r.label(4), "data/data ESTABLISHED ESTABLISHED");
    assert_eq!(r.label(5), "data/ack ESTABLISHED ESTABLISHED");
    assert_eq!(r.label(6), "data/data ESTABLISHED ESTABLISHED");
    assert_eq!(r.label(7), "data/ack ESTABLISHED ESTABLISHED");
}

// ---------------------------------------------------------------------------
// Recorded kernel captures
// ---------------------------------------------------------------------------

#[test]
fn http_server_closes() {
    let r = Recorded::open("http-server-closes");
    assert_opening_and_exchange(&r);
    assert_eq!(r.frame(8).dir, Direction::ServerToClient);
    assert_eq!(r.label(8), "active-close/fin ESTABLISHED FIN-WAIT-1 active");
    assert_eq!(
        r.label(9),
        "passive-close/ack CLOSE-WAIT FIN-WAIT-2 passive"
    );
    assert_eq!(r.label(10), "passive-close/fin LAST-ACK FIN-WAIT-2 passive");
    // The active closer waits in TIME-WAIT; the passive one has closed.
    assert_eq!(r.label(11), "active-close/last-ack CLOSED TIME-WAIT active");
    assert_eq!(
        outcome(r.only_summary()),
        "complete fin-4 server CLOSED TIME-WAIT SF ShADadfF"
    );
    r.nowhere(AnomalyFlags(u16::MAX));
}

#[test]
fn http_client_closes() {
    let r = Recorded::open("http-client-closes");
    assert_opening_and_exchange(&r);
    assert_eq!(r.frame(8).dir, Direction::ClientToServer);
    assert_eq!(r.label(8), "active-close/fin FIN-WAIT-1 ESTABLISHED active");
    assert_eq!(
        r.label(9),
        "passive-close/ack FIN-WAIT-2 CLOSE-WAIT passive"
    );
    assert_eq!(r.label(10), "passive-close/fin FIN-WAIT-2 LAST-ACK passive");
    assert_eq!(r.label(11), "active-close/last-ack TIME-WAIT CLOSED active");
    assert_eq!(
        outcome(r.only_summary()),
        "complete fin-4 client TIME-WAIT CLOSED SF ShADadFf"
    );
    r.nowhere(AnomalyFlags(u16::MAX));
}

#[test]
fn close_three_segment() {
    let r = Recorded::open("close-three-segment");
    assert_eq!(r.frames.len(), 10);
    assert_opening_and_exchange(&r);
    assert_eq!(r.label(8), "active-close/fin FIN-WAIT-1 ESTABLISHED active");
    // The server's FIN carries the ACK of the client's FIN.
    assert_eq!(
        r.label(9),
        "passive-close/fin-ack FIN-WAIT-2 LAST-ACK passive"
    );
    assert_eq!(r.label(10), "active-close/last-ack TIME-WAIT CLOSED active");
    assert_eq!(
        outcome(r.only_summary()),
        "complete fin-3 client TIME-WAIT CLOSED SF ShADadFf"
    );
}

#[test]
fn close_four_segment() {
    let r = Recorded::open("close-four-segment");
    assert_eq!(r.frames.len(), 11);
    assert_opening_and_exchange(&r);
    assert_eq!(r.label(8), "active-close/fin FIN-WAIT-1 ESTABLISHED active");
    // A bare ACK of the client's FIN, then the server's own FIN 200 ms later.
    assert_eq!(
        r.label(9),
        "passive-close/ack FIN-WAIT-2 CLOSE-WAIT passive"
    );
    assert_eq!(r.label(10), "passive-close/fin FIN-WAIT-2 LAST-ACK passive");
    assert_eq!(r.label(11), "active-close/last-ack TIME-WAIT CLOSED active");
    assert_eq!(r.only_summary().close.name(), "fin-4");
}

#[test]
fn half_close() {
    let r = Recorded::open("half-close");
    assert_eq!(r.label(6), "active-close/fin FIN-WAIT-1 ESTABLISHED active");
    assert_eq!(
        r.label(7),
        "passive-close/ack FIN-WAIT-2 CLOSE-WAIT passive"
    );
    // The server keeps sending after the client's FIN; the client acks.
    for n in [8, 10, 12] {
        assert_eq!(r.frame(n).dir, Direction::ServerToClient);
        assert_eq!(
            r.label(n),
            "half-close/data FIN-WAIT-2 CLOSE-WAIT passive",
            "frame {n}"
        );
    }
    for n in [9, 11, 13] {
        assert_eq!(
            r.label(n),
            "half-close/ack FIN-WAIT-2 CLOSE-WAIT active",
            "frame {n}"
        );
    }
    assert_eq!(r.label(14), "passive-close/fin FIN-WAIT-2 LAST-ACK passive");
    assert_eq!(r.label(15), "active-close/last-ack TIME-WAIT CLOSED active");
    let s = r.only_summary();
    assert_eq!(
        outcome(s),
        "complete fin-4 client TIME-WAIT CLOSED SF ShADaFdf"
    );
    assert_eq!((s.client_bytes, s.server_bytes), (87, 132));
}

#[test]
fn refused() {
    let r = Recorded::open("refused");
    assert_eq!(r.label(1), "handshake/syn SYN-SENT LISTEN");
    assert_eq!(r.frame(2).dir, Direction::ServerToClient);
    assert_eq!(r.label(2), "reset/refused CLOSED CLOSED");
    assert_eq!(
        outcome(r.only_summary()),
        "refused reset - CLOSED CLOSED REJ Sr"
    );
}

#[test]
fn rst_abort_client() {
    let r = Recorded::open("rst-abort-client");
    assert_opening_and_exchange(&r);
    assert_eq!(r.frame(8).dir, Direction::ClientToServer);
    assert_eq!(r.label(8), "reset/abort CLOSED CLOSED");
    assert_eq!(
        outcome(r.only_summary()),
        "complete reset - CLOSED CLOSED RSTO ShADadR"
    );
}

#[test]
fn rst_abort_server() {
    let r = Recorded::open("rst-abort-server");
    assert_opening_and_exchange(&r);
    assert_eq!(r.frame(8).dir, Direction::ServerToClient);
    assert_eq!(r.label(8), "reset/abort CLOSED CLOSED");
    assert_eq!(
        outcome(r.only_summary()),
        "complete reset - CLOSED CLOSED RSTR ShADadr"
    );
}

#[test]
fn rst_unread_data() {
    let r = Recorded::open("rst-unread-data");
    assert_eq!(r.label(4), "data/data ESTABLISHED ESTABLISHED");
    // The server closes with the request unread: RST instead of FIN.
    assert_eq!(r.frame(6).dir, Direction::ServerToClient);
    assert_eq!(r.label(6), "reset/abort CLOSED CLOSED");
    assert_eq!(
        outcome(r.only_summary()),
        "complete reset - CLOSED CLOSED RSTR ShADar"
    );
}

#[test]
fn simultaneous_open() {
    let r = Recorded::open("simultaneous-open");
    // The first SYN cannot know yet that the other side is opening too.
    assert_eq!(r.label(1), "handshake/syn SYN-SENT LISTEN");
    assert_eq!(
        r.label(2),
        "handshake/syn SYN-SENT SYN-SENT +simultaneous-open"
    );
    assert_eq!(
        r.label(3),
        "handshake/syn-ack SYN-SENT SYN-RECEIVED +simultaneous-open"
    );
    assert_eq!(
        r.label(4),
        "handshake/syn-ack SYN-RECEIVED ESTABLISHED +simultaneous-open"
    );
    assert_eq!(
        r.label(5),
        "handshake/ack ESTABLISHED ESTABLISHED +simultaneous-open"
    );
    assert_eq!(r.label(7), "data/data ESTABLISHED ESTABLISHED");
    assert_eq!(r.label(14), "active-close/last-ack CLOSED TIME-WAIT active");
    let s = r.only_summary();
    assert!(!s.origin_guessed);
    assert_eq!((s.handshake.name(), s.conn_state), ("complete", "SF"));
}

#[test]
fn keepalive_probes_are_not_retransmissions() {
    let r = Recorded::open("keepalive");
    // Probes: no payload, one below the next sequence number, each acked.
    for n in [6, 8] {
        assert_eq!(r.frame(n).dir, Direction::ClientToServer);
        assert_eq!(r.frame(n).len, 0);
        assert_eq!(r.label(n), "data/ack ESTABLISHED ESTABLISHED", "frame {n}");
    }
    for n in [7, 9] {
        assert_eq!(r.label(n), "data/ack ESTABLISHED ESTABLISHED", "frame {n}");
    }
    r.nowhere(AnomalyFlags::RETRANSMISSION);
    assert_eq!(
        r.label(10),
        "active-close/fin FIN-WAIT-1 ESTABLISHED active"
    );
    assert_eq!(r.only_summary().conn_state, "SF");
}

#[test]
fn port_reuse() {
    let r = Recorded::open("port-reuse");
    assert_eq!(r.frames.len(), 22);
    assert!(r.frames[..11].iter().all(|a| (a.stream, a.conn) == (0, 0)));
    assert!(r.frames[11..].iter().all(|a| (a.stream, a.conn) == (1, 1)));
    assert_eq!(r.label(11), "active-close/last-ack CLOSED TIME-WAIT active");
    // The second SYN finds the server's end in TIME-WAIT and reuses it.
    assert_eq!(r.label(12), "handshake/syn SYN-SENT LISTEN +port-reuse");
    assert_eq!(r.label(13), "handshake/syn-ack SYN-SENT SYN-RECEIVED");
    assert_eq!(r.label(22), "active-close/last-ack CLOSED TIME-WAIT active");
    assert_eq!(r.summaries.len(), 2);
    for (i, s) in r.summaries.iter().enumerate() {
        assert_eq!((s.conn, s.stream), (i as u64, i as u64));
        assert_eq!(s.client.port(), 47510);
        assert_eq!(
            outcome(s),
            "complete fin-4 server CLOSED TIME-WAIT SF ShADadfF"
        );
    }
}

#[test]
fn ipv6() {
    let r = Recorded::open("ipv6");
    assert_opening_and_exchange(&r);
    assert!(r.frame(1).src.is_ipv6());
    assert_eq!(r.label(8), "active-close/fin FIN-WAIT-1 ESTABLISHED active");
    assert_eq!(r.label(11), "active-close/last-ack TIME-WAIT CLOSED active");
    let s = r.only_summary();
    assert_eq!(s.server.to_string(), "[::1]:47011");
    assert_eq!(
        outcome(s),
        "complete fin-4 client TIME-WAIT CLOSED SF ShADadFf"
    );
}

#[test]
fn cooked_any_reads_like_ethernet() {
    let cooked = Recorded::open("cooked-any");
    let ethernet = Recorded::open("http-client-closes");
    assert_eq!(cooked.frames.len(), 11);
    assert_opening_and_exchange(&cooked);
    for n in 1..=11 {
        assert_eq!(cooked.label(n), ethernet.label(n), "frame {n}");
    }
    assert_eq!(
        outcome(cooked.only_summary()),
        "complete fin-4 client TIME-WAIT CLOSED SF ShADadFf"
    );
}

#[test]
fn data_bulk_retransmission() {
    let r = Recorded::open("data-bulk");
    assert_eq!(r.frames.len(), 80);
    // Frame 8 resends frame 7's segment (a tail-loss probe).
    assert_eq!((r.frame(7).seq, r.frame(7).len), (2873, 1436));
    assert_eq!((r.frame(8).seq, r.frame(8).len), (2873, 1436));
    assert_eq!(r.label(7), "data/data ESTABLISHED ESTABLISHED");
    assert_eq!(
        r.label(8),
        "data/data ESTABLISHED ESTABLISHED +retransmission"
    );
    let flagged: Vec<u64> = r
        .frames
        .iter()
        .filter(|a| a.flags.contains(AnomalyFlags::RETRANSMISSION))
        .map(|a| a.frame)
        .collect();
    assert_eq!(flagged, [8]);
    let s = r.only_summary();
    assert_eq!(s.client_bytes, 65536 + 1436);
    assert_eq!(
        outcome(s),
        "complete fin-4 client TIME-WAIT CLOSED SF ShADaTwFf"
    );
}

// ---------------------------------------------------------------------------
// Constructed exchanges
// ---------------------------------------------------------------------------

const CLIENT: &str = "10.0.0.1:40000";
const SERVER: &str = "10.0.0.2:80";

/// SYN, SYN-ACK, ACK, checked.
fn handshake(c: &mut Conversation) {
    assert_eq!(
        label(&c.send(Client, SYN, 0)),
        "handshake/syn SYN-SENT LISTEN"
    );
    assert_eq!(
        label(&c.send(Server, SYN_ACK, 0)),
        "handshake/syn-ack SYN-SENT SYN-RECEIVED"
    );
    assert_eq!(
        label(&c.send(Client, ACK, 0)),
        "handshake/ack ESTABLISHED ESTABLISHED"
    );
}

/// A four-segment close begun by the client, checked.
fn client_closes(c: &mut Conversation) {
    assert_eq!(
        label(&c.send(Client, FIN_ACK, 0)),
        "active-close/fin FIN-WAIT-1 ESTABLISHED active"
    );
    assert_eq!(
        label(&c.send(Server, ACK, 0)),
        "passive-close/ack FIN-WAIT-2 CLOSE-WAIT passive"
    );
    assert_eq!(
        label(&c.send(Server, FIN_ACK, 0)),
        "passive-close/fin FIN-WAIT-2 LAST-ACK passive"
    );
    assert_eq!(
        label(&c.send(Client, ACK, 0)),
        "active-close/last-ack TIME-WAIT CLOSED active"
    );
}

#[test]
fn lost_rst_is_repeated() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    c.send(Client, PSH_ACK, 100);
    c.send(Server, ACK, 0);
    // The client aborts; the RST is lost and the server keeps sending.
    assert_eq!(
        label(&c.send(Client, RST_ACK, 0)),
        "reset/abort CLOSED CLOSED"
    );
    for _ in 0..3 {
        let data = c.send(Server, PSH_ACK, 200);
        assert_eq!(data.dir, Direction::ServerToClient);
        assert_eq!(label(&data), "other/after-reset CLOSED CLOSED");
        // Each segment is answered by a RST at the sequence number it acks.
        let answer = c.send(Client, RST, 0);
        assert_eq!(label(&answer), "reset/rst-repeat CLOSED CLOSED");
    }
    let summaries = c.finish();
    assert_eq!(summaries.len(), 1);
    let s = &summaries[0];
    assert_eq!((s.handshake.name(), s.close.name()), ("complete", "reset"));
    assert_eq!(s.conn_state, "RSTO");
}

#[test]
fn rst_answering_a_segment_after_the_fin_close_is_late() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    c.send(Client, PSH_ACK, 100);
    c.send(Server, ACK, 0);
    client_closes(&mut c);
    // A delayed duplicate of the client's data reaches the closed server...
    c.wait_ns(1_000_000_000);
    let server_next = c.next_seq(Server);
    let stray = c.send_at(Client, PSH_ACK, 100, 1001, server_next);
    assert_eq!((stray.stream, stray.conn), (0, 0));
    assert_eq!(
        label(&stray),
        "other/stray TIME-WAIT CLOSED active +retransmission"
    );
    // ...which answers with a RST: the connection had already ended.
    let rst = c.send_at(Server, RST, 0, server_next, 0);
    assert_eq!((rst.phase.name(), rst.step.name()), ("reset", "rst-late"));
    assert_eq!(rst.conn, 0);
    let summaries = c.finish();
    assert_eq!(summaries.len(), 1);
    // The FIN close stays what ended the connection.
    assert_eq!(summaries[0].close.name(), "fin-4");
    assert_eq!(summaries[0].active_closer.map(|r| r.name()), Some("client"));
}

#[test]
fn simultaneous_close() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    // Both FINs cross: the server's does not acknowledge the client's.
    let server_acks = c.next_seq(Client);
    let client_fin = c.send(Client, FIN_ACK, 0);
    // Capture order cannot tell yet that this close is simultaneous.
    assert_eq!(
        label(&client_fin),
        "active-close/fin FIN-WAIT-1 ESTABLISHED active"
    );
    let server_fin = c.send_acking(Server, FIN_ACK, 0, server_acks);
    assert_eq!(
        label(&server_fin),
        "active-close/fin FIN-WAIT-1 FIN-WAIT-1 active +simultaneous-close"
    );
    // Each acknowledges the other's FIN: both pass through CLOSING.
    let client_ack = c.send(Client, ACK, 0);
    assert_eq!(
        label(&client_ack),
        "active-close/last-ack CLOSING CLOSING active +simultaneous-close"
    );
    let server_ack = c.send(Server, ACK, 0);
    assert_eq!(
        label(&server_ack),
        "active-close/last-ack TIME-WAIT TIME-WAIT active +simultaneous-close"
    );
    let summaries = c.finish();
    assert_eq!(
        outcome(&summaries[0]),
        "complete simultaneous client TIME-WAIT TIME-WAIT SF ShAFfa"
    );
}

#[test]
fn simultaneous_close_with_the_acks_the_other_way_round() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    let server_acks = c.next_seq(Client);
    c.send(Client, FIN_ACK, 0);
    let server_fin = c.send_acking(Server, FIN_ACK, 0, server_acks);
    assert_eq!(
        label(&server_fin),
        "active-close/fin FIN-WAIT-1 FIN-WAIT-1 active +simultaneous-close"
    );
    // The server's ACK comes first this time.
    assert_eq!(
        label(&c.send(Server, ACK, 0)),
        "active-close/last-ack CLOSING CLOSING active +simultaneous-close"
    );
    assert_eq!(
        label(&c.send(Client, ACK, 0)),
        "active-close/last-ack TIME-WAIT TIME-WAIT active +simultaneous-close"
    );
    assert_eq!(c.finish()[0].close.name(), "simultaneous");
}

#[test]
fn retransmitted_syn_syn_ack_and_fin_keep_their_label() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    let syn = c.send(Client, SYN, 0);
    c.wait_ns(1_000_000_000);
    let syn_again = c.send_at(Client, SYN, 0, 1000, 0);
    assert_eq!(label(&syn), "handshake/syn SYN-SENT LISTEN");
    assert_eq!(
        label(&syn_again),
        "handshake/syn SYN-SENT LISTEN +retransmission"
    );

    let syn_ack = c.send(Server, SYN_ACK, 0);
    c.wait_ns(1_000_000_000);
    let syn_ack_again = c.send_at(Server, SYN_ACK, 0, 5000, 1001);
    assert_eq!(label(&syn_ack), "handshake/syn-ack SYN-SENT SYN-RECEIVED");
    assert_eq!(
        label(&syn_ack_again),
        "handshake/syn-ack SYN-SENT SYN-RECEIVED +retransmission"
    );
    assert_eq!(
        label(&c.send(Client, ACK, 0)),
        "handshake/ack ESTABLISHED ESTABLISHED"
    );

    // The client's FIN, sent again before the server acknowledges it.
    let fin_seq = c.next_seq(Client);
    let fin = c.send(Client, FIN_ACK, 0);
    let fin_again = c.send_at(Client, FIN_ACK, 0, fin_seq, 5001);
    assert_eq!(
        label(&fin),
        "active-close/fin FIN-WAIT-1 ESTABLISHED active"
    );
    assert_eq!(
        label(&fin_again),
        "active-close/fin FIN-WAIT-1 ESTABLISHED active +retransmission"
    );
    // The server's FIN-ACK, sent again before the client's last ACK.
    let fin_ack = c.send(Server, FIN_ACK, 0);
    let fin_ack_again = c.send_at(Server, FIN_ACK, 0, 5001, fin_seq + 1);
    assert_eq!(
        label(&fin_ack),
        "passive-close/fin-ack FIN-WAIT-2 LAST-ACK passive"
    );
    assert_eq!(
        label(&fin_ack_again),
        "passive-close/fin-ack FIN-WAIT-2 LAST-ACK passive +retransmission"
    );
    assert_eq!(
        label(&c.send(Client, ACK, 0)),
        "active-close/last-ack TIME-WAIT CLOSED active"
    );
    let summaries = c.finish();
    assert_eq!(
        outcome(&summaries[0]),
        "complete fin-3 client TIME-WAIT CLOSED SF ShAFf"
    );
}

#[test]
fn sequence_numbers_wrap_around_during_data_and_at_the_fin() {
    // The server's data crosses 2^32; the client's FIN sits on 2^32 - 1.
    let mut c = Conversation::new(CLIENT, SERVER, 0xffff_ff00, 0xffff_fff0);
    handshake(&mut c);
    let request = c.send(Client, PSH_ACK, 0xfe);
    assert_eq!(label(&request), "data/data ESTABLISHED ESTABLISHED");
    assert_eq!(c.next_seq(Client), u32::MAX);

    let first = c.send(Server, PSH_ACK, 100);
    assert_eq!(c.next_seq(Server), 0x55);
    let second = c.send(Server, PSH_ACK, 100);
    assert_eq!((first.seq, second.seq), (1, 101));
    for a in [&first, &second] {
        assert_eq!(label(a), "data/data ESTABLISHED ESTABLISHED");
    }
    assert_eq!(
        label(&c.send(Client, ACK, 0)),
        "data/ack ESTABLISHED ESTABLISHED"
    );
    // Resending the segment that spans the wrap is a retransmission.
    let again = c.send_at(Server, PSH_ACK, 100, 0xffff_fff1, u32::MAX);
    assert_eq!(
        label(&again),
        "data/data ESTABLISHED ESTABLISHED +retransmission"
    );

    let fin = c.send(Client, FIN_ACK, 0);
    assert_eq!(fin.seq, 0xff);
    assert_eq!(
        label(&fin),
        "active-close/fin FIN-WAIT-1 ESTABLISHED active"
    );
    // The ACK of that FIN is 0: past the wrap.
    let ack = c.send(Server, ACK, 0);
    assert_eq!(ack.ack, 0x100);
    assert_eq!(
        label(&ack),
        "passive-close/ack FIN-WAIT-2 CLOSE-WAIT passive"
    );
    assert_eq!(
        label(&c.send(Server, FIN_ACK, 0)),
        "passive-close/fin FIN-WAIT-2 LAST-ACK passive"
    );
    assert_eq!(
        label(&c.send(Client, ACK, 0)),
        "active-close/last-ack TIME-WAIT CLOSED active"
    );
    let summaries = c.finish();
    let s = &summaries[0];
    assert_eq!((s.client_bytes, s.server_bytes), (0xfe, 300));
    assert_eq!(
        outcome(s),
        "complete fin-4 client TIME-WAIT CLOSED SF ShADdtFaf"
    );
}

#[test]
fn capture_starting_mid_connection() {
    // The first captured segment is the server's data to the client.
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    let first = c.send(Server, PSH_ACK, 500);
    assert_eq!(first.dir, Direction::ServerToClient);
    assert!(first.origin_guessed);
    assert_eq!(label(&first), "data/data UNKNOWN ESTABLISHED +midstream");
    let ack = c.send(Client, ACK, 0);
    assert!(ack.origin_guessed);
    assert_eq!(label(&ack), "data/ack ESTABLISHED ESTABLISHED");
    let request = c.send(Client, PSH_ACK, 50);
    assert_eq!(label(&request), "data/data ESTABLISHED ESTABLISHED");
    client_closes(&mut c);
    let summaries = c.finish();
    let s = &summaries[0];
    // Port 80 is the server's, though it spoke first.
    assert!(s.origin_guessed);
    assert_eq!(s.client.to_string(), CLIENT);
    assert_eq!(s.server.to_string(), SERVER);
    assert_eq!((s.handshake.name(), s.close.name()), ("not-seen", "fin-4"));
}

#[test]
fn capture_starting_at_the_syn_ack() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    // The SYN went by before the capture started.
    let syn_ack = c.send_at(Server, SYN_ACK, 0, 5000, 1001);
    c.restart(1001, 5001);
    assert_eq!(syn_ack.dir, Direction::ServerToClient);
    assert!(syn_ack.origin_guessed);
    // Nothing proves the client sent a SYN: it stays UNKNOWN until it
    // shows itself.
    assert_eq!(label(&syn_ack), "handshake/syn-ack UNKNOWN SYN-RECEIVED");
    assert_eq!(
        label(&c.send(Client, ACK, 0)),
        "handshake/ack ESTABLISHED ESTABLISHED"
    );
    assert_eq!(
        label(&c.send(Client, PSH_ACK, 10)),
        "data/data ESTABLISHED ESTABLISHED"
    );
    let summaries = c.finish();
    let s = &summaries[0];
    assert!(s.origin_guessed);
    assert_eq!(s.client.to_string(), CLIENT);
    assert_eq!((s.handshake.name(), s.close.name()), ("complete", "open"));
}

#[test]
fn syn_after_rst_with_the_same_isn_is_a_new_connection_in_the_same_stream() {
    // Windows retries connect() after a RST with the same initial sequence
    // number. Wireshark 4.0 keeps the stream (4.4 opens a new one: the
    // test after this one).
    let mut c =
        Conversation::new(CLIENT, SERVER, 1000, 0).with_stream_rule(StreamRule::Wireshark40);
    let syn = c.send(Client, SYN, 0);
    assert_eq!(label(&syn), "handshake/syn SYN-SENT LISTEN");
    let rst = c.send(Server, RST_ACK, 0);
    assert_eq!(label(&rst), "reset/refused CLOSED CLOSED");

    c.wait_ns(500_000_000);
    c.restart(1000, 7000);
    let retry = c.send(Client, SYN, 0);
    assert_eq!((retry.stream, retry.conn), (0, 1));
    // The refusal proved nothing listens: the server is CLOSED, not
    // LISTEN, until its SYN-ACK shows it listens now (RFC 9293 3.10.1).
    assert_eq!(label(&retry), "handshake/syn SYN-SENT CLOSED +port-reuse");
    assert_eq!(
        label(&c.send(Server, SYN_ACK, 0)),
        "handshake/syn-ack SYN-SENT SYN-RECEIVED"
    );
    let ack = c.send(Client, ACK, 0);
    assert_eq!((ack.stream, ack.conn), (0, 1));
    assert_eq!(label(&ack), "handshake/ack ESTABLISHED ESTABLISHED");

    let summaries = c.finish();
    assert_eq!(summaries.len(), 2);
    assert_eq!((summaries[0].conn, summaries[0].stream), (0, 0));
    assert_eq!((summaries[1].conn, summaries[1].stream), (1, 0));
    assert_eq!(
        (summaries[0].handshake.name(), summaries[0].conn_state),
        ("refused", "REJ")
    );
    assert_eq!(
        (summaries[1].handshake.name(), summaries[1].conn_state),
        ("complete", "S1")
    );
}

#[test]
fn time_wait_and_its_end() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    c.send(Client, PSH_ACK, 100);
    c.send(Server, PSH_ACK, 300);
    client_closes(&mut c);

    // 30 s into TIME-WAIT the server sends its FIN again: the last ACK was
    // lost, so the server is back in LAST-ACK; the client, still in
    // TIME-WAIT, acks again and restarts its 2 x MSL wait (RFC 9293 3.10.7.4).
    c.wait_ns(30_000_000_000);
    let fin_seq = c.next_seq(Server) - 1;
    let fin_again = c.send_at(Server, FIN_ACK, 0, fin_seq, c.next_seq(Client));
    assert_eq!(fin_again.conn, 0);
    assert_eq!(
        label(&fin_again),
        "passive-close/fin TIME-WAIT LAST-ACK passive +retransmission"
    );
    let ack_again = c.send(Client, ACK, 0);
    assert_eq!(
        label(&ack_again),
        "active-close/last-ack TIME-WAIT CLOSED active"
    );

    // 65 s after the first last ACK, 35 s after the restart: still waiting.
    c.wait_ns(35_000_000_000);
    c.other_traffic();
    assert!(c.summaries.is_empty(), "still in TIME-WAIT");
    assert_eq!(c.tracker.live_connections(), 1);

    // More than 60 s after the restart TIME-WAIT has ended: the connection
    // leaves the table with the client CLOSED...
    c.wait_ns(26_000_000_000);
    c.other_traffic();
    assert_eq!(c.tracker.live_connections(), 0);
    assert_eq!(c.summaries.len(), 1);
    let old = &c.summaries[0];
    assert_eq!(old.conn, 0);
    assert_eq!(
        outcome(old),
        "complete fin-4 client CLOSED CLOSED SF ShADdFaf"
    );

    // ...and a SYN on the same 4-tuple starts a new connection.
    c.restart(90_000, 70_000);
    let syn = c.send(Client, SYN, 0);
    assert_eq!(syn.conn, 1);
    assert_eq!((syn.phase.name(), syn.step.name()), ("handshake", "syn"));
    assert_eq!(
        (syn.client_state.name(), syn.server_state.name()),
        ("SYN-SENT", "LISTEN")
    );
    assert_eq!(
        label(&c.send(Server, SYN_ACK, 0)),
        "handshake/syn-ack SYN-SENT SYN-RECEIVED"
    );
    let summaries = c.finish();
    assert_eq!(summaries.len(), 2);
    assert_eq!(summaries[1].conn, 1);
}

/// How many short connections the memory test feeds: the full million in
/// release builds (`cargo test --release -p tcpphase --test scenarios`),
/// a fifth of it in debug builds, where the million takes too long. Both
/// run far past the 60 s of TIME-WAIT, so the table must shed connections.
const SHORT_CONNECTIONS: u32 = if cfg!(debug_assertions) {
    200_000
} else {
    1_000_000
};

#[test]
fn tracker_memory_stays_bounded_over_many_short_connections() {
    use tcpphase::track::{Config, FrameOutcome, Tracker};

    let mut tracker = Tracker::new(Config::default());
    let server: core::net::SocketAddr = "192.0.2.80:80".parse().unwrap();
    let mut frame = Vec::with_capacity(64);
    let mut summaries = 0u64;
    let mut closed_by_fins = 0u64;
    let mut peak_live = 0usize;
    let start_ns = 1_700_000_000_000_000_000u64;
    for i in 0..SHORT_CONNECTIONS {
        let client = core::net::SocketAddr::new(
            core::net::Ipv4Addr::from(0x0a00_0000 | (i >> 4)).into(),
            1024 + (i & 0xf) as u16,
        );
        let (c, s) = (1000u32.wrapping_mul(i), 7u32.wrapping_mul(i));
        let t = start_ns + u64::from(i) * 1_000_000;
        // SYN, SYN-ACK, ACK, FIN, ACK, FIN, ACK.
        let (c1, c2) = (c.wrapping_add(1), c.wrapping_add(2));
        let (s1, s2) = (s.wrapping_add(1), s.wrapping_add(2));
        let segments = [
            (true, SYN, c, 0),
            (false, SYN_ACK, s, c1),
            (true, ACK, c1, s1),
            (true, FIN_ACK, c1, s1),
            (false, ACK, s1, c2),
            (false, FIN_ACK, s1, c2),
            (true, ACK, c2, s2),
        ];
        for (k, (from_client, flags, seq, ack)) in segments.into_iter().enumerate() {
            let (src, dst) = if from_client {
                (client, server)
            } else {
                (server, client)
            };
            let spec = SegmentSpec {
                src,
                dst,
                seq,
                ack,
                flags,
                len: 0,
            };
            write_frame(&spec, &mut frame);
            let outcome = tracker.feed(LINKTYPE_RAW, &frame, t + k as u64 * 1_000);
            assert!(matches!(outcome, FrameOutcome::Segment(_)));
        }
        while let Some(s) = tracker.next_summary() {
            summaries += 1;
            closed_by_fins += u64::from(s.close.name() == "fin-4");
        }
        peak_live = peak_live.max(tracker.live_connections());
    }
    tracker.finish();
    while let Some(s) = tracker.next_summary() {
        summaries += 1;
        closed_by_fins += u64::from(s.close.name() == "fin-4");
    }
    // 60 s of TIME-WAIT at one connection a millisecond, plus the sweep's second.
    assert!(peak_live <= 62_000, "peak of {peak_live} live connections");
    assert_eq!(tracker.live_connections(), 0);
    assert_eq!(summaries, u64::from(SHORT_CONNECTIONS));
    assert_eq!(closed_by_fins, u64::from(SHORT_CONNECTIONS));
}

#[test]
fn data_beyond_the_offered_window_is_out_of_window() {
    // Window 65535, no window scale (neither SYN offered it).
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    let inside = c.send(Client, PSH_ACK, 100);
    assert!(!inside.flags.contains(AnomalyFlags::OUT_OF_WINDOW));
    // The server has acked 1001 and offers 65535 bytes: 1001 + 65535 is the
    // right edge; a segment starting past it is not acceptable.
    let ack = c.next_seq(Server);
    let far = c.send_at(Client, PSH_ACK, 100, 1001 + 65_535 + 200, ack);
    assert!(far.flags.contains(AnomalyFlags::OUT_OF_WINDOW), "{far:?}");
    assert_eq!(
        label(&far),
        "data/data ESTABLISHED ESTABLISHED +out-of-window"
    );
}

#[test]
fn an_ack_of_data_the_capture_skipped_is_ack_unseen() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    c.send(Client, PSH_ACK, 100);
    // The server's first 300 bytes are not captured; its next segment comes.
    let skipped_from = c.next_seq(Server);
    let after_gap = c.send_at(Server, PSH_ACK, 100, skipped_from + 300, 1101);
    assert!(!after_gap.flags.contains(AnomalyFlags::ACK_UNSEEN));
    // The client acks all of it, the skipped bytes included.
    let ack = c.send_acking(Client, ACK, 0, skipped_from + 400);
    assert_eq!(label(&ack), "data/ack ESTABLISHED ESTABLISHED +ack-unseen");
    // Acking it again is no news.
    let again = c.send_acking(Client, ACK, 0, skipped_from + 400);
    assert!(again.flags.is_empty());
}

#[test]
fn the_corpus_gap_before_the_server_fin_is_acked_unseen_as_wireshark_says() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let run = common::run(&corpus.join("zeek/tcp/miss_end_data.pcap"));
    let flagged: Vec<u64> = run
        .frames
        .iter()
        .flatten()
        .filter(|a| a.flags.contains(AnomalyFlags::ACK_UNSEEN))
        .map(|a| a.frame)
        .collect();
    // tshark: frame 7 "[TCP ACKed unseen segment]".
    assert_eq!(flagged, vec![7]);
}

#[test]
fn a_syn_flood_fills_the_table_only_to_its_cap_and_counts_evictions() {
    use tcpphase::track::{Config, Tracker};
    let cap = 10_000;
    let mut tracker = Tracker::new(Config {
        max_connections: cap,
        ..Config::default()
    });
    let server: core::net::SocketAddr = "192.0.2.80:80".parse().unwrap();
    let mut frame = Vec::new();
    let mut summaries = 0u64;
    let syns = 50_000u32;
    for i in 0..syns {
        let src = core::net::SocketAddr::new(
            core::net::IpAddr::V4(core::net::Ipv4Addr::from(0x0a00_0000 + i)),
            1024 + (i % 50_000) as u16,
        );
        let spec = SegmentSpec {
            src,
            dst: server,
            seq: i.wrapping_mul(2_654_435_761),
            ack: 0,
            flags: SYN,
            len: 0,
        };
        write_frame(&spec, &mut frame);
        // One SYN per microsecond: far below any timeout.
        tracker.feed(LINKTYPE_RAW, &frame, 1_000_000_000 + u64::from(i) * 1_000);
        assert!(tracker.live_connections() <= cap);
        while tracker.next_summary().is_some() {
            summaries += 1;
        }
    }
    assert!(tracker.evicted() >= u64::from(syns) - cap as u64);
    assert_eq!(
        summaries,
        tracker.evicted(),
        "every evicted connection is summarised"
    );
    tracker.finish();
    while let Some(s) = tracker.next_summary() {
        assert_eq!((s.handshake.name(), s.conn_state), ("no-answer", "S0"));
        summaries += 1;
    }
    assert_eq!(summaries, u64::from(syns));
}

// ---------------------------------------------------------------------------
// Issue 12: the cases public captures showed wrong, built frame by frame
// (tests/field_captures.rs checks each on the real file)
// ---------------------------------------------------------------------------

/// RFC 9293 3.6: a last ACK is the active closer's; the passive closer's
/// repeated ACKs of the first FIN, before and after its own FIN, stay
/// passive-close/ack and are flagged where they repeat.
#[test]
fn passive_closers_repeated_ack_is_no_last_ack() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    c.send(Client, FIN_ACK, 0);
    assert_eq!(
        label(&c.send(Server, ACK, 0)),
        "passive-close/ack FIN-WAIT-2 CLOSE-WAIT passive"
    );
    assert_eq!(
        label(&c.send(Server, ACK, 0)),
        "passive-close/ack FIN-WAIT-2 CLOSE-WAIT passive +retransmission"
    );
    assert_eq!(
        label(&c.send(Server, FIN_ACK, 0)),
        "passive-close/fin FIN-WAIT-2 LAST-ACK passive"
    );
    let client_next = c.next_seq(Client);
    assert_eq!(
        label(&c.send_at(Server, ACK, 0, 5001, client_next)),
        "passive-close/ack FIN-WAIT-2 LAST-ACK passive +retransmission"
    );
    assert_eq!(
        label(&c.send(Client, ACK, 0)),
        "active-close/last-ack TIME-WAIT CLOSED active"
    );
}

/// RFC 9293 3.10.7.4 (FIN-WAIT-1 receiving a FIN): a retransmitted FIN
/// that newly acknowledges the peer's FIN moves its sender to CLOSING,
/// as a BSD or macOS stack's close often shows it.
#[test]
fn retransmitted_fin_that_acks_the_peers_fin_moves_its_sender_to_closing() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    let fin_at = c.next_seq(Client);
    c.send(Client, FIN_ACK, 0);
    // The server's FIN crosses it (acks only up to the client's FIN).
    assert_eq!(
        label(&c.send_acking(Server, FIN_ACK, 0, fin_at)),
        "active-close/fin FIN-WAIT-1 FIN-WAIT-1 active +simultaneous-close"
    );
    let server_next = c.next_seq(Server);
    let resent = c.send_at(Client, FIN_ACK, 0, fin_at, server_next);
    assert_eq!(
        label(&resent),
        "active-close/fin CLOSING CLOSING active +retransmission,simultaneous-close"
    );
}

/// RFC 9293 3.10.7.4: a RST whose sequence number lies below the
/// receiver's RCV.NXT (here at the sender's own FIN, which the receiver
/// already took) is dropped: reset/rst-ignored, out-of-window, no state
/// moves and the connection goes on; a RST at RCV.NXT still aborts.
#[test]
fn rst_outside_the_receivers_window_is_ignored() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    let fin_at = c.next_seq(Client);
    c.send(Client, FIN_ACK, 0);
    c.send_acking(Server, PSH_ACK, 100, fin_at);
    let ignored = c.send_at(Client, RST, 0, fin_at, 0);
    assert_eq!(
        label(&ignored),
        "reset/rst-ignored FIN-WAIT-1 ESTABLISHED active +out-of-window"
    );
    // The server's challenge ACK is no after-reset.
    assert_eq!(
        label(&c.send(Server, ACK, 0)),
        "passive-close/ack FIN-WAIT-2 CLOSE-WAIT passive"
    );
    // Far beyond the window: ignored as well.
    let beyond = c.send_at(Client, RST, 0, fin_at + 0x4000_0000, 0);
    assert_eq!(beyond.step.name(), "rst-ignored");
    // At RCV.NXT: acceptable, the connection ends.
    let valid = c.send_at(Client, RST, 0, fin_at + 1, 0);
    assert_eq!(label(&valid), "reset/abort CLOSED CLOSED active");
    assert_eq!(c.finish()[0].close.name(), "reset");
}

/// A browser closes, receives more data, and resets: the RST carries its
/// next sequence number (past its FIN) and stays an abort.
#[test]
fn valid_rst_after_a_fin_stays_abort() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    c.send(Client, FIN_ACK, 0);
    c.send(Server, PSH_ACK, 300);
    assert_eq!(
        label(&c.send(Client, RST, 0)),
        "reset/abort CLOSED CLOSED active"
    );
}

/// Backscatter: a SYN-ACK answering a spoofed SYN the capture never saw.
/// RFC 9293 3.5: only the SYN proves a SYN-SENT socket; the SYN-ACK's
/// receiver stays UNKNOWN, and the handshake is not-seen, not no-answer.
#[test]
fn lone_syn_ack_leaves_its_receiver_unknown_and_the_handshake_not_seen() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    let syn_ack = c.send_at(Server, SYN_ACK, 0, 5000, 1001);
    assert_eq!(label(&syn_ack), "handshake/syn-ack UNKNOWN SYN-RECEIVED");
    let resent = c.send_at(Server, SYN_ACK, 0, 5000, 1001);
    assert_eq!(
        label(&resent),
        "handshake/syn-ack UNKNOWN SYN-RECEIVED +retransmission"
    );
    let s = &c.finish()[0];
    assert_eq!(
        (s.handshake.name(), s.client_state.name()),
        ("not-seen", "UNKNOWN")
    );
}

/// One direction captured, server to client (RFC 9293 3.5): a server
/// leaves SYN-RECEIVED only on the ACK of its SYN-ACK, so its data proves
/// the unseen client sent that ACK: the client is ESTABLISHED.
#[test]
fn server_data_after_its_syn_ack_proves_the_unseen_client_established() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    c.send_at(Server, SYN_ACK, 0, 5000, 1001);
    c.restart(1001, 5001);
    let data = c.send(Server, PSH_ACK, 100);
    assert_eq!(label(&data), "data/data ESTABLISHED ESTABLISHED");
    assert_eq!(c.finish()[0].handshake.name(), "not-seen");
}

/// One direction captured, client to server (RFC 9293 3.5): the client's
/// ACK of a SYN-ACK the capture never showed proves the server sent it
/// (SYN-RECEIVED), and that ACK reaching it makes it ESTABLISHED.
#[test]
fn client_ack_of_an_unseen_syn_ack_proves_the_server_established() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    assert_eq!(
        label(&c.send(Client, SYN, 0)),
        "handshake/syn SYN-SENT LISTEN"
    );
    let ack = c.send_acking(Client, ACK, 0, 5001);
    assert_eq!(label(&ack), "handshake/ack ESTABLISHED ESTABLISHED");
    let data = c.send_acking(Client, PSH_ACK, 50, 5001);
    assert_eq!(label(&data), "data/data ESTABLISHED ESTABLISHED");
}

/// SYN, SYN-ACK, then a RST (RFC 9293 3.10.7.3, SYN-RECEIVED receiving
/// RST): the responder did not refuse, the handshake was aborted.
#[test]
fn rst_after_the_syn_ack_aborts_the_handshake() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    c.send(Client, SYN, 0);
    c.send(Server, SYN_ACK, 0);
    assert_eq!(label(&c.send(Client, RST, 0)), "reset/abort CLOSED CLOSED");
    let s = &c.finish()[0];
    assert_eq!((s.handshake.name(), s.close.name()), ("aborted", "reset"));
    assert_ne!(s.conn_state, "REJ", "the responder did not reject");
}

/// An ICMP destination unreachable (host administratively prohibited)
/// quoting the client's SYN (RFC 9293 3.10.8, RFC 5927): the frame is
/// labelled on the connection it names, other/icmp-error, and the
/// handshake's outcome is unreachable. An error quoting an unknown 4-tuple
/// opens a stream, as Wireshark's tcp.stream does.
#[test]
fn icmp_error_quoting_the_syn_makes_the_handshake_unreachable() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    let syn = c.send(Client, SYN, 0);
    // A router between answers: 10.0.0.254 -> 10.0.0.1, type 3 code 10,
    // quoting the SYN's IPv4 header and its TCP header.
    let mut frame = vec![
        0x45, 0, 0, 68, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 254, 10, 0, 0, 1, // IPv4, ICMP
        3, 10, 0, 0, 0, 0, 0, 0, // destination unreachable, administratively prohibited
        0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // quoted IPv4
    ];
    frame.extend([0x9c, 0x40, 0, 80]); // ports 40000 -> 80
    frame.extend(1000u32.to_be_bytes());
    frame.extend([0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0]);
    let outcome = c.tracker.feed(LINKTYPE_RAW, &frame, c.now_ns);
    let tcpphase::track::FrameOutcome::Segment(icmp) = outcome else {
        panic!("the ICMP error is labelled: {outcome:?}");
    };
    assert_eq!((icmp.stream, icmp.conn), (syn.stream, syn.conn));
    assert_eq!(label(&icmp), "other/icmp-error SYN-SENT LISTEN");
    // The same error for a 4-tuple never seen: a new stream.
    frame[49] = 0x41; // quoted source port 40001
    let outcome = c.tracker.feed(LINKTYPE_RAW, &frame, c.now_ns);
    let tcpphase::track::FrameOutcome::Segment(other) = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!((other.stream, other.conn), (1, 1));
    let summaries = c.finish();
    assert_eq!(summaries[0].handshake.name(), "unreachable");
    assert_eq!(summaries[1].handshake.name(), "unreachable");
}

/// Stream identity over time (issue 12 point 8). An idle gap of 3 hours
/// (Linux keepalives come every 2 h) keeps the connection, as conntrack's
/// 5-day timeout would; and a 4-tuple whose entry left the table 2 x MSL
/// after its FIN close continues its stream when it is used again with
/// the same initial sequence number, as Wireshark's conversation does
/// (RFC 9293 3.4.1: a new connection, the same stream).
#[test]
fn long_idle_gaps_and_departed_four_tuples_keep_their_stream() {
    // Wireshark 4.0's rule: 4.4 would open a new stream for any SYN after
    // the FIN (see syn_after_rst_opens_a_new_stream_by_wireshark_4_4s_rule).
    let mut c =
        Conversation::new(CLIENT, SERVER, 1000, 5000).with_stream_rule(StreamRule::Wireshark40);
    handshake(&mut c);
    c.wait_ns(3 * 3_600_000_000_000);
    c.other_traffic();
    let keepalive = c.send(Client, ACK, 0);
    assert_eq!((keepalive.stream, keepalive.conn), (0, 0));
    assert_eq!(label(&keepalive), "data/ack ESTABLISHED ESTABLISHED");
    client_closes(&mut c);
    // Another connection takes stream 1 meanwhile.
    let mut other = Conversation::new("10.0.0.3:40000", SERVER, 1, 2);
    std::mem::swap(&mut other.tracker, &mut c.tracker);
    other.now_ns = c.now_ns;
    let syn = other.send(Client, SYN, 0);
    assert_eq!(syn.stream, 1);
    std::mem::swap(&mut other.tracker, &mut c.tracker);
    c.now_ns = other.now_ns;
    // Long after TIME-WAIT the entry has left; the same 4-tuple again.
    c.wait_ns(600_000_000_000);
    c.other_traffic();
    assert_eq!(c.tracker.live_connections(), 1, "only the other one");
    c.restart(1000, 9000);
    let again = c.send(Client, SYN, 0);
    assert_eq!((again.stream, again.conn), (0, 2));
    assert!(again.flags.contains(AnomalyFlags::PORT_REUSE));
    // With another initial sequence number it would be a new stream.
    let summaries = c.finish();
    assert_eq!(summaries.len(), 3);
}

/// A departed 4-tuple reused with a different initial sequence number
/// opens a new stream, as Wireshark's port-reuse rule decides.
#[test]
fn departed_four_tuple_with_a_new_isn_opens_a_new_stream() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    client_closes(&mut c);
    c.wait_ns(600_000_000_000);
    c.other_traffic();
    assert_eq!(c.tracker.live_connections(), 0);
    c.restart(777_777, 9000);
    let again = c.send(Client, SYN, 0);
    assert_eq!((again.stream, again.conn), (1, 1));
    assert!(again.flags.contains(AnomalyFlags::PORT_REUSE));
}

/// FIN, then RST from the same side, then the peer's FIN (PcapPlusPlus'
/// example.pcap, stream 33, showed it). Zeek's TCP analyzer
/// (src/analyzer/protocol/tcp/TCP.cc, UpdateEstablishedState) turns a peer
/// that "sent a FIN followed by a RST" back to CLOSED when the other FIN
/// comes, "because this was actually normal termination"; conn_state in
/// base/protocols/conn/main.zeek then gives SF (both CLOSED), not RSTO.
/// For tcpphase the RST at the client's next sequence number aborts the
/// connection (RFC 9293 3.10.7.4), so its own close kind stays reset.
#[test]
fn fin_then_rst_then_the_peers_fin_is_zeeks_sf() {
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    c.send(Client, PSH_ACK, 20);
    c.send(Server, ACK, 0);
    c.send(Client, FIN_ACK, 0);
    c.send(Client, RST_ACK, 0);
    c.send(Server, FIN_ACK, 0);
    let s = &c.finish()[0];
    assert_eq!(s.conn_state, "SF");
    assert_eq!(s.history.as_str(), "ShADaFRf");
    assert_eq!(s.close.name(), "reset");
}

/// Issue 14 point 3: by Wireshark 4.4's rule (the default) a SYN after a
/// RST or a FIN always opens a new stream, even with the same sequence
/// number; by 4.0's it stays in the stream (as a new connection, RFC 9293).
#[test]
fn syn_after_rst_opens_a_new_stream_by_wireshark_4_4s_rule() {
    for (rule, stream) in [(StreamRule::Wireshark44, 1), (StreamRule::Wireshark40, 0)] {
        let mut c = Conversation::new(CLIENT, SERVER, 1000, 0).with_stream_rule(rule);
        c.send(Client, SYN, 0);
        c.send(Server, RST_ACK, 0);
        c.restart(1000, 7000);
        let retry = c.send(Client, SYN, 0);
        assert_eq!((retry.stream, retry.conn), (stream, 1), "{}", rule.name());
        assert!(retry.flags.contains(AnomalyFlags::PORT_REUSE));
    }
    // The default is 4.4's, after a FIN close too.
    let mut c = Conversation::new(CLIENT, SERVER, 1000, 5000);
    handshake(&mut c);
    client_closes(&mut c);
    c.restart(1000, 9000);
    assert_eq!(c.send(Client, SYN, 0).stream, 1);
}
