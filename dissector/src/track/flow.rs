//! One entry of the flow table: a 4-tuple's current stream and connection.

use super::annotation::Annotation;
use super::key::{FlowKey, KeySide};
use super::stream_rule::StreamRule;
use crate::phase::connection::Label;
use crate::phase::{AnomalyFlags, ConnectionPhase, Direction, Ending, Opening, SegmentFacts};
use crate::summary::completeness::{self, Completeness};
use crate::summary::zeek::ZeekConn;
use crate::summary::{CloseKind, ConnSummary, HandshakeOutcome, Role};
use crate::wire::SeqNumber;
use core::net::SocketAddr;

/// Ports on which the side is taken for the server when no SYN says so
/// (besides every port below 1024), after Zeek's `likely_server_ports`.
const LIKELY_SERVER_PORTS: &[u16] = &[
    1080, 1433, 1521, 1883, 2049, 2200, 3128, 3306, 3389, 5060, 5222, 5432, 5672, 5900, 6379, 6443,
    6667, 6668, 6669, 8000, 8008, 8080, 8118, 8443, 8888, 9092, 9200, 11211, 27017,
];

/// Whether a port is one a server usually listens on.
pub fn is_likely_server_port(port: u16) -> bool {
    port < 1024 || LIKELY_SERVER_PORTS.contains(&port)
}

/// The current connection on a 4-tuple, with what its summary needs.
#[derive(Debug, Clone)]
pub struct ConnRecord {
    /// Connection number.
    pub conn: u64,
    /// Which key side is the client.
    pub client: KeySide,
    /// The client was guessed.
    pub origin_guessed: bool,
    /// The phase machine.
    pub phase: ConnectionPhase,
    /// Zeek's bookkeeping.
    pub zeek: ZeekConn,
    /// First and last capture time.
    pub first_ts: u64,
    /// Last capture time.
    pub last_ts: u64,
    /// Segments `[client, server]` (saturating).
    pub packets: [u32; 2],
    /// Payload bytes `[client, server]`.
    pub bytes: [u64; 2],
    /// Time of the first SYN, SYN-ACK and completing ACK.
    pub syn_ts: Option<u64>,
    /// Time of the first SYN-ACK.
    pub syn_ack_ts: Option<u64>,
    /// Time of the ACK that completed the handshake.
    pub handshake_ack_ts: Option<u64>,
    /// No segment fed yet.
    pub fresh: bool,
}

impl ConnRecord {
    /// A connection whose first segment `first` came from key side `from`.
    pub fn new(conn: u64, key: &FlowKey, from: KeySide, first: &SegmentFacts) -> Self {
        let (client, origin_guessed) = if first.is_pure_syn() {
            (from, false)
        } else if first.flags.syn() {
            (from.other(), true)
        } else {
            let sport = key.endpoint(from).port();
            let dport = key.endpoint(from.other()).port();
            let sender_is_server =
                is_likely_server_port(sport) && (!is_likely_server_port(dport) || sport < dport);
            (if sender_is_server { from.other() } else { from }, true)
        };
        let first_dir = if from == client {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        };
        ConnRecord {
            conn,
            client,
            origin_guessed,
            phase: ConnectionPhase::new(first),
            zeek: ZeekConn::new(first_dir == Direction::ServerToClient),
            first_ts: first.ts_ns,
            last_ts: first.ts_ns,
            packets: [0; 2],
            bytes: [0; 2],
            syn_ts: None,
            syn_ack_ts: None,
            handshake_ack_ts: None,
            fresh: true,
        }
    }

    /// The direction of a segment from key side `from`.
    pub fn direction(&self, from: KeySide) -> Direction {
        if from == self.client {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        }
    }

    /// Notes a segment's counts and times (after the phase machine saw it).
    pub fn account(&mut self, seg: &SegmentFacts, dir: Direction) {
        let i = dir as usize;
        self.packets[i] = self.packets[i].saturating_add(1);
        self.bytes[i] += u64::from(seg.payload_len);
        self.last_ts = seg.ts_ns;
        if seg.is_pure_syn() && dir == Direction::ClientToServer {
            self.syn_ts.get_or_insert(seg.ts_ns);
        }
        if seg.flags.syn() && seg.flags.ack() && dir == Direction::ServerToClient {
            self.syn_ack_ts.get_or_insert(seg.ts_ns);
        }
        if self.phase.handshake_complete() && self.handshake_ack_ts.is_none() {
            self.handshake_ack_ts = Some(seg.ts_ns);
        }
        self.zeek.on_segment(seg, dir == Direction::ClientToServer);
        self.fresh = false;
    }

