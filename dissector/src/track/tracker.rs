//! The tracker: frames in, annotations and connection summaries out.

use super::annotation::Annotation;
use super::compact_key::CompactKey;
use super::decoded_segment::DecodedSegment;
use super::departed::Departed;
use super::flow::FlowEntry;
use super::flow_table::FlowTable;
use super::key::{FlowKey, KeySide};
use super::snapshot::EndpointSnapshot;
use super::spill::Spill;
use super::stream_rule::StreamRule;
use crate::phase::TcpState;
use crate::phase::{AnomalyFlags, Opening, SegmentFacts};
use crate::reassembly::Reassembler;
use crate::summary::ConnSummary;
use crate::summary::Role;
use crate::wire::icmp::IcmpError;
use crate::wire::{
    decode_frame, decode_frame_linktype, Decoded, LinkType, TcpFlags, TcpOption, TcpOptions,
    TcpSegment, WireError,
};
use core::cmp::Reverse;
use core::net::{IpAddr, SocketAddr};
use std::collections::{BinaryHeap, VecDeque};

/// Settings of a [`Tracker`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How long an ended connection stays (TIME-WAIT, 2 x MSL), in ns of capture time.
    pub time_wait_ns: u64,
    /// How long an idle connection stays, in ns of capture time (default
    /// 5 days, as conntrack keeps an established connection: Linux
    /// keepalives come every 2 hours).
    pub idle_timeout_ns: u64,
    /// The most connections the table holds; past it the least recently
    /// seen sixteenth is evicted (summarised and counted, see
    /// [`Tracker::evicted`]). Bounds memory under a SYN flood.
    pub max_connections: usize,
    /// Which Wireshark's rule numbers streams (default: 4.4's).
    pub stream_rule: StreamRule,
}

impl Config {
    /// MSL of RFC 9293's suggestion as Linux uses it: 30 s.
    pub const DEFAULT_MSL_NS: u64 = 30_000_000_000;
    /// conntrack's timeout of an established connection: 5 days.
    pub const DEFAULT_IDLE_TIMEOUT_NS: u64 = 5 * 86_400 * 1_000_000_000;
}

impl Default for Config {
    fn default() -> Self {
        Config {
            time_wait_ns: 2 * Config::DEFAULT_MSL_NS,
            idle_timeout_ns: Config::DEFAULT_IDLE_TIMEOUT_NS,
            max_connections: 1 << 20,
            stream_rule: StreamRule::default(),
        }
    }
}

/// What a frame turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameOutcome {
    /// A TCP segment, annotated.
    Segment(Annotation),
    /// Not a TCP segment (other protocol, non-first fragment).
    NotTcp,
    /// The frame does not parse: what and where.
    Malformed(WireError),
}

/// Follows every connection of a capture, frame by frame, in capture order.
///
/// Memory is bounded by the live connections: one that has ended leaves
/// after TIME-WAIT, an idle one after the idle timeout, both in capture
/// time, and its summary is queued for [`Tracker::next_summary`].
///
/// ```
/// use tcpphase::track::{FrameOutcome, Tracker};
/// let mut tracker = Tracker::default();
/// // A SYN from 10.0.0.1:40000 to 10.0.0.2:80 on a raw IPv4 link (LINKTYPE 228).
/// let syn = [
///     0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
///     0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
/// ];
/// let FrameOutcome::Segment(a) = tracker.feed(228, &syn, 0) else { panic!() };
/// assert_eq!((a.phase.name(), a.step.name()), ("handshake", "syn"));
/// assert_eq!(a.client_state.name(), "SYN-SENT");
/// tracker.finish();
/// let summary = tracker.next_summary().unwrap();
/// assert_eq!(summary.conn_state, "S0");
/// ```
#[derive(Debug, Default)]
pub struct Tracker {
    config: Config,
    table: FlowTable,
    frames: u64,
    next_stream: u64,
    next_conn: u64,
    summaries: VecDeque<ConnSummary>,
    next_sweep_ns: u64,
    evicted: u64,
    departed: Departed,
    reassembly: Reassembler,
    /// The last packet rebuilt from fragments (its buffer is reused).
    reassembled: Vec<u8>,
    /// Set by [`Tracker::feed_decoded`] for one segment: the caller's
    /// stream number, which the segment's entry takes (a different one
    /// than the entry's opens a new stream on the 4-tuple).
    caller_stream: Option<u64>,
    /// The slots (low 32 bits) of the entries [`Tracker::finish`] took out
    /// of the table, last connection first: each is summarised when asked
    /// for. Words, as they reuse the index's buckets.
    finishing: Vec<u64>,
    /// Ended connections by when their wait of 2 x MSL is over, soonest
    /// first, so a sweep looks at those due instead of at every entry. An
    /// item whose entry moved on (a restarted wait, a reused slot) is
    /// checked again and dropped.
    waits: BinaryHeap<Reverse<WaitDue>>,
    /// No entry's last segment is older (capture time): before this plus
    /// the idle timeout no connection can be idle, and a sweep need not
    /// look at every entry.
    oldest_last_ns: u64,
}

