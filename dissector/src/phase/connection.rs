//! The phase machine of one connection: both endpoints' states and the
//! label of each segment. It reasons on [`SegmentFacts`], never on bytes.
//!
//! The observer's rule for states: an endpoint's state moves when it sends
//! a segment that shows the move (its SYN, SYN-ACK, FIN, its ACK of the
//! peer's SYN-ACK or FIN), and when it receives a segment whose effect
//! needs no answer from it (the ACK of its SYN or of its FIN, a RST).
//! Segments are taken as delivered in capture order.

use super::endpoint::Endpoint;
use super::label::{AnomalyFlags, Closer, Direction, Phase, Step};
use super::segment::SegmentFacts;
use super::state::TcpState;

/// The label the phase machine gives one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// Phase of the segment.
    pub phase: Phase,
    /// Step within the phase.
    pub step: Step,
    /// The client's state right after the segment.
    pub client_state: TcpState,
    /// The server's state right after the segment.
    pub server_state: TcpState,
    /// The sender's role in the close.
    pub closer: Closer,
    /// Anomaly markers.
    pub flags: AnomalyFlags,
}

/// How a connection started, as its first segment showed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// With the client's SYN.
    Syn,
    /// With the server's SYN-ACK (the SYN was not captured).
    SynAck,
    /// After the handshake.
    Midstream,
}

/// How the connection ended, or did not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Still open (no FIN, no RST).
    Open,
    /// A FIN close is under way (one side, or both, not yet acknowledged).
    Closing,
    /// Both FINs sent and acknowledged.
    Closed,
    /// Reset.
    Reset,
}

/// The two endpoints of a connection, indexed by [`Direction`]: the
/// endpoint that sends in that direction (the client for c2s). The peer
/// of side `s` is `s.reverse()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sides(pub [Endpoint; 2]);

impl core::ops::Index<Direction> for Sides {
    type Output = Endpoint;
    fn index(&self, side: Direction) -> &Endpoint {
        &self.0[side as usize]
    }
}

impl core::ops::IndexMut<Direction> for Sides {
    fn index_mut(&mut self, side: Direction) -> &mut Endpoint {
        &mut self.0[side as usize]
    }
}

impl Sides {
    /// Both endpoints, client first.
    pub fn iter(&self) -> core::slice::Iter<'_, Endpoint> {
        self.0.iter()
    }
}

/// The yes/no facts of a connection, one bit each.
mod bit {
    pub const SIMULTANEOUS_CLOSE: u16 = 1 << 0;
    pub const SIMULTANEOUS_OPEN: u16 = 1 << 1;
    pub const REFUSED: u16 = 1 << 2;
    pub const UNREACHABLE: u16 = 1 << 3;
    pub const HANDSHAKE_COMPLETE: u16 = 1 << 4;
    pub const PASSIVE_FIN_ACKED_FIRST: u16 = 1 << 5;
    pub const ENDED: u16 = 1 << 6;
    /// `TIME_WAIT_SEEN << side`: the endpoint has entered TIME-WAIT.
    pub const TIME_WAIT_SEEN: u16 = 1 << 7;
}

/// The times a segment stamps on its connection, one bit each: the
/// machine notes which, its owner keeps the times (the segment's own).
pub mod stamp {
    /// The connection ended (both FINs acked, or reset).
    pub const ENDED: u8 = 1 << 0;
    /// `TIME_WAIT << side`: the endpoint sending in `side` entered (or
    /// restarted) TIME-WAIT.
    pub const TIME_WAIT: u8 = 1 << 1;
}

/// Where the fields packed in `ConnectionPhase::packed` lie: the opening
/// (2 bits), the first closer and the first resetter (2 bits each: none,
/// client, server), each direction's window scale shift (4 bits each,
/// `NO_WINDOW_SCALE` as 15).
mod packed {
    pub const OPENING: u32 = 0;
    pub const ACTIVE_CLOSER: u32 = 2;
    pub const RESET_BY: u32 = 4;
    pub const WINDOW_SCALE: u32 = 6;
}

/// Where the `stamp` bits lie in `ConnectionPhase::bits`.
const STAMPS_SHIFT: u32 = 12;

/// An endpoint's window scale shift, `NONE` when its SYN offered none.
/// Kept as `min(shift, 14)`, the only value RFC 7323 lets it take.
const NO_WINDOW_SCALE: u8 = u8::MAX;

