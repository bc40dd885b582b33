//! One entry of the flow table: a 4-tuple, its current stream and its
//! current connection, laid out hot part first (what every frame reads to
//! find and label it), cold part after (what summaries count and time).

use super::annotation::Annotation;
use super::compact_key::CompactKey;
use super::key::{FlowKey, KeySide};
use super::spill::{Field, Spill};
use super::stream_rule::StreamRule;
use crate::phase::connection::{stamp, Label};
use crate::phase::{
    AnomalyFlags, ConnectionPhase, Direction, Ending, Opening, SegmentFacts, TcpState,
};
use crate::summary::completeness::{self, Completeness};
use crate::summary::zeek::{WideValues, ZeekConn};
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
    /// The connection's first time is a whole microsecond: its time
    /// offsets count microseconds (71 minutes fit 32 bits), and a time that
    /// is not a whole microsecond spills.
    pub(super) const MICROS: u8 = 1 << 2;
    /// The connection has a SYN time: its first time, unless the spill
    /// holds `Field::SynTs`.
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

/// A time offset that does not fit: the time is in the table's [`Spill`].
const SPILLED: u32 = u32::MAX;
/// A time offset that does not fit, set by the current segment: the time
/// is that segment's, spilled by [`FlowEntry::settle`].
const SPILLING: u32 = u32::MAX - 1;

/// The `spill` bits of an entry.
mod spilled {
    /// A time field holds `SPILLING`.
    pub(super) const TIMES: u8 = 1 << 0;
    /// `CARRY << dir`: the current segment carried a byte count past 2^32.
    pub(super) const CARRY: u8 = 1 << 1;
    /// What [`super::FlowEntry::settle`] spills.
    pub(super) const PENDING: u8 = TIMES | CARRY | CARRY << 1;
    /// `BYTES_HIGH << dir`: the spill holds the high part of a byte count.
    pub(super) const BYTES_HIGH: u8 = 1 << 3;
    /// The spill holds the high half of the stream number.
    pub(super) const STREAM_HIGH: u8 = 1 << 5;
    /// The spill holds the high half of the connection number.
    pub(super) const CONN_HIGH: u8 = 1 << 6;
    /// The spill holds values of this entry.
    pub(super) const HELD: u8 = 1 << 7;
}

/// The spilled value of `field` of the entry at `slot`: out of the way of
/// the common case (a value that fits).
#[cold]
#[inline(never)]
fn spilled_value(field: Field, slot: u32, spill: &Spill) -> u64 {
    spill.get(slot, field)
}

/// An entry's Zeek wide values, in the table's spill at its slot.
struct ZeekSpill<'a> {
    slot: u32,
    spill: &'a mut Spill,
    /// The entry's `spilled::*` bits (a value written: `HELD`).
    bits: &'a mut u8,
}

impl WideValues for ZeekSpill<'_> {
    #[cold]
    fn get(&self, i: usize) -> u32 {
        self.spill.get_or_zero(self.slot, Field::zeek_wide(i)) as u32
    }

    #[cold]
    fn set(&mut self, i: usize, value: u32) {
        self.spill
            .set(self.slot, Field::zeek_wide(i), u64::from(value));
        *self.bits |= spilled::HELD;
    }
}

/// A flow-table entry: a 4-tuple, the stream on it and its current
/// connection. `repr(C)` keeps the order: the hot part (key, numbers and
/// the phase machine, what a frame reads to be found and labelled) first,
/// the cold part (counters, times, Zeek's bookkeeping, written after the
/// label) behind it. Times are 32-bit offsets from the connection's first
/// segment and byte counts 32 bits; what does not fit goes to the table's
/// [`Spill`] (its methods take the entry's slot and the spill).
#[derive(Debug, Clone)]
#[repr(C)]
pub struct FlowEntry {
    /// The 4-tuple (its addresses in the table's side slab unless IPv4).
    pub(crate) key: CompactKey,
    /// `bit::*` facts.
    bits: u8,
    /// The stream's completeness bits.
    pub(crate) completeness: Completeness,
    /// `spilled::*` bits.
    spill: u8,
    /// Wireshark's base sequence number of each key side (see `bit::BASE_*`).
    base_seq: [u32; 2],
    /// Wireshark stream index, low half (see `spilled::STREAM_HIGH`).
    stream: u32,
    /// Connection number, low half (see `spilled::CONN_HIGH`).
    conn: u32,
    /// The phase machine.
    pub(crate) phase: ConnectionPhase,
    // Cold from here.
    /// First capture time, the origin of `times`, as `[low, high]` 32-bit
    /// halves (the entry aligned to 4 bytes, not 8).
    first_ts: [u32; 2],
    /// The [`Field`] times as µs (`bit::MICROS`) or ns after `first_ts`,
    /// or `SPILLED`. Which hold a time: `bit::SYN_TS`, ... and the phase's
    /// ended and TIME-WAIT bits; the last segment's always does.
    times: [u32; Field::TIMES],
    /// Segments `[client, server]` (saturating).
    packets: [u32; 2],
    /// Payload bytes `[client, server]`, low 32 bits (see `spilled::BYTES_HIGH`).
    bytes: [u32; 2],
    /// Zeek's bookkeeping.
    zeek: ZeekConn,
}

