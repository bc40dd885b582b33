//! One entry of the flow table: a 4-tuple, its current stream and its
//! current connection, laid out hot part first (what every frame reads to
//! find and label it), cold part after (what summaries count and time).

use super::annotation::Annotation;
use super::compact_key::CompactKey;
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

/// One bit each of an entry's yes/no facts and of which optional values
/// it holds (an `Option<u64>` costs 16 bytes, a bit costs none).
mod bit {
    /// The client is the key's high side.
    pub(super) const CLIENT_HIGH: u8 = 1;
    /// The client was guessed.
    pub(super) const ORIGIN_GUESSED: u8 = 1 << 1;
    /// No segment fed to the connection yet.
    pub(super) const FRESH: u8 = 1 << 2;
    /// `syn_ts` holds a time.
    pub(super) const SYN_TS: u8 = 1 << 3;
    /// `syn_ack_ts` holds a time.
    pub(super) const SYN_ACK_TS: u8 = 1 << 4;
    /// `handshake_ack_ts` holds a time.
    pub(super) const HANDSHAKE_ACK_TS: u8 = 1 << 5;
    /// `base_seq[0]` (low side) holds a number.
    pub(super) const BASE_LOW: u8 = 1 << 6;
    /// `base_seq[1]` (high side) holds a number.
    pub(super) const BASE_HIGH: u8 = 1 << 7;
    /// The bits of the stream (kept when a new connection starts on it).
    pub(super) const STREAM: u8 = BASE_LOW | BASE_HIGH;
}

/// A flow-table entry: a 4-tuple, the stream on it and its current
/// connection. `repr(C)` keeps the order: the hot part (key, numbers and
/// the phase machine, what a frame reads to be found and labelled) first,
/// the cold part (counters, times, Zeek's bookkeeping, written after the
/// label) behind it.
#[derive(Debug, Clone)]
#[repr(C)]
pub struct FlowEntry {
    /// The 4-tuple (its addresses in the table's side slab unless IPv4).
    pub(crate) key: CompactKey,
    /// `bit::*` facts.
    bits: u8,
    /// The stream's completeness bits.
    pub(crate) completeness: Completeness,
    /// Wireshark's base sequence number of each key side (see `bit::BASE_*`).
    base_seq: [u32; 2],
    /// Wireshark stream index.
    pub(crate) stream: u64,
    /// Connection number.
    pub(crate) conn: u64,
    /// The phase machine.
    pub(crate) phase: ConnectionPhase,
    // Cold from here.
    /// First capture time.
    first_ts: u64,
    /// Last capture time.
    pub(crate) last_ts: u64,
    /// Time of the first SYN (see `bit::SYN_TS`).
    syn_ts: u64,
    /// Time of the first SYN-ACK (see `bit::SYN_ACK_TS`).
    syn_ack_ts: u64,
    /// Time of the ACK that completed the handshake (see `bit::HANDSHAKE_ACK_TS`).
    handshake_ack_ts: u64,
    /// Payload bytes `[client, server]`.
    bytes: [u64; 2],
    /// Segments `[client, server]` (saturating).
    packets: [u32; 2],
    /// Zeek's bookkeeping.
    zeek: ZeekConn,
}

/// Bytes of an entry's hot part: up to the end of the phase machine.
pub const HOT_BYTES: usize =
    core::mem::offset_of!(FlowEntry, phase) + core::mem::size_of::<ConnectionPhase>();

/// Bytes of the hot part ahead of the phase machine: the key and the
/// numbers fit one cache line with room to spare.
pub const HOT_HEADER_BYTES: usize = core::mem::offset_of!(FlowEntry, phase);
const _: () = assert!(core::mem::offset_of!(FlowEntry, stream) + 8 <= 64);
const _: () = assert!(HOT_HEADER_BYTES <= 48);
// The cold part starts right after the hot one (at most alignment padding).
const _: () = assert!(core::mem::offset_of!(FlowEntry, first_ts) < HOT_BYTES + 8);

