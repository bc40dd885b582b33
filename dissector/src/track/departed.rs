//! A compact, bounded record of 4-tuples whose entry left the flow table,
//! so that a segment on one of them later continues its stream where
//! Wireshark (which keeps every conversation) would.

use super::flow::FlowEntry;
use super::key::FlowKey;
use crate::summary::completeness::Completeness;
use crate::wire::SeqNumber;
use std::collections::{HashMap, VecDeque};

/// What is kept of a departed 4-tuple: its stream, Wireshark's base
/// sequence numbers (to tell a new stream's SYN) and the stream's
/// completeness so far. A few tens of bytes with its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gone {
    /// Wireshark stream index.
    pub(crate) stream: u64,
    /// Base sequence number of each key side.
    pub(crate) base_seq: [Option<SeqNumber>; 2],
    /// The stream's completeness bits.
    pub(crate) completeness: Completeness,
}

/// Departed 4-tuples, at most as many as the flow table's cap: past it the
/// oldest are forgotten first (a later segment on one then opens a new
/// stream, where Wireshark would have kept the old one).
#[derive(Debug, Default)]
pub(crate) struct Departed {
    gone: HashMap<FlowKey, Gone, foldhash::fast::RandomState>,
    order: VecDeque<FlowKey>,
}

impl Departed {
    /// Remembers the entry on `key`, of stream `stream`, as it leaves the
    /// table.
    pub(crate) fn remember(&mut self, key: FlowKey, stream: u64, entry: &FlowEntry, cap: usize) {
        let gone = Gone {
            stream,
            base_seq: entry.base_seqs(),
            completeness: entry.completeness,
        };
        if self.gone.insert(key, gone).is_none() {
            self.order.push_back(key);
        }
        while self.gone.len() > cap {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            self.gone.remove(&oldest);
        }
        // The order may hold keys taken back since: keep it bounded too.
        if self.order.len() > 2 * cap {
            let gone = &self.gone;
            self.order.retain(|k| gone.contains_key(k));
        }
    }

    /// Takes back what was kept of `key`, if anything.
    pub(crate) fn take(&mut self, key: &FlowKey) -> Option<Gone> {
        self.gone.remove(key)
    }
}
