//! Connections bounded as Zeek bounds them (`tcpphase::zeek`), built
//! segment by segment: each boundary case (Zeek's timers, 4-tuple reuse,
//! role flips) and each history letter, with the rule of Zeek's source it
//! follows named on the test. Rows are compared as
//! `conn_state history orig_pkts resp_pkts`.

use std::net::IpAddr;
use tcpphase::wire::TcpFlags;
use tcpphase::zeek::connection::ZeekPacket;
use tcpphase::zeek::{ServerPorts, ZeekConfig, ZeekConnRecord, ZeekSessions};

const MS: u64 = 1_000_000;
const SEC: u64 = 1_000_000_000;
/// Capture time of the first packet.
const T0: u64 = 1_700_000_000 * SEC;

struct Capture {
    sessions: ZeekSessions,
    client: (IpAddr, u16),
    server: (IpAddr, u16),
}

impl Capture {
    fn new(config: ZeekConfig) -> Self {
        Self::between(config, 40000, 80)
    }

    fn between(config: ZeekConfig, client_port: u16, server_port: u16) -> Self {
        Capture {
            sessions: ZeekSessions::new(config),
            client: (IpAddr::from([10, 0, 0, 1]), client_port),
            server: (IpAddr::from([10, 0, 0, 2]), server_port),
        }
    }

    /// A segment `ms` after T0; `c2s` from the client; `flags` as letters
    /// (S A F R P); `len` payload bytes.
    #[allow(clippy::too_many_arguments)]
    fn seg(&mut self, ms: u64, c2s: bool, flags: &str, seq: u32, ack: u32, len: u32) -> &mut Self {
        self.packet(ms, c2s, flags, seq, ack, len, 65535, true)
    }

    #[allow(clippy::too_many_arguments)]
    fn packet(
        &mut self,
        ms: u64,
        c2s: bool,
        flags: &str,
        seq: u32,
        ack: u32,
        len: u32,
        window: u16,
        checksum_ok: bool,
    ) -> &mut Self {
        let mut f = TcpFlags(0);
        for c in flags.chars() {
            f.0 |= match c {
                'S' => TcpFlags::SYN.0,
                'A' => TcpFlags::ACK.0,
                'F' => TcpFlags::FIN.0,
                'R' => TcpFlags::RST.0,
                'P' => TcpFlags::PSH.0,
                _ => panic!("flag letter {c}"),
            };
        }
        let (src, dst) = if c2s {
            (self.client, self.server)
        } else {
            (self.server, self.client)
        };
        self.sessions.feed(&ZeekPacket {
            ts: T0 + ms * MS,
            src,
            dst,
            flags: f,
            seq,
            ack,
            window,
            len,
            caplen: len,
            ip_len: 40 + len,
            checksum_ok,
        });
        self
    }

    /// The three-way handshake: client ISN 1000, server ISN 5000.
    fn handshake(&mut self, ms: u64) -> &mut Self {
        self.seg(ms, true, "S", 1000, 0, 0)
            .seg(ms + 1, false, "SA", 5000, 1001, 0)
            .seg(ms + 2, true, "A", 1001, 5001, 0)
    }

    /// Every record, at the end of the capture.
    fn records(&mut self) -> Vec<ZeekConnRecord> {
        self.sessions.finish();
        let mut records = Vec::new();
        while let Some(r) = self.sessions.next_record() {
            records.push(r);
        }
        records
    }

    /// Every row, at the end of the capture.
    fn rows(&mut self) -> Vec<String> {
        self.records()
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {}",
                    r.conn_state,
                    r.history.as_deref().unwrap_or("-"),
                    r.orig_pkts,
                    r.resp_pkts
                )
            })
            .collect()
    }
}

fn zeek() -> Capture {
    Capture::new(ZeekConfig::default())
}

fn with(name: &str, secs: u64) -> Capture {
    let mut config = ZeekConfig::default();
    assert!(config.set_timer(name, secs * SEC), "{name}");
    Capture::new(config)
}

// ---- Boundaries -----------------------------------------------------------