impl FlowEntry {
    /// A new stream `stream` on `key` whose connection `conn` begins with
    /// `first` from `from`.
    pub fn new_stream(
        key: CompactKey,
        stream: u64,
        conn: u64,
        from: KeySide,
        first: &SegmentFacts,
    ) -> Self {
        let mut entry = FlowEntry::with_stream(
            key,
            stream,
            [None; 2],
            Completeness::default(),
            conn,
            from,
            first,
        );
        entry.completeness.add(first, true);
        entry
    }

    /// An entry of a stream already begun (base numbers and completeness
    /// as given) whose connection `conn` begins with `first` from `from`.
    pub fn with_stream(
        key: CompactKey,
        stream: u64,
        base_seq: [Option<SeqNumber>; 2],
        completeness: Completeness,
        conn: u64,
        from: KeySide,
        first: &SegmentFacts,
    ) -> Self {
        let mut entry = FlowEntry {
            key,
            bits: 0,
            completeness,
            base_seq: [0; 2],
            stream,
            conn,
            phase: ConnectionPhase::new(first),
            first_ts: 0,
            last_ts: 0,
            syn_ts: 0,
            syn_ack_ts: 0,
            handshake_ack_ts: 0,
            bytes: [0; 2],
            packets: [0; 2],
            zeek: ZeekConn::default(),
        };
        for side in [KeySide::Low, KeySide::High] {
            entry.set_base(side, base_seq[side.index()]);
        }
        entry.start_connection(conn, from, first);
        entry
    }

    /// Starts connection `conn` on this entry's stream, whose first segment
    /// `first` came from key side `from`: what the previous connection
    /// counted is dropped, the stream's numbers are kept.
    pub fn start_connection(&mut self, conn: u64, from: KeySide, first: &SegmentFacts) {
        let key = &self.key;
        let (client, origin_guessed) = if first.is_pure_syn() {
            (from, false)
        } else if first.flags.syn() {
            (from.other(), true)
        } else {
            let sport = key.port(from);
            let dport = key.port(from.other());
            let sender_is_server =
                is_likely_server_port(sport) && (!is_likely_server_port(dport) || sport < dport);
            (if sender_is_server { from.other() } else { from }, true)
        };
        let mut bits = (self.bits & bit::STREAM) | bit::FRESH;
        if client == KeySide::High {
            bits |= bit::CLIENT_HIGH;
        }
        if origin_guessed {
            bits |= bit::ORIGIN_GUESSED;
        }
        self.bits = bits;
        self.conn = conn;
        self.phase = ConnectionPhase::new(first);
        self.zeek = ZeekConn::new(client != from);
        self.first_ts = first.ts_ns;
        self.last_ts = first.ts_ns;
        self.syn_ts = 0;
        self.syn_ack_ts = 0;
        self.handshake_ack_ts = 0;
        self.bytes = [0; 2];
        self.packets = [0; 2];
    }

    #[inline]
    fn has(&self, b: u8) -> bool {
        self.bits & b != 0
    }

    /// The time at `value` if `bit::*` `b` says it holds one.
    #[inline]
    fn time(&self, b: u8, value: u64) -> Option<u64> {
        self.has(b).then_some(value)
    }

    /// Which key side is the client.
    #[inline]
    pub fn client(&self) -> KeySide {
        if self.has(bit::CLIENT_HIGH) {
            KeySide::High
        } else {
            KeySide::Low
        }
    }

    /// The client was guessed.
    #[inline]
    pub fn origin_guessed(&self) -> bool {
        self.has(bit::ORIGIN_GUESSED)
    }

    /// No segment fed to the connection yet.
    #[inline]
    pub fn fresh(&self) -> bool {
        self.has(bit::FRESH)
    }

