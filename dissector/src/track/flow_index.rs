//! The flow table's index: an open-addressing hash table (linear probing,
//! backward-shift deletion, no tombstones) of 8-byte buckets, each the low
//! 32 bits of a key's hash and the slab slot of its entry. It grows by
//! 3/2 and 4/3 in turn (16, 24, 32, 48, ...), not by doubling, so it is
//! between 53% and 80% full, 10 to 15 bytes a connection; a hash's home
//! bucket is `tag * buckets >> 32` (no power of two needed). The entries stay
//! in the slab; a probe compares hashes first and reads an entry only on a
//! hash match. Its buckets can be prefetched before a lookup.

use super::prefetch::prefetch;

/// An empty bucket (no entry has slot `u32::MAX`).
const EMPTY: u64 = u64::MAX;
/// Grow past this load: 4/5 (linear probing's probes stay short).
const LOAD_NUM: usize = 4;
const LOAD_DEN: usize = 5;
/// Buckets of the first allocation.
const MIN_BUCKETS: usize = 16;

/// Slot indices by hash.
#[derive(Debug, Default)]
pub(crate) struct FlowIndex {
    buckets: Vec<u64>,
    len: usize,
}

#[inline]
fn bucket(hash: u64, slot: u32) -> u64 {
    ((hash as u32 as u64) << 32) | u64::from(slot)
}

impl FlowIndex {
    /// Slots held.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Bytes of one bucket.
    pub(crate) const BUCKET_SIZE: usize = core::mem::size_of::<u64>();

    /// Where a probe for the hash whose low 32 bits are `tag` starts.
    #[inline]
    fn home_of(&self, tag: u32) -> usize {
        ((u64::from(tag) * self.buckets.len() as u64) >> 32) as usize
    }

    /// Where a probe for `hash` starts.
    #[inline]
    fn home(&self, hash: u64) -> usize {
        self.home_of(hash as u32)
    }

    /// The bucket after `i`, round the end.
    #[inline]
    fn next(&self, i: usize) -> usize {
        if i + 1 == self.buckets.len() {
            0
        } else {
            i + 1
        }
    }

    /// How many buckets on from `from` (round the end) `to` is.
    #[inline]
    fn distance(&self, from: usize, to: usize) -> usize {
        if to >= from {
            to - from
        } else {
            to + self.buckets.len() - from
        }
    }

    /// The slot of the entry with this hash that `is_it` accepts.
    #[inline]
    pub(crate) fn find(&self, hash: u64, mut is_it: impl FnMut(u32) -> bool) -> Option<u32> {
        if self.len == 0 {
            return None;
        }
        let tag = hash as u32;
        let mut i = self.home(hash);
        loop {
            let b = self.buckets[i];
            if b == EMPTY {
                return None;
            }
            if (b >> 32) as u32 == tag && is_it(b as u32) {
                return Some(b as u32);
            }
            i = self.next(i);
        }
    }

    /// Adds `slot` under `hash` (the caller knows no entry of the same key
    /// is held).
    pub(crate) fn insert(&mut self, hash: u64, slot: u32) {
        if (self.len + 1) * LOAD_DEN > self.buckets.len() * LOAD_NUM {
            self.grow();
        }
        self.place(bucket(hash, slot));
        self.len += 1;
    }

    /// Removes `slot`, held under `hash`. Later buckets of the probe run
    /// shift back into the hole, so no probe ever stops short.
    pub(crate) fn remove(&mut self, hash: u64, slot: u32) {
        let wanted = bucket(hash, slot);
        let mut hole = self.home(hash);
        while self.buckets[hole] != wanted {
            debug_assert!(self.buckets[hole] != EMPTY, "slot {slot} not in the index");
            if self.buckets[hole] == EMPTY {
                return;
            }
            hole = self.next(hole);
        }
        let mut j = hole;
        loop {
            j = self.next(j);
            let b = self.buckets[j];
            if b == EMPTY {
                break;
            }
            // `b` may fill the hole when its home is not within (hole, j].
            let home = self.home_of((b >> 32) as u32);
            if self.distance(home, j) >= self.distance(hole, j) {
                self.buckets[hole] = b;
                hole = j;
            }
        }
        self.buckets[hole] = EMPTY;
        self.len -= 1;
    }