/// TCPSessionAdapter::AttemptTimer: a SYN nothing answered within
/// `tcp_attempt_delay` (5 s) ends the attempt; what follows is a new
/// connection (ssh.client-side-half-duplex: S0 "SAD" then SH "DAF").
#[test]
fn attempt_delay_splits_an_unanswered_syn_from_what_follows() {
    let mut c = zeek();
    c.seg(0, true, "S", 1000, 0, 0)
        .seg(3000, true, "A", 1001, 5001, 10)
        .seg(6000, true, "A", 1011, 5001, 10);
    assert_eq!(c.rows(), ["S0 SD 2 0", "OTH D 1 0"]);
    let mut c = with("tcp_attempt_delay", 10);
    c.seg(0, true, "S", 1000, 0, 0)
        .seg(3000, true, "A", 1001, 5001, 10)
        .seg(6000, true, "A", 1011, 5001, 10);
    assert_eq!(c.rows(), ["S0 SD 3 0"]);
}

/// TCPSessionAdapter::ConnectionClosed: a RST completes the close and the
/// connection leaves `tcp_close_delay` (5 s) after its last packet; data
/// on the 4-tuple later is a new connection (modbus p502: RSTO "ShR" then
/// RSTRH "Dr").
#[test]
fn close_delay_after_a_reset_splits_later_data() {
    let mut c = zeek();
    c.seg(0, true, "S", 1000, 0, 0)
        .seg(1, false, "SA", 5000, 1001, 0)
        .seg(2, true, "R", 1001, 0, 0)
        .seg(16_000, true, "AP", 1001, 5001, 20)
        .seg(16_001, false, "R", 5001, 0, 0);
    assert_eq!(c.rows(), ["RSTO ShR 2 1", "RSTRH Dr 1 1"]);
    let mut c = with("tcp_close_delay", 30);
    c.seg(0, true, "S", 1000, 0, 0)
        .seg(1, false, "SA", 5000, 1001, 0)
        .seg(2, true, "R", 1001, 0, 0)
        .seg(16_000, true, "AP", 1001, 5001, 20);
    assert_eq!(c.rows(), ["RSTO ShRD 3 1"]);
}

/// TCPSessionAdapter::ConnectionClosed after both FINs: removal at last
/// packet + `tcp_close_delay`; a packet before that still belongs to it.
#[test]
fn close_delay_after_both_fins() {
    let mut c = zeek();
    c.handshake(0)
        .seg(10, true, "FA", 1001, 5001, 0)
        .seg(11, false, "FA", 5001, 1002, 0)
        .seg(12, true, "A", 1002, 5002, 0)
        .seg(4_000, true, "A", 1002, 5002, 0)
        .seg(9_000, true, "A", 1002, 5002, 0);
    assert_eq!(c.rows(), ["SF ShAFf 5 2", "OTH A 1 0"]);
}

/// TCPSessionAdapter::UpdateClosedState: a RST after this side's FIN (the
/// peer not closed) arms the reset timer, `tcp_reset_delay` (5 s); without
/// it the expire timer (`tcp_session_timer` 6 s, `tcp_connection_linger`
/// 5 s) removes the connection later.
#[test]
fn reset_delay_after_fin_then_rst() {
    let mut c = zeek();
    c.handshake(0)
        .seg(10, true, "FA", 1001, 5001, 0)
        .seg(11, false, "A", 5001, 1002, 0)
        .seg(20, true, "R", 1002, 0, 0)
        .seg(5_500, true, "A", 1002, 5001, 0);
    assert_eq!(c.rows(), ["RSTO ShAFaR 4 2", "OTH A 1 0"]);
    let mut c = with("tcp_reset_delay", 20);
    c.handshake(0)
        .seg(10, true, "FA", 1001, 5001, 0)
        .seg(11, false, "A", 5001, 1002, 0)
        .seg(20, true, "R", 1002, 0, 0)
        .seg(5_500, true, "A", 1002, 5001, 0);
    assert_eq!(c.rows(), ["RSTO ShAFaR 5 2"]);
}