    /// Wireshark's base sequence number of key side `side`, once set.
    #[inline]
    pub fn base_seq(&self, side: KeySide) -> Option<SeqNumber> {
        let b = [bit::BASE_LOW, bit::BASE_HIGH][side.index()];
        self.has(b)
            .then_some(SeqNumber(self.base_seq[side.index()]))
    }

    /// Sets (or clears) the base sequence number of key side `side`.
    #[inline]
    fn set_base(&mut self, side: KeySide, seq: Option<SeqNumber>) {
        let b = [bit::BASE_LOW, bit::BASE_HIGH][side.index()];
        match seq {
            Some(seq) => {
                self.base_seq[side.index()] = seq.0;
                self.bits |= b;
            }
            None => {
                self.base_seq[side.index()] = 0;
                self.bits &= !b;
            }
        }
    }

    /// Both base sequence numbers, `[low, high]`.
    pub fn base_seqs(&self) -> [Option<SeqNumber>; 2] {
        [self.base_seq(KeySide::Low), self.base_seq(KeySide::High)]
    }

    /// The direction of a segment from key side `from`.
    #[inline]
    pub fn direction(&self, from: KeySide) -> Direction {
        if from == self.client() {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        }
    }

    /// Notes a segment's counts and times (after the phase machine saw it).
    #[inline]
    pub fn account(&mut self, seg: &SegmentFacts, dir: Direction) {
        let i = dir as usize;
        self.packets[i] = self.packets[i].saturating_add(1);
        self.bytes[i] += u64::from(seg.payload_len);
        self.last_ts = seg.ts_ns;
        if seg.is_pure_syn() && dir == Direction::ClientToServer && !self.has(bit::SYN_TS) {
            self.syn_ts = seg.ts_ns;
            self.bits |= bit::SYN_TS;
        }
        if seg.flags.syn()
            && seg.flags.ack()
            && dir == Direction::ServerToClient
            && !self.has(bit::SYN_ACK_TS)
        {
            self.syn_ack_ts = seg.ts_ns;
            self.bits |= bit::SYN_ACK_TS;
        }
        if self.phase.handshake_complete() && !self.has(bit::HANDSHAKE_ACK_TS) {
            self.handshake_ack_ts = seg.ts_ns;
            self.bits |= bit::HANDSHAKE_ACK_TS;
        }
        self.zeek.on_segment(seg, dir == Direction::ClientToServer);
        self.bits &= !bit::FRESH;
    }

    /// The summary of the current connection, `key` being this entry's
    /// 4-tuple in full.
    pub fn summary(&self, key: &FlowKey) -> ConnSummary {
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
        let syn_ts = self.time(bit::SYN_TS, self.syn_ts);
        let syn_ack_ts = self.time(bit::SYN_ACK_TS, self.syn_ack_ts);
        let handshake_ack_ts = self.time(bit::HANDSHAKE_ACK_TS, self.handshake_ack_ts);
        let client = self.client();
        ConnSummary {
            conn: self.conn,
            stream: self.stream,
            client: key.endpoint(client),
            server: key.endpoint(client.other()),
            origin_guessed: self.origin_guessed(),
            first_ts_ns: self.first_ts,
            last_ts_ns: self.last_ts,
            client_packets: u64::from(self.packets[0]),
            server_packets: u64::from(self.packets[1]),
            client_bytes: self.bytes[0],
            server_bytes: self.bytes[1],
            handshake,
            syn_to_syn_ack_ns: diff(syn_ts, syn_ack_ts),
            syn_ack_to_ack_ns: diff(syn_ack_ts, handshake_ack_ts),
            close,
            active_closer: p.active_closer.map(Role::sender_of),
            client_state: p.client().state,
            server_state: p.server().state,
            conn_state: self.zeek.conn_state(),
            history: self.zeek.history(),
            completeness: self.completeness.bits(),
        }
    }

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
        let base = |side: KeySide| self.base_seq(side).unwrap_or(facts.seq);
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
            conn: self.conn,
            dir,
            phase: label.phase,
            step: label.step,
            client_state: label.client_state,
            server_state: label.server_state,
            closer: label.closer,
            flags: label.flags | flags,
            origin_guessed: self.origin_guessed(),
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
    #[inline]
    pub fn update_base(&mut self, seg: &SegmentFacts, from: KeySide) {
        match self.base_seq(from) {
            None => self.set_base(
                from,
                Some(if seg.flags.syn() {
                    seg.seq
                } else {
                    seg.seq + u32::MAX
                }),
            ),
            Some(base) if seg.flags.syn() && seg.flags.ack() && base != seg.seq => {
                self.set_base(from, Some(seg.seq))
            }
            Some(_) => {}
        }
        let other = from.other();
        if seg.flags.ack() && self.base_seq(other).is_none() {
            self.set_base(other, Some(seg.ack + u32::MAX));
        }
    }

