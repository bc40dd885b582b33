//! One direction's reassembly as Zeek's TCP reassembler keeps it, ranges
//! only, never bytes (`TCP_Reassembler::DataSent`, `BlockInserted`,
//! `AckReceived`, `Undelivered`, `DataPending` in Zeek's
//! `src/analyzer/protocol/tcp/TCP_Reassembler.cc`; the block list and
//! `TrimToSeq` in `src/Reassem.cc`).
//!
//! Zeek's block list holds every range seen and not yet acked: the data
//! delivered in order (below `last_reassem`) and the data waiting above a
//! hole. An ack trims the list; an ack beyond `last_reassem` reveals the
//! bytes between as a gap (sent, received by the peer, never captured).
//! What the list holds decides three of Zeek's limits
//! (`tcp_max_initial_window`, `tcp_max_above_hole_without_any_acks`,
//! `tcp_excessive_data_without_further_acks`) and whether a close waits
//! for data still pending. Sequence numbers are relative (1 is the first
//! byte after the SYN).

/// A range `[start, end)` of the block list.
type Block = (u64, u64);

/// The most blocks kept; beyond, two neighbouring ones merge (bounded
/// memory; Zeek's list is unbounded apart from its byte limits).
const MAX_BLOCKS: usize = 1024;

/// One direction's reassembly state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reassembly {
    last_reassem: u64,
    trim: u64,
    /// Sorted, non-overlapping: delivered ones first, then those above holes.
    blocks: Vec<Block>,
    /// Bytes in `blocks` (Zeek's `DataBlockList::DataSize`).
    size: u64,
    skip: bool,
    /// Zeek's `did_EOF`: the end of this direction has been reported.
    pub(crate) did_eof: bool,
}

impl Default for Reassembly {
    fn default() -> Self {
        Reassembly {
            last_reassem: 1,
            trim: 1,
            blocks: Vec::new(),
            size: 0,
            skip: false,
            did_eof: false,
        }
    }
}

/// Gaps an ack revealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Gaps {
    /// How many gaps (Zeek calls `Gap` once for each).
    pub count: u32,
    /// Their bytes in all.
    pub bytes: u64,
}

/// Zeek's limits on what one direction may hold, as they apply to one
/// `DataSent` (0 in Zeek's options turns a limit off: `None` here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    /// `tcp_max_initial_window` exceeded while none of this side's data was
    /// acked: delivered data is not held for an ack (`BlockInserted`).
    pub trim_delivered: bool,
    /// `tcp_max_above_hole_without_any_acks`, when none of this side's data
    /// was acked.
    pub above_hole: Option<u64>,
    /// `tcp_excessive_data_without_further_acks`.
    pub excessive: Option<u64>,
}

impl Reassembly {
    /// Zeek's `DataSent`: `len` bytes at relative `seq`, `acked` the
    /// relative ack the peer has sent for this side so far.
    pub fn data_sent(&mut self, seq: u64, len: u64, acked: u64, limits: Limits) {
        if self.skip {
            return;
        }
        let mut seq = seq;
        let upper = seq.saturating_add(len);
        if seq < acked {
            if upper <= acked {
                return;
            }
            seq = acked;
        }
        self.new_block(seq, upper, limits.trim_delivered);
        if limits
            .above_hole
            .is_some_and(|limit| self.undelivered_bytes() > limit)
            || limits.excessive.is_some_and(|limit| self.size > limit)
        {
            // Zeek gives up on this direction's content: no more gaps,
            // nothing pending.
            self.blocks.clear();
            self.size = 0;
            self.skip = true;
        }
    }

    /// Zeek's `NumUndeliveredBytes`: from `last_reassem` to the end of the
    /// last block.
    fn undelivered_bytes(&self) -> u64 {
        self.blocks
            .last()
            .map_or(0, |b| b.1.saturating_sub(self.last_reassem))
    }