/// Bytes of an entry's hot part: up to the end of the phase machine.
pub const HOT_BYTES: usize =
    core::mem::offset_of!(FlowEntry, phase) + core::mem::size_of::<ConnectionPhase>();

/// Bytes of the hot part ahead of the phase machine: the key and the
/// numbers fit one cache line with room to spare.
pub const HOT_HEADER_BYTES: usize = core::mem::offset_of!(FlowEntry, phase);
const _: () = assert!(core::mem::offset_of!(FlowEntry, conn) + 4 <= 64);
const _: () = assert!(HOT_HEADER_BYTES <= 36);
const _: () = assert!(HOT_BYTES <= 128);
// The cold part starts right after the hot one (at most alignment padding).
const _: () = assert!(core::mem::offset_of!(FlowEntry, first_ts) < HOT_BYTES + 8);

impl FlowEntry {
    /// A new stream `stream` on `key` whose connection `conn` begins with
    /// `first` from `from`, for table slot `slot` (with its spill).
    pub fn new_stream(
        key: CompactKey,
        stream: u64,
        conn: u64,
        from: KeySide,
        first: &SegmentFacts,
        slot: u32,
        spill: &mut Spill,
    ) -> Self {
        let mut entry = FlowEntry::with_stream(
            key,
            stream,
            [None; 2],
            Completeness::default(),
            conn,
            from,
            first,
            slot,
            spill,
        );
        entry.completeness.add(first, true);
        entry
    }

    /// An entry of a stream already begun (base numbers and completeness
    /// as given) whose connection `conn` begins with `first` from `from`,
    /// for table slot `slot` (with its spill).
    #[allow(clippy::too_many_arguments)]
    pub fn with_stream(
        key: CompactKey,
        stream: u64,
        base_seq: [Option<SeqNumber>; 2],
        completeness: Completeness,
        conn: u64,
        from: KeySide,
        first: &SegmentFacts,
        slot: u32,
        spill: &mut Spill,
    ) -> Self {
        let mut entry = FlowEntry {
            key,
            bits: 0,
            completeness,
            spill: 0,
            base_seq: [0; 2],
            stream: 0,
            conn: 0,
            phase: ConnectionPhase::new(first),
            first_ts: [0; 2],
            times: [0; Field::TIMES],
            packets: [0; 2],
            bytes: [0; 2],
            zeek: ZeekConn::default(),
        };
        for side in [KeySide::Low, KeySide::High] {
            entry.set_base(side, base_seq[side.index()]);
        }
        entry.set_stream(stream, slot, spill);
        entry.start_connection(conn, from, first, slot, spill);
        entry
    }

    /// Starts connection `conn` on this entry's stream, whose first segment
    /// `first` came from key side `from`: what the previous connection
    /// counted is dropped (its spilled values too: the entry is at `slot`),
    /// the stream's numbers are kept.
    pub fn restart(
        &mut self,
        conn: u64,
        from: KeySide,
        first: &SegmentFacts,
        slot: u32,
        spill: &mut Spill,
    ) {
        let stream = self.stream(slot, spill);
        self.forget_spilled(slot, spill);
        self.set_stream(stream, slot, spill);
        self.start_connection(conn, from, first, slot, spill);
    }

    /// Replaces this entry, at `slot`, by a new stream's (as
    /// [`FlowEntry::new_stream`] with this entry's key), dropping its
    /// spilled values.
    pub fn restart_stream(
        &mut self,
        stream: u64,
        conn: u64,
        from: KeySide,
        first: &SegmentFacts,
        slot: u32,
        spill: &mut Spill,
    ) {
        self.forget_spilled(slot, spill);
        *self = FlowEntry::new_stream(self.key, stream, conn, from, first, slot, spill);
    }

    /// A number's low half; its high half, if any, goes to the spill
    /// (`field`, flagged by `flag`).
    fn split_id(
        &mut self,
        value: u64,
        field: Field,
        flag: u8,
        slot: u32,
        spill: &mut Spill,
    ) -> u32 {
        let high = value >> 32;
        if high != 0 {
            spill.set(slot, field, high);
            self.spill |= flag | spilled::HELD;
        } else {
            self.spill &= !flag;
        }
        value as u32
    }