/// Both endpoints of one connection and what has happened to it.
///
/// Packed for the flow table (52 bytes): the yes/no facts share one bit
/// set, and the fields are read through accessors. It keeps no times: a
/// segment that ends the connection or starts a TIME-WAIT leaves a
/// [`stamp`] bit, and the owner keeps that segment's time (the flow table
/// keeps times compactly, see `track/spill.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionPhase {
    /// `[client, server]`, indexed by the direction each sends in.
    pub endpoints: Sides,
    /// How it started, who closed and reset first, and the window
    /// scale shifts, packed (see `packed`).
    packed: u16,
    /// The `bit` flags, and the `stamp` bits from `STAMPS_SHIFT` on.
    bits: u16,
}

const _: () = assert!(core::mem::size_of::<ConnectionPhase>() <= 52);

impl ConnectionPhase {
    /// A connection whose first segment is `first`. Returns the machine;
    /// feed it `first` next.
    pub fn new(first: &SegmentFacts) -> Self {
        let opening = if first.is_pure_syn() {
            Opening::Syn
        } else if first.flags.syn() && first.flags.ack() {
            Opening::SynAck
        } else {
            Opening::Midstream
        };
        // A SYN-ACK without a captured SYN proves nothing of its receiver
        // (backscatter of spoofed SYNs is common): it stays UNKNOWN until
        // it shows itself.
        let (client, server) = match opening {
            Opening::Syn => (TcpState::Closed, TcpState::Listen),
            Opening::SynAck => (TcpState::Unknown, TcpState::Listen),
            Opening::Midstream => (TcpState::Unknown, TcpState::Unknown),
        };
        let opening_code = match opening {
            Opening::Syn => 0,
            Opening::SynAck => 1,
            Opening::Midstream => 2,
        };
        ConnectionPhase {
            endpoints: Sides([Endpoint::new(client), Endpoint::new(server)]),
            packed: (opening_code << packed::OPENING) | (0xff << packed::WINDOW_SCALE),
            bits: 0,
        }
    }

    const fn has(&self, bit: u16) -> bool {
        self.bits & bit != 0
    }

    fn set(&mut self, bit: u16) {
        self.bits |= bit;
    }

    /// Both sides sent a FIN before receiving the other's.
    pub const fn simultaneous_close(&self) -> bool {
        self.has(bit::SIMULTANEOUS_CLOSE)
    }

    /// Both sides sent a pure SYN.
    pub const fn simultaneous_open(&self) -> bool {
        self.has(bit::SIMULTANEOUS_OPEN)
    }

    /// The RST answered a SYN (connection refused).
    pub const fn refused(&self) -> bool {
        self.has(bit::REFUSED)
    }

    /// An ICMP or ICMPv6 error answered a SYN before the handshake completed.
    pub const fn unreachable(&self) -> bool {
        self.has(bit::UNREACHABLE)
    }

    /// The third segment of the handshake (or what stands for it) was seen.
    pub const fn handshake_complete(&self) -> bool {
        self.has(bit::HANDSHAKE_COMPLETE)
    }

    /// The passive side's FIN also acknowledged the first FIN.
    pub const fn passive_fin_acked_first(&self) -> bool {
        self.has(bit::PASSIVE_FIN_ACKED_FIRST)
    }

    /// The connection ended (both FINs acked, or reset); the owner keeps
    /// when (see [`stamp::ENDED`]).
    pub const fn ended(&self) -> bool {
        self.has(bit::ENDED)
    }

    fn set_ended(&mut self) {
        self.set(bit::ENDED);
        self.bits |= u16::from(stamp::ENDED) << STAMPS_SHIFT;
    }

    /// The endpoint sending in `side` has entered TIME-WAIT; the owner
    /// keeps when it last (re)started (see [`stamp::TIME_WAIT`]).
    pub const fn time_wait_seen(&self, side: Direction) -> bool {
        self.has(bit::TIME_WAIT_SEEN << side as u16)
    }

    fn set_time_wait(&mut self, side: Direction) {
        self.set(bit::TIME_WAIT_SEEN << side as u16);
        self.bits |= u16::from(stamp::TIME_WAIT << side as u8) << STAMPS_SHIFT;
    }

    /// The [`stamp`] bits of the segments fed since the last call: which
    /// times the owner sets to the last segment's (it calls this after
    /// each segment).
    #[inline]
    pub fn take_stamps(&mut self) -> u8 {
        let stamps = (self.bits >> STAMPS_SHIFT) as u8;
        if stamps != 0 {
            self.bits &= (1 << STAMPS_SHIFT) - 1;
        }
        stamps
    }