/// When the wait of the connection `conn` at `slot` may be over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct WaitDue {
    due_ns: u64,
    conn: u64,
    slot: u32,
}

/// How often (capture time) the table is swept for ended and idle connections.
const SWEEP_INTERVAL_NS: u64 = 1_000_000_000;

// A tracker moves to a worker thread (the CLI's pipeline shards by flow
// hash): the table's slab and index hold no pointers of their own.
const _: fn() = || {
    fn send<T: Send>() {}
    send::<Tracker>();
};

impl Tracker {
    /// A tracker with these settings.
    pub fn new(config: Config) -> Self {
        Tracker {
            config,
            ..Tracker::default()
        }
    }

    /// The settings.
    pub fn config(&self) -> Config {
        self.config
    }

    /// Frames fed so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Connections evicted because the table was full
    /// ([`Config::max_connections`]); their summaries were emitted early.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Connections in the table now.
    pub fn live_connections(&self) -> usize {
        self.table.len()
    }

    /// Feeds one captured frame (pcap LINKTYPE, bytes, capture time in ns).
    /// Frames are numbered from 1 in feeding order.
    pub fn feed(&mut self, linktype: u32, frame: &[u8], ts_ns: u64) -> FrameOutcome {
        let decoded = decode_frame_linktype(linktype, frame);
        self.feed_frame(decoded, ts_ns, None)
    }

    /// Feeds captured frames (pcap LINKTYPE; capture time in ns and bytes
    /// each) as [`Tracker::feed`] would one by one, handing `each` their
    /// outcomes in order, but [`BATCH`] at a time: the frames of a batch
    /// are decoded and hashed first and their table buckets and entries
    /// prefetched, so that their cache misses overlap instead of following
    /// one another. The outcomes are the same as [`Tracker::feed`]'s.
    ///
    /// ```
    /// use tcpphase::track::{FrameOutcome, Tracker};
    /// let syn = [
    ///     0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ///     0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
    /// ];
    /// let mut tracker = Tracker::default();
    /// let mut steps = Vec::new();
    /// tracker.feed_batch(228, &[(0, &syn[..]), (1_000, &syn[..3])], |outcome| {
    ///     steps.push(match outcome {
    ///         FrameOutcome::Segment(a) => a.step.name(),
    ///         _ => "not a segment",
    ///     })
    /// });
    /// assert_eq!(steps, ["syn", "not a segment"]);
    /// ```
    pub fn feed_batch(
        &mut self,
        linktype: u32,
        frames: &[(u64, &[u8])],
        mut each: impl FnMut(FrameOutcome),
    ) {
        // One buffer for the whole call (no allocation per frame), filled
        // and drained per batch: an array of BATCH decoded frames would be
        // cleared in full every batch.
        let mut decoded: Vec<Result<Decoded<'_>, WireError>> =
            Vec::with_capacity(BATCH.min(frames.len()));
        for batch in frames.chunks(BATCH) {
            let mut lookups = [None; BATCH];
            for (lookup, (_, frame)) in lookups.iter_mut().zip(batch) {
                let d = decode_frame_linktype(linktype, frame);
                if let Some((key, from)) = key_of(&d) {
                    let hash = self.table.hash(&key);
                    self.table.prefetch_bucket(hash);
                    *lookup = Some(Lookup { key, from, hash });
                }
                decoded.push(d);
            }
            for lookup in lookups.iter().flatten() {
                self.table.prefetch_entry(lookup.hash);
            }
            for ((d, lookup), (ts_ns, _)) in decoded.drain(..).zip(lookups).zip(batch) {
                each(self.feed_frame(d, *ts_ns, lookup));
            }
        }
    }

