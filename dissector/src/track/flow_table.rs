//! The flow table: entries in a [`Slab`] (stable slots, grown a chunk at a
//! time), found through a [`FlowIndex`] of 8-byte buckets by the hash of
//! their 4-tuple, and the [`Spill`] of what does not fit their fields. An entry holds its 4-tuple as a 16-byte [`CompactKey`];
//! addresses other than two IPv4 ones live in a side slab of pairs, taken
//! with the entry and freed with it. Per live connection it costs one entry plus 10 to 20
//! bytes of index, where a `HashMap<FlowKey, FlowEntry>` costs 1.14 to
//! 2.3 entries (its growth by doubling) plus the key.

use super::compact_key::CompactKey;
use super::flow::{FlowEntry, HOT_BYTES};
use super::flow_index::FlowIndex;
use super::key::FlowKey;
use super::prefetch::prefetch;
use super::slab::Slab;
use super::spill::Spill;
use crate::summary::ConnSummary;
use core::hash::BuildHasher;
use core::net::IpAddr;

/// Entries by 4-tuple.
#[derive(Debug, Default)]
pub(crate) struct FlowTable {
    hasher: foldhash::fast::RandomState,
    index: FlowIndex,
    slab: Slab<FlowEntry>,
    /// The addresses of the keys that are not two IPv4 ones.
    pairs: Slab<[IpAddr; 2]>,
    /// The entries' times and byte counts that do not fit them.
    spill: Spill,
}

impl FlowTable {
    /// The most entries a table holds.
    pub(crate) const MAX: usize = Slab::<FlowEntry>::MAX;

    /// The hash of `key`, for [`FlowTable::find_hashed`] and the prefetches.
    /// Two IPv4 addresses and two ports are hashed as two words (the
    /// derived hash writes each address's kind, length and bytes apart:
    /// ~70 more instructions a frame); other keys by their derived hash.
    #[inline]
    pub(crate) fn hash(&self, key: &FlowKey) -> u64 {
        use core::hash::Hasher;
        if let (IpAddr::V4(low), IpAddr::V4(high)) = (key.low.0, key.high.0) {
            let mut h = self.hasher.build_hasher();
            h.write_u64((u64::from(low.to_bits()) << 32) | u64::from(high.to_bits()));
            h.write_u32((u32::from(key.low.1) << 16) | u32::from(key.high.1));
            return h.finish();
        }
        self.hasher.hash_one(key)
    }

    /// Entries found through the index (those [`FlowTable::detach_all`]
    /// took out of it are not counted).
    pub(crate) fn len(&self) -> usize {
        self.index.len()
    }

    /// The slot of `key`'s entry.
    #[inline]
    pub(crate) fn find(&self, key: &FlowKey) -> Option<u32> {
        self.find_hashed(self.hash(key), key)
    }

    /// The slot of `key`'s entry, `hash` being `key`'s.
    #[inline]
    pub(crate) fn find_hashed(&self, hash: u64, key: &FlowKey) -> Option<u32> {
        let (slab, pairs) = (&self.slab, &self.pairs);
        match CompactKey::of_v4(key) {
            Some(compact) => self.index.find(hash, |slot| slab.get(slot).key == compact),
            None => self.index.find(hash, |slot| {
                let stored = &slab.get(slot).key;
                stored
                    .pair()
                    .is_some_and(|pair| stored.is(key, Some(pairs.get(pair))))
            }),
        }
    }

    /// The compact form of `key` for a new entry: its addresses go to the
    /// side slab unless both are IPv4. The entry must then be inserted
    /// (its removal frees them).
    pub(crate) fn store_key(&mut self, key: &FlowKey) -> CompactKey {
        CompactKey::of_v4(key).unwrap_or_else(|| {
            let pair = self.pairs.insert([key.low.0, key.high.0]);
            CompactKey::with_pair(key, pair)
        })
    }

    /// The full 4-tuple of a stored key.
    #[inline]
    pub(crate) fn expand(&self, key: &CompactKey) -> FlowKey {
        key.expand(key.pair().map(|pair| self.pairs.get(pair)))
    }