/// Connection::InactivityTimer with `tcp_inactivity_timeout` (5 min, set
/// by TCP_Endpoint::SetState once the handshake is done).
#[test]
fn inactivity_timeout_ends_an_idle_connection() {
    let mut c = zeek();
    c.handshake(0).seg(301_000, true, "AP", 1001, 5001, 5);
    assert_eq!(c.rows(), ["S1 ShA 2 1", "OTH D 1 0"]);
    let mut c = with("tcp_inactivity_timeout", 600);
    c.handshake(0).seg(301_000, true, "AP", 1001, 5001, 5);
    assert_eq!(c.rows(), ["S1 ShAD 3 1"]);
}

/// Before the handshake Zeek's TCP connections carry
/// `udp_inactivity_timeout` (1 min, TCPAnalyzer::MakeSessionAdapter).
#[test]
fn before_the_handshake_the_inactivity_timeout_is_one_minute() {
    let mut c = with("tcp_attempt_delay", 0);
    c.seg(0, true, "S", 1000, 0, 0)
        .seg(61_000, true, "S", 1000, 0, 0);
    assert_eq!(c.rows(), ["S0 S 1 0", "S0 S 1 0"]);
    let mut c = with("tcp_attempt_delay", 0);
    c.seg(0, true, "S", 1000, 0, 0)
        .seg(59_000, true, "S", 1000, 0, 0);
    assert_eq!(c.rows(), ["S0 S 2 0"]);
}

/// TCPSessionAdapter::IsReuse: a SYN with a new ISN on an open 4-tuple is
/// a new connection; the same ISN again is a retransmission.
#[test]
fn a_syn_with_a_new_isn_reuses_the_4_tuple() {
    let mut c = zeek();
    c.seg(0, true, "S", 1000, 0, 0)
        .seg(1000, true, "S", 1000, 0, 0)
        .seg(2000, true, "S", 9000, 0, 0);
    assert_eq!(c.rows(), ["S0 S 2 0", "S0 S 1 0"]);
}

/// IsReuse on a closed connection: any SYN starts a new one (pop3: the
/// same 4-tuple refused three times gives three REJ rows).
#[test]
fn syns_after_rejects_are_new_connections() {
    let mut c = zeek();
    c.seg(0, true, "S", 1000, 0, 0)
        .seg(1, false, "RA", 0, 1001, 0)
        .seg(500, true, "S", 1000, 0, 0)
        .seg(501, false, "RA", 0, 1001, 0);
    assert_eq!(c.rows(), ["REJ Sr 1 1", "REJ Sr 1 1"]);
}

/// TCPAnalyzer::WantConnection: a first packet without SYN, or a SYN-ACK,
/// from a likely server port flips the roles (`^`).
#[test]
fn a_first_syn_ack_from_a_server_port_flips() {
    let mut c = zeek();
    c.seg(1, false, "SA", 5000, 1001, 0)
        .seg(2, true, "A", 1001, 5001, 0)
        .seg(3, true, "AP", 1001, 5001, 10);
    assert_eq!(c.rows(), ["S1 ^hAD 2 1"]);
    // `likely_server_ports` empty (zeek -b without protocol scripts): the
    // first packet from port 80 is a SYN-ACK as any other.
    let mut c = configured(|z| z.likely_server_ports = ServerPorts::of(&[]).unwrap());
    c.seg(1, false, "SA", 5000, 1001, 0);
    assert_eq!(c.rows(), ["OTH H 1 0"]);
}

/// WantConnection: between two ports that are no likely server ports,
/// the sender of the first packet stays the originator.
#[test]
fn no_flip_between_unknown_ports() {
    let mut c = Capture::between(ZeekConfig::default(), 40000, 41000);
    c.seg(1, false, "AP", 5001, 1001, 10);
    assert_eq!(c.rows(), ["OTH D 1 0"]);
}

/// TCPSessionAdapter::UpdateInactiveState: a SYN that follows its own
/// SYN-ACK is a SYN/SYN-ACK reversal: the roles flip and both sides are
/// established.
#[test]
fn a_syn_after_its_syn_ack_flips_and_establishes() {
    let mut c = Capture::between(ZeekConfig::default(), 40000, 41000);
    c.seg(0, false, "SA", 5000, 1001, 0)
        .seg(1, true, "S", 1000, 0, 0)
        .seg(2, true, "A", 1001, 5001, 0);
    assert_eq!(c.rows(), ["S1 Hs^A 2 1"]);
}