    /// One decoded frame; `lookup` is its 4-tuple's, when already computed.
    fn feed_frame(
        &mut self,
        decoded: Result<Decoded<'_>, WireError>,
        ts_ns: u64,
        lookup: Option<Lookup>,
    ) -> FrameOutcome {
        self.frames += 1;
        match decoded {
            Ok(Decoded::Tcp(segment)) => {
                FrameOutcome::Segment(self.label_segment(self.frames, ts_ns, &segment, lookup))
            }
            Ok(Decoded::IcmpError(error)) => {
                FrameOutcome::Segment(self.feed_icmp_error(self.frames, ts_ns, &error))
            }
            Ok(Decoded::Fragment(fragment)) => self.feed_fragment(&fragment, ts_ns),
            Ok(_) => {
                self.sweep(ts_ns);
                FrameOutcome::NotTcp
            }
            Err(e) => FrameOutcome::Malformed(e),
        }
    }

    /// An IP fragment: the segment inside is annotated on the frame that
    /// completes its packet, as Wireshark does (error offsets then count
    /// from the rebuilt packet's IP header).
    fn feed_fragment(
        &mut self,
        fragment: &crate::wire::IpFragment<'_>,
        ts_ns: u64,
    ) -> FrameOutcome {
        let mut packet = core::mem::take(&mut self.reassembled);
        let mut outcome = FrameOutcome::NotTcp;
        if self.reassembly.offer(fragment, ts_ns, &mut packet) {
            outcome =
                match decode_frame(LinkType::Raw, &packet) {
                    Ok(Decoded::Tcp(mut segment)) => {
                        segment.link = fragment.link;
                        FrameOutcome::Segment(self.feed_segment(self.frames, ts_ns, &segment))
                    }
                    Err(e) => FrameOutcome::Malformed(e),
                    // A fragment inside a reassembled tunnel packet waits for
                    // its own siblings.
                    Ok(Decoded::Fragment(inner)) => {
                        let mut inner_packet = Vec::new();
                        if self.reassembly.offer(&inner, ts_ns, &mut inner_packet) {
                            match decode_frame(LinkType::Raw, &inner_packet) {
                                Ok(Decoded::Tcp(segment)) => FrameOutcome::Segment(
                                    self.feed_segment(self.frames, ts_ns, &segment),
                                ),
                                Err(e) => FrameOutcome::Malformed(e),
                                Ok(_) => FrameOutcome::NotTcp,
                            }
                        } else {
                            FrameOutcome::NotTcp
                        }
                    }
                    Ok(_) => FrameOutcome::NotTcp,
                };
        }
        self.reassembled = packet;
        if matches!(outcome, FrameOutcome::NotTcp) {
            self.sweep(ts_ns);
        }
        outcome
    }

    /// Annotates one decoded segment as frame `frame`.
    pub fn feed_segment(&mut self, frame: u64, ts_ns: u64, segment: &TcpSegment<'_>) -> Annotation {
        self.label_segment(frame, ts_ns, segment, None)
    }