    /// Zeek's `NewBlock`: the parts of `[seq, upper)` not held yet join
    /// the list, and what now continues `last_reassem` is delivered.
    fn new_block(&mut self, seq: u64, upper: u64, trim_delivered: bool) {
        if upper <= self.trim || seq >= upper {
            return;
        }
        let seq = seq.max(self.trim);
        if let Some(at) = self.insert(seq, upper) {
            self.block_inserted(at, trim_delivered);
        }
    }

    /// Inserts the parts of `[seq, upper)` no block covers; the index of
    /// the first part inserted.
    fn insert(&mut self, seq: u64, upper: u64) -> Option<usize> {
        // The common case: appending after the last block.
        if self.blocks.last().is_none_or(|b| b.1 <= seq) {
            self.push_at(self.blocks.len(), (seq, upper));
            return Some(self.blocks.len() - 1);
        }
        let mut at = self.blocks.partition_point(|b| b.1 <= seq);
        let mut cur = seq;
        let mut first = None;
        while cur < upper {
            let next_start = self.blocks.get(at).map_or(upper, |b| b.0.min(upper));
            if cur < next_start {
                self.push_at(at, (cur, next_start));
                first.get_or_insert(at);
                at += 1;
            }
            match self.blocks.get(at) {
                Some(b) if b.0 < upper => {
                    cur = cur.max(b.1);
                    at += 1;
                }
                _ => break,
            }
        }
        first
    }

    fn push_at(&mut self, at: usize, block: Block) {
        self.size += block.1 - block.0;
        self.blocks.insert(at, block);
        if self.blocks.len() > MAX_BLOCKS {
            // Merge the first two neighbours that touch, else the first two.
            let i = (0..self.blocks.len() - 1)
                .find(|&i| self.blocks[i].1 == self.blocks[i + 1].0)
                .unwrap_or(0);
            let (a, b) = (self.blocks[i], self.blocks[i + 1]);
            self.size += b.0 - a.1;
            self.blocks.splice(i..i + 2, [(a.0, b.1)]);
        }
    }

    /// Zeek's `BlockInserted`: delivers from the block at `at` on when it
    /// fills the hole at `last_reassem`.
    fn block_inserted(&mut self, at: usize, trim_delivered: bool) {
        let Some(&(start, end)) = self.blocks.get(at) else {
            return;
        };
        if start > self.last_reassem || end <= self.last_reassem {
            return;
        }
        for &(b_start, b_end) in &self.blocks[at..] {
            if b_start > self.last_reassem {
                break;
            }
            if b_start == self.last_reassem {
                self.last_reassem = b_end;
            }
        }
        if trim_delivered {
            let upto = self.last_reassem;
            self.trim_to(upto, false, trim_delivered);
        }
    }

    /// Zeek's `AckReceived`: the peer acked up to relative `seq`. `fin_seq`
    /// is this side's FIN (relative, one past it) once sent; `partial`
    /// whether the connection was picked up without its handshake. `None`
    /// when the ack changed nothing (Zeek then skips its end-of-data check).
    pub fn ack_received(
        &mut self,
        seq: u64,
        fin_seq: Option<u64>,
        partial: bool,
        trim_delivered: bool,
    ) -> Option<Gaps> {
        let mut seq = seq;
        if let Some(fin) = fin_seq {
            if seq >= fin {
                seq = fin.saturating_sub(1);
            }
        }
        if seq <= self.trim {
            return None;
        }
        Some(self.trim_to(seq, partial, trim_delivered))
    }

    /// Zeek's `TrimToSeq`: what lies below `seq` leaves the list; data
    /// never delivered below it is reported undelivered first.
    fn trim_to(&mut self, seq: u64, partial: bool, trim_delivered: bool) -> Gaps {
        let mut gaps = Gaps::default();
        if seq > self.last_reassem {
            gaps = self.undelivered(seq, partial, trim_delivered);
        }
        let gone = self.blocks.partition_point(|b| b.1 <= seq);
        let freed: u64 = self.blocks[..gone].iter().map(|b| b.1 - b.0).sum();
        self.size -= freed;
        self.blocks.drain(..gone);
        if self
            .blocks
            .first()
            .is_some_and(|b| b.0 == self.last_reassem)
        {
            self.block_inserted(0, trim_delivered);
        }
        self.trim = self.trim.max(seq);
        gaps
    }