// ---- History letters ------------------------------------------------------

/// update_history: S, H, A, D, F once per side and kind, upper case for
/// the originator, lower for the responder (Conn.cc CheckHistory).
#[test]
fn the_letters_of_a_full_exchange() {
    let mut c = zeek();
    c.handshake(0)
        .seg(10, true, "AP", 1001, 5001, 10)
        .seg(11, false, "AP", 5001, 1011, 20)
        .seg(12, true, "AP", 1011, 5021, 10)
        .seg(13, false, "FA", 5021, 1021, 0)
        .seg(14, true, "FA", 1021, 5022, 0)
        .seg(15, false, "A", 5022, 1022, 0);
    assert_eq!(c.rows(), ["SF ShADdfFa 5 4"]);
}

/// update_history: a RST is R / r, again when its sequence number differs
/// from the last RST's.
#[test]
fn r_repeats_only_with_a_new_sequence_number() {
    let mut c = zeek();
    c.handshake(0)
        .seg(10, false, "R", 5001, 0, 0)
        .seg(11, false, "R", 5001, 0, 0)
        .seg(12, false, "R", 5101, 0, 0);
    assert_eq!(c.rows(), ["RSTR ShArr 2 4"]);
}

/// update_history: F / f again when the FIN's sequence number (after its
/// data) differs from the last FIN's.
#[test]
fn f_repeats_when_the_fin_moves() {
    let mut c = zeek();
    c.handshake(0)
        .seg(10, true, "FA", 1001, 5001, 0)
        .seg(11, true, "FA", 1001, 5001, 0)
        .seg(12, true, "FAP", 1001, 5001, 10);
    assert_eq!(c.rows(), ["S2 ShAFF 5 1"]);
}

/// update_history: FIN and RST together are I; other flag combinations of
/// SYN, FIN, RST are Q.
#[test]
fn i_and_q_for_flag_combinations() {
    let mut c = zeek();
    c.handshake(0).seg(10, true, "FRA", 1001, 5001, 0);
    assert_eq!(c.rows(), ["RSTO ShAI 3 1"]);
    let mut c = zeek();
    c.seg(0, true, "SF", 1000, 0, 0);
    assert_eq!(c.rows(), ["SH Q 1 0"]);
}

/// update_last_seq / TCP_Endpoint::DidRxmit: data at or below the highest
/// sequence seen is a retransmission, T / t, logarithmically
/// (ScaledHistoryEntry: the 1st, 10th, 100th...).
#[test]
fn t_for_retransmissions_logarithmically() {
    let mut c = zeek();
    c.handshake(0).seg(10, true, "AP", 1001, 5001, 100);
    for i in 0..10 {
        c.seg(20 + i, true, "AP", 1001, 5001, 100);
    }
    c.seg(40, false, "AP", 5001, 1101, 10)
        .seg(41, false, "AP", 5001, 1101, 10);
    assert_eq!(c.rows(), ["S1 ShADTTdt 13 3"]);
}

/// update_window / TCP_Endpoint::ZeroWindow: a zero window is W / w
/// (logarithmic), not with a RST and not after the peer's FIN.
#[test]
fn w_for_zero_windows() {
    let mut c = zeek();
    c.handshake(0);
    c.packet(10, false, "A", 5001, 1001, 0, 0, true);
    c.packet(11, false, "A", 5001, 1001, 0, 0, true);
    c.seg(12, true, "FA", 1001, 5001, 0);
    c.packet(13, false, "A", 5001, 1002, 0, 0, true);
    assert_eq!(c.rows(), ["S2 ShAawF 3 4"]);
}