    /// The 4-tuple of the entry at `slot`.
    #[inline]
    pub(crate) fn key(&self, slot: u32) -> FlowKey {
        self.expand(&self.slab.get(slot).key)
    }

    /// The entry at `slot`.
    #[inline]
    pub(crate) fn get(&self, slot: u32) -> &FlowEntry {
        self.slab.get(slot)
    }

    /// The entry at `slot`, if the slot holds one.
    #[inline]
    pub(crate) fn try_get(&self, slot: u32) -> Option<&FlowEntry> {
        self.slab.try_get(slot)
    }

    /// The entry at `slot`, to change, with the spill its methods take.
    #[inline]
    pub(crate) fn get_mut_spill(&mut self, slot: u32) -> (&mut FlowEntry, &mut Spill) {
        (self.slab.get_mut(slot), &mut self.spill)
    }

    /// The spill the entries' methods read.
    #[inline]
    pub(crate) fn spill(&self) -> &Spill {
        &self.spill
    }

    /// The slot the next [`FlowTable::insert`] puts its entry in, and the
    /// spill: what a new entry is made for.
    pub(crate) fn vacant(&mut self) -> (u32, &mut Spill) {
        (self.slab.next_slot(), &mut self.spill)
    }

    /// The connection number of the entry at `slot`.
    #[inline]
    pub(crate) fn conn(&self, slot: u32) -> u64 {
        self.slab.get(slot).conn(slot, &self.spill)
    }

    /// Sets the stream index of the entry at `slot`.
    pub(crate) fn set_stream(&mut self, slot: u32, stream: u64) {
        self.slab
            .get_mut(slot)
            .set_stream(stream, slot, &mut self.spill);
    }

    /// The summary of the entry at `slot`.
    pub(crate) fn summary(&self, slot: u32) -> ConnSummary {
        self.slab
            .get(slot)
            .summary(&self.key(slot), slot, &self.spill)
    }

    /// Adds `entry`, whose key (from [`FlowTable::store_key`]) is not in
    /// the table and which was made for the slot [`FlowTable::vacant`]
    /// named, and returns that slot. The caller keeps `len() < MAX`.
    pub(crate) fn insert(&mut self, entry: FlowEntry) -> u32 {
        let hash = self.hash(&self.expand(&entry.key));
        let slot = self.slab.insert(entry);
        self.index.insert(hash, slot);
        slot
    }

    /// Takes out the entry at `slot`, with its 4-tuple and summary.
    pub(crate) fn remove(&mut self, slot: u32) -> (FlowKey, FlowEntry, ConnSummary) {
        let key = self.key(slot);
        let summary = self.summary(slot);
        self.index.remove(self.hash(&key), slot);
        let mut entry = self.slab.remove(slot);
        self.free_pair(&entry.key);
        entry.forget_spilled(slot, &mut self.spill);
        (key, entry, summary)
    }

    /// Frees the side slot of a key leaving the table.
    fn free_pair(&mut self, key: &CompactKey) {
        if let Some(pair) = key.pair() {
            self.pairs.remove(pair);
            if self.pairs.len() == 0 {
                self.pairs.clear();
            }
        }
    }