    /// The window scale shift the SYN of the endpoint sending in `side`
    /// offered, at most 14 (`None`: no option, or no SYN seen).
    pub const fn window_scale(&self, side: Direction) -> Option<u8> {
        match (self.packed >> (packed::WINDOW_SCALE + 4 * side as u32)) & 0xf {
            0xf => None,
            shift => Some(shift as u8),
        }
    }

    fn set_window_scale(&mut self, side: Direction, shift: u8) {
        let at = packed::WINDOW_SCALE + 4 * side as u32;
        let code = if shift == NO_WINDOW_SCALE {
            0xf
        } else {
            u16::from(shift)
        };
        self.packed = (self.packed & !(0xf << at)) | (code << at);
    }

    /// How it started.
    pub const fn opening(&self) -> Opening {
        match (self.packed >> packed::OPENING) & 3 {
            0 => Opening::Syn,
            1 => Opening::SynAck,
            _ => Opening::Midstream,
        }
    }

    const fn direction_at(&self, at: u32) -> Option<Direction> {
        match (self.packed >> at) & 3 {
            0 => None,
            1 => Some(Direction::ClientToServer),
            _ => Some(Direction::ServerToClient),
        }
    }

    fn set_direction_at(&mut self, at: u32, dir: Direction) {
        let code = 1 + dir as u16;
        self.packed = (self.packed & !(3 << at)) | (code << at);
    }

    /// Which side sent the first FIN.
    pub const fn active_closer(&self) -> Option<Direction> {
        self.direction_at(packed::ACTIVE_CLOSER)
    }

    /// Which side sent the first RST.
    pub const fn reset_by(&self) -> Option<Direction> {
        self.direction_at(packed::RESET_BY)
    }

    /// The previous connection on this 4-tuple was refused: its RST
    /// proved that nothing listened on the server's port, so until the
    /// server answers this connection's SYN it is CLOSED, not LISTEN.
    pub fn after_refusal(&mut self) {
        if self.endpoints[Direction::ServerToClient].state == TcpState::Listen {
            self.endpoints[Direction::ServerToClient].state = TcpState::Closed;
        }
    }

    /// The client endpoint.
    pub fn client(&self) -> &Endpoint {
        &self.endpoints[Direction::ClientToServer]
    }

    /// The server endpoint.
    pub fn server(&self) -> &Endpoint {
        &self.endpoints[Direction::ServerToClient]
    }

    /// How far the connection got.
    pub fn ending(&self) -> Ending {
        if self.reset_by().is_some() {
            Ending::Reset
        } else if self.ended() {
            Ending::Closed
        } else if self.active_closer().is_some() {
            Ending::Closing
        } else {
            Ending::Open
        }
    }

    /// Whether the connection has ended (reset, or both FINs acknowledged):
    /// a new SYN on its 4-tuple starts a new connection.
    pub fn has_ended(&self) -> bool {
        self.ended()
    }

    /// Moves the endpoint sending in `side` out of TIME-WAIT (its 2 x MSL
    /// ran out).
    pub fn expire_time_wait(&mut self, side: Direction) {
        if self.endpoints[side].state == TcpState::TimeWait {
            self.endpoints[side].state = TcpState::Closed;
        }
    }

    fn set_state(&mut self, side: Direction, state: TcpState) {
        if state == TcpState::TimeWait && self.endpoints[side].state != TcpState::TimeWait {
            self.set_time_wait(side);
        }
        self.endpoints[side].state = state;
    }

    /// Labels an ICMP or ICMPv6 error quoting `quoted`, a segment sent in
    /// direction `dir`: phase other, step icmp-error. An error answering a
    /// SYN before the handshake completed makes the handshake unreachable;
    /// no state moves (a stack may keep retrying after a soft error).
    pub fn on_icmp_error(&mut self, quoted: &SegmentFacts, dir: Direction) -> Label {
        if quoted.flags.syn() && !self.handshake_complete() {
            self.set(bit::UNREACHABLE);
        }
        let closer = match self.active_closer() {
            None => Closer::None,
            Some(_) if self.simultaneous_close() => Closer::Active,
            Some(c) if c == dir => Closer::Active,
            Some(_) => Closer::Passive,
        };
        Label {
            phase: Phase::Other,
            step: Step::IcmpError,
            client_state: self.endpoints[Direction::ClientToServer].state,
            server_state: self.endpoints[Direction::ServerToClient].state,
            closer,
            flags: AnomalyFlags::NONE,
        }
    }

