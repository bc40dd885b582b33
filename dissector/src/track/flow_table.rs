//! The flow table: entries in a [`Slab`] (stable slots, grown a chunk at a
//! time), found through a [`FlowIndex`] of 8-byte buckets by the hash of
//! their 4-tuple. Per live connection it costs one entry plus 10 to 20
//! bytes of index, where a `HashMap<FlowKey, FlowEntry>` costs 1.14 to
//! 2.3 entries (its growth by doubling) plus the key.

use super::flow::{FlowEntry, HOT_BYTES};
use super::flow_index::FlowIndex;
use super::key::FlowKey;
use super::prefetch::prefetch;
use super::slab::Slab;
use core::hash::BuildHasher;

/// Entries by 4-tuple.
#[derive(Debug, Default)]
pub(crate) struct FlowTable {
    hasher: foldhash::fast::RandomState,
    index: FlowIndex,
    slab: Slab<FlowEntry>,
}

impl FlowTable {
    /// The most entries a table holds.
    pub(crate) const MAX: usize = Slab::<FlowEntry>::MAX;

    /// The hash of `key`, for [`FlowTable::find_hashed`] and the prefetches.
    #[inline]
    pub(crate) fn hash(&self, key: &FlowKey) -> u64 {
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
        let slab = &self.slab;
        self.index.find(hash, |slot| slab.get(slot).key == *key)
    }

    /// The entry at `slot`.
    #[inline]
    pub(crate) fn get(&self, slot: u32) -> &FlowEntry {
        self.slab.get(slot)
    }

    /// The entry at `slot`, to change.
    #[inline]
    pub(crate) fn get_mut(&mut self, slot: u32) -> &mut FlowEntry {
        self.slab.get_mut(slot)
    }

    /// Adds `entry`, whose key is not in the table, and returns its slot.
    /// The caller keeps `len() < MAX`.
    pub(crate) fn insert(&mut self, entry: FlowEntry) -> u32 {
        let hash = self.hash(&entry.key);
        let slot = self.slab.insert(entry);
        self.index.insert(hash, slot);
        slot
    }

    /// Takes out the entry at `slot`.
    pub(crate) fn remove(&mut self, slot: u32) -> FlowEntry {
        let hash = self.hash(&self.slab.get(slot).key);
        self.index.remove(hash, slot);
        self.slab.remove(slot)
    }

    /// Every indexed entry's slot, in no particular order.
    pub(crate) fn slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.index.slots()
    }

    /// Every entry, in slot order (entries that [`FlowTable::detach_all`]
    /// took out of the index included): a sequential read of the slab.
    pub(crate) fn entries(&self) -> impl Iterator<Item = &FlowEntry> {
        self.slab.values()
    }

    /// Every entry with its slot, in slot order (entries that
    /// [`FlowTable::detach_all`] took out of the index included).
    pub(crate) fn entries_mut(&mut self) -> impl Iterator<Item = (u32, &mut FlowEntry)> {
        self.slab.iter_mut()
    }

    /// Empties the index (freeing it) and returns the slots it held: their
    /// entries stay until [`FlowTable::take_detached`] takes each.
    pub(crate) fn detach_all(&mut self) -> Vec<u32> {
        let slots = self.index.slots().collect();
        self.index.clear();
        slots
    }

    /// Takes out an entry [`FlowTable::detach_all`] detached.
    pub(crate) fn take_detached(&mut self, slot: u32) -> FlowEntry {
        let entry = self.slab.remove(slot);
        if self.slab.len() == 0 {
            self.slab.clear();
        }
        entry
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
}