    /// A number from its low half and, if flagged, its spilled high half.
    #[inline(always)]
    fn join_id(&self, low: u32, field: Field, flag: u8, slot: u32, spill: &Spill) -> u64 {
        if self.spill & flag != 0 {
            (spilled_value(field, slot, spill) << 32) | u64::from(low)
        } else {
            u64::from(low)
        }
    }

    /// Wireshark stream index, the entry being at `slot`.
    #[inline]
    pub(crate) fn stream(&self, slot: u32, spill: &Spill) -> u64 {
        self.join_id(
            self.stream,
            Field::StreamHigh,
            spilled::STREAM_HIGH,
            slot,
            spill,
        )
    }

    /// Connection number, the entry being at `slot`.
    #[inline]
    pub(crate) fn conn(&self, slot: u32, spill: &Spill) -> u64 {
        self.join_id(self.conn, Field::ConnHigh, spilled::CONN_HIGH, slot, spill)
    }

    /// Sets the stream index, the entry being at `slot`.
    pub(crate) fn set_stream(&mut self, stream: u64, slot: u32, spill: &mut Spill) {
        self.stream = self.split_id(stream, Field::StreamHigh, spilled::STREAM_HIGH, slot, spill);
    }

    /// Drops the values of this entry, at `slot`, that the spill holds.
    pub(crate) fn forget_spilled(&mut self, slot: u32, spill: &mut Spill) {
        if self.spill & spilled::HELD != 0 {
            spill.forget(slot);
        }
        self.spill = 0;
    }

    fn start_connection(
        &mut self,
        conn: u64,
        from: KeySide,
        first: &SegmentFacts,
        slot: u32,
        spill: &mut Spill,
    ) {
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
        let mut bits = self.bits & bit::STREAM;
        if first.ts_ns % 1000 == 0 {
            bits |= bit::MICROS;
        }
        if client == KeySide::High {
            bits |= bit::CLIENT_HIGH;
        }
        if origin_guessed {
            bits |= bit::ORIGIN_GUESSED;
        }
        self.bits = bits;
        self.conn = self.split_id(conn, Field::ConnHigh, spilled::CONN_HIGH, slot, spill);
        self.phase = ConnectionPhase::new(first);
        self.zeek = ZeekConn::new(client != from);
        self.first_ts = [first.ts_ns as u32, (first.ts_ns >> 32) as u32];
        self.times = [0; Field::TIMES];
        self.bytes = [0; 2];
        self.packets = [0; 2];
    }

    /// Sets time `field` to `ts`: an offset from the first segment's time,
    /// or `SPILLING` until [`FlowEntry::settle`] spills it.
    #[inline]
    fn set_time(&mut self, field: Field, ts: u64) {
        let mut offset = ts.wrapping_sub(self.first_ts());
        if self.has(bit::MICROS) {
            offset = if offset % 1000 == 0 {
                offset / 1000
            } else {
                u64::MAX
            };
        }
        if offset < u64::from(SPILLING) {
            self.times[field as usize] = offset as u32;
        } else {
            self.times[field as usize] = SPILLING;
            self.spill |= spilled::TIMES;
        }
    }

    /// Time `field` (whether it holds one is the caller's to know), the
    /// entry being at `slot`.
    #[inline(always)]
    fn time_of(&self, field: Field, slot: u32, spill: &Spill) -> u64 {
        match self.times[field as usize] {
            SPILLED => spilled_value(field, slot, spill),
            offset => self.at_offset(offset),
        }
    }

    /// The time at a held offset (not `SPILLED`).
    #[inline(always)]
    fn at_offset(&self, offset: u32) -> u64 {
        let unit = if self.has(bit::MICROS) { 1000 } else { 1 };
        self.first_ts().wrapping_add(u64::from(offset) * unit)
    }

    /// The connection's first capture time.
    #[inline(always)]
    fn first_ts(&self) -> u64 {
        (u64::from(self.first_ts[1]) << 32) | u64::from(self.first_ts[0])
    }

    /// Whether the last segment left values to spill ([`FlowEntry::settle`]).
    #[inline]
    pub(crate) fn must_settle(&self) -> bool {
        self.spill & spilled::PENDING != 0
    }