    /// Labels a segment sent in direction `dir` and moves the states.
    pub fn on_segment(&mut self, seg: &SegmentFacts, dir: Direction) -> Label {
        let s = dir;
        let r = dir.reverse();
        let f = seg.flags;
        let mut anomalies = AnomalyFlags::NONE;

        // Acknowledges what the capture never showed the peer sending. A
        // peer never seen so far is taken to have sent up to this first ACK.
        if f.ack() && !f.rst() {
            if let Some(hole) = self.endpoints[r].hole_start() {
                if seg.ack > hole {
                    anomalies.insert(AnomalyFlags::ACK_UNSEEN);
                    self.endpoints[r].set_hole_start(None);
                }
            }
            match self.endpoints[r].next_seq() {
                Some(peer_next) if seg.ack > peer_next => {
                    anomalies.insert(AnomalyFlags::ACK_UNSEEN);
                    self.endpoints[r].set_next_seq(seg.ack);
                }
                Some(_) => {}
                None => self.endpoints[r].set_next_seq(seg.ack),
            }
        }

        if self.beyond_window(seg, s) {
            anomalies.insert(AnomalyFlags::OUT_OF_WINDOW);
        }

        let (phase, step) = if f.rst() {
            self.on_reset(seg, s, r, &mut anomalies)
        } else if self.reset_by().is_some() {
            self.note_sent(seg, s);
            (Phase::Other, Step::AfterReset)
        } else if f.syn() {
            self.on_syn(seg, s, r, &mut anomalies)
        } else {
            self.on_established(seg, s, r, &mut anomalies)
        };

        if self.simultaneous_open() && phase == Phase::Handshake {
            anomalies.insert(AnomalyFlags::SIMULTANEOUS_OPEN);
        }
        if self.simultaneous_close() && matches!(phase, Phase::ActiveClose) {
            anomalies.insert(AnomalyFlags::SIMULTANEOUS_CLOSE);
        }
        if !self.ended() && self.both_closed_by_fin() {
            self.set_ended();
        }
        let closer = match self.active_closer() {
            None => Closer::None,
            Some(_) if self.simultaneous_close() => Closer::Active,
            Some(c) if c == dir => Closer::Active,
            Some(_) => Closer::Passive,
        };
        Label {
            phase,
            step,
            client_state: self.endpoints[Direction::ClientToServer].state,
            server_state: self.endpoints[Direction::ServerToClient].state,
            closer,
            flags: anomalies,
        }
    }

    /// Whether a segment from side `s` starts beyond the right edge of the
    /// window the receiver last offered (RFC 9293 3.10.7.4: not acceptable).
    /// Only judged when both SYNs were seen (the window scale is known) and
    /// the window is open: a probe of a zero window is no anomaly.
    fn beyond_window(&self, seg: &SegmentFacts, s: Direction) -> bool {
        let receiver = &self.endpoints[s.reverse()];
        let sender = &self.endpoints[s];
        let syn_seen = |e: &Endpoint| e.sent_syn() || e.sent_syn_ack();
        let Some(left) = receiver.highest_ack() else {
            return false;
        };
        if !syn_seen(receiver) || !syn_seen(sender) {
            return false;
        }
        if seg.payload_len == 0 || receiver.window == 0 || seg.flags.syn() {
            return false;
        }
        // Scaling applies only when both SYNs offered it (RFC 7323 2.2).
        let shift = match (self.window_scale(s.reverse()), self.window_scale(s)) {
            (Some(own), Some(_)) => u32::from(own.min(14)),
            _ => 0,
        };
        let right = left + (u32::from(receiver.window) << shift);
        seg.seq > right
    }

    fn both_closed_by_fin(&self) -> bool {
        self.endpoints
            .iter()
            .all(|e| e.fin_seq().is_some() && e.fin_acked() && e.acked_peer_fin())
    }