    /// [`Tracker::feed_segment`], `lookup` being its 4-tuple's when known.
    #[inline]
    fn label_segment<S: SegmentSource + ?Sized>(
        &mut self,
        frame: u64,
        ts_ns: u64,
        segment: &S,
        lookup: Option<Lookup>,
    ) -> Annotation {
        self.frames = self.frames.max(frame);
        self.sweep(ts_ns);
        // Read after the sweep: nothing of it is held across that call.
        let SegmentInput {
            src,
            dst,
            facts,
            options_cut,
        } = segment.input(ts_ns);
        let Lookup { key, from, hash } = lookup.unwrap_or_else(|| {
            let (key, from) = FlowKey::of(src, dst);
            let hash = self.table.hash(&key);
            Lookup { key, from, hash }
        });
        let mut extra = AnomalyFlags::NONE;
        if options_cut {
            extra.insert(AnomalyFlags::OPTIONS_CUT);
        }

        let slot = match self.table.find_hashed(hash, &key) {
            Some(slot) => {
                let (entry, spill) = self.table.get_mut_spill(slot);
                entry.expire_time_wait(ts_ns, self.config.time_wait_ns, slot, spill);
                // The caller opened a new stream on this 4-tuple: the
                // frame path's port reuse, whatever this tracker's own
                // stream rule says.
                let caller_opens_stream =
                    matches!(self.caller_stream, Some(s) if s != entry.stream(slot, spill));
                if caller_opens_stream || entry.reuses_ports(&facts, from, self.config.stream_rule)
                {
                    self.summaries.push_back(entry.summary(&key, slot, spill));
                    let refused = entry.phase.refused();
                    entry.restart_stream(
                        self.next_stream,
                        self.next_conn,
                        from,
                        &facts,
                        slot,
                        spill,
                    );
                    self.next_stream += 1;
                    self.next_conn += 1;
                    if refused {
                        entry.phase.after_refusal();
                    }
                    extra.insert(AnomalyFlags::PORT_REUSE);
                } else {
                    if facts.is_pure_syn() && entry.phase.has_ended() {
                        self.summaries.push_back(entry.summary(&key, slot, spill));
                        let refused = entry.phase.refused();
                        entry.restart(self.next_conn, from, &facts, slot, spill);
                        if refused {
                            entry.phase.after_refusal();
                        }
                        self.next_conn += 1;
                        extra.insert(AnomalyFlags::PORT_REUSE);
                    }
                    entry.completeness.add(&facts, false);
                }
                slot
            }
            None => {
                if self.table.len() >= self.cap() {
                    self.evict_least_recent();
                }
                let stored = self.table.store_key(&key);
                let entry = self.entry_for_new_key(&key, stored, from, &facts, &mut extra);
                self.table.insert(entry)
            }
        };
        let (entry, spill) = self.table.get_mut_spill(slot);
        entry.update_base(&facts, from);

        let dir = entry.direction(from);
        if entry.fresh() && entry.phase.opening() == Opening::Midstream {
            extra.insert(AnomalyFlags::MIDSTREAM);
        }
        let (label, stamped) = entry.on_segment(&facts, dir);
        entry.account(&facts, dir, slot, spill);
        if entry.must_settle() {
            entry.settle(facts.ts_ns, slot, spill);
        }
        let annotation = entry.annotation(
            frame,
            &facts,
            from,
            dir,
            label,
            extra,
            (src, dst),
            (slot, spill),
        );
        // Its wait begins (or begins again) only where the segment
        // stamped it; an entry restarted for a new connection has not
        // ended, and the old one's items name the old connection.
        if stamped {
            self.note_wait(slot);
        }
        if let Some(stream) = self.caller_stream {
            self.table.set_stream(slot, stream);
        }
        annotation
    }

    /// After a segment of the entry at `slot`: if its connection has
    /// ended, when its wait is over (a later segment may restart it: then
    /// a later item comes too).
    #[inline]
    fn note_wait(&mut self, slot: u32) {
        let spill = self.table.spill();
        let entry = self.table.get(slot);
        if let Some(since) = entry.last_wait_start(slot, spill) {
            let due = WaitDue {
                due_ns: since.saturating_add(self.config.time_wait_ns),
                conn: entry.conn(slot, spill),
                slot,
            };
            self.waits.push(Reverse(due));
        }
    }