    /// The summary of this connection.
    pub fn summary(&self, key: &FlowKey, stream: u64, completeness: u8) -> ConnSummary {
        let p = &self.phase;
        let handshake = if p.handshake_complete() {
            HandshakeOutcome::Complete
        } else if p.refused() {
            HandshakeOutcome::Refused
        } else if p.unreachable() {
            HandshakeOutcome::Unreachable
        } else if p.opening != Opening::Syn {
            // Begun at the SYN-ACK or later: the SYN was not captured.
            HandshakeOutcome::NotSeen
        } else if p.reset_by.is_some() && p.endpoints.iter().any(|e| e.sent_syn_ack()) {
            HandshakeOutcome::Aborted
        } else {
            HandshakeOutcome::NoAnswer
        };
        let close = match p.ending() {
            Ending::Reset => CloseKind::Reset,
            _ if p.simultaneous_close() => CloseKind::Simultaneous,
            Ending::Closed if p.passive_fin_acked_first() => CloseKind::Fin3,
            Ending::Closed => CloseKind::Fin4,
            Ending::Closing => CloseKind::HalfOpen,
            Ending::Open => CloseKind::Open,
        };
        let diff = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (Some(a), Some(b)) if b >= a => Some(b - a),
            _ => None,
        };
        ConnSummary {
            conn: self.conn,
            stream,
            client: key.endpoint(self.client),
            server: key.endpoint(self.client.other()),
            origin_guessed: self.origin_guessed,
            first_ts_ns: self.first_ts,
            last_ts_ns: self.last_ts,
            client_packets: u64::from(self.packets[0]),
            server_packets: u64::from(self.packets[1]),
            client_bytes: self.bytes[0],
            server_bytes: self.bytes[1],
            handshake,
            syn_to_syn_ack_ns: diff(self.syn_ts, self.syn_ack_ts),
            syn_ack_to_ack_ns: diff(self.syn_ack_ts, self.handshake_ack_ts),
            close,
            active_closer: p.active_closer.map(Role::sender_of),
            client_state: p.client().state,
            server_state: p.server().state,
            conn_state: self.zeek.conn_state(),
            history: self.zeek.history(),
            completeness,
        }
    }
}

/// A flow-table entry: the stream on a 4-tuple and its current connection.
#[derive(Debug, Clone)]
pub struct FlowEntry {
    /// Wireshark stream index.
    pub stream: u64,
    /// Wireshark's base sequence number of each key side.
    pub base_seq: [Option<SeqNumber>; 2],
    /// The stream's completeness bits.
    pub completeness: Completeness,
    /// The current connection.
    pub record: ConnRecord,
}

impl FlowEntry {
    /// The annotation of a segment from `from` (`dir`) that the phase
    /// machine labelled `label`: relative seq/ack against this entry's
    /// base sequence numbers, as Wireshark shows them.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub(crate) fn annotation(
        &self,
        frame: u64,
        facts: &SegmentFacts,
        from: KeySide,
        dir: Direction,
        label: Label,
        flags: AnomalyFlags,
        (src, dst): (SocketAddr, SocketAddr),
    ) -> Annotation {
        let base = |side: KeySide| self.base_seq[side.index()].unwrap_or(facts.seq);
        let rel_seq = (facts.seq - base(from)) as u32;
        let rel_ack = if facts.flags.ack() {
            (facts.ack - base(from.other())) as u32
        } else {
            0
        };
        Annotation {
            frame,
            ts_ns: facts.ts_ns,
            stream: self.stream,
            conn: self.record.conn,
            dir,
            phase: label.phase,
            step: label.step,
            client_state: label.client_state,
            server_state: label.server_state,
            closer: label.closer,
            flags: label.flags | flags,
            origin_guessed: self.record.origin_guessed,
            src,
            dst,
            tcp_flags: facts.flags,
            seq: rel_seq,
            ack: rel_ack,
            len: facts.payload_len,
            window: facts.window,
        }
    }

    /// Applies Wireshark's per-direction base sequence numbers for a
    /// segment from `from`: the first segment of a side sets it (its seq,
    /// or seq - 1 without SYN), the first ACK of the other side sets it to
    /// ack - 1, and a SYN-ACK with another seq overwrites it.
    pub fn update_base(&mut self, seg: &SegmentFacts, from: KeySide) {
        let i = from.index();
        match self.base_seq[i] {
            None => {
                self.base_seq[i] = Some(if seg.flags.syn() {
                    seg.seq
                } else {
                    seg.seq + u32::MAX
                })
            }
            Some(base) if seg.flags.syn() && seg.flags.ack() && base != seg.seq => {
                self.base_seq[i] = Some(seg.seq)
            }
            Some(_) => {}
        }
        let o = from.other().index();
        if seg.flags.ack() && self.base_seq[o].is_none() {
            self.base_seq[o] = Some(seg.ack + u32::MAX);
        }
    }

    /// Whether a segment from `from` opens a new stream on this 4-tuple, as
    /// Wireshark decides it: a pure SYN whose seq differs from the side's
    /// base sequence number; by Wireshark 4.4's rule also any pure SYN once
    /// the stream has seen a RST or a FIN.
    pub fn reuses_ports(&self, seg: &SegmentFacts, from: KeySide, rule: StreamRule) -> bool {
        let ended = rule == StreamRule::Wireshark44
            && self.completeness.saw(completeness::FIN | completeness::RST);
        seg.is_pure_syn()
            && self.base_seq[from.index()].is_some_and(|base| base != seg.seq || ended)
    }
}