/// TCP_Reassembler::Gap: an ack beyond the data seen reveals a content gap,
/// G / g (logarithmic) and missed_bytes, in an established connection.
#[test]
fn g_for_content_gaps_and_missed_bytes() {
    let mut c = zeek();
    c.handshake(0)
        .seg(10, false, "AP", 5001, 1001, 100)
        .seg(11, false, "AP", 5201, 1001, 100)
        .seg(12, true, "A", 1001, 5301, 0);
    c.sessions.finish();
    let r = c.sessions.next_record().expect("a row");
    assert_eq!(r.history.as_deref(), Some("ShAdg"));
    assert_eq!(r.missed_bytes, 100);
    assert_eq!(r.resp_bytes, Some(300));
    // The originator's gap is G.
    let mut c = zeek();
    c.handshake(0)
        .seg(10, true, "AP", 1001, 5001, 100)
        .seg(11, true, "AP", 1201, 5001, 100)
        .seg(12, false, "A", 5001, 1301, 0);
    c.sessions.finish();
    let r = c.sessions.next_record().expect("a row");
    assert_eq!(r.history.as_deref(), Some("ShADaG"));
    assert_eq!(r.missed_bytes, 100);
}

/// TCP_Reassembler::AckReceived: the ack of a FIN covers the FIN octet,
/// no gap (miss_end_data: the data before the FIN is the gap, not the FIN).
#[test]
fn the_fin_octet_is_no_gap() {
    let mut c = zeek();
    c.handshake(0)
        .seg(10, false, "AP", 5001, 1001, 100)
        .seg(11, false, "FA", 5101, 1001, 0)
        .seg(12, true, "A", 1001, 5102, 0);
    c.sessions.finish();
    let r = c.sessions.next_record().expect("a row");
    assert_eq!(r.history.as_deref(), Some("ShAdf"));
    assert_eq!(r.missed_bytes, 0);
}

/// TCPAnalyzer::ValidateChecksum: a segment with a wrong checksum writes
/// C / c (logarithmic) and is otherwise ignored, not even counted.
#[test]
fn c_for_checksum_errors() {
    let mut c = zeek();
    c.handshake(0);
    c.packet(10, true, "AP", 1001, 5001, 10, 65535, false);
    c.packet(11, false, "AP", 5001, 1001, 10, 65535, false);
    assert_eq!(c.rows(), ["S1 ShACc 2 1"]);
    let mut c = Capture::new(ZeekConfig {
        ignore_checksums: true,
        ..ZeekConfig::default()
    });
    c.handshake(0);
    c.packet(10, true, "AP", 1001, 5001, 10, 65535, false);
    assert_eq!(c.rows(), ["S1 ShAD 3 1"]);
}

/// TCP_Endpoint::Size: bytes are sequence space (highest of last seq and
/// ack), less the SYN and FIN octets; retransmissions do not add.
#[test]
fn bytes_are_sequence_space() {
    let mut c = zeek();
    c.handshake(0)
        .seg(10, true, "AP", 1001, 5001, 100)
        .seg(11, true, "AP", 1001, 5001, 100)
        .seg(12, true, "FA", 1101, 5001, 0)
        .seg(13, false, "FA", 5001, 1102, 0);
    c.sessions.finish();
    let r = c.sessions.next_record().expect("a row");
    assert_eq!((r.orig_bytes, r.resp_bytes), (Some(100), Some(0)));
    assert_eq!((r.orig_ip_bytes, r.resp_ip_bytes), (40 * 5 + 200, 80));
}