    /// Annotates an ICMP or ICMPv6 error quoting a TCP segment as frame
    /// `frame`, on the connection the quote names: phase other, step
    /// icmp-error. As Wireshark gives the quoted header a `tcp.stream` (a
    /// new one for a 4-tuple it has not seen), a quote of an unknown
    /// 4-tuple opens a stream and a connection whose first segment is the
    /// quoted one: the error proves it was sent.
    pub fn feed_icmp_error(&mut self, frame: u64, ts_ns: u64, error: &IcmpError) -> Annotation {
        self.frames = self.frames.max(frame);
        self.sweep(ts_ns);
        let q = &error.quoted;
        let facts = SegmentFacts {
            ts_ns,
            seq: q.seq,
            ack: q.ack,
            flags: q.flags,
            window: q.window,
            payload_len: 0,
            window_scale: None,
        };
        let (key, from) = FlowKey::of(q.src, q.dst);
        let slot = match self.table.find(&key) {
            Some(slot) => slot,
            None => {
                if self.table.len() >= self.cap() {
                    self.evict_least_recent();
                }
                let mut quote_flags = AnomalyFlags::NONE;
                let stored = self.table.store_key(&key);
                let mut entry =
                    self.entry_for_new_key(&key, stored, from, &facts, &mut quote_flags);
                entry.update_base(&facts, from);
                let dir = entry.direction(from);
                // Its times are its first segment's: they fit, none spills.
                entry.on_segment(&facts, dir);
                self.table.insert(entry)
            }
        };
        let (entry, spill) = self.table.get_mut_spill(slot);
        let dir = entry.direction(from);
        let label = entry.phase.on_icmp_error(&facts, dir);
        let annotation = entry.annotation(
            frame,
            &facts,
            from,
            dir,
            label,
            AnomalyFlags::NONE,
            (q.src, q.dst),
            (slot, spill),
        );
        self.note_wait(slot);
        annotation
    }

    /// The most connections the table holds.
    fn cap(&self) -> usize {
        self.config.max_connections.clamp(1, FlowTable::MAX)
    }

    /// The entry for a 4-tuple not in the table: it continues the stream
    /// of a departed entry on the same 4-tuple, as Wireshark keeps every
    /// conversation, unless the segment opens a new stream there (flagged
    /// port-reuse either way when it is a SYN); else a new stream.
    fn entry_for_new_key(
        &mut self,
        key: &FlowKey,
        stored: CompactKey,
        from: KeySide,
        facts: &SegmentFacts,
        extra: &mut AnomalyFlags,
    ) -> FlowEntry {
        if let Some(gone) = self.departed.take(key) {
            if facts.is_pure_syn() {
                extra.insert(AnomalyFlags::PORT_REUSE);
            }
            let (slot, spill) = self.table.vacant();
            let mut entry = FlowEntry::with_stream(
                stored,
                gone.stream,
                gone.base_seq,
                gone.completeness,
                self.next_conn,
                from,
                facts,
                slot,
                spill,
            );
            if !entry.reuses_ports(facts, from, self.config.stream_rule) {
                self.next_conn += 1;
                entry.completeness.add(facts, false);
                return entry;
            }
            entry.forget_spilled(slot, spill);
        }
        let (slot, spill) = self.table.vacant();
        let entry = FlowEntry::new_stream(
            stored,
            self.next_stream,
            self.next_conn,
            from,
            facts,
            slot,
            spill,
        );
        self.next_stream += 1;
        self.next_conn += 1;
        entry
    }

    /// Each endpoint of every connection in the table at capture time
    /// `now_ns` (at or after the last frame fed), in connection order: the
    /// states the annotations showed, with TIME-WAIT run out where 2 x MSL
    /// passed since it last (re)started. A connection that has left the
    /// table has been summarised instead (see [`Tracker::next_summary`]).
    pub fn snapshot(&self, now_ns: u64) -> Vec<EndpointSnapshot> {
        let wait = self.config.time_wait_ns;
        let spill = self.table.spill();
        let mut rows = Vec::with_capacity(self.table.len() * 2);
        for slot in self.table.slots() {
            let entry = self.table.get(slot);
            let key = self.table.key(slot);
            let client = key.endpoint(entry.client());
            let server = key.endpoint(entry.client().other());
            for (role, ep, local, peer) in [
                (Role::Client, entry.phase.client(), client, server),
                (Role::Server, entry.phase.server(), server, client),
            ] {
                let since = entry.time_wait_since(role.direction(), slot, spill);
                let expiry = match (ep.state, since) {
                    (TcpState::TimeWait, Some(since)) => Some(since.saturating_add(wait)),
                    _ => None,
                };
                let expired_at_ns = expiry.filter(|&at| now_ns >= at);
                rows.push(EndpointSnapshot {
                    conn: entry.conn(slot, spill),
                    stream: entry.stream(slot, spill),
                    role,
                    local,
                    peer,
                    state: if expired_at_ns.is_some() {
                        TcpState::Closed
                    } else {
                        ep.state
                    },
                    expired_at_ns,
                });
            }
        }
        rows.sort_unstable_by_key(|r| (r.conn, r.role == Role::Server));
        rows
    }