    /// Records the sequence space of a segment; returns whether it was a
    /// retransmission (all of its sequence space sent before).
    fn note_sent(&mut self, seg: &SegmentFacts, s: Direction) -> bool {
        let ep = &mut self.endpoints[s];
        if seg.flags.ack() {
            match ep.highest_ack() {
                Some(a) if seg.ack <= a => {}
                _ => ep.set_highest_ack(seg.ack),
            }
        }
        ep.window = seg.window;
        let len = seg.seq_len();
        let end = seg.seq_end();
        if let Some(hole) = ep.hole_start() {
            if seg.seq <= hole && end > hole {
                ep.set_hole_start(None);
            }
        }
        if let Some(next) = ep.next_seq() {
            if len > 0 && seg.seq > next && !seg.flags.rst() && ep.hole_start().is_none() {
                ep.set_hole_start(Some(next));
            }
        }
        match ep.next_seq() {
            Some(next) if end <= next => len > 0,
            _ => {
                ep.set_next_seq(end);
                false
            }
        }
    }

    /// Whether a RST from side `s` lies outside the receiver's window
    /// (RFC 9293 section 3.10.7.4: acceptable only when RCV.NXT =< SEG.SEQ
    /// < RCV.NXT + RCV.WND). Judged only on a synchronized receiver whose
    /// next expected sequence number the capture shows: the highest ACK it
    /// sent, or past everything the sender sent (segments are taken as
    /// delivered in capture order).
    fn rst_outside_window(&self, seg: &SegmentFacts, s: Direction) -> bool {
        let receiver = &self.endpoints[s.reverse()];
        let sender = &self.endpoints[s];
        if !receiver.is_synchronized()
            || receiver.state == TcpState::Closed
            || self.reset_by().is_some()
            || self.has_ended()
        {
            return false;
        }
        let delivered = sender.next_seq().filter(|_| sender.hole_start().is_none());
        let rcv_nxt = match (receiver.highest_ack(), delivered) {
            (Some(a), Some(n)) => {
                if a > n {
                    a
                } else {
                    n
                }
            }
            (Some(a), None) => a,
            (None, Some(n)) => n,
            (None, None) => return false,
        };
        if seg.seq < rcv_nxt {
            return true;
        }
        // The right edge, when the window and its scale are known.
        let syn_seen = |e: &Endpoint| e.sent_syn() || e.sent_syn_ack();
        if receiver.highest_ack().is_none() || !syn_seen(receiver) || !syn_seen(sender) {
            return false;
        }
        let shift = match (self.window_scale(s.reverse()), self.window_scale(s)) {
            (Some(own), Some(_)) => u32::from(own.min(14)),
            _ => 0,
        };
        let window = u32::from(receiver.window) << shift;
        if window == 0 {
            return seg.seq != rcv_nxt;
        }
        seg.seq >= rcv_nxt + window
    }

    fn on_reset(
        &mut self,
        seg: &SegmentFacts,
        s: Direction,
        r: Direction,
        anomalies: &mut AnomalyFlags,
    ) -> (Phase, Step) {
        let dir = s;
        if self.rst_outside_window(seg, s) {
            // The receiver drops it (and answers with a challenge ACK,
            // RFC 5961): no state moves, the connection goes on.
            anomalies.insert(AnomalyFlags::OUT_OF_WINDOW);
            return (Phase::Reset, Step::RstIgnored);
        }
        let step = if let Some(first) = self.reset_by() {
            if first == dir {
                Step::RstRepeat
            } else {
                Step::RstLate
            }
        } else if self.ended() {
            Step::RstLate
        } else if self.endpoints[r].sent_syn()
            && !self.endpoints[s].sent_syn()
            && !self.endpoints[s].sent_syn_ack()
            && !self.handshake_complete()
        {
            self.set(bit::REFUSED);
            Step::Refused
        } else {
            Step::Abort
        };
        if self.reset_by().is_none() && !self.ended() {
            self.set_direction_at(packed::RESET_BY, dir);
            self.set_ended();
        }
        self.set_state(s, TcpState::Closed);
        self.set_state(r, TcpState::Closed);
        (Phase::Reset, step)
    }

