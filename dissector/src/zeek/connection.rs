//! One connection as Zeek's TCP analyzer follows it: the per-packet steps
//! of `TCPAnalyzer::DeliverPacket` (Zeek's
//! `src/packet_analysis/protocol/tcp/TCP.cc`) and the state machine and
//! close handling of `TCPSessionAdapter` (`TCPSessionAdapter.cc`), with
//! the timers that end the connection kept as deadlines.

use super::config::ZeekConfig;
use super::endpoint::{seq_delta, Endpoint};
use super::endpoint_state::EndpointState as St;
use super::history::{cased, History, HistoryKind};
use super::reassembly::Limits;
use crate::wire::TcpFlags;
use core::net::IpAddr;

/// Zeek's `TOO_LARGE_SEQ_DELTA`.
const TOO_LARGE_SEQ_DELTA: i32 = 1_048_576;
const ORIG: usize = 0;
const RESP: usize = 1;

/// What Zeek's TCP analysis needs of one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZeekPacket {
    /// Capture time, ns since the epoch.
    pub ts: u64,
    /// Source address and port.
    pub src: (IpAddr, u16),
    /// Destination address and port.
    pub dst: (IpAddr, u16),
    /// TCP flags.
    pub flags: TcpFlags,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgement number.
    pub ack: u32,
    /// Window field (unscaled).
    pub window: u16,
    /// Payload length the IP header announces.
    pub len: u32,
    /// Payload bytes captured.
    pub caplen: u32,
    /// The IP packet's total length (IPv6: payload length + 40).
    pub ip_len: u32,
    /// False when the TCP checksum is wrong (and checked); ignored with
    /// `ignore_checksums`.
    pub checksum_ok: bool,
}

/// Why a connection left the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// Not (yet) removed.
    Stays,
    /// A timer removed it.
    Timer,
}

/// One connection, Zeek's view.
#[derive(Debug, Clone)]
pub struct Connection {
    /// 0-based, in order of creation.
    pub serial: u64,
    /// The originator's address and port.
    pub orig: (IpAddr, u16),
    /// The responder's address and port.
    pub resp: (IpAddr, u16),
    /// First packet's time (ns).
    pub start_time: u64,
    /// Last packet's time before both sides closed (ns).
    pub last_time: u64,
    /// Originator (0) and responder (1).
    pub endpoints: [Endpoint; 2],
    /// The history letters.
    pub history: History,
    /// Bytes in content gaps (the `content_gap` events' lengths).
    pub missed_bytes: u64,
    is_partial: bool,
    first_packet_seen: [bool; 2],
    is_active: bool,
    inactivity_timeout: u64,
    inactivity_at: Option<u64>,
    attempt_at: Option<u64>,
    expire_at: [Option<u64>; 2],
    reset_at: Option<u64>,
    partial_close_at: Option<u64>,
    delete_at: Option<u64>,
    /// A close waits for data still pending (Zeek's `close_deferred`).
    close_deferred: bool,
    /// Whether the held close reports a finish (`deferred_gen_event`).
    deferred_gen_event: bool,
    /// The deadline the session table has queued for this connection.
    pub(crate) queued: Option<u64>,
}

impl Connection {
    /// A new connection, its originator the sender of `first`; flipped at
    /// once when Zeek's `WantConnection` says so.
    pub fn new(serial: u64, first: &ZeekPacket, flip: bool, config: &ZeekConfig) -> Self {
        let mut c = Connection {
            serial,
            orig: first.src,
            resp: first.dst,
            start_time: first.ts,
            last_time: first.ts,
            endpoints: Default::default(),
            history: History::new(),
            missed_bytes: 0,
            is_partial: false,
            first_packet_seen: [false; 2],
            is_active: true,
            inactivity_timeout: config.udp_inactivity_timeout,
            inactivity_at: (config.udp_inactivity_timeout > 0)
                .then(|| first.ts.saturating_add(config.udp_inactivity_timeout)),
            attempt_at: None,
            expire_at: [Some(first.ts.saturating_add(config.tcp_syn_timeout)), None],
            reset_at: None,
            partial_close_at: None,
            delete_at: None,
            close_deferred: false,
            deferred_gen_event: false,
            queued: None,
        };
        if flip {
            c.flip_roles();
        }
        c
    }

