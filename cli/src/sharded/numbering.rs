//! The writer's numbering: streams and connections are numbered in order
//! of first appearance across all workers, and each worker's local numbers
//! map to them while they can still appear.

use std::collections::HashMap;
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
    streams: Vec<IdMap<u64>>,
    conns: Vec<IdMap<u64>>,
    next_stream: u64,
    next_conn: u64,
}

impl Numbering {
    /// Empty maps for `workers` workers.
    pub(crate) fn new(workers: usize) -> Self {
        Numbering {
            streams: (0..workers).map(|_| IdMap::default()).collect(),
            conns: (0..workers).map(|_| IdMap::default()).collect(),
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
        let next = &mut self.next_stream;
        *self.streams[w].entry(local).or_insert_with(|| {
            *next += 1;
            *next - 1
        })
    }

    /// The global number of worker `w`'s connection.
    pub(crate) fn conn(&mut self, w: usize, local: u64) -> u64 {
        let next = &mut self.next_conn;
        *self.conns[w].entry(local).or_insert_with(|| {
            *next += 1;
            *next - 1
        })
    }

    /// The global number of worker `w`'s connection, forgotten: it left.
    pub(crate) fn conn_leaves(&mut self, w: usize, local: u64) -> u64 {
        match self.conns[w].remove(&local) {
            Some(global) => global,
            None => {
                self.next_conn += 1;
                self.next_conn - 1
            }
        }
    }

    /// Worker `w`'s stream will not appear again.
    pub(crate) fn forget_stream(&mut self, w: usize, local: u64) {
        self.streams[w].remove(&local);
    }

    /// Worker `w`'s connection will not appear again.
    pub(crate) fn forget_conn(&mut self, w: usize, local: u64) {
        self.conns[w].remove(&local);
    }
}