    fn on_syn(
        &mut self,
        seg: &SegmentFacts,
        s: Direction,
        r: Direction,
        anomalies: &mut AnomalyFlags,
    ) -> (Phase, Step) {
        self.set_window_scale(s, seg.window_scale.map_or(NO_WINDOW_SCALE, |w| w.min(14)));
        if !seg.flags.ack() {
            let ep = self.endpoints[s];
            if ep.sent_syn() && ep.isn() == Some(seg.seq) {
                anomalies.insert(AnomalyFlags::RETRANSMISSION);
            } else if self.endpoints[r].sent_syn() && !self.endpoints[r].sent_syn_ack() {
                // The peer sent its own SYN first: both are opening.
                self.set(bit::SIMULTANEOUS_OPEN);
            }
            self.note_sent(seg, s);
            let ep = &mut self.endpoints[s];
            ep.note_syn(seg.seq, false);
            if matches!(
                ep.state,
                TcpState::Closed | TcpState::Unknown | TcpState::Listen
            ) {
                self.set_state(s, TcpState::SynSent);
            }
            if self.endpoints[r].state == TcpState::Unknown {
                self.set_state(r, TcpState::Listen);
            }
            return (Phase::Handshake, Step::Syn);
        }
        // SYN-ACK.
        let ep = self.endpoints[s];
        if ep.sent_syn_ack() && ep.isn() == Some(seg.seq) {
            anomalies.insert(AnomalyFlags::RETRANSMISSION);
        }
        self.note_sent(seg, s);
        self.endpoints[s].note_syn(seg.seq, true);
        let ep = self.endpoints[s];
        // From CLOSED too when a refusal had shown nothing listening: the
        // server has started to listen since.
        let reopened = ep.state == TcpState::Closed && !self.ended();
        if !ep.is_synchronized() || reopened {
            self.set_state(s, TcpState::SynReceived);
        }
        // In a simultaneous open the SYN-ACK also acknowledges the peer's
        // SYN, which needs no answer: the peer is synchronized.
        if self.simultaneous_open()
            && self.endpoints[r].state == TcpState::SynReceived
            && self.acks_syn_of(seg, r)
        {
            self.set_state(r, TcpState::Established);
        }
        if matches!(self.endpoints[r].state, TcpState::Closed | TcpState::Listen)
            || (self.endpoints[r].state == TcpState::Unknown && self.endpoints[r].sent_syn())
        {
            self.set_state(r, TcpState::SynSent);
        }
        (Phase::Handshake, Step::SynAck)
    }

    /// Side `s` has just left the handshake by a segment of its own
    /// (`was` its state before): what that proves of a peer the capture did
    /// not show (one direction captured, or segments missing). A client
    /// that acknowledges a SYN-ACK proves the server sent it, and the ACK
    /// reaching a server in SYN-RECEIVED needs no answer: the server is
    /// ESTABLISHED. A server leaving SYN-RECEIVED proves the client's ACK
    /// of its SYN-ACK arrived: the client is ESTABLISHED.
    fn infer_unseen_half_of_handshake(&mut self, r: Direction, was: TcpState) {
        let peer = self.endpoints[r].state;
        let proves = match was {
            TcpState::SynSent => matches!(peer, TcpState::Listen | TcpState::Unknown),
            TcpState::SynReceived => matches!(peer, TcpState::SynSent | TcpState::Unknown),
            _ => false,
        };
        if proves {
            self.set_state(r, TcpState::Established);
        }
    }

    fn acks_syn_of(&self, seg: &SegmentFacts, side: Direction) -> bool {
        seg.flags.ack() && self.endpoints[side].isn().is_some_and(|isn| seg.ack > isn)
    }

    fn acks_fin_of(&self, seg: &SegmentFacts, side: Direction) -> bool {
        seg.flags.ack()
            && self.endpoints[side]
                .fin_seq()
                .is_some_and(|fin| seg.ack > fin)
    }

