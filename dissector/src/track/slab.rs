//! A slab: values at stable `u32` slots in fixed-size chunks, with a free
//! list, so the flow table grows a chunk at a time (no doubling slack, no
//! move of every entry on growth) and reuses the slots of departed entries.

/// Values per chunk (a power of two: a slot is chunk << BITS | offset).
const CHUNK_BITS: u32 = 10;
const CHUNK: usize = 1 << CHUNK_BITS;
/// No free slot.
const NONE: u32 = u32::MAX;

/// One place in a chunk: a value, or a link of the free list.
#[derive(Debug)]
enum Place<T> {
    Used(T),
    Free(u32),
}

/// Values at stable slots, grown a chunk at a time.
#[derive(Debug)]
pub(crate) struct Slab<T> {
    chunks: Vec<Vec<Place<T>>>,
    /// First free slot (`NONE`: none), each linking to the next.
    free: u32,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            chunks: Vec::new(),
            free: NONE,
            len: 0,
        }
    }
}

impl<T> Slab<T> {
    /// The most values a slab holds (slots are `u32`, one value is `NONE`).
    pub(crate) const MAX: usize = (u32::MAX - 1) as usize;

    /// Values held.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Stores `value`, in a free slot if there is one, and returns its slot.
    /// The caller keeps `len() < MAX`.
    pub(crate) fn insert(&mut self, value: T) -> u32 {
        self.len += 1;
        if self.free != NONE {
            let slot = self.free;
            let place = self.place_mut(slot);
            let Place::Free(next) = *place else {
                unreachable!("the free list links only free places")
            };
            *place = Place::Used(value);
            self.free = next;
            return slot;
        }
        // The first chunk grows by doubling up to CHUNK (a small tracker
        // stays small); later ones are allocated whole, once.
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(Place::Used(value)),
            _ => {
                let mut chunk = if self.chunks.is_empty() {
                    Vec::new()
                } else {
                    Vec::with_capacity(CHUNK)
                };
                chunk.push(Place::Used(value));
                self.chunks.push(chunk);
            }
        }
        let last = self.chunks.len() - 1;
        ((last << CHUNK_BITS) | (self.chunks[last].len() - 1)) as u32
    }

    /// The slot the next [`Slab::insert`] fills.
    pub(crate) fn next_slot(&self) -> u32 {
        if self.free != NONE {
            return self.free;
        }
        match self.chunks.last() {
            Some(chunk) if chunk.len() < CHUNK => {
                (((self.chunks.len() - 1) << CHUNK_BITS) | chunk.len()) as u32
            }
            _ => (self.chunks.len() << CHUNK_BITS) as u32,
        }
    }

    /// Takes the value out of `slot`, which holds one.
    pub(crate) fn remove(&mut self, slot: u32) -> T {
        let free = self.free;
        let place = self.place_mut(slot);
        match core::mem::replace(place, Place::Free(free)) {
            Place::Used(value) => {
                self.free = slot;
                self.len -= 1;
                value
            }
            Place::Free(next) => {
                *place = Place::Free(next);
                unreachable!("slab slot {slot} removed twice")
            }
        }
    }

    /// The value at `slot`, which holds one.
    #[inline]
    pub(crate) fn get(&self, slot: u32) -> &T {
        match self.place(slot) {
            Place::Used(value) => value,
            Place::Free(_) => unreachable!("slab slot {slot} read while free"),
        }
    }

    /// The value at `slot`, or `None` when it is free or past the end.
    #[inline]
    pub(crate) fn try_get(&self, slot: u32) -> Option<&T> {
        let chunk = self.chunks.get((slot >> CHUNK_BITS) as usize)?;
        match chunk.get(slot as usize & (CHUNK - 1))? {
            Place::Used(value) => Some(value),
            Place::Free(_) => None,
        }
    }

    /// The value at `slot`, which holds one, to change.
    #[inline]
    pub(crate) fn get_mut(&mut self, slot: u32) -> &mut T {
        match self.place_mut(slot) {
            Place::Used(value) => value,
            Place::Free(_) => unreachable!("slab slot {slot} written while free"),
        }
    }

    /// The address of `slot`'s place, for a prefetch; `None` past the end.
    #[inline]
    pub(crate) fn address(&self, slot: u32) -> Option<*const u8> {
        let chunk = self.chunks.get((slot >> CHUNK_BITS) as usize)?;
        let place = chunk.get(slot as usize & (CHUNK - 1))?;
        Some((place as *const Place<T>).cast())
    }

    /// Every held value with its slot, in slot order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.chunks.iter().enumerate().flat_map(|(c, chunk)| {
            chunk
                .iter()
                .enumerate()
                .filter_map(move |(i, place)| match place {
                    Place::Used(value) => Some((((c << CHUNK_BITS) | i) as u32, value)),
                    Place::Free(_) => None,
                })
        })
    }

    /// Calls `f` with every held value and its slot, in slot order: the
    /// sweep's loop, tighter than an iterator's adapters.
    #[inline]
    pub(crate) fn for_each_mut(&mut self, mut f: impl FnMut(u32, &mut T)) {
        for (c, chunk) in self.chunks.iter_mut().enumerate() {
            let base = (c << CHUNK_BITS) as u32;
            for (i, place) in chunk.iter_mut().enumerate() {
                if let Place::Used(value) = place {
                    f(base | i as u32, value);
                }
            }
        }
    }

    /// Drops every value and frees the chunks.
    pub(crate) fn clear(&mut self) {
        *self = Slab::default();
    }

    /// Bytes of one place (a value or a free link).
    pub(crate) const fn place_size() -> usize {
        core::mem::size_of::<Place<T>>()
    }

    #[inline]
    fn place(&self, slot: u32) -> &Place<T> {
        &self.chunks[(slot >> CHUNK_BITS) as usize][slot as usize & (CHUNK - 1)]
    }

    #[inline]
    fn place_mut(&mut self, slot: u32) -> &mut Place<T> {
        &mut self.chunks[(slot >> CHUNK_BITS) as usize][slot as usize & (CHUNK - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn slots_are_stable_and_reused() {
        let mut slab = Slab::default();
        let slots: Vec<u32> = (0..3000u32).map(|v| slab.insert(v)).collect();
        assert_eq!(slots, (0..3000).collect::<Vec<_>>());
        assert_eq!(slab.chunks.len(), 3);
        assert_eq!(slab.remove(1500), 1500);
        assert_eq!(slab.remove(7), 7);
        assert_eq!(slab.len(), 2998);
        // Last freed, first reused: no new chunk.
        assert_eq!(slab.insert(70), 7);
        assert_eq!(slab.insert(71), 1500);
        assert_eq!(slab.insert(72), 3000);
        assert_eq!(slab.chunks.len(), 3);
        assert_eq!(
            (*slab.get(7), *slab.get(1500), *slab.get(2999)),
            (70, 71, 2999)
        );
        *slab.get_mut(0) = 100;
        assert_eq!(slab.iter().map(|(_, v)| *v).next(), Some(100));
        assert_eq!(slab.iter().count(), slab.len());
        let mut visited = Vec::new();
        slab.for_each_mut(|slot, v| visited.push((slot, *v)));
        assert_eq!(
            visited,
            slab.iter().map(|(s, v)| (s, *v)).collect::<Vec<_>>()
        );
        assert_eq!(slab.iter().nth(7), Some((7, &70)));
    }

    #[test]
    fn chunks_are_allocated_whole_after_the_first() {
        let mut slab = Slab::default();
        for v in 0..CHUNK as u32 + 1 {
            slab.insert(v);
        }
        assert_eq!(slab.chunks[0].capacity(), CHUNK);
        assert_eq!(slab.chunks[1].capacity(), CHUNK);
    }

    proptest::proptest! {
        #[test]
        fn holds_what_a_map_holds(ops in proptest::collection::vec((0u8..3, 0u32..5000), 1..3000)) {
            let mut slab = Slab::default();
            let mut model: HashMap<u32, u32> = HashMap::new();
            for (op, v) in ops {
                if op < 2 || model.is_empty() {
                    let next = slab.next_slot();
                    let slot = slab.insert(v);
                    proptest::prop_assert_eq!(slot, next);
                    proptest::prop_assert!(model.insert(slot, v).is_none());
                } else {
                    let slot = *model.keys().nth(v as usize % model.len()).unwrap();
                    proptest::prop_assert_eq!(slab.remove(slot), model.remove(&slot).unwrap());
                }
                proptest::prop_assert_eq!(slab.len(), model.len());
            }
            let mut held: Vec<(u32, u32)> = slab.iter().map(|(s, v)| (s, *v)).collect();
            let mut expected: Vec<(u32, u32)> = model.into_iter().collect();
            held.sort_unstable();
            expected.sort_unstable();
            proptest::prop_assert_eq!(held, expected);
        }
    }
}