    /// Whether a packet from `src` comes from the originator.
    pub fn is_orig(&self, src: (IpAddr, u16)) -> bool {
        src == self.orig
    }

    /// Zeek's `FlipRoles` (Conn.cc and TCPSessionAdapter.cc): the sides
    /// swap and `^` is written.
    fn flip_roles(&mut self) {
        core::mem::swap(&mut self.orig, &mut self.resp);
        self.endpoints.swap(ORIG, RESP);
        self.first_packet_seen.swap(ORIG, RESP);
        self.is_partial = false;
        self.history.add('^');
    }

    fn closed_any(&self) -> bool {
        self.endpoints[ORIG].did_close || self.endpoints[RESP].did_close
    }

    fn both_closed(&self) -> bool {
        self.endpoints[ORIG].did_close && self.endpoints[RESP].did_close
    }

    /// Zeek's `TCPSessionAdapter::IsReuse`: whether this SYN starts a new
    /// connection on the 4-tuple.
    pub fn is_reuse(&self, p: &ZeekPacket) -> bool {
        if !p.flags.syn() {
            return false;
        }
        let mut conn_orig = ORIG;
        if p.flags.ack() {
            if self.endpoints[ORIG].state != St::Inactive {
                return false;
            }
            conn_orig = RESP;
        }
        if !self.closed_any() {
            let o = &self.endpoints[conn_orig];
            if p.seq == o.start_seq {
                return false;
            }
            if !p.flags.ack()
                && o.state == St::SynAckSent
                && self.endpoints[RESP].state == St::Inactive
                && p.seq == self.endpoints[RESP].start_seq
            {
                return false;
            }
        }
        true
    }

    fn set_state(&mut self, side: usize, new: St, config: &ZeekConfig) {
        let peer = self.endpoints[1 - side].state;
        if self.endpoints[side].set_state(new, peer) {
            self.set_inactivity_timeout(config.tcp_inactivity_timeout);
        }
    }

    fn set_inactivity_timeout(&mut self, timeout: u64) {
        if timeout == self.inactivity_timeout {
            return;
        }
        self.inactivity_timeout = timeout;
        self.inactivity_at = (timeout > 0).then(|| self.last_time.saturating_add(timeout));
    }

    /// Zeek's `SetPartialStatus`.
    fn set_partial_status(&mut self, flags: TcpFlags, is_orig: bool) {
        if is_orig {
            if !self.first_packet_seen[ORIG] {
                self.is_partial = !flags.syn() || flags.ack();
            }
        } else if !self.first_packet_seen[RESP] && !self.is_partial {
            self.is_partial = !flags.syn();
        }
    }

    /// Zeek's flip of a connection that began with a SYN-ACK when an ack
    /// or data segment follows right after it, in either direction
    /// (zeek/zeek pull request 2191: a stealth scan's SYN-ACK gets a RST or
    /// nothing, never that): the SYN-ACK's sender was the responder. Right
    /// after: nothing but the SYN-ACK in the history yet (its repeats write
    /// nothing; a packet with a wrong checksum writes `c`, and then Zeek
    /// never flips: baseline core.checksums_ignore_nets, conn-failed.log,
    /// `HcADF`; core.conn-size-flip's ctu trace flips after a repeated
    /// SYN-ACK). The history reads as if the roles had been right from the
    /// start and the packet counts follow the real sides (Zeek's baselines
    /// core.tcp.flip-without-syn and core.conn-size-flip: `^haf` for a
    /// server's SYN-ACK, ACK, FIN).
    fn flip_after_syn_ack(&mut self, p: &ZeekPacket) {
        if self.history.as_str() == "H"
            && self.endpoints[ORIG].state == St::SynAckSent
            && self.endpoints[RESP].state == St::Inactive
            && !p.flags.syn()
            && !p.flags.rst()
            && (p.flags.ack() || p.len > 0)
        {
            self.flip_roles();
            self.history.restate_flipped();
        }
    }