    /// Every slot held, in bucket order.
    pub(crate) fn slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.buckets
            .iter()
            .filter(|&&b| b != EMPTY)
            .map(|&b| b as u32)
    }

    /// Empties the index and returns the slots it held, one a word, in
    /// the buckets' own memory (no second allocation).
    pub(crate) fn take_slots(&mut self) -> Vec<u64> {
        let mut slots = core::mem::take(&mut self.buckets);
        self.len = 0;
        slots.retain(|&b| b != EMPTY);
        for b in slots.iter_mut() {
            *b = u64::from(*b as u32);
        }
        slots
    }

    /// Starts loading the bucket where a probe for `hash` begins.
    #[inline]
    pub(crate) fn prefetch(&self, hash: u64) {
        if let Some(b) = self.buckets.get(self.home(hash)) {
            prefetch((b as *const u64).cast());
        }
    }

    /// The first slot whose hash matches `hash` (most likely the entry's,
    /// without reading it): a prefetch hint, never an answer.
    #[inline]
    pub(crate) fn likely_slot(&self, hash: u64) -> Option<u32> {
        self.find(hash, |_| true)
    }

    fn place(&mut self, b: u64) {
        let mut i = self.home_of((b >> 32) as u32);
        while self.buckets[i] != EMPTY {
            i = self.next(i);
        }
        self.buckets[i] = b;
    }

    /// The size after `size`: 3/2 of a power of two, else the next power
    /// of two (4/3).
    pub(crate) const fn grown(size: usize) -> usize {
        if size < MIN_BUCKETS {
            MIN_BUCKETS
        } else if size.is_power_of_two() {
            size / 2 * 3
        } else {
            size / 3 * 4
        }
    }

    fn grow(&mut self) {
        let size = Self::grown(self.buckets.len());
        let old = core::mem::replace(&mut self.buckets, vec![EMPTY; size]);
        for b in old.into_iter().filter(|&b| b != EMPTY) {
            self.place(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn collisions_probe_on_and_removal_shifts_back() {
        let mut index = FlowIndex::default();
        // Same home (16 buckets: the high bits of the tag) for the first
        // three, the fourth's next to it: one probe run.
        let hashes = [0x1000_0000u64, 0x1_1000_0000, 0x2_1000_0000, 0x1800_0000];
        for (slot, &h) in hashes.iter().enumerate() {
            index.insert(h, slot as u32);
        }
        assert_eq!(index.find(0x2_1000_0000, |s| s == 2), Some(2));
        index.remove(0x1000_0000, 0);
        assert_eq!(index.len(), 3);
        assert_eq!(index.find(0x1000_0000, |s| s == 0), None);
        assert_eq!(index.find(0x2_1000_0000, |s| s == 2), Some(2));
        assert_eq!(index.find(0x1800_0000, |s| s == 3), Some(3));
        let mut slots: Vec<u32> = index.slots().collect();
        slots.sort_unstable();
        assert_eq!(slots, [1, 2, 3]);
    }

    #[test]
    fn grows_by_three_halves_and_four_thirds() {
        let sizes: Vec<usize> = core::iter::successors(Some(0), |&n| Some(FlowIndex::grown(n)))
            .take(8)
            .collect();
        assert_eq!(sizes, [0, 16, 24, 32, 48, 64, 96, 128]);
        let mut index = FlowIndex::default();
        for slot in 0..300_000u32 {
            index.insert(u64::from(slot.wrapping_mul(0x9e37_79b9)), slot);
        }
        // 300 000 at most 4/5 full: 393 216 buckets (3 x 2^17), not 524 288.
        assert_eq!(index.buckets.len(), 393_216);
    }

    proptest::proptest! {
        #[test]
        fn finds_what_a_map_holds(ops in proptest::collection::vec((proptest::bool::ANY, 0u64..600), 1..2000)) {
            // Few distinct homes (the top 4 bits of the tag, the last
            // sixteenth included: probes wrap round the end), many equal tags.
            let hash = |k: u64| k.wrapping_mul(0x9e37_79b9) & 0xffff_ffff_f000_0003;
            let mut index = FlowIndex::default();
            let mut model: HashMap<u64, u32> = HashMap::new();
            let mut next = 0u32;
            for (add, key) in ops {
                if add {
                    if let std::collections::hash_map::Entry::Vacant(v) = model.entry(key) {
                        index.insert(hash(key), next);
                        v.insert(next);
                        next += 1;
                    }
                } else if let Some(slot) = model.remove(&key) {
                    index.remove(hash(key), slot);
                }
                proptest::prop_assert_eq!(index.len(), model.len());
            }
            for key in 0..600 {
                let wanted = model.get(&key).copied();
                proptest::prop_assert_eq!(index.find(hash(key), |s| Some(s) == wanted), wanted);
            }
        }
    }
}