    /// A segment without SYN or RST.
    fn on_established(
        &mut self,
        seg: &SegmentFacts,
        s: Direction,
        r: Direction,
        anomalies: &mut AnomalyFlags,
    ) -> (Phase, Step) {
        let f = seg.flags;
        let len = seg.payload_len;
        let was_state = self.endpoints[s].state;
        let fin_pos = seg.seq + len;
        // A pure ACK that acknowledges nothing the sender had not
        // acknowledged before: it repeats its ACK.
        let repeated_ack =
            len == 0 && !f.fin() && f.ack() && self.endpoints[s].highest_ack() == Some(seg.ack);

        // Keep-alive: one byte (or none) just below what was already sent.
        let keepalive = !f.fin()
            && len <= 1
            && self.endpoints[s]
                .next_seq()
                .is_some_and(|next| seg.seq + 1 == next);
        let fin_retransmitted = f.fin() && self.endpoints[s].fin_seq() == Some(fin_pos);
        let retransmission = self.note_sent(seg, s) && !keepalive;
        if retransmission || fin_retransmitted {
            anomalies.insert(AnomalyFlags::RETRANSMISSION);
        }

        if self.has_ended() && !fin_retransmitted && !self.is_repeated_last_ack(seg, s) {
            return (Phase::Other, Step::Stray);
        }

        // The sender shows it is synchronized: it acknowledges without SYN.
        let mut completes_handshake = false;
        if f.ack() && !self.endpoints[s].is_synchronized() {
            if matches!(was_state, TcpState::SynSent) && !self.handshake_complete() {
                completes_handshake = true;
            }
            self.set_state(s, TcpState::Established);
            self.infer_unseen_half_of_handshake(r, was_state);
        } else if was_state == TcpState::Unknown {
            self.set_state(s, TcpState::Established);
        }
        // Receipt that needs no answer: the ACK of the peer's SYN.
        if self.acks_syn_of(seg, r) && self.endpoints[r].state == TcpState::SynReceived {
            self.set_state(r, TcpState::Established);
            completes_handshake = completes_handshake || !self.handshake_complete();
        }
        if completes_handshake && !self.handshake_complete() {
            self.set(bit::HANDSHAKE_COMPLETE);
        } else {
            completes_handshake = false;
        }

        let acks_peer_fin_now = self.acks_fin_of(seg, r) && !self.endpoints[s].acked_peer_fin();
        let dir = s;
        let label = if f.fin() {
            self.on_fin(seg, s, r, fin_retransmitted, acks_peer_fin_now)
        } else if acks_peer_fin_now {
            self.on_ack_of_peer_fin(s, len)
        } else {
            match self.active_closer() {
                None if completes_handshake && len == 0 => (Phase::Handshake, Step::Ack),
                None => (Phase::Data, data_or_ack(len)),
                Some(closer) => {
                    let second_fin_sent = self.endpoints[closer.reverse()].fin_seq().is_some();
                    let passive_repeat = closer != dir
                        && !self.simultaneous_close()
                        && self.repeats_ack_of_peer_fin(seg, s);
                    if passive_repeat {
                        // The passive closer acknowledges the first FIN again.
                        if repeated_ack {
                            anomalies.insert(AnomalyFlags::RETRANSMISSION);
                        }
                        (Phase::PassiveClose, Step::Ack)
                    } else if !second_fin_sent && !self.simultaneous_close() {
                        if closer != dir || len == 0 {
                            (Phase::HalfClose, data_or_ack(len))
                        } else {
                            // The closer resending data it sent before its FIN.
                            (Phase::Data, Step::Data)
                        }
                    } else if self.is_repeated_last_ack(seg, s) {
                        (Phase::ActiveClose, Step::LastAck)
                    } else if closer == dir || self.simultaneous_close() {
                        (Phase::ActiveClose, Step::Ack)
                    } else {
                        (Phase::PassiveClose, Step::Ack)
                    }
                }
            }
        };

        // Receipt that needs no answer: the ACK of the peer's FIN.
        if self.acks_fin_of(seg, r) && !self.endpoints[r].fin_acked() {
            self.endpoints[r].set_fin_acked(true);
            let next = match self.endpoints[r].state {
                TcpState::FinWait1 => {
                    // In a simultaneous close the peer's own FIN reached it
                    // before this ACK did (same path, sent earlier).
                    if self.simultaneous_close()
                        && self.endpoints[s].fin_seq().is_some()
                        && !self.endpoints[r].acked_peer_fin()
                    {
                        TcpState::Closing
                    } else {
                        TcpState::FinWait2
                    }
                }
                TcpState::Closing => TcpState::TimeWait,
                TcpState::LastAck => TcpState::Closed,
                other => other,
            };
            self.set_state(r, next);
        }
        label
    }

    /// Whether `seg` from side `s` repeats its ACK of the peer's FIN.
    fn repeats_ack_of_peer_fin(&self, seg: &SegmentFacts, s: Direction) -> bool {
        self.endpoints[s].acked_peer_fin()
            && seg.payload_len == 0
            && !seg.flags.fin()
            && self.acks_fin_of(seg, s.reverse())
    }

    /// Whether `seg` from side `s` repeats an active closer's last ACK: only
    /// a side whose own FIN went first (or crossed) sends a last ACK.
    fn is_repeated_last_ack(&self, seg: &SegmentFacts, s: Direction) -> bool {
        let active = self.simultaneous_close() || self.active_closer() == Some(s);
        active && self.repeats_ack_of_peer_fin(seg, s)
    }