    /// One packet (after Zeek's header checks), as `TCPAnalyzer::DeliverPacket`.
    pub fn deliver(&mut self, p: &ZeekPacket, config: &ZeekConfig) {
        if p.checksum_ok || config.ignore_checksums {
            self.flip_after_syn_ack(p);
        }
        let is_orig = self.is_orig(p.src);
        let (me, other) = if is_orig { (ORIG, RESP) } else { (RESP, ORIG) };
        if !p.checksum_ok && !config.ignore_checksums {
            // ValidateChecksum failed: a letter, and nothing else.
            if self.endpoints[me].checksum_errors.hit() {
                self.history.add(cased('C', is_orig));
            }
            return;
        }
        let flags = p.flags;
        let len = p.len;
        self.set_partial_status(flags, is_orig);

        // get_segment_len: SYN and FIN take one octet; a RST's data none.
        let mut seg_len = i64::from(len) + i64::from(flags.syn()) + i64::from(flags.fin());
        if flags.rst() {
            seg_len -= i64::from(len);
        }
        let seq_one_past = p.seq.wrapping_add(seg_len as u32);
        self.init_endpoint(me, flags, p.seq, seq_one_past);

        let (rel_seq, seq_underflow) = {
            let e = &self.endpoints[me];
            relative_seq(e, p.seq, e.last_seq, e.seq_wraps)
        };
        self.update_history(me, is_orig, flags, rel_seq, len);

        // update_window: a zero window is worth a letter unless it comes
        // with or after a RST, or after the peer's FIN.
        if p.window == 0
            && !flags.rst()
            && self.endpoints[other].state != St::Closed
            && self.endpoints[me].state != St::Reset
            && self.endpoints[me].zero_windows.hit()
        {
            self.history.add(cased('W', is_orig));
        }

        if !self.both_closed() {
            self.last_time = p.ts;
        }
        if flags.fin() {
            let e = &mut self.endpoints[me];
            e.fin_cnt += 1;
            e.fin_seq = rel_seq.wrapping_add(seg_len as u64);
        }
        if flags.rst() {
            self.endpoints[me].rst_cnt += 1;
        }

        let mut rel_ack = 0;
        if flags.ack() {
            if self.endpoints[other].state == St::Inactive {
                rel_ack = 1;
                // init_peer: number the peer as though its SYN was seen.
                let peer = &mut self.endpoints[other];
                let base = p.ack.wrapping_sub(1);
                peer.init_start_seq(base);
                peer.init_ack_seq(base);
                peer.init_last_seq(base);
            } else {
                let peer = &self.endpoints[other];
                let (r, underflow) = relative_seq(peer, p.ack, peer.ack_seq, peer.ack_wraps);
                if underflow {
                    rel_ack = 0;
                } else {
                    rel_ack = r;
                    if !flags.rst() {
                        // update_ack_seq: a jump to 0 is more likely broken.
                        let peer = &mut self.endpoints[other];
                        let delta = seq_delta(p.ack, peer.ack_seq);
                        if !(p.ack == 0 && delta > TOO_LARGE_SEQ_DELTA) && delta > 0 {
                            peer.update_ack_seq(p.ack);
                        }
                    }
                }
            }
        }

        let delta_last = self.update_last_seq(me, is_orig, seq_one_past, flags, len);
        let (do_close, gen_event) = self.update_state_machine(p, me, is_orig, delta_last, config);
        // A flip in the state machine moved the sides: follow the sender.
        let is_orig = self.is_orig(p.src);
        let (me, other) = if is_orig { (ORIG, RESP) } else { (RESP, ORIG) };

        if flags.ack() {
            // The peer's reassembler learns what was acked; gaps it
            // reveals count only in a cleanly established connection.
            let partial = self.is_partial;
            let trim_delivered = self.over_initial_window(other, config);
            let peer = &mut self.endpoints[other];
            let fin_seq = (peer.fin_cnt > 0).then_some(peer.fin_seq);
            let acked = peer
                .reassembly
                .ack_received(rel_ack, fin_seq, partial, trim_delivered);
            let gaps = acked.unwrap_or_default();
            if gaps.count > 0 {
                let clean = self.endpoints[other].is_clean() && self.endpoints[me].is_clean();
                if clean {
                    for _ in 0..gaps.count {
                        if self.endpoints[other].gaps.hit() {
                            self.history.add(cased('G', !is_orig));
                        }
                    }
                }
                if clean || config.report_gaps_for_partial {
                    self.missed_bytes += gaps.bytes;
                }
            }
            if acked.is_some() {
                // AckReceived ends with the peer's end-of-data check.
                self.check_eof(other, config);
            }
        }

        self.first_packet_seen[me] = true;
        let rel_data_seq = if flags.syn() {
            rel_seq.wrapping_add(1)
        } else {
            rel_seq
        };
        if len > 0 && !flags.rst() && !seq_underflow && p.caplen >= len {
            let limits = Limits {
                trim_delivered: self.over_initial_window(me, config),
                above_hole: self.endpoints[me]
                    .no_data_acked()
                    .then_some(config.tcp_max_above_hole_without_any_acks)
                    .filter(|&l| l > 0),
                excessive: Some(config.tcp_excessive_data_without_further_acks).filter(|&l| l > 0),
            };
            let e = &mut self.endpoints[me];
            let acked = e.relative_ack();
            e.reassembly
                .data_sent(rel_data_seq, u64::from(len), acked, limits);
        }
        self.check_eof(me, config);
        if do_close {
            self.connection_closed(me, gen_event, config);
        }
        // conn-size counts every packet the TCP analysis took, on the side
        // it came from.
        let e = &mut self.endpoints[me];
        e.pkts += 1;
        e.ip_bytes += u64::from(p.ip_len);
    }

