//! The merge's numbering: streams and connections are numbered in order
//! of first appearance across all workers, and each worker's local numbers
//! map to them while they can still appear.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// A hash of local numbers (small, dense integers): one multiplication,
/// which spreads consecutive numbers over the table's buckets.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// A map keyed by local numbers.
pub(crate) type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// (worker, local number) to global number, for streams and connections.
pub(crate) struct Numbering {
    streams: Vec<LocalMap>,
    conns: Vec<LocalMap>,
    next_stream: u64,
    next_conn: u64,
}

impl Numbering {
    /// Empty maps for `workers` workers.
    pub(crate) fn new(workers: usize) -> Self {
        Numbering {
            streams: (0..workers).map(|_| LocalMap::default()).collect(),
            conns: (0..workers).map(|_| LocalMap::default()).collect(),
            next_stream: 0,
            next_conn: 0,
        }
    }

    /// Streams numbered so far.
    pub(crate) fn streams(&self) -> u64 {
        self.next_stream
    }

    /// A segment of worker `w` opens a stream and/or a connection.
    pub(crate) fn open(
        &mut self,
        w: usize,
        stream: u64,
        new_stream: bool,
        conn: u64,
        new_conn: bool,
    ) {
        if new_stream {
            self.streams[w].insert(stream, self.next_stream);
            self.next_stream += 1;
        }
        if new_conn {
            self.conns[w].insert(conn, self.next_conn);
            self.next_conn += 1;
        }
    }

    /// The global number of worker `w`'s stream. One forgotten (past the
    /// cap of departed 4-tuples) counts as a new stream.
    pub(crate) fn stream(&mut self, w: usize, local: u64) -> u64 {
        if let Some(global) = self.streams[w].get(local) {
            return global;
        }
        self.next_stream += 1;
        self.streams[w].insert(local, self.next_stream - 1);
        self.next_stream - 1
    }

    /// The global number of worker `w`'s connection.
    pub(crate) fn conn(&mut self, w: usize, local: u64) -> u64 {
        if let Some(global) = self.conns[w].get(local) {
            return global;
        }
        self.next_conn += 1;
        self.conns[w].insert(local, self.next_conn - 1);
        self.next_conn - 1
    }

    /// The global number of worker `w`'s connection, forgotten: it left.
    pub(crate) fn conn_leaves(&mut self, w: usize, local: u64) -> u64 {
        match self.conns[w].remove(local) {
            Some(global) => global,
            None => {
                self.next_conn += 1;
                self.next_conn - 1
            }
        }
    }

    /// Worker `w`'s stream will not appear again.
    pub(crate) fn forget_stream(&mut self, w: usize, local: u64) {
        self.streams[w].remove(local);
    }

    /// Worker `w`'s connection will not appear again.
    pub(crate) fn forget_conn(&mut self, w: usize, local: u64) {
        self.conns[w].remove(local);
    }
}

/// No global number here: the local number left (or never came).
const NONE: u16 = u16::MAX;

/// Local numbers per chunk of the window: 2 KiB and a word.
const CHUNK: usize = 1024;

/// One chunk of the window: how far the global numbers are past the local
/// ones, as `base` plus a 16-bit step each (a worker's numbers arrive in
/// order, so in a chunk the distance only grows, by the other workers'
/// numbers handed out meanwhile).
#[derive(Debug)]
struct Chunk {
    /// The distance the steps count from; `None` until the first is set.
    base: Option<u32>,
    steps: [u16; CHUNK],
}

impl Chunk {
    fn new() -> Box<Chunk> {
        Box::new(Chunk {
            base: None,
            steps: [NONE; CHUNK],
        })
    }

    /// The distance at `place`, if one is set.
    fn get(&self, place: usize) -> Option<u32> {
        match (self.base, self.steps[place]) {
            (Some(base), step) if step != NONE => Some(base + u32::from(step)),
            _ => None,
        }
    }

