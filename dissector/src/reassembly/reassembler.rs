//! The table of packets being reassembled, and its bounds.

use super::datagram::{Datagram, DatagramKey};
use crate::wire::IpFragment;

/// Bounds of a [`Reassembler`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReassemblyConfig {
    /// The most packets pending at once; a new one past it drops the
    /// oldest.
    pub max_pending: usize,
    /// How long (capture time, ns) a packet may wait for its fragments,
    /// from its first one.
    pub timeout_ns: u64,
}

impl Default for ReassemblyConfig {
    /// 256 packets, 30 s (Linux's `ipfrag_time`).
    fn default() -> Self {
        ReassemblyConfig {
            max_pending: 256,
            timeout_ns: 30_000_000_000,
        }
    }
}

/// What a [`Reassembler`] did so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReassemblyStats {
    /// Packets rebuilt whole.
    pub completed: u64,
    /// Packets dropped: timed out, evicted by the count bound, too long,
    /// in too many pieces, or contradicting their own end.
    pub dropped: u64,
    /// Fragments ignored because the capture cut their data short.
    pub cut_fragments: u64,
}

/// Reassembles IP fragments into whole packets, within fixed bounds.
///
/// ```
/// use tcpphase::reassembly::Reassembler;
/// use tcpphase::wire::{decode_frame, Decoded, LinkType};
/// // An IPv4 packet of 16 data bytes (protocol 17) in two fragments of 8.
/// let first = [
///     0x45, 0, 0, 28, 0, 7, 0x20, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
///     1, 2, 3, 4, 5, 6, 7, 8,
/// ];
/// let mut second = first;
/// second[6] = 0; // no more fragments
/// second[7] = 1; // offset 8 bytes
/// let mut reassembler = Reassembler::default();
/// let mut packet = Vec::new();
/// for (frame, done) in [(&first, false), (&second, true)] {
///     let Ok(Decoded::Fragment(f)) = decode_frame(LinkType::Raw, frame) else { panic!() };
///     assert_eq!(reassembler.offer(&f, 0, &mut packet), done);
/// }
/// assert_eq!(packet.len(), 36);
/// assert_eq!(&packet[2..4], &[0, 36]);
/// ```
#[derive(Debug, Default)]
pub struct Reassembler {
    config: ReassemblyConfig,
    slots: Vec<Datagram>,
    stats: ReassemblyStats,
}

impl Reassembler {
    /// A reassembler with these bounds.
    pub fn new(config: ReassemblyConfig) -> Self {
        Reassembler {
            config,
            slots: Vec::new(),
            stats: ReassemblyStats::default(),
        }
    }

    /// The bounds.
    pub fn config(&self) -> ReassemblyConfig {
        self.config
    }

    /// What it did so far.
    pub fn stats(&self) -> ReassemblyStats {
        self.stats
    }

    /// Packets pending now.
    pub fn pending(&self) -> usize {
        self.slots.iter().filter(|s| s.key.is_some()).count()
    }

    /// Bytes of fragment data buffer held (pending or kept for reuse).
    pub fn buffered_bytes(&self) -> usize {
        self.slots.iter().map(Datagram::capacity).sum()
    }

    /// Adds one fragment seen at `ts_ns`. When it completes its packet,
    /// writes the whole packet (IP header, then data) into `packet` and
    /// returns true; `packet` then decodes as a raw IP frame.
    pub fn offer(&mut self, fragment: &IpFragment<'_>, ts_ns: u64, packet: &mut Vec<u8>) -> bool {
        self.expire(ts_ns);
        if !fragment.is_complete() {
            self.stats.cut_fragments += 1;
            return false;
        }
        let key = DatagramKey::of(fragment);
        let index = match self.slots.iter().position(|s| s.key == Some(key)) {
            Some(i) => i,
            None => self.free_slot(),
        };
        let slot = &mut self.slots[index];
        if slot.key.is_none() {
            slot.start(key, ts_ns);
        }
        let max_len = if fragment.src.is_ipv4() {
            usize::from(u16::MAX) - fragment.header.len()
        } else {
            usize::from(u16::MAX)
        };
        if slot.add(fragment, max_len).is_err() {
            slot.clear();
            self.stats.dropped += 1;
            return false;
        }
        if !slot.is_complete() {
            return false;
        }
        slot.rebuild(packet);
        slot.clear();
        self.stats.completed += 1;
        true
    }

    /// Drops the packets that waited longer than the timeout.
    fn expire(&mut self, ts_ns: u64) {
        for slot in &mut self.slots {
            if slot.key.is_some() && ts_ns.saturating_sub(slot.first_ns) > self.config.timeout_ns {
                slot.clear();
                self.stats.dropped += 1;
            }
        }
    }

    /// A free slot: an unused one, a new one under the bound, or the
    /// oldest pending packet's, dropped.
    fn free_slot(&mut self) -> usize {
        if let Some(i) = self.slots.iter().position(|s| s.key.is_none()) {
            return i;
        }
        if self.slots.len() < self.config.max_pending.max(1) {
            self.slots.push(Datagram::default());
            return self.slots.len() - 1;
        }
        let oldest = self
            .slots
            .iter()
            .enumerate()
            .min_by_key(|(_, s)| s.first_ns)
            .map_or(0, |(i, _)| i);
        self.slots[oldest].clear();
        self.stats.dropped += 1;
        oldest
    }
}