    /// Zeek's `init_endpoint`.
    fn init_endpoint(&mut self, me: usize, flags: TcpFlags, first: u32, last: u32) {
        let e = &mut self.endpoints[me];
        match e.state {
            St::Inactive => {
                let last = if flags.syn() {
                    e.init_ack_seq(first);
                    e.init_start_seq(first);
                    last
                } else {
                    e.init_ack_seq(first.wrapping_sub(1));
                    e.init_start_seq(first.wrapping_sub(1));
                    first
                };
                e.init_last_seq(last);
            }
            St::SynSent | St::SynAckSent => {
                if flags.syn() && first != e.start_seq {
                    e.init_start_seq(first);
                    e.init_ack_seq(first);
                    e.init_last_seq(last);
                }
            }
            St::Established | St::Partial => {
                if flags.syn() {
                    e.init_start_seq(first);
                    e.init_ack_seq(first);
                    e.init_last_seq(last);
                }
            }
            St::Reset => {
                if flags.syn() && e.prev_state == St::Inactive {
                    e.init_start_seq(first);
                    e.init_ack_seq(first);
                    e.init_last_seq(last);
                }
            }
            St::Closed => {}
        }
    }

    /// Zeek's `update_history`.
    fn update_history(
        &mut self,
        me: usize,
        is_orig: bool,
        flags: TcpFlags,
        rel_seq: u64,
        len: u32,
    ) {
        let bits = u8::from(flags.syn()) + u8::from(flags.fin()) + u8::from(flags.rst());
        let h = &mut self.history;
        let e = &mut self.endpoints[me];
        if bits > 1 {
            if flags.fin() && flags.rst() {
                h.check(HistoryKind::FinRst, is_orig, 'I');
            } else {
                h.check(HistoryKind::MultiFlag, is_orig, 'Q');
            }
        } else if bits == 1 {
            if flags.syn() {
                let code = if flags.ack() { 'H' } else { 'S' };
                if h.check(HistoryKind::Syn, is_orig, code) && rel_seq != e.hist_last_syn {
                    h.add(cased(code, is_orig));
                }
                e.hist_last_syn = rel_seq;
            }
            if flags.fin() {
                // A FIN's number is at the end of its data.
                let at = rel_seq.wrapping_add(u64::from(len));
                if h.check(HistoryKind::Fin, is_orig, 'F') && at != e.hist_last_fin {
                    h.add(cased('F', is_orig));
                }
                e.hist_last_fin = at;
            }
            if flags.rst() {
                if h.check(HistoryKind::Rst, is_orig, 'R') && rel_seq != e.hist_last_rst {
                    h.add(cased('R', is_orig));
                }
                e.hist_last_rst = rel_seq;
            }
        } else if len > 0 {
            h.check(HistoryKind::Data, is_orig, 'D');
        } else if flags.ack() {
            h.check(HistoryKind::Ack, is_orig, 'A');
        }
    }

    /// Zeek's `update_last_seq`; a repeat of data seen is a retransmission.
    fn update_last_seq(
        &mut self,
        me: usize,
        is_orig: bool,
        last: u32,
        flags: TcpFlags,
        len: u32,
    ) -> i32 {
        let e = &mut self.endpoints[me];
        let delta = seq_delta(last, e.last_seq);
        if (flags.syn() || flags.rst())
            && !(-TOO_LARGE_SEQ_DELTA..=TOO_LARGE_SEQ_DELTA).contains(&delta)
        {
            // Not trusted.
        } else if flags.fin() && e.last_seq == e.start_seq.wrapping_add(1) {
            e.update_last_seq(last);
        } else if e.state == St::Reset {
            // Nothing after a RST is trusted.
        } else if delta > 0 {
            e.update_last_seq(last);
        } else if len > 0 && e.rexmits.hit() {
            self.history.add(cased('T', is_orig));
        }
        delta
    }