/// zeek/zeek pull request 2191: a connection that began with a SYN-ACK
/// flips once an ack or data follows, in either direction, even between
/// ports that are no likely server ports; the history reads as if the
/// roles had been right from the start and the counts follow the real
/// sides (baselines core.tcp.flip-without-syn, core.conn-size-flip).
#[test]
fn a_syn_ack_followed_by_an_ack_flips() {
    let mut c = Capture::between(ZeekConfig::default(), 40000, 41000);
    c.seg(0, false, "SA", 5000, 1001, 0)
        .seg(1, true, "A", 1001, 5001, 0)
        .seg(2, true, "AP", 1001, 5001, 10);
    assert_eq!(c.rows(), ["OTH ^hAD 2 1"]);
    // Only the server's side seen: SYN-ACK, ACK, FIN.
    let mut c = Capture::between(ZeekConfig::default(), 40000, 41000);
    c.seg(0, false, "SA", 5000, 1001, 0)
        .seg(1, false, "A", 5001, 1001, 0)
        .seg(2, false, "FA", 5001, 1001, 0);
    assert_eq!(c.rows(), ["SHR ^haf 0 3"]);
    // A SYN-ACK nothing follows (a stealth scan's) does not flip.
    let mut c = Capture::between(ZeekConfig::default(), 40000, 41000);
    c.seg(0, false, "SA", 5000, 1001, 0);
    assert_eq!(c.rows(), ["OTH H 1 0"]);
    // A repeat of the SYN-ACK writes nothing: the ACK after it still flips.
    let mut c = Capture::between(ZeekConfig::default(), 40000, 41000);
    c.seg(0, false, "SA", 5000, 1001, 0)
        .seg(0, false, "SA", 5000, 1001, 0)
        .seg(1, true, "A", 1001, 5001, 0);
    assert_eq!(c.rows(), ["OTH ^hA 1 2"]);
    // Right after only: a packet with a wrong checksum in between (`c`)
    // and Zeek never flips (core.checksums_ignore_nets, conn-failed.log).
    let mut c = Capture::between(ZeekConfig::default(), 40000, 41000);
    c.seg(0, false, "SA", 5000, 1001, 0);
    c.packet(1, true, "A", 1001, 5001, 0, 65535, false);
    c.seg(2, false, "A", 5001, 1001, 0);
    assert_eq!(c.rows(), ["OTH HcA 2 0"]);
}

// ---- Partial close, pending data, reassembly limits ------------------------

fn configured(set: impl FnOnce(&mut ZeekConfig)) -> Capture {
    let mut config = ZeekConfig::default();
    set(&mut config);
    Capture::new(config)
}

/// A SYN, then the responder's first packet is a FIN (no SYN-ACK), then
/// the client's data 4 s later.
fn syn_then_responders_fin(c: &mut Capture) {
    c.seg(0, true, "S", 1000, 0, 0)
        .seg(100, false, "FA", 5001, 1001, 0)
        .seg(4_000, true, "AP", 1001, 5002, 10);
}

/// TCPSessionAdapter::ConnectionClosed and PartialCloseTimer: a side whose
/// first packet is a FIN, its peer open, ends the connection
/// `tcp_partial_close_delay` (3 s) later; Zeek sets that timer only when a
/// script handles `connection_partial_close`, which none of its base
/// scripts does, so by default the client's later data stays in it.
#[test]
fn partial_close_delay_ends_a_connection_closed_by_its_first_packet() {
    let mut c = zeek();
    syn_then_responders_fin(&mut c);
    assert_eq!(c.rows(), ["S3 SfD 2 1"]);
    let mut c = configured(|z| z.connection_partial_close = true);
    syn_then_responders_fin(&mut c);
    assert_eq!(c.rows(), ["S3 Sf 1 1", "OTH D 1 0"]);
    let mut c = configured(|z| {
        z.connection_partial_close = true;
        z.tcp_partial_close_delay = 5 * SEC;
    });
    syn_then_responders_fin(&mut c);
    assert_eq!(c.rows(), ["S3 SfD 2 1"]);
}

/// PartialCloseTimer: no removal when a RST caused the close.
#[test]
fn partial_close_is_not_reported_after_a_reset() {
    let mut c = configured(|z| z.connection_partial_close = true);
    c.seg(0, true, "S", 1000, 0, 0)
        .seg(100, false, "FA", 5001, 1001, 0)
        .seg(200, true, "R", 1001, 0, 0)
        .seg(4_000, true, "AP", 1001, 5002, 10);
    assert_eq!(c.rows().len(), 1, "{:?}", c.rows());
}

/// The server's FIN after 1000 bytes the capture never had, then the
/// client's FIN acking only what it got, then a client ACK 20 s later.
fn fin_after_missing_data(c: &mut Capture, missing: u32) {
    c.handshake(0)
        .seg(10, false, "FA", 5001 + missing, 1001, 0)
        .seg(20, true, "FA", 1001, 5001, 0)
        .seg(20_000, true, "A", 1002, 5001, 0);
}