    /// Annotates one segment its caller decoded (Wireshark's TCP dissector,
    /// a DPDK or eBPF program) as frame `frame` of stream `stream`: the
    /// caller's stream number is kept, so the caller's rule for streams
    /// holds (Wireshark 4.4 opens a new stream on a SYN after a RST or FIN).
    /// A segment whose stream differs from its 4-tuple's current one
    /// summarises that connection and opens a new one (port reuse).
    pub fn feed_decoded(
        &mut self,
        frame: u64,
        ts_ns: u64,
        segment: &DecodedSegment<'_>,
        stream: u64,
    ) -> Annotation {
        // One lookup of the 4-tuple serves the whole segment: the entry
        // found (or made) takes the caller's stream as it is labelled.
        let (key, from) = FlowKey::of(segment.src, segment.dst);
        let hash = self.table.hash(&key);
        self.caller_stream = Some(stream);
        let mut annotation =
            self.label_segment(frame, ts_ns, segment, Some(Lookup { key, from, hash }));
        self.caller_stream = None;
        annotation.stream = stream;
        annotation
    }

    /// The next summary of a connection that has left the table.
    pub fn next_summary(&mut self) -> Option<ConnSummary> {
        if let Some(summary) = self.summaries.pop_front() {
            return Some(summary);
        }
        let slot = self.finishing.pop()? as u32;
        if self.finishing.is_empty() {
            self.finishing = Vec::new();
        }
        Some(self.table.take_detached(slot))
    }

    /// Ends the input: every connection still in the table leaves it, to
    /// be summarised in connection order, one at a time as
    /// [`Tracker::next_summary`] asks (so finishing holds a few bytes per
    /// connection, not a summary each).
    pub fn finish(&mut self) {
        let slots = self.table.detach_all();
        if slots.is_empty() {
            return;
        }
        let mut order = self.in_reverse_conn_order(slots);
        // Detached earlier (finish twice): those come first, so last here.
        order.append(&mut self.finishing);
        self.finishing = order;
    }

    /// `slots` (low 32 bits of each word) sorted by their entries'
    /// connection numbers, highest first, in place.
    fn in_reverse_conn_order(&self, mut slots: Vec<u64>) -> Vec<u64> {
        let conn = |slot: u64| self.table.conn(slot as u32);
        let (low, high) = slots.iter().fold((u64::MAX, 0), |(low, high), &slot| {
            (low.min(conn(slot)), high.max(conn(slot)))
        });
        if high - low <= u64::from(u32::MAX) {
            // One word per entry: the connection's offset and the slot.
            for word in slots.iter_mut() {
                *word = ((conn(*word) - low) << 32) | (*word & u64::from(u32::MAX));
            }
            slots.sort_unstable_by(|a, b| b.cmp(a));
        } else {
            slots.sort_unstable_by_key(|&slot| core::cmp::Reverse(conn(slot)));
        }
        slots
    }

    /// Summarises, into the queue, the entries [`Tracker::finish`] took
    /// out of the table: a frame fed after it comes after them.
    fn flush_finishing(&mut self) {
        while let Some(slot) = self.finishing.pop() {
            let summary = self.table.take_detached(slot as u32);
            self.summaries.push_back(summary);
        }
        self.finishing = Vec::new();
    }

    /// Makes room in a full table: the sixteenth of the connections seen
    /// least recently leave, summarised, and are counted as evicted.
    /// Runs once per sixteenth of the cap, so its cost per segment is small.
    fn evict_least_recent(&mut self) {
        debug_assert!(self.finishing.is_empty(), "flushed by sweep() first");
        let spill = self.table.spill();
        let mut last_seen: Vec<u64> = self
            .table
            .entries()
            .map(|(slot, e)| e.last_ts(slot, spill))
            .collect();
        let batch = (last_seen.len() / 16).max(1);
        let (_, cutoff, _) = last_seen.select_nth_unstable(batch - 1);
        let cutoff = *cutoff;
        drop(last_seen);
        let mut left = 0;
        self.remove_where(|slot, entry, spill| {
            let leaves = left < batch && entry.last_ts(slot, spill) <= cutoff;
            left += usize::from(leaves);
            leaves
        });
        self.evicted += left as u64;
    }