    /// Zeek's `UpdateStateMachine`: returns (do_close, gen_event).
    fn update_state_machine(
        &mut self,
        p: &ZeekPacket,
        me: usize,
        is_orig: bool,
        delta_last: i32,
        config: &ZeekConfig,
    ) -> (bool, bool) {
        let other = 1 - me;
        let flags = p.flags;
        let mut do_close = false;
        let mut gen_event = false;
        match self.endpoints[me].state {
            St::Inactive => {
                if flags.syn() {
                    if is_orig {
                        let s = if flags.ack() {
                            St::SynAckSent
                        } else {
                            St::SynSent
                        };
                        self.set_state(me, s, config);
                        if config.tcp_attempt_delay > 0 {
                            self.attempt_at = Some(p.ts.saturating_add(config.tcp_attempt_delay));
                        }
                    } else {
                        let peer = self.endpoints[other].state;
                        let mut me = me;
                        let mut other = other;
                        if !flags.ack()
                            && peer == St::SynAckSent
                            && p.seq == self.endpoints[me].start_seq
                        {
                            // A SYN after its SYN-ACK: the roles were
                            // reversed; flip and establish.
                            self.flip_roles();
                            core::mem::swap(&mut me, &mut other);
                            self.set_state(other, St::Established, config);
                            self.first_packet_seen[ORIG] = true;
                        }
                        if self.endpoints[other].state == St::SynSent {
                            self.set_state(other, St::Established, config);
                        }
                        self.set_state(me, St::Established, config);
                        // Zeek goes on with the sender's old role.
                        return self
                            .inactive_tail(p, me, other, is_orig, config, do_close, gen_event);
                    }
                }
                self.inactive_tail(p, me, other, is_orig, config, do_close, gen_event)
            }
            St::SynSent | St::SynAckSent => {
                if flags.fin() {
                    self.set_state(me, St::Closed, config);
                    do_close = true;
                    gen_event = true;
                }
                if flags.rst() {
                    self.set_state(me, St::Reset, config);
                    self.is_active = false;
                    do_close = true;
                }
                (do_close, gen_event)
            }
            St::Established | St::Partial => {
                if flags.syn()
                    && self.endpoints[me].state == St::Partial
                    && self.endpoints[other].state == St::Inactive
                    && !flags.ack()
                {
                    self.set_state(me, St::SynSent, config);
                }
                if flags.fin() && !flags.rst() {
                    self.set_state(me, St::Closed, config);
                    let peer = &self.endpoints[other];
                    if peer.state == St::Reset && peer.prev_state == St::Closed {
                        // A FIN then RST from the peer was a normal close.
                        self.set_state(other, St::Closed, config);
                    }
                    do_close = true;
                    gen_event = true;
                }
                if flags.rst() {
                    self.set_state(me, St::Reset, config);
                    do_close = true;
                    let peer = &self.endpoints[other];
                    if peer.state != St::Reset || peer.prev_state != St::Established {
                        self.is_active = false;
                    }
                }
                (do_close, gen_event)
            }
            St::Closed => {
                let _ = delta_last;
                if flags.rst() && self.endpoints[other].state != St::Closed {
                    self.set_state(me, St::Reset, config);
                    if !self.endpoints[me].did_close {
                        do_close = true;
                    }
                    if config.tcp_reset_delay > 0 {
                        self.reset_at = Some(p.ts.saturating_add(config.tcp_reset_delay));
                    }
                }
                (do_close, gen_event)
            }
            St::Reset => (false, false),
        }
    }