    /// Spills what the last segment, at time `ts`, left pending: its time
    /// into each time field that did not fit, a carry into each byte
    /// count that passed 2^32. The entry is at `slot`.
    #[cold]
    pub(crate) fn settle(&mut self, ts: u64, slot: u32, spill: &mut Spill) {
        if self.spill & spilled::TIMES != 0 {
            for (field, time) in Field::ALL.into_iter().zip(self.times.iter_mut()) {
                if *time == SPILLING {
                    spill.set(slot, field, ts);
                    *time = SPILLED;
                }
            }
        }
        for (dir, field) in [Field::BytesClient, Field::BytesServer]
            .into_iter()
            .enumerate()
        {
            if self.spill & (spilled::CARRY << dir) != 0 {
                spill.add(slot, field, 1 << 32);
                self.spill |= spilled::BYTES_HIGH << dir;
            }
        }
        self.spill = (self.spill & !spilled::PENDING) | spilled::HELD;
    }

    /// The last segment's capture time, the entry being at `slot`.
    #[inline(always)]
    pub(crate) fn last_ts(&self, slot: u32, spill: &Spill) -> u64 {
        self.time_of(Field::LastTs, slot, spill)
    }

    /// Whether the connection began less than `limit_ns` of capture time
    /// before `now_ns` and the spill holds nothing of it: then every time
    /// it holds is at or after its first, so it has been neither idle nor
    /// ended for `limit_ns` (the sweep's quick pass over every entry).
    #[inline(always)]
    pub(crate) fn younger_than(&self, now_ns: u64, limit_ns: u64) -> bool {
        self.spill & spilled::HELD == 0 && now_ns.saturating_sub(self.first_ts()) < limit_ns
    }

    /// Whether no segment came for `timeout_ns` of capture time up to
    /// `now_ns`, the entry being at `slot`. A last time held as an offset
    /// is at or after the first: a connection younger than the timeout is
    /// not idle, without reading the last time (the sweep asks every entry).
    #[inline(always)]
    pub(crate) fn idle(&self, now_ns: u64, timeout_ns: u64, slot: u32, spill: &Spill) -> bool {
        if self.times[Field::LastTs as usize] != SPILLED
            && now_ns.saturating_sub(self.first_ts()) < timeout_ns
        {
            return false;
        }
        now_ns.saturating_sub(self.last_ts(slot, spill)) >= timeout_ns
    }

    /// Capture time (ns) the endpoint sending in `side` last entered (or
    /// restarted) TIME-WAIT, the entry being at `slot`.
    pub(crate) fn time_wait_since(&self, side: Direction, slot: u32, spill: &Spill) -> Option<u64> {
        let field = [Field::TimeWaitClient, Field::TimeWaitServer][side as usize];
        self.phase
            .time_wait_seen(side)
            .then(|| self.time_of(field, slot, spill))
    }

    /// Capture time (ns) the last wait of 2 x MSL began: when the
    /// connection ended, or later when a retransmitted FIN restarted an
    /// endpoint's TIME-WAIT. `None` while it has not ended.
    pub(crate) fn last_wait_start(&self, slot: u32, spill: &Spill) -> Option<u64> {
        if !self.phase.ended() {
            return None;
        }
        // Offsets from the same first time order as the times do: the
        // latest offset, when none spilled, is the latest time.
        let offset = |side: Direction, field: Field| {
            if self.phase.time_wait_seen(side) {
                self.times[field as usize]
            } else {
                0
            }
        };
        let latest = self.times[Field::EndedAt as usize]
            .max(offset(Direction::ClientToServer, Field::TimeWaitClient))
            .max(offset(Direction::ServerToClient, Field::TimeWaitServer));
        if latest != SPILLED {
            return Some(self.at_offset(latest));
        }
        let ended = self.time_of(Field::EndedAt, slot, spill);
        Some(
            [Direction::ClientToServer, Direction::ServerToClient]
                .into_iter()
                .filter_map(|side| self.time_wait_since(side, slot, spill))
                .fold(ended, u64::max),
        )
    }

    /// Moves endpoints out of TIME-WAIT once `time_wait_ns` of capture time
    /// has passed since they entered it; the entry is at `slot`.
    #[inline]
    pub(crate) fn expire_time_wait(
        &mut self,
        now_ns: u64,
        time_wait_ns: u64,
        slot: u32,
        spill: &Spill,
    ) {
        for side in [Direction::ClientToServer, Direction::ServerToClient] {
            if self.phase.endpoints[side].state != TcpState::TimeWait {
                continue;
            }
            if let Some(since) = self.time_wait_since(side, slot, spill) {
                if now_ns.saturating_sub(since) >= time_wait_ns {
                    self.phase.expire_time_wait(side);
                }
            }
        }
    }