    /// Sets the distance at `place`; false when it does not fit (below
    /// the base, or a step past 16 bits): the caller keeps it aside.
    fn set(&mut self, place: usize, distance: u32) -> bool {
        let base = *self.base.get_or_insert(distance);
        match distance
            .checked_sub(base)
            .and_then(|s| u16::try_from(s).ok())
        {
            Some(step) if step != NONE => {
                self.steps[place] = step;
                true
            }
            _ => false,
        }
    }

    /// Forgets the distance at `place`, returning it if one was set.
    fn take(&mut self, place: usize) -> Option<u32> {
        let d = self.get(place);
        self.steps[place] = NONE;
        d
    }

    /// Empty again, to be reused.
    fn reset(&mut self) {
        self.base = None;
        self.steps.fill(NONE);
    }
}

/// One worker's local numbers (handed out densely, in increasing order,
/// and arriving in that order) to global numbers: a window over the local
/// numbers from the oldest still mapped to the newest, so a lookup is an
/// index, not a hash. Each place holds 2 bytes: how far the global number
/// is past the local one (never behind it: the global count includes the
/// worker's own), counted from its chunk's first such distance; the rare
/// one that does not fit is kept in a hash map. The
/// window is a queue of page-sized chunks: it grows and shrinks a chunk at
/// a time, nothing is copied, and an emptied chunk is the next one filled.
/// A number that outstays the others (a long-lived connection among many
/// short ones) moves to the hash map once the window holds more gaps than
/// numbers, so memory follows the numbers mapped, not all those handed out
/// since the oldest.
#[derive(Debug, Default)]
struct LocalMap {
    /// The local number of the first chunk's first place (a multiple of
    /// [`CHUNK`]).
    base: u64,
    /// Global minus local numbers, [`NONE`] where the local number left.
    chunks: VecDeque<Box<Chunk>>,
    /// Numbers mapped in each chunk.
    counts: VecDeque<u32>,
    /// Numbers mapped in the window.
    in_window: usize,
    /// Numbers mapped outside the window (older, or far apart).
    aside: IdMap<u64>,
    /// The last chunk emptied, for the next one needed.
    spare: Option<Box<Chunk>>,
}

impl LocalMap {
    /// Where `local` is in the window (chunk, place), if it is.
    fn place(&self, local: u64) -> Option<(usize, usize)> {
        let i = local.checked_sub(self.base)?;
        let chunk = usize::try_from(i / CHUNK as u64).ok()?;
        (chunk < self.chunks.len()).then_some((chunk, (i % CHUNK as u64) as usize))
    }

    fn get(&self, local: u64) -> Option<u64> {
        match self.place(local).and_then(|(c, p)| self.chunks[c].get(p)) {
            Some(d) => Some(local + u64::from(d)),
            None => self.aside.get(&local).copied(),
        }
    }

    fn insert(&mut self, local: u64, global: u64) {
        if !self.aside.is_empty() {
            self.aside.remove(&local);
        }
        let distance = global
            .checked_sub(local)
            .and_then(|d| u32::try_from(d).ok())
            .filter(|&d| d < u32::MAX - u32::from(NONE));
        if self.chunks.is_empty() {
            // Nothing mapped in the window: it starts here.
            self.base = local - local % CHUNK as u64;
        }
        let chunk = local
            .checked_sub(self.base)
            .and_then(|i| usize::try_from(i / CHUNK as u64).ok())
            // Far past the window: a gap no order of arrival makes.
            .filter(|&c| c <= 2 * self.chunks.len() + 16);
        let (Some(distance), Some(chunk)) = (distance, chunk) else {
            self.aside.insert(local, global);
            return;
        };
        while self.chunks.len() <= chunk {
            let fresh = self.spare.take().unwrap_or_else(Chunk::new);
            self.chunks.push_back(fresh);
            self.counts.push_back(0);
        }
        let place = (local % CHUNK as u64) as usize;
        let was_set = self.chunks[chunk].get(place).is_some();
        if !self.chunks[chunk].set(place, distance) {
            if was_set {
                self.chunks[chunk].take(place);
                self.counts[chunk] -= 1;
                self.in_window -= 1;
            }
            self.aside.insert(local, global);
            self.compact();
            return;
        }
        if !was_set {
            self.counts[chunk] += 1;
            self.in_window += 1;
        }
        self.compact();
    }