    /// The FIN, RST and no-flag steps of Zeek's `UpdateInactiveState`.
    #[allow(clippy::too_many_arguments)]
    fn inactive_tail(
        &mut self,
        p: &ZeekPacket,
        me: usize,
        other: usize,
        is_orig: bool,
        config: &ZeekConfig,
        mut do_close: bool,
        mut gen_event: bool,
    ) -> (bool, bool) {
        let flags = p.flags;
        if flags.fin() {
            self.set_state(me, St::Closed, config);
            do_close = true;
            gen_event = true;
        }
        if flags.rst() {
            self.set_state(me, St::Reset, config);
            let peer = self.endpoints[other].state;
            let is_reject = if is_orig {
                peer == St::Established
            } else {
                matches!(peer, St::SynSent | St::SynAckSent)
            };
            do_close = true;
            gen_event = !is_reject;
        }
        if self.endpoints[me].state == St::Inactive {
            if !is_orig && p.len == 0 && self.endpoints[ORIG].state == St::SynSent {
                // An ack of a SYN before the SYN-ACK: not a partial side.
            } else if flags.ack() && self.endpoints[other].state == St::Established {
                // The SYN was missed but the SYN-ACK seen: establish.
                self.set_state(me, St::Established, config);
                self.is_partial = false;
                self.first_packet_seen[me] = true;
            } else {
                self.set_state(me, St::Partial, config);
            }
        }
        (do_close, gen_event)
    }

    /// `BlockInserted`'s test: `side` sent more than
    /// `tcp_max_initial_window` and none of it was acked.
    fn over_initial_window(&self, side: usize, config: &ZeekConfig) -> bool {
        let e = &self.endpoints[side];
        config.tcp_max_initial_window > 0
            && e.no_data_acked()
            && e.size(self.endpoints[1 - side].state) > config.tcp_max_initial_window
    }

    /// Zeek's `TCP_Reassembler::DataPending` for `side` closing: data of
    /// its own not yet delivered (short of the FIN's octet), or, unless it
    /// reset, any of the peer's data it has not acked.
    fn data_pending(&self, side: usize) -> bool {
        let e = &self.endpoints[side];
        if e.reassembly.skipping() {
            return false;
        }
        let delivered = u64::from(e.start_seq).wrapping_add(e.reassembly.data_seq());
        let last = e.full_last_seq();
        if last < delivered {
            return false;
        }
        if delivered != last.wrapping_sub(1) && delivered != last {
            return true;
        }
        e.state != St::Reset && self.endpoints[1 - side].reassembly.has_blocks()
    }

    /// Zeek's `TCP_Reassembler::CheckEOF` and `EndpointEOF`: once `side`
    /// closed and has nothing pending, a close held for data goes on.
    fn check_eof(&mut self, side: usize, config: &ZeekConfig) {
        let e = &self.endpoints[side];
        if e.reassembly.did_eof
            || !(e.fin_cnt > 0 || matches!(e.state, St::Closed | St::Reset))
            || self.data_pending(side)
        {
            return;
        }
        self.endpoints[side].reassembly.did_eof = true;
        if self.close_deferred {
            self.connection_closed(side, self.deferred_gen_event, config);
            self.close_deferred = false;
        }
    }

    /// Zeek's `ConnectionClosed`: held while data is pending (a later
    /// end-of-data check, of either side, goes on with it).
    fn connection_closed(&mut self, me: usize, gen_event: bool, config: &ZeekConfig) {
        let other = 1 - me;
        if self.data_pending(me) {
            self.close_deferred = true;
            if !self.deferred_gen_event {
                self.deferred_gen_event = gen_event;
            }
            return;
        }
        self.close_deferred = false;
        if self.endpoints[me].did_close {
            return;
        }
        self.endpoints[me].did_close = true;
        let peer = &self.endpoints[other];
        let close_complete =
            self.endpoints[me].state == St::Reset || peer.did_close || peer.state == St::Inactive;
        if close_complete {
            if self.endpoints[me].prev_state != St::Inactive || peer.state != St::Inactive {
                let finished = gen_event || self.deferred_gen_event;
                self.deferred_gen_event = false;
                if finished {
                    self.is_active = false; // ConnectionFinished
                }
            }
            // CancelTimers: the analyzer's timers go; the connection's
            // inactivity timer stays.
            self.attempt_at = None;
            self.expire_at = [None, None];
            self.reset_at = None;
            self.partial_close_at = None;
            self.delete_at = Some(self.last_time.saturating_add(config.tcp_close_delay));
        } else if self.endpoints[me].prev_state == St::Inactive {
            // The first thing this side sent closed it: PartialCloseTimer,
            // set only when a script handles connection_partial_close.
            if config.connection_partial_close {
                self.partial_close_at = Some(
                    self.last_time
                        .saturating_add(config.tcp_partial_close_delay),
                );
            }
        } else {
            let at = self.last_time.saturating_add(config.tcp_session_timer);
            match self.expire_at.iter_mut().find(|t| t.is_none()) {
                Some(slot) => *slot = Some(at),
                None => self.expire_at[1] = Some(at),
            }
        }
    }