    /// Removes connections that ended more than TIME-WAIT ago or have been
    /// idle past the timeout; queues their summaries.
    fn sweep(&mut self, now_ns: u64) {
        if !self.finishing.is_empty() {
            self.flush_finishing();
        }
        // Every segment comes through here first with its time, which
        // becomes its entry's last.
        self.oldest_last_ns = self.oldest_last_ns.min(now_ns);
        if now_ns < self.next_sweep_ns {
            return;
        }
        self.next_sweep_ns = now_ns.saturating_add(SWEEP_INTERVAL_NS);
        let config = self.config;
        let young = config.idle_timeout_ns.min(config.time_wait_ns);
        let leaves = move |slot: u32, entry: &mut FlowEntry, spill: &Spill| {
            if entry.younger_than(now_ns, young) {
                return false;
            }
            let idle = entry.idle(now_ns, config.idle_timeout_ns, slot, spill);
            let gone = entry
                .last_wait_start(slot, spill)
                .is_some_and(|t| now_ns.saturating_sub(t) >= config.time_wait_ns);
            if idle || gone {
                entry.expire_time_wait(now_ns, config.time_wait_ns, slot, spill);
            }
            idle || gone
        };
        // Zero timeouts count time going back as over: only a look at
        // every entry is sure to see those.
        let every_entry = config.idle_timeout_ns == 0
            || config.time_wait_ns == 0
            || now_ns >= self.oldest_last_ns.saturating_add(config.idle_timeout_ns);
        if every_entry {
            let mut oldest = now_ns;
            self.remove_where(|slot, entry, spill| {
                let leaving = leaves(slot, entry, spill);
                if !leaving {
                    oldest = oldest.min(entry.last_ts(slot, spill));
                }
                leaving
            });
            self.oldest_last_ns = oldest;
            return;
        }
        // No connection is idle: those leaving are ended ones whose wait
        // is over, each with an item due by now.
        let mut leaving: Vec<(u64, u32)> = Vec::new();
        while let Some(&Reverse(item)) = self.waits.peek() {
            if item.due_ns > now_ns {
                break;
            }
            self.waits.pop();
            let spill = self.table.spill();
            let current = self
                .table
                .try_get(item.slot)
                .is_some_and(|entry| entry.conn(item.slot, spill) == item.conn);
            if current {
                let (entry, spill) = self.table.get_mut_spill(item.slot);
                if leaves(item.slot, entry, spill) {
                    leaving.push((item.conn, item.slot));
                }
            }
        }
        self.remove_slots(leaving);
    }

    /// Removes the entries `leaves` picks and queues their summaries, in
    /// connection order.
    fn remove_where(&mut self, mut leaves: impl FnMut(u32, &mut FlowEntry, &Spill) -> bool) {
        debug_assert!(self.finishing.is_empty(), "flushed by sweep() first");
        let mut leaving: Vec<(u64, u32)> = Vec::new();
        self.table.for_each_mut(|slot, entry, spill| {
            if leaves(slot, entry, spill) {
                leaving.push((entry.conn(slot, spill), slot));
            }
        });
        self.remove_slots(leaving);
    }

    /// Removes the entries `leaving` names (connection, slot) and queues
    /// their summaries, in connection order.
    fn remove_slots(&mut self, mut leaving: Vec<(u64, u32)>) {
        leaving.sort_unstable();
        // A connection may be named twice (two items of one wait).
        leaving.dedup();
        let cap = self.config.max_connections.max(1);
        for (_, slot) in leaving {
            let (key, entry, summary) = self.table.remove(slot);
            self.departed.remember(key, summary.stream, &entry, cap);
            self.summaries.push_back(summary);
        }
    }
}

/// How many frames [`Tracker::feed_batch`] decodes, hashes and prefetches
/// before labelling them.
pub const BATCH: usize = 16;

/// A frame's 4-tuple, its sending side and its hash, found ahead by
/// [`Tracker::feed_batch`].
#[derive(Debug, Clone, Copy)]
struct Lookup {
    key: FlowKey,
    from: KeySide,
    hash: u64,
}

