//! One IP packet being reassembled: the pieces of it received so far.

use crate::wire::IpFragment;
use core::net::IpAddr;

/// The most separate pieces a packet may be in before it is dropped.
pub(crate) const MAX_PIECES: usize = 64;

/// What identifies the fragments of one packet (RFC 791, RFC 8200).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct DatagramKey {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub id: u32,
    pub protocol: u8,
}

impl DatagramKey {
    pub fn of(fragment: &IpFragment<'_>) -> Self {
        DatagramKey {
            src: fragment.src,
            dst: fragment.dst,
            id: fragment.id,
            protocol: fragment.protocol,
        }
    }
}

/// Why a fragment could not be added to its packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The packet would be longer than an IP packet can be.
    TooLong,
    /// The fragment contradicts where the packet ends.
    PastEnd,
    /// The packet is in too many pieces.
    TooManyPieces,
}

/// A packet being reassembled. Its buffers are reused for the next packet
/// once this one is done.
#[derive(Debug)]
pub(crate) struct Datagram {
    pub key: Option<DatagramKey>,
    pub first_ns: u64,
    /// The IP header of the fragment at offset 0, once seen.
    header: [u8; 60],
    header_len: usize,
    /// The data, indexed by fragment offset.
    data: Vec<u8>,
    /// Received byte ranges, sorted, disjoint and not touching.
    pieces: [(u32, u32); MAX_PIECES],
    count: usize,
    /// Where the data ends, once the last fragment was seen.
    end: Option<u32>,
}

impl Default for Datagram {
    fn default() -> Self {
        Datagram {
            key: None,
            first_ns: 0,
            header: [0; 60],
            header_len: 0,
            data: Vec::new(),
            pieces: [(0, 0); MAX_PIECES],
            count: 0,
            end: None,
        }
    }
}

impl Datagram {
    /// Starts the slot over for a new packet.
    pub fn start(&mut self, key: DatagramKey, ts_ns: u64) {
        self.key = Some(key);
        self.first_ns = ts_ns;
        self.header_len = 0;
        self.data.clear();
        self.count = 0;
        self.end = None;
    }

    /// Frees the slot (its buffer stays for reuse).
    pub fn clear(&mut self) {
        self.key = None;
        self.data.clear();
    }

    /// Bytes of buffer this slot holds on to.
    pub fn capacity(&self) -> usize {
        self.data.capacity()
    }

    /// Adds a fragment's data; the bytes already received win over new
    /// ones where they overlap.
    pub fn add(&mut self, fragment: &IpFragment<'_>, max_len: usize) -> Result<(), Refused> {
        let start = u32::from(fragment.offset);
        let end = start + fragment.data.len() as u32;
        if end as usize > max_len {
            return Err(Refused::TooLong);
        }
        if let Some(known) = self.end {
            if end > known {
                return Err(Refused::PastEnd);
            }
        }
        if !fragment.more_fragments {
            let seen_end = if self.count == 0 {
                0
            } else {
                self.pieces[self.count - 1].1
            };
            if seen_end > end {
                return Err(Refused::PastEnd);
            }
            self.end = Some(end);
        }
        if fragment.offset == 0 && self.header_len == 0 {
            let n = fragment.header.len().min(self.header.len());
            self.header[..n].copy_from_slice(&fragment.header[..n]);
            self.header_len = n;
        }
        if start == end {
            return Ok(());
        }
        if self.data.len() < end as usize {
            // Exact: the buffer never holds more than the packet's length.
            self.data.reserve_exact(end as usize - self.data.len());
            self.data.resize(end as usize, 0);
        }
        // Copy only into the holes: walk the gaps between received pieces.
        let mut at = start;
        for i in 0..self.count {
            let (s, e) = self.pieces[i];
            if at >= end {
                break;
            }
            if e <= at {
                continue;
            }
            if s > at {
                let gap_end = s.min(end);
                self.copy(fragment, at, gap_end);
            }
            at = at.max(e);
        }
        if at < end {
            self.copy(fragment, at, end);
        }
        self.insert_piece(start, end)
    }

    fn copy(&mut self, fragment: &IpFragment<'_>, from: u32, to: u32) {
        let base = u32::from(fragment.offset);
        let src = &fragment.data[(from - base) as usize..(to - base) as usize];
        self.data[from as usize..to as usize].copy_from_slice(src);
    }

    /// Merges `[start, end)` into the sorted piece list.
    fn insert_piece(&mut self, start: u32, end: u32) -> Result<(), Refused> {
        let mut s = start;
        let mut e = end;
        // First piece that ends at or after `start` (touching merges).
        let first = self.pieces[..self.count]
            .iter()
            .position(|&(_, pe)| pe >= s)
            .unwrap_or(self.count);
        let mut last = first;
        while last < self.count && self.pieces[last].0 <= e {
            s = s.min(self.pieces[last].0);
            e = e.max(self.pieces[last].1);
            last += 1;
        }
        let removed = last - first;
        if removed == 0 {
            if self.count == MAX_PIECES {
                return Err(Refused::TooManyPieces);
            }
            self.pieces.copy_within(first..self.count, first + 1);
            self.count += 1;
        } else if removed > 1 {
            self.pieces.copy_within(last..self.count, first + 1);
            self.count -= removed - 1;
        }
        self.pieces[first] = (s, e);
        Ok(())
    }

    /// Whether every byte from 0 to the end has arrived, with the header.
    pub fn is_complete(&self) -> bool {
        match self.end {
            Some(end) => {
                self.header_len > 0 && (end == 0 || (self.count == 1 && self.pieces[0] == (0, end)))
            }
            None => false,
        }
    }

    /// Writes the whole packet into `out` (cleared first): the first
    /// fragment's IP header with its length fields and fragment fields
    /// rewritten, then the data.
    pub fn rebuild(&self, out: &mut Vec<u8>) {
        out.clear();
        let header = &self.header[..self.header_len];
        let len = self.end.unwrap_or(0) as usize;
        out.extend_from_slice(header);
        if header.first().map(|b| b >> 4) == Some(6) && header.len() >= 40 {
            let protocol = self.key.map_or(0, |k| k.protocol);
            out[4..6].copy_from_slice(&(len as u16).to_be_bytes());
            out[6] = protocol;
        } else if header.len() >= 20 {
            out[2..4].copy_from_slice(&((header.len() + len) as u16).to_be_bytes());
            // Flags and fragment offset: a whole packet.
            out[6] = 0;
            out[7] = 0;
        }
        out.extend_from_slice(&self.data[..len]);
    }
}