    fn remove(&mut self, local: u64) -> Option<u64> {
        let Some((c, p)) = self
            .place(local)
            .filter(|&(c, p)| self.chunks[c].get(p).is_some())
        else {
            return self.aside.remove(&local);
        };
        let global = local + u64::from(self.chunks[c].take(p).unwrap_or(0));
        self.counts[c] -= 1;
        self.in_window -= 1;
        self.compact();
        Some(global)
    }

    /// Drops emptied chunks at the front; moves the oldest numbers aside
    /// while the window is mostly gaps.
    fn compact(&mut self) {
        loop {
            match self.counts.front() {
                Some(0) => {}
                Some(&n) if self.chunks.len() > 2 * (self.in_window / CHUNK) + 2 => {
                    for p in 0..CHUNK {
                        if let Some(d) = self.chunks[0].get(p) {
                            let local = self.base + p as u64;
                            self.aside.insert(local, local + u64::from(d));
                        }
                    }
                    self.in_window -= n as usize;
                }
                _ => break,
            }
            self.counts.pop_front();
            if let Some(mut chunk) = self.chunks.pop_front() {
                chunk.reset();
                self.spare = Some(chunk);
            }
            self.base += CHUNK as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window map gives what a plain map gives, whatever the order
    /// of removals, and stays about the size of what it holds.
    #[test]
    fn the_window_maps_as_a_hash_map_does_and_stays_small() {
        let mut map = LocalMap::default();
        let mut plain: HashMap<u64, u64> = HashMap::new();
        let mut next = 0u64;
        let mut state = 7u64;
        for step in 0..200_000u64 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let pick = (state >> 33) % 100;
            if pick < 50 || plain.is_empty() {
                map.insert(next, step);
                plain.insert(next, step);
                next += 1;
            } else {
                // Mostly recent numbers leave; one in 50 removals an old one.
                let back = if pick < 52 {
                    (state >> 40) % next.max(1)
                } else {
                    (state >> 40) % 64
                };
                let local = next.saturating_sub(1 + back);
                assert_eq!(map.remove(local), plain.remove(&local), "step {step}");
            }
            if step % 997 == 0 {
                for local in next.saturating_sub(300)..next + 2 {
                    assert_eq!(map.get(local), plain.get(&local).copied());
                }
            }
        }
        // Long-lived numbers among short-lived ones were moved aside.
        assert!(!map.aside.is_empty());
        let held = map.in_window + map.aside.len();
        assert_eq!(held, plain.len());
        assert!(
            map.chunks.len() <= 2 * (map.in_window / CHUNK) + 2,
            "{} chunks for {}",
            map.chunks.len(),
            map.in_window
        );
        // A number given again after it left (a forgotten stream).
        let local = next - 1;
        map.remove(local);
        map.insert(local, local + 42);
        assert_eq!(map.get(local), Some(local + 42));
        // Distances in one chunk that 16 bits cannot span, and one below
        // its chunk's first: aside, and still found.
        let start = next + 3 * CHUNK as u64;
        map.insert(start, start + 10);
        map.insert(start + 1, start + 1 + 10 + 70_000);
        map.insert(start + 2, start + 2 + 5);
        for (local, global) in [
            (start, start + 10),
            (start + 1, start + 70_011),
            (start + 2, start + 7),
        ] {
            assert_eq!(map.get(local), Some(global));
            assert_eq!(map.remove(local), Some(global));
            assert_eq!(map.get(local), None);
        }
        // Global numbers far past the local ones are kept aside.
        map.insert(next, next + (1 << 40));
        assert_eq!(map.get(next), Some(next + (1 << 40)));
        assert_eq!(map.remove(next), Some(next + (1 << 40)));
        assert_eq!(map.get(next), None);
    }
}