/// The 4-tuple a decoded frame is labelled on, if it is labelled on one,
/// and the side that sent it.
fn key_of(decoded: &Result<Decoded<'_>, WireError>) -> Option<(FlowKey, KeySide)> {
    match decoded {
        Ok(Decoded::Tcp(segment)) => Some(FlowKey::of(
            SocketAddr::new(segment.ip.src(), segment.tcp.src_port),
            SocketAddr::new(segment.ip.dst(), segment.tcp.dst_port),
        )),
        Ok(Decoded::IcmpError(error)) => Some(FlowKey::of(error.quoted.src, error.quoted.dst)),
        _ => None,
    }
}

/// A segment as it comes to labelling: a frame's wire view or a caller's
/// decoded segment, each read into a [`SegmentInput`] where labelling
/// needs it (one copy of the labelling code for each, no view made up).
trait SegmentSource {
    /// What labelling reads of it, at capture time `ts_ns`.
    fn input(&self, ts_ns: u64) -> SegmentInput;
}

impl SegmentSource for TcpSegment<'_> {
    #[inline]
    fn input(&self, ts_ns: u64) -> SegmentInput {
        SegmentInput::of_wire(self, ts_ns)
    }
}

impl SegmentSource for DecodedSegment<'_> {
    #[inline]
    fn input(&self, ts_ns: u64) -> SegmentInput {
        SegmentInput::of_decoded(self, ts_ns)
    }
}

/// What labelling reads of a segment, however it came (a frame's wire
/// view or a caller's decoded segment): made straight from either, so that
/// a decoded segment is not first dressed up as a wire view.
#[derive(Clone, Copy)]
struct SegmentInput {
    src: SocketAddr,
    dst: SocketAddr,
    facts: SegmentFacts,
    options_cut: bool,
}

impl SegmentInput {
    /// A frame's segment.
    #[inline]
    fn of_wire(segment: &TcpSegment<'_>, ts_ns: u64) -> SegmentInput {
        SegmentInput {
            src: SocketAddr::new(segment.ip.src(), segment.tcp.src_port),
            dst: SocketAddr::new(segment.ip.dst(), segment.tcp.dst_port),
            facts: facts_of(segment, ts_ns),
            options_cut: segment.options_cut,
        }
    }

    /// A caller's decoded segment. Mixed address families (a caller's
    /// slip) become IPv6, v4 mapped, as a wire view of them would be.
    #[inline]
    fn of_decoded(segment: &DecodedSegment<'_>, ts_ns: u64) -> SegmentInput {
        let (src, dst) = match (segment.src.ip(), segment.dst.ip()) {
            (IpAddr::V4(src), IpAddr::V4(dst)) => (IpAddr::V4(src), IpAddr::V4(dst)),
            (src, dst) => {
                let v6 = |ip: IpAddr| match ip {
                    IpAddr::V4(v4) => IpAddr::V6(v4.to_ipv6_mapped()),
                    IpAddr::V6(v6) => IpAddr::V6(v6),
                };
                (v6(src), v6(dst))
            }
        };
        SegmentInput {
            src: SocketAddr::new(src, segment.src.port()),
            dst: SocketAddr::new(dst, segment.dst.port()),
            facts: SegmentFacts {
                ts_ns,
                seq: segment.seq,
                ack: segment.ack,
                flags: segment.flags,
                window: segment.window,
                payload_len: segment.payload_len,
                window_scale: window_scale_of(segment.flags, segment.options),
            },
            options_cut: false,
        }
    }
}

/// The window scale a SYN's options offer, if any.
#[inline]
fn window_scale_of(flags: TcpFlags, options: TcpOptions<'_>) -> Option<u8> {
    if flags.syn() {
        options.into_iter().find_map(|o| match o {
            Ok(TcpOption::WindowScale(shift)) => Some(shift),
            _ => None,
        })
    } else {
        None
    }
}

/// The phase layer's view of a wire segment.
fn facts_of(segment: &TcpSegment<'_>, ts_ns: u64) -> SegmentFacts {
    let tcp = &segment.tcp;
    let window_scale = window_scale_of(tcp.flags, tcp.options);
    SegmentFacts {
        ts_ns,
        seq: tcp.seq,
        ack: tcp.ack,
        flags: tcp.flags,
        window: tcp.window,
        payload_len: segment.payload_len,
        window_scale,
    }
}