    fn on_fin(
        &mut self,
        seg: &SegmentFacts,
        s: Direction,
        r: Direction,
        retransmitted: bool,
        acks_peer_fin_now: bool,
    ) -> (Phase, Step) {
        let dir = s;
        if retransmitted {
            // Sending its FIN again shows the sender never got the ACK the
            // capture showed: it still waits for it (the ACK was lost).
            if self.endpoints[s].fin_acked() {
                let waiting = match self.endpoints[s].state {
                    TcpState::Closed => Some(TcpState::LastAck),
                    TcpState::TimeWait => Some(TcpState::Closing),
                    TcpState::FinWait2 => Some(TcpState::FinWait1),
                    _ => None,
                };
                if let Some(state) = waiting {
                    self.endpoints[s].set_fin_acked(false);
                    self.set_state(s, state);
                }
            }
            // It may acknowledge the peer's FIN for the first time: the
            // sender moves on as its last ACK would move it.
            if acks_peer_fin_now {
                self.endpoints[s].note_acked_peer_fin();
                let next = if self.endpoints[s].fin_acked() {
                    TcpState::TimeWait
                } else {
                    TcpState::Closing
                };
                if matches!(
                    self.endpoints[s].state,
                    TcpState::FinWait1 | TcpState::FinWait2 | TcpState::Closing
                ) {
                    self.set_state(s, next);
                }
            }
            // A peer in TIME-WAIT acknowledges it again and restarts its
            // 2 x MSL wait (RFC 9293 section 3.10.7.4).
            if self.endpoints[r].state == TcpState::TimeWait {
                self.set_time_wait(r);
            }
            return match self.active_closer() {
                Some(c) if c == dir || self.simultaneous_close() => (Phase::ActiveClose, Step::Fin),
                _ if self.passive_fin_acked_first() => (Phase::PassiveClose, Step::FinAck),
                _ => (Phase::PassiveClose, Step::Fin),
            };
        }
        if self.endpoints[s].fin_seq().is_some() {
            // A second FIN at a new place: no stack sends data past its FIN.
            // The sender's role and state stay those of its first FIN.
            return match self.active_closer() {
                Some(c) if c == dir || self.simultaneous_close() => (Phase::ActiveClose, Step::Fin),
                _ => (Phase::PassiveClose, Step::Fin),
            };
        }
        self.endpoints[s].set_fin_seq(seg.seq + seg.payload_len);
        match self.active_closer() {
            None => {
                self.set_direction_at(packed::ACTIVE_CLOSER, dir);
                self.set_state(s, TcpState::FinWait1);
                (Phase::ActiveClose, Step::Fin)
            }
            Some(closer) if closer == dir => (Phase::ActiveClose, Step::Fin),
            Some(_) => {
                let acks_peer_fin = acks_peer_fin_now || self.endpoints[s].acked_peer_fin();
                if !acks_peer_fin {
                    // Sent before the peer's FIN arrived: both close actively.
                    self.set(bit::SIMULTANEOUS_CLOSE);
                    self.set_state(s, TcpState::FinWait1);
                    (Phase::ActiveClose, Step::Fin)
                } else {
                    let already_acked = self.endpoints[s].acked_peer_fin();
                    self.endpoints[s].note_acked_peer_fin();
                    self.set_state(s, TcpState::LastAck);
                    if already_acked {
                        (Phase::PassiveClose, Step::Fin)
                    } else {
                        self.set(bit::PASSIVE_FIN_ACKED_FIRST);
                        (Phase::PassiveClose, Step::FinAck)
                    }
                }
            }
        }
    }

    /// Side `s` acknowledges the peer's FIN for the first time (no FIN of its own here).
    fn on_ack_of_peer_fin(&mut self, s: Direction, len: u32) -> (Phase, Step) {
        self.endpoints[s].note_acked_peer_fin();
        let own_fin_sent = self.endpoints[s].fin_seq().is_some();
        if own_fin_sent {
            // Its FIN went first (or crossed): this is its last ACK.
            let next = if self.endpoints[s].fin_acked() {
                TcpState::TimeWait
            } else {
                TcpState::Closing
            };
            self.set_state(s, next);
            (Phase::ActiveClose, Step::LastAck)
        } else {
            self.set_state(s, TcpState::CloseWait);
            if len > 0 {
                (Phase::HalfClose, Step::Data)
            } else {
                (Phase::PassiveClose, Step::Ack)
            }
        }
    }
}

fn data_or_ack(len: u32) -> Step {
    if len > 0 {
        Step::Data
    } else {
        Step::Ack
    }
}