    /// Whether a segment from `from` opens a new stream on this 4-tuple, as
    /// Wireshark decides it: a pure SYN whose seq differs from the side's
    /// base sequence number; by Wireshark 4.4's rule also any pure SYN once
    /// the stream has seen a RST or a FIN.
    #[inline]
    pub fn reuses_ports(&self, seg: &SegmentFacts, from: KeySide, rule: StreamRule) -> bool {
        if !seg.is_pure_syn() {
            return false;
        }
        let ended = rule == StreamRule::Wireshark44
            && self.completeness.saw(completeness::FIN | completeness::RST);
        self.base_seq(from)
            .is_some_and(|base| base != seg.seq || ended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::TcpFlags;

    fn syn(ts_ns: u64) -> SegmentFacts {
        SegmentFacts {
            ts_ns,
            seq: SeqNumber(1000),
            ack: SeqNumber(0),
            flags: TcpFlags::SYN,
            window: 1,
            payload_len: 0,
            window_scale: None,
        }
    }

    #[test]
    fn the_hot_part_leads_and_the_header_fits_a_cache_line() {
        assert_eq!(core::mem::offset_of!(FlowEntry, key), 0);
        assert!(core::mem::offset_of!(FlowEntry, stream) + 8 <= 64);
        assert_eq!(HOT_HEADER_BYTES, 48);
        assert_eq!(
            HOT_BYTES,
            48 + core::mem::size_of::<ConnectionPhase>(),
            "the phase machine follows the header unpadded"
        );
        // Only the phase machine and Zeek's bookkeeping besides our own
        // 112 bytes (key 16, numbers 32, times 40, counters 24), give or
        // take their alignment.
        let theirs = core::mem::size_of::<ConnectionPhase>() + core::mem::size_of::<ZeekConn>();
        let size = core::mem::size_of::<FlowEntry>();
        assert!(size >= 112 + theirs && size <= 112 + theirs + 14, "{size}");
    }

    #[test]
    fn a_new_connection_keeps_the_streams_numbers_and_drops_the_rest() {
        let (key, from) = FlowKey::of(
            "10.0.0.1:40000".parse().unwrap(),
            "10.0.0.2:80".parse().unwrap(),
        );
        let compact = CompactKey::of_v4(&key).unwrap();
        let mut entry = FlowEntry::new_stream(compact, 3, 4, from, &syn(5));
        entry.update_base(&syn(5), from);
        entry.account(&syn(5), Direction::ClientToServer);
        assert_eq!(entry.base_seq(from), Some(SeqNumber(1000)));
        assert_eq!(entry.base_seq(from.other()), None);
        assert!(!entry.fresh());
        entry.start_connection(9, from.other(), &syn(7));
        assert_eq!(entry.base_seq(from), Some(SeqNumber(1000)));
        assert!(entry.fresh());
        assert_eq!(entry.client(), from.other());
        let s = entry.summary(&key);
        assert_eq!(
            (s.conn, s.stream, s.first_ts_ns, s.client_packets),
            (9, 3, 7, 0)
        );
        assert_eq!(s.syn_to_syn_ack_ns, None);
    }
}