    /// Zeek's `TCP_Reassembler::Undelivered`: everything up to `up_to` not
    /// seen is a gap.
    fn undelivered(&mut self, up_to: u64, partial: bool, trim_delivered: bool) -> Gaps {
        let mut gaps = Gaps::default();
        if up_to <= 2 && partial {
            // Zeek: the faked-up first octet of a partial connection (or a
            // keep-alive one beyond it) is no content gap.
            return gaps;
        }
        if !self.skip {
            while let Some(at) = self
                .blocks
                .iter()
                .position(|b| b.0 >= self.last_reassem && b.0 < up_to)
            {
                let start = self.blocks[at].0;
                gaps.count += 1;
                gaps.bytes += start - self.last_reassem;
                self.last_reassem = start;
                self.block_inserted(at, trim_delivered);
            }
            if up_to > self.last_reassem {
                gaps.count += 1;
                gaps.bytes += up_to - self.last_reassem;
            }
        }
        self.last_reassem = self.last_reassem.max(up_to);
        gaps
    }

    /// Zeek's `DataSeq`: the relative sequence number delivered up to.
    pub fn data_seq(&self) -> u64 {
        self.last_reassem
    }

    /// Zeek's `HasUndeliveredData`: any block held, delivered or not.
    pub fn has_blocks(&self) -> bool {
        !self.blocks.is_empty()
    }

    /// Whether Zeek gave up on this direction's content.
    pub fn skipping(&self) -> bool {
        self.skip
    }

    /// Bytes held (Zeek's `DataSize`).
    pub fn held(&self) -> u64 {
        self.size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Limits = Limits {
        trim_delivered: false,
        above_hole: None,
        excessive: None,
    };

    #[test]
    fn in_order_data_then_ack_has_no_gap() {
        let mut r = Reassembly::default();
        r.data_sent(1, 100, 1, NONE);
        assert_eq!(r.held(), 100, "delivered data waits for its ack");
        assert_eq!(
            r.ack_received(101, None, false, false),
            Some(Gaps::default())
        );
        assert_eq!(r.held(), 0);
    }

    #[test]
    fn ack_beyond_seen_data_is_a_gap() {
        let mut r = Reassembly::default();
        r.data_sent(1, 100, 1, NONE);
        r.data_sent(201, 100, 1, NONE);
        assert_eq!(r.data_seq(), 101);
        let g = r.ack_received(301, None, false, false);
        assert_eq!(
            g,
            Some(Gaps {
                count: 1,
                bytes: 100
            })
        );
        assert_eq!(r.data_seq(), 301);
    }

    #[test]
    fn the_fin_octet_is_no_gap() {
        let mut r = Reassembly::default();
        r.data_sent(1, 10, 1, NONE);
        assert_eq!(
            r.ack_received(12, Some(12), false, false),
            Some(Gaps::default())
        );
    }

    #[test]
    fn a_retransmission_adds_only_what_is_new() {
        let mut r = Reassembly::default();
        r.data_sent(1, 100, 1, NONE);
        r.data_sent(51, 100, 1, NONE);
        assert_eq!((r.held(), r.data_seq()), (150, 151));
    }

    #[test]
    fn trimming_delivered_data_empties_the_list() {
        let mut r = Reassembly::default();
        let trim = Limits {
            trim_delivered: true,
            ..NONE
        };
        r.data_sent(1, 100, 1, trim);
        assert!(!r.has_blocks());
        assert_eq!(r.data_seq(), 101);
    }

    #[test]
    fn too_much_held_gives_up() {
        let mut r = Reassembly::default();
        let limit = Limits {
            excessive: Some(150),
            ..NONE
        };
        r.data_sent(1, 100, 1, limit);
        assert!(!r.skipping());
        r.data_sent(101, 100, 1, limit);
        assert!(r.skipping() && !r.has_blocks());
        r.data_sent(301, 100, 1, limit);
        assert_eq!(
            r.ack_received(401, None, false, false),
            Some(Gaps::default())
        );
    }
}