    /// Feeds a segment sent in `dir` to the phase machine and keeps the
    /// times it stamps (the segment's own); whether it stamped one (the
    /// connection ended, or an endpoint entered TIME-WAIT).
    #[inline]
    pub fn on_segment(&mut self, seg: &SegmentFacts, dir: Direction) -> (Label, bool) {
        let label = self.phase.on_segment(seg, dir);
        let stamps = self.phase.take_stamps();
        if stamps != 0 {
            if stamps & stamp::ENDED != 0 {
                self.set_time(Field::EndedAt, seg.ts_ns);
            }
            for (side, field) in [
                (Direction::ClientToServer, Field::TimeWaitClient),
                (Direction::ServerToClient, Field::TimeWaitServer),
            ] {
                if stamps & (stamp::TIME_WAIT << side as u8) != 0 {
                    self.set_time(field, seg.ts_ns);
                }
            }
        }
        (label, stamps != 0)
    }

    #[inline]
    fn has(&self, b: u8) -> bool {
        self.bits & b != 0
    }

    /// Time `field` if `bit::*` `b` says it holds one.
    #[inline]
    fn time(&self, b: u8, field: Field, slot: u32, spill: &Spill) -> Option<u64> {
        self.has(b).then(|| self.time_of(field, slot, spill))
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
        self.packets == [0, 0]
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

    /// Notes a segment's counts and times (after the phase machine saw
    /// it); the entry is at `slot` (Zeek's rare wide values go to `spill`).
    #[inline]
    pub fn account(&mut self, seg: &SegmentFacts, dir: Direction, slot: u32, spill: &mut Spill) {
        let i = dir as usize;
        self.packets[i] = self.packets[i].saturating_add(1);
        let (bytes, carry) = self.bytes[i].overflowing_add(seg.payload_len);
        self.bytes[i] = bytes;
        if carry {
            self.spill |= spilled::CARRY << i;
        }
        self.set_time(Field::LastTs, seg.ts_ns);
        if seg.is_pure_syn() && dir == Direction::ClientToServer && !self.has(bit::SYN_TS) {
            // A connection begun by its SYN has it at its first time.
            if seg.ts_ns != self.first_ts() {
                spill.set(slot, Field::SynTs, seg.ts_ns);
                self.spill |= spilled::HELD;
            }
            self.bits |= bit::SYN_TS;
        }
        if seg.flags.syn()
            && seg.flags.ack()
            && dir == Direction::ServerToClient
            && !self.has(bit::SYN_ACK_TS)
        {
            self.set_time(Field::SynAckTs, seg.ts_ns);
            self.bits |= bit::SYN_ACK_TS;
        }
        if self.phase.handshake_complete() && !self.has(bit::HANDSHAKE_ACK_TS) {
            self.set_time(Field::HandshakeAckTs, seg.ts_ns);
            self.bits |= bit::HANDSHAKE_ACK_TS;
        }
        let mut wide = ZeekSpill {
            slot,
            spill,
            bits: &mut self.spill,
        };
        self.zeek
            .on_segment(seg, dir == Direction::ClientToServer, &mut wide);
    }

    /// The summary of the current connection, `key` being this entry's
    /// 4-tuple in full and `slot` its place in the table.
    pub fn summary(&self, key: &FlowKey, slot: u32, spill: &Spill) -> ConnSummary {
        let p = &self.phase;
        let handshake = if p.handshake_complete() {
            HandshakeOutcome::Complete
        } else if p.refused() {
            HandshakeOutcome::Refused
        } else if p.unreachable() {
            HandshakeOutcome::Unreachable
        } else if p.opening() != Opening::Syn {
            // Begun at the SYN-ACK or later: the SYN was not captured.
            HandshakeOutcome::NotSeen
        } else if p.reset_by().is_some() && p.endpoints.iter().any(|e| e.sent_syn_ack()) {
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
        let syn_ts = self.has(bit::SYN_TS).then(|| {
            let spilled = self.spill & spilled::HELD != 0;
            spilled
                .then(|| spill.find(slot, Field::SynTs))
                .flatten()
                .unwrap_or(self.first_ts())
        });
        let syn_ack_ts = self.time(bit::SYN_ACK_TS, Field::SynAckTs, slot, spill);
        let handshake_ack_ts = self.time(bit::HANDSHAKE_ACK_TS, Field::HandshakeAckTs, slot, spill);
        let bytes = |i: usize| {
            let high = if self.spill & (spilled::BYTES_HIGH << i) != 0 {
                spill.get(slot, [Field::BytesClient, Field::BytesServer][i])
            } else {
                0
            };
            high.wrapping_add(u64::from(self.bytes[i]))
        };
        let client = self.client();
        ConnSummary {
            conn: self.conn(slot, spill),
            stream: self.stream(slot, spill),
            client: key.endpoint(client),
            server: key.endpoint(client.other()),
            origin_guessed: self.origin_guessed(),
            first_ts_ns: self.first_ts(),
            last_ts_ns: self.last_ts(slot, spill),
            client_packets: u64::from(self.packets[0]),
            server_packets: u64::from(self.packets[1]),
            client_bytes: bytes(0),
            server_bytes: bytes(1),
            handshake,
            syn_to_syn_ack_ns: diff(syn_ts, syn_ack_ts),
            syn_ack_to_ack_ns: diff(syn_ack_ts, handshake_ack_ts),
            close,
            active_closer: p.active_closer().map(Role::sender_of),
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
        (slot, spill): (u32, &Spill),
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
            stream: self.stream(slot, spill),
            conn: self.conn(slot, spill),
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
        assert!(core::mem::offset_of!(FlowEntry, conn) + 4 <= 64);
        assert_eq!(HOT_HEADER_BYTES, 36);
        assert_eq!(
            HOT_BYTES,
            36 + core::mem::size_of::<ConnectionPhase>(),
            "the phase machine follows the header unpadded"
        );
        // Only the phase machine and Zeek's bookkeeping besides our own
        // 84 bytes (key 16, numbers and bits 20, times 32, counters 16),
        // unpadded.
        let theirs = core::mem::size_of::<ConnectionPhase>() + core::mem::size_of::<ZeekConn>();
        assert_eq!(core::mem::size_of::<FlowEntry>(), 84 + theirs);
        assert_eq!((HOT_BYTES, core::mem::size_of::<FlowEntry>()), (88, 200));
    }

    #[test]
    fn a_new_connection_keeps_the_streams_numbers_and_drops_the_rest() {
        let (key, from) = FlowKey::of(
            "10.0.0.1:40000".parse().unwrap(),
            "10.0.0.2:80".parse().unwrap(),
        );
        let compact = CompactKey::of_v4(&key).unwrap();
        let mut spill = Spill::default();
        let mut entry = FlowEntry::new_stream(compact, 3, 4, from, &syn(5), 0, &mut spill);
        entry.update_base(&syn(5), from);
        entry.account(&syn(5), Direction::ClientToServer, 0, &mut spill);
        assert_eq!(entry.base_seq(from), Some(SeqNumber(1000)));
        assert_eq!(entry.base_seq(from.other()), None);
        assert!(!entry.fresh());
        entry.restart(9, from.other(), &syn(7), 0, &mut spill);
        assert_eq!(entry.base_seq(from), Some(SeqNumber(1000)));
        assert!(entry.fresh());
        assert_eq!(entry.client(), from.other());
        let s = entry.summary(&key, 0, &spill);
        assert_eq!(
            (s.conn, s.stream, s.first_ts_ns, s.client_packets),
            (9, 3, 7, 0)
        );
        assert_eq!(s.syn_to_syn_ack_ns, None);
    }

    fn seg(ts_ns: u64, flags: TcpFlags, seq: u32, ack: u32, payload_len: u32) -> SegmentFacts {
        SegmentFacts {
            ts_ns,
            seq: SeqNumber(seq),
            ack: SeqNumber(ack),
            flags,
            window: 1,
            payload_len,
            window_scale: None,
        }
    }

    /// Feeds `s` from `from` as the tracker does, settling at slot `slot`.
    fn feed(entry: &mut FlowEntry, s: &SegmentFacts, from: KeySide, slot: u32, spill: &mut Spill) {
        entry.update_base(s, from);
        let dir = entry.direction(from);
        entry.on_segment(s, dir);
        entry.account(s, dir, slot, spill);
        if entry.must_settle() {
            entry.settle(s.ts_ns, slot, spill);
        }
    }

    #[test]
    fn times_out_of_32_bits_reach_and_byte_counts_past_4_gib_are_exact() {
        let (key, c) = FlowKey::of(
            "10.0.0.1:40000".parse().unwrap(),
            "10.0.0.2:80".parse().unwrap(),
        );
        let s = c.other();
        // Not a whole microsecond: offsets count nanoseconds (4.29 s).
        let t0 = 1_700_000_000_000_000_001u64;
        let mut spill = Spill::default();
        let slot = 5;
        let first = seg(t0, TcpFlags::SYN, 1000, 0, 0);
        let compact = CompactKey::of_v4(&key).unwrap();
        // Numbers past 2^32 keep their high halves in the spill too.
        let (stream, conn) = ((7 << 32) | 3, 1 << 40);
        let mut entry = FlowEntry::new_stream(compact, stream, conn, c, &first, slot, &mut spill);
        assert_eq!(spill.len(), 2);
        feed(&mut entry, &first, c, slot, &mut spill);
        // The SYN-ACK 10 s later: past a 32-bit offset.
        let syn_ack = seg(
            t0 + 10_000_000_000,
            TcpFlags::SYN | TcpFlags::ACK,
            5000,
            1001,
            0,
        );
        feed(&mut entry, &syn_ack, s, slot, &mut spill);
        assert_eq!(spill.len(), 4, "last and SYN-ACK times spilled");
        // Data of 4 GiB - 1 three times, the last an hour later.
        let ack = TcpFlags::ACK;
        for (i, ts) in [
            t0 + 10_000_000_001,
            t0 + 10_000_000_002,
            t0 + 3_600_000_000_000,
        ]
        .into_iter()
        .enumerate()
        {
            let seq = 1001u32.wrapping_add((i as u32).wrapping_mul(u32::MAX));
            feed(
                &mut entry,
                &seg(ts, ack, seq, 5001, u32::MAX),
                c,
                slot,
                &mut spill,
            );
        }
        // The server resets it, its clock stepped back before the SYN.
        feed(
            &mut entry,
            &seg(t0 - 7, TcpFlags::RST, 5001, 0, 0),
            s,
            slot,
            &mut spill,
        );
        let summary = entry.summary(&key, slot, &spill);
        assert_eq!((summary.stream, summary.conn), (stream, conn));
        assert_eq!(summary.first_ts_ns, t0);
        assert_eq!(summary.last_ts_ns, t0 - 7);
        assert_eq!(summary.syn_to_syn_ack_ns, Some(10_000_000_000));
        assert_eq!(summary.syn_ack_to_ack_ns, Some(1));
        assert_eq!(summary.client_bytes, 3 * u64::from(u32::MAX));
        assert_eq!((summary.client_packets, summary.server_packets), (4, 2));
        assert_eq!(summary.close, CloseKind::Reset);
        // The ending time spilled too (before the origin): the wait starts then.
        assert_eq!(entry.last_wait_start(slot, &spill), Some(t0 - 7));
        // Idle by its last time, before its first: 12 ns before t0 + 5.
        assert!(entry.idle(t0 + 5, 12, slot, &spill));
        // The spill holds its times: never taken for young.
        assert!(!entry.younger_than(t0 + 5, 12));
        assert!(!entry.idle(t0 + 5, 13, slot, &spill));
        // A new connection on the entry drops what it spilled but the
        // stream's number.
        entry.restart(1, c, &seg(t0 + 1, TcpFlags::SYN, 9, 0, 0), slot, &mut spill);
        assert_eq!(spill.len(), 1);
        let summary = entry.summary(&key, slot, &spill);
        assert_eq!((summary.stream, summary.conn), (stream, 1));
        assert_eq!((summary.first_ts_ns, summary.last_ts_ns), (t0 + 1, t0 + 1));
        assert_eq!(summary.client_bytes, 0);
    }

    #[test]
    fn microsecond_times_reach_71_minutes_and_others_spill() {
        let (key, c) = FlowKey::of(
            "10.0.0.1:40000".parse().unwrap(),
            "10.0.0.2:80".parse().unwrap(),
        );
        let t0 = 1_700_000_000_000_000_000u64;
        let mut spill = Spill::default();
        let slot = 2;
        let first = seg(t0, TcpFlags::SYN, 1000, 0, 0);
        let compact = CompactKey::of_v4(&key).unwrap();
        let mut entry = FlowEntry::new_stream(compact, 0, 0, c, &first, slot, &mut spill);
        feed(&mut entry, &first, c, slot, &mut spill);
        let syn_ack = seg(t0 + 3_000_000, TcpFlags::SYN | TcpFlags::ACK, 5000, 1001, 0);
        feed(&mut entry, &syn_ack, c.other(), slot, &mut spill);
        // An hour later, whole microseconds: no spill.
        let hour = 3_600_000_000_000;
        feed(
            &mut entry,
            &seg(t0 + hour, TcpFlags::ACK, 1001, 5001, 10),
            c,
            slot,
            &mut spill,
        );
        assert_eq!(spill.len(), 0);
        assert_eq!(entry.last_ts(slot, &spill), t0 + hour);
        assert!(!entry.idle(t0 + hour + 9, 10_000, slot, &spill));
        assert!(entry.younger_than(t0 + 9, 10));
        assert!(!entry.younger_than(t0 + 10, 10));
        assert!(entry.idle(t0 + hour + 10_000, 10_000, slot, &spill));
        // One nanosecond past a microsecond: exact, through the spill.
        feed(
            &mut entry,
            &seg(t0 + hour + 1, TcpFlags::ACK, 1011, 5001, 0),
            c,
            slot,
            &mut spill,
        );
        assert_eq!(spill.len(), 1);
        let summary = entry.summary(&key, slot, &spill);
        assert_eq!(
            (summary.first_ts_ns, summary.last_ts_ns),
            (t0, t0 + hour + 1)
        );
        assert_eq!(summary.syn_to_syn_ack_ns, Some(3_000_000));
        assert_eq!(summary.syn_ack_to_ack_ns, Some(hour - 3_000_000));
        // Past 2^32 microseconds (71.6 minutes): the spill again.
        let far = t0 + 5_000_000_000_000;
        feed(
            &mut entry,
            &seg(far, TcpFlags::ACK, 1011, 5001, 0),
            c,
            slot,
            &mut spill,
        );
        assert_eq!(entry.last_ts(slot, &spill), far);
        assert!(!entry.fresh());
    }

    #[test]
    fn zeek_counts_past_16_bits_spill_and_leave_with_the_connection() {
        let (key, c) = FlowKey::of(
            "10.0.0.1:40000".parse().unwrap(),
            "10.0.0.2:80".parse().unwrap(),
        );
        let t0 = 1_700_000_000_000_000_000u64;
        let mut spill = Spill::default();
        let slot = 3;
        let first = seg(t0, TcpFlags::SYN, 1000, 0, 0);
        let compact = CompactKey::of_v4(&key).unwrap();
        let mut entry = FlowEntry::new_stream(compact, 0, 0, c, &first, slot, &mut spill);
        feed(&mut entry, &first, c, slot, &mut spill);
        let syn_ack = seg(t0 + 1000, TcpFlags::SYN | TcpFlags::ACK, 5000, 1001, 0);
        feed(&mut entry, &syn_ack, c.other(), slot, &mut spill);
        // The same 10 bytes 100 001 times: T at 1, 10, ... 100 000.
        for i in 0..=100_000u64 {
            let data = seg(t0 + 2000 + i * 1000, TcpFlags::ACK, 1001, 5001, 10);
            feed(&mut entry, &data, c, slot, &mut spill);
            if i == 65_000 {
                assert_eq!(spill.len(), 0, "16 bits hold 65 000");
            }
        }
        assert_eq!(spill.len(), 1, "the count past 16 bits");
        let summary = entry.summary(&key, slot, &spill);
        assert_eq!(summary.history.as_str(), "ShDTTTTTT");
        assert_eq!(summary.client_packets, 100_002);
        // A new connection drops the count with the rest.
        entry.restart(1, c, &seg(t0 + 1, TcpFlags::SYN, 9, 0, 0), slot, &mut spill);
        assert_eq!(spill.len(), 0);
        assert_eq!(entry.summary(&key, slot, &spill).history.as_str(), "");
    }

    #[test]
    fn a_syn_after_the_first_segment_keeps_its_own_time_in_the_spill() {
        let (key, c) = FlowKey::of(
            "10.0.0.1:40000".parse().unwrap(),
            "10.0.0.2:80".parse().unwrap(),
        );
        let t0 = 1_700_000_000_000_000_000u64;
        let mut spill = Spill::default();
        let slot = 4;
        let compact = CompactKey::of_v4(&key).unwrap();
        // Begun by its SYN: the SYN's time is the first, nothing spilled.
        let syn = seg(t0, TcpFlags::SYN, 1000, 0, 0);
        let mut entry = FlowEntry::new_stream(compact, 0, 0, c, &syn, slot, &mut spill);
        feed(&mut entry, &syn, c, slot, &mut spill);
        let syn_ack = seg(t0 + 7_000, TcpFlags::SYN | TcpFlags::ACK, 5000, 1001, 0);
        feed(&mut entry, &syn_ack, c.other(), slot, &mut spill);
        assert_eq!(spill.len(), 0);
        let summary = entry.summary(&key, slot, &spill);
        assert_eq!(summary.syn_to_syn_ack_ns, Some(7_000));
        // Begun by an ACK, its SYN 3 µs later: the SYN's own time.
        let ack = seg(t0, TcpFlags::ACK, 999, 0, 0);
        entry.restart(1, c, &ack, slot, &mut spill);
        feed(&mut entry, &ack, c, slot, &mut spill);
        let late_syn = seg(t0 + 3_000, TcpFlags::SYN, 1000, 0, 0);
        let dir = entry.direction(c);
        entry.account(&late_syn, dir, slot, &mut spill);
        assert_eq!(dir, Direction::ClientToServer);
        assert_eq!(spill.len(), 1);
        feed(&mut entry, &syn_ack, c.other(), slot, &mut spill);
        let summary = entry.summary(&key, slot, &spill);
        assert_eq!(summary.first_ts_ns, t0);
        assert_eq!(summary.syn_to_syn_ack_ns, Some(4_000));
    }
}