/// TCPSessionAdapter::ConnectionClosed holds a close while
/// TCP_Reassembler::DataPending (data of the closing side not delivered):
/// the server's FIN after a hole never completes its close (the client's
/// close resets `close_deferred`), so both-closed removal
/// (`tcp_close_delay`) never comes and the ACK 20 s later is the same
/// connection. Without the hole it is a new one.
#[test]
fn a_close_waits_while_data_is_pending() {
    let mut c = zeek();
    fin_after_missing_data(&mut c, 1000);
    assert_eq!(c.rows(), ["SF ShAfF 4 2"]);
    let mut c = zeek();
    fin_after_missing_data(&mut c, 0);
    assert_eq!(c.rows(), ["SF ShAfF 3 2", "OTH A 1 0"]);
}

/// TCP_Reassembler::AckReceived ends in CheckEOF: the client's ack of the
/// server's FIN (on the client's own FIN, so g follows F: Zeek writes a
/// packet's flag letters before its ack is processed) reveals the missing
/// data as a gap (g, missed_bytes), the held close then completes, and the
/// connection leaves 5 s after both closed.
#[test]
fn an_ack_past_the_hole_releases_the_held_close() {
    let mut c = zeek();
    c.handshake(0)
        .seg(10, false, "FA", 6001, 1001, 0)
        .seg(20, true, "FA", 1001, 6002, 0)
        .seg(20_000, true, "A", 1002, 6002, 0);
    let r = c.records();
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[0].history.as_deref(), Some("ShAfFg"));
    assert_eq!(r[0].missed_bytes, 1000);
}

/// The client sends 20000 bytes the server never acks (its acks stay at the
/// SYN), the server closes, the client closes, then a client ACK 20 s
/// later.
fn unacked_data_then_fins(c: &mut Capture) {
    c.handshake(0)
        .seg(10, true, "AP", 1001, 5001, 10_000)
        .seg(11, true, "AP", 11_001, 5001, 10_000)
        .seg(20, false, "FA", 5001, 1001, 0)
        .seg(30, true, "FA", 21_001, 5002, 0)
        .seg(20_000, true, "A", 21_002, 5002, 0);
}

/// TCP_Reassembler::BlockInserted with `tcp_max_initial_window` (16384):
/// past it with nothing acked, the client's delivered data is not held
/// for an ack, so the server's FIN has no peer data pending and the close
/// completes (new connection 20 s later). With the limit off (0) the
/// client's 20000 bytes stay held, the server's close waits and never
/// completes.
#[test]
fn max_initial_window_stops_holding_unacked_data() {
    let mut c = zeek();
    unacked_data_then_fins(&mut c);
    assert_eq!(c.rows(), ["SF ShADfF 5 2", "OTH A 1 0"]);
    let mut c = configured(|z| z.tcp_max_initial_window = 0);
    unacked_data_then_fins(&mut c);
    assert_eq!(c.rows(), ["SF ShADfF 6 2"]);
    let mut c = configured(|z| z.tcp_max_initial_window = 30_000);
    unacked_data_then_fins(&mut c);
    assert_eq!(c.rows(), ["SF ShADfF 6 2"]);
}

/// 100 bytes acked, 3000 more never acked, then 1000 bytes the capture
/// missed and an ack past them.
fn held_data_then_a_gap(c: &mut Capture) {
    c.handshake(0)
        .seg(10, true, "AP", 1001, 5001, 100)
        .seg(11, false, "A", 5001, 1101, 0)
        .seg(12, true, "AP", 1101, 5001, 1000)
        .seg(13, true, "AP", 2101, 5001, 1000)
        .seg(14, true, "AP", 3101, 5001, 1000)
        .seg(15, true, "AP", 5101, 5001, 100)
        .seg(16, false, "A", 5001, 5201, 0);
}