    /// Every indexed entry's slot, in no particular order.
    pub(crate) fn slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.index.slots()
    }

    /// Every entry with its slot, in slot order (entries that
    /// [`FlowTable::detach_all`] took out of the index included): a
    /// sequential read of the slab.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (u32, &FlowEntry)> {
        self.slab.iter()
    }

    /// Calls `f` with every entry and its slot, in slot order (entries
    /// that [`FlowTable::detach_all`] took out of the index included), to
    /// change, and the spill their methods read.
    #[inline]
    pub(crate) fn for_each_mut(&mut self, mut f: impl FnMut(u32, &mut FlowEntry, &Spill)) {
        let spill = &self.spill;
        self.slab.for_each_mut(|slot, entry| f(slot, entry, spill));
    }

    /// Empties the index and returns the slots it held, one word each (the
    /// slot in its low 32 bits) in the index's own buckets, so finishing
    /// holds no more than the index did; their entries stay until
    /// [`FlowTable::take_detached`] takes each.
    pub(crate) fn detach_all(&mut self) -> Vec<u64> {
        self.index.take_slots()
    }

    /// Takes out an entry [`FlowTable::detach_all`] detached: its summary.
    pub(crate) fn take_detached(&mut self, slot: u32) -> ConnSummary {
        let summary = self.summary(slot);
        let mut entry = self.slab.remove(slot);
        self.free_pair(&entry.key);
        entry.forget_spilled(slot, &mut self.spill);
        if self.slab.len() == 0 {
            self.slab.clear();
        }
        summary
    }

    /// Starts loading the index bucket where `hash`'s probe begins.
    #[inline]
    pub(crate) fn prefetch_bucket(&self, hash: u64) {
        self.index.prefetch(hash);
    }

    /// Starts loading the entry `hash` most likely finds (its bucket
    /// should be in cache by now): the cache lines of its hot part.
    #[inline]
    pub(crate) fn prefetch_entry(&self, hash: u64) {
        if let Some(address) = self
            .index
            .likely_slot(hash)
            .and_then(|slot| self.slab.address(slot))
        {
            // An entry is not line-aligned: its hot part spans one more line.
            for line in 0..HOT_BYTES.div_ceil(64) + 1 {
                prefetch(address.wrapping_add(64 * line));
            }
        }
    }

    /// Bytes of one slab place.
    pub(crate) const fn place_size() -> usize {
        Slab::<FlowEntry>::place_size()
    }

    /// Bytes of one place of the side slab of address pairs.
    pub(crate) const fn pair_place_size() -> usize {
        Slab::<[IpAddr; 2]>::place_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phase::SegmentFacts;
    use crate::track::KeySide;
    use crate::wire::{SeqNumber, TcpFlags};

    fn entry(table: &mut FlowTable, key: &FlowKey, conn: u64) -> FlowEntry {
        let syn = SegmentFacts {
            ts_ns: 1,
            seq: SeqNumber(1),
            ack: SeqNumber(0),
            flags: TcpFlags::SYN,
            window: 1,
            payload_len: 0,
            window_scale: None,
        };
        let stored = table.store_key(key);
        let (slot, spill) = table.vacant();
        FlowEntry::new_stream(stored, conn, conn, KeySide::Low, &syn, slot, spill)
    }

    #[test]
    fn ipv6_addresses_live_beside_the_entry_and_leave_with_it() {
        let keys: Vec<FlowKey> = [
            ("10.0.0.1:1000", "10.0.0.2:80"),
            ("[2001:db8::1]:1000", "[2001:db8::2]:80"),
            ("[2001:db8::1]:1000", "[2001:db8::3]:80"),
            ("10.0.0.1:1000", "[::ffff:10.0.0.2]:80"),
        ]
        .iter()
        .map(|(a, b)| FlowKey::of(a.parse().unwrap(), b.parse().unwrap()).0)
        .collect();
        let mut table = FlowTable::default();
        let slots: Vec<u32> = keys
            .iter()
            .enumerate()
            .map(|(i, key)| {
                let e = entry(&mut table, key, i as u64);
                let vacant = table.vacant().0;
                let slot = table.insert(e);
                assert_eq!(slot, vacant);
                slot
            })
            .collect();
        assert_eq!(table.pairs.len(), 3);
        for (key, &slot) in keys.iter().zip(&slots) {
            assert_eq!(table.find(key), Some(slot));
            assert_eq!(table.key(slot), *key);
        }
        // Same ports, another address: not found.
        let (stranger, _) = FlowKey::of(
            "[2001:db8::9]:1000".parse().unwrap(),
            "[2001:db8::2]:80".parse().unwrap(),
        );
        assert_eq!(table.find(&stranger), None);
        let (key, _, summary) = table.remove(slots[1]);
        assert_eq!((key, summary.conn), (keys[1], 1));
        assert_eq!(table.pairs.len(), 2);
        assert_eq!(table.find(&keys[1]), None);
        assert_eq!(table.find(&keys[2]), Some(slots[2]));
        for slot in table.detach_all() {
            table.take_detached(slot as u32);
        }
        assert_eq!((table.pairs.len(), table.slab.len()), (0, 0));
    }
}