    /// The earliest time one of the connection's timers fires.
    pub fn next_deadline(&self) -> Option<u64> {
        [
            self.inactivity_at,
            self.attempt_at,
            self.expire_at[0],
            self.expire_at[1],
            self.reset_at,
            self.partial_close_at,
            self.delete_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Fires every timer due at or before `now`, in time order; returns
    /// whether one removed the connection.
    pub fn fire_due(&mut self, now: u64, config: &ZeekConfig) -> Removal {
        // Each round clears or moves a timer past `at`; the bound only
        // guards against times saturated at the end of u64.
        for _ in 0..64 {
            let Some(at) = self.next_deadline().filter(|&t| t <= now) else {
                break;
            };
            if self.fire_one(at, config) {
                return Removal::Timer;
            }
        }
        Removal::Stays
    }

    /// Fires the timer(s) due at `at`; true when the connection goes.
    fn fire_one(&mut self, at: u64, config: &ZeekConfig) -> bool {
        let (o, r) = (&self.endpoints[ORIG], &self.endpoints[RESP]);
        if self.delete_at == Some(at) {
            return true;
        }
        if self.inactivity_at == Some(at) {
            if self.last_time.saturating_add(self.inactivity_timeout) <= at {
                return true;
            }
            self.inactivity_at = Some(self.last_time.saturating_add(self.inactivity_timeout));
            return false;
        }
        if self.attempt_at == Some(at) {
            self.attempt_at = None;
            // AttemptTimer: a SYN nothing answered.
            if self.is_active
                && matches!(o.state, St::SynSent | St::SynAckSent)
                && r.state == St::Inactive
            {
                return true;
            }
            return false;
        }
        if self.reset_at == Some(at) {
            self.reset_at = None;
            return self.is_active;
        }
        if self.partial_close_at == Some(at) {
            self.partial_close_at = None;
            // PartialCloseTimer: both sides active, not both closed, and
            // no RST (a RST presumably caused the close).
            return self.is_active
                && o.state != St::Inactive
                && r.state != St::Inactive
                && !(o.did_close && r.did_close)
                && o.state != St::Reset
                && r.state != St::Reset;
        }
        if let Some(slot) = self.expire_at.iter().position(|&t| t == Some(at)) {
            self.expire_at[slot] = None;
            if !self.is_active {
                return false;
            }
            // ExpireTimer: idle past the linger time and closed, reset or
            // one-sided; or nothing ever happened.
            if self.last_time.saturating_add(config.tcp_connection_linger) < at {
                if (o.did_close || r.did_close)
                    && ((o.did_close && r.did_close)
                        || o.state == St::Reset
                        || r.state == St::Reset
                        || o.state == St::Inactive
                        || r.state == St::Inactive)
                {
                    return true;
                }
                if r.state == St::Inactive && o.state == St::Inactive {
                    return true;
                }
            }
            // A zero tcp_session_timer would re-check at the same instant
            // for ever: no re-check then.
            self.expire_at[slot] =
                (config.tcp_session_timer > 0).then(|| at.saturating_add(config.tcp_session_timer));
            return false;
        }
        false
    }

    /// The originator's and responder's sizes (Zeek's `Size`).
    pub fn sizes(&self) -> (u64, u64) {
        let (o, r) = (&self.endpoints[ORIG], &self.endpoints[RESP]);
        (o.size(r.state), r.size(o.state))
    }
}

/// Zeek's `get_relative_seq`: (relative number, underflow).
fn relative_seq(e: &Endpoint, cur: u32, last: u32, wraps: u32) -> (u64, bool) {
    let delta = seq_delta(cur, last);
    let mut wraps = wraps;
    if delta < 0 {
        if wraps > 0 && cur > last {
            wraps -= 1;
        }
    } else if delta > 0 && cur < last {
        wraps += 1;
    }
    if wraps == 0 {
        let d = seq_delta(cur, e.start_seq);
        return (i64::from(d) as u64, d < 0);
    }
    (e.relative(cur, wraps), false)
}
