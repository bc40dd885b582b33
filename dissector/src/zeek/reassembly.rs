//! Content gaps, as Zeek's TCP reassembler finds them (`TCP_Reassembler::
//! DataSent`, `AckReceived`, `Undelivered` and `Gap` in Zeek's
//! `src/analyzer/protocol/tcp/TCP_Reassembler.cc`).
//!
//! Only sequence ranges are kept, never bytes: data delivered in order
//! moves `last_reassem`; data above a hole waits as a block; an ack beyond
//! `last_reassem` reveals the bytes between as a gap (they were sent, the
//! peer got them, the capture never had them). Sequence numbers are
//! relative (1 is the first byte after the SYN).

/// A pending range `[start, end)` above a hole.
type Block = (u64, u64);

/// The most blocks kept above holes; beyond, the oldest merge (bounded memory).
const MAX_BLOCKS: usize = 64;

/// One direction's reassembly state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reassembly {
    last_reassem: u64,
    trim: u64,
    blocks: Vec<Block>,
    skip: bool,
}

impl Default for Reassembly {
    fn default() -> Self {
        Reassembly {
            last_reassem: 1,
            trim: 1,
            blocks: Vec::new(),
            skip: false,
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

impl Reassembly {
    /// Zeek's `DataSent`: `len` bytes at relative `seq`, `acked` the
    /// relative ack the peer has sent for this side so far.
    pub fn data_sent(&mut self, seq: u64, len: u64, acked: u64, above_hole_limit: Option<u64>) {
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
        self.new_block(seq, upper);
        if let Some(limit) = above_hole_limit {
            let undelivered = self
                .blocks
                .last()
                .map_or(0, |b| b.1.saturating_sub(self.last_reassem));
            if undelivered > limit {
                self.blocks.clear();
                self.skip = true;
            }
        }
    }

    fn new_block(&mut self, seq: u64, upper: u64) {
        if upper <= self.trim {
            return;
        }
        let seq = seq.max(self.trim);
        if seq <= self.last_reassem {
            if upper > self.last_reassem {
                self.last_reassem = upper;
                self.deliver_waiting();
            }
            return;
        }
        // Above a hole: keep the range, merged with its neighbours.
        let at = self.blocks.partition_point(|b| b.1 < seq);
        let mut start = seq;
        let mut end = upper;
        let mut until = at;
        while until < self.blocks.len() && self.blocks[until].0 <= end {
            start = start.min(self.blocks[until].0);
            end = end.max(self.blocks[until].1);
            until += 1;
        }
        self.blocks.splice(at..until, [(start, end)]);
        if self.blocks.len() > MAX_BLOCKS {
            let (a, b) = (self.blocks[0], self.blocks[1]);
            self.blocks.splice(0..2, [(a.0, b.1)]);
        }
    }

    /// Delivers the blocks that now continue `last_reassem`.
    fn deliver_waiting(&mut self) {
        let mut n = 0;
        while n < self.blocks.len() && self.blocks[n].0 <= self.last_reassem {
            self.last_reassem = self.last_reassem.max(self.blocks[n].1);
            n += 1;
        }
        self.blocks.drain(..n);
    }

    /// Zeek's `AckReceived`: the peer acked up to relative `seq`. `fin_seq`
    /// is this side's FIN (relative, one past it) once sent; `partial`
    /// whether the connection was picked up without its handshake.
    pub fn ack_received(&mut self, seq: u64, fin_seq: Option<u64>, partial: bool) -> Gaps {
        let mut seq = seq;
        if let Some(fin) = fin_seq {
            if seq >= fin {
                seq = fin.saturating_sub(1);
            }
        }
        if seq <= self.trim {
            return Gaps::default();
        }
        let mut gaps = Gaps::default();
        if seq > self.last_reassem {
            gaps = self.undelivered(seq, partial);
        }
        self.trim = seq;
        self.blocks.retain(|b| b.1 > seq);
        if let Some(first) = self.blocks.first_mut() {
            first.0 = first.0.max(seq);
        }
        gaps
    }

    /// Zeek's `Undelivered`: everything up to `up_to` not seen is a gap.
    fn undelivered(&mut self, up_to: u64, partial: bool) -> Gaps {
        let mut gaps = Gaps::default();
        if up_to <= 2 && partial {
            // Zeek: the faked-up first octet of a partial connection (or a
            // keep-alive one beyond it) is no content gap.
            return gaps;
        }
        if !self.skip {
            while let Some(&(start, _)) = self.blocks.first() {
                if start >= up_to {
                    break;
                }
                gaps.count += 1;
                gaps.bytes += start - self.last_reassem;
                self.last_reassem = start;
                self.deliver_waiting();
            }
            if up_to > self.last_reassem {
                gaps.count += 1;
                gaps.bytes += up_to - self.last_reassem;
            }
        }
        self.last_reassem = self.last_reassem.max(up_to);
        gaps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_data_then_ack_has_no_gap() {
        let mut r = Reassembly::default();
        r.data_sent(1, 100, 1, None);
        assert_eq!(r.ack_received(101, None, false), Gaps::default());
    }

    #[test]
    fn ack_beyond_seen_data_is_a_gap() {
        let mut r = Reassembly::default();
        r.data_sent(1, 100, 1, None);
        r.data_sent(201, 100, 1, None);
        let g = r.ack_received(301, None, false);
        assert_eq!(
            g,
            Gaps {
                count: 1,
                bytes: 100
            }
        );
    }

    #[test]
    fn the_fin_octet_is_no_gap() {
        let mut r = Reassembly::default();
        r.data_sent(1, 10, 1, None);
        assert_eq!(r.ack_received(12, Some(12), false), Gaps::default());
    }
}