/// TCP_Reassembler::DataSent with `tcp_excessive_data_without_further_acks`
/// (10 MiB): past it, Zeek stops following the side's content, so a later
/// gap is neither G nor missed_bytes.
#[test]
fn excessive_data_without_acks_stops_gap_reporting() {
    let mut c = zeek();
    held_data_then_a_gap(&mut c);
    let r = c.records();
    assert_eq!(
        (r[0].history.as_deref(), r[0].missed_bytes),
        (Some("ShADaG"), 1000)
    );
    let mut c = configured(|z| z.tcp_excessive_data_without_further_acks = 2_500);
    held_data_then_a_gap(&mut c);
    let r = c.records();
    assert_eq!(
        (r[0].history.as_deref(), r[0].missed_bytes),
        (Some("ShADa"), 0)
    );
    assert_eq!(
        ZeekConfig::default().tcp_excessive_data_without_further_acks,
        10 * 1024 * 1024
    );
}

/// 100 bytes, 1000 the capture missed, 20000 above that hole, none of it
/// acked until an ack past everything.
fn data_above_a_hole_unacked(c: &mut Capture) {
    c.handshake(0)
        .seg(10, true, "AP", 1001, 5001, 100)
        .seg(11, true, "AP", 2101, 5001, 10_000)
        .seg(12, true, "AP", 12_101, 5001, 10_000)
        .seg(20, false, "A", 5001, 22_101, 0);
}

/// TCP_Reassembler::DataSent with `tcp_max_above_hole_without_any_acks`
/// (16384): more than that waiting above a hole with nothing acked, and
/// Zeek stops following the side's content: the hole is no gap (no G, no
/// missed_bytes). With the limit off (0) it is one.
#[test]
fn max_above_hole_without_any_acks_stops_gap_reporting() {
    let mut c = zeek();
    data_above_a_hole_unacked(&mut c);
    let r = c.records();
    assert_eq!(
        (r[0].history.as_deref(), r[0].missed_bytes),
        (Some("ShADa"), 0)
    );
    let mut c = configured(|z| z.tcp_max_above_hole_without_any_acks = 0);
    data_above_a_hole_unacked(&mut c);
    let r = c.records();
    assert_eq!(
        (r[0].history.as_deref(), r[0].missed_bytes),
        (Some("ShADaG"), 1000)
    );
}

mod robustness {
    use super::*;
    use proptest::prelude::*;

    fn packet() -> impl Strategy<Value = (u64, bool, u16, u32, u32, u32, u16, bool)> {
        (
            0u64..400_000,
            any::<bool>(),
            0u16..0x200,
            any::<u32>(),
            any::<u32>(),
            0u32..3000,
            any::<u16>(),
            any::<bool>(),
        )
    }

    proptest! {
        /// Any packets, any timers (0 included): no panic, every
        /// connection written once, counts adding up to the packets fed.
        #[test]
        fn any_packets_any_timers(
            packets in proptest::collection::vec(packet(), 0..60),
            timer in 0u64..20,
            count in 0u64..5000,
        ) {
            let mut config = ZeekConfig::default();
            for name in ZeekConfig::TIMER_NAMES {
                config.set_timer(name, timer * SEC);
            }
            for name in ZeekConfig::COUNT_NAMES {
                config.set_count(name, count);
            }
            config.connection_partial_close = timer % 2 == 0;
            let mut sessions = ZeekSessions::new(config);
            let client = (IpAddr::from([10, 0, 0, 1]), 40000);
            let server = (IpAddr::from([10, 0, 0, 2]), 80);
            let mut t = T0;
            let mut counted = 0;
            for (dt, c2s, flags, seq, ack, len, window, ok) in &packets {
                t += dt * MS;
                let (src, dst) = if *c2s { (client, server) } else { (server, client) };
                sessions.feed(&ZeekPacket {
                    ts: t, src, dst, flags: TcpFlags(*flags), seq: *seq, ack: *ack,
                    window: *window, len: *len, caplen: *len, ip_len: 40 + len,
                    checksum_ok: *ok,
                });
                counted += u64::from(*ok);
            }
            sessions.finish();
            let mut pkts = 0;
            while let Some(r) = sessions.next_record() {
                pkts += r.orig_pkts + r.resp_pkts;
            }
            prop_assert_eq!(pkts, counted);
            prop_assert_eq!(sessions.live(), 0);
        }
    }
}
