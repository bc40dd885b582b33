//! The flow table's spill: the exact values of an entry's times and byte
//! counts that do not fit its compact fields, by slot. An entry keeps its
//! times as 32-bit offsets from its first segment's (in microseconds when
//! that time is a whole one, 71 minutes; else nanoseconds, 4.29 s) and its
//! byte counts as 32 bits; a time outside that reach, or the high
//! part of a byte count past 4 GiB, is written here instead; so are the
//! high halves of stream and connection numbers past 2^32. Most
//! connections never spill; one that does costs a few words here, not a
//! wider entry for every connection. Zeek's rare wide values (a T, W or G
//! count past 16 bits, a repeated SYN's relative number) are kept here too.

use crate::summary::zeek::WIDE_VALUES;
use std::collections::HashMap;

/// A compact field of an entry that may spill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Field {
    /// The last segment's time.
    LastTs = 0,
    /// The first SYN-ACK's time.
    SynAckTs = 1,
    /// The time of the ACK that completed the handshake.
    HandshakeAckTs = 2,
    /// The time the connection ended.
    EndedAt = 3,
    /// The time the client last entered TIME-WAIT.
    TimeWaitClient = 4,
    /// The time the server last entered TIME-WAIT.
    TimeWaitServer = 5,
    /// The first SYN's time when it is not the connection's first time
    /// (an entry keeps no offset for it: a connection that begins with
    /// its SYN has it at its first time).
    SynTs = 6,
    /// The high part (times 2^32) of the client's payload bytes.
    BytesClient = 7,
    /// The high part (times 2^32) of the server's payload bytes.
    BytesServer = 8,
    /// The high 32 bits of the stream number.
    StreamHigh = 9,
    /// The high 32 bits of the connection number.
    ConnHigh = 10,
    /// Zeek's wide values ([`crate::summary::zeek::WideValues`]), 0 to 7.
    ZeekWide0 = 11,
    /// Zeek's wide value 1.
    ZeekWide1 = 12,
    /// Zeek's wide value 2.
    ZeekWide2 = 13,
    /// Zeek's wide value 3.
    ZeekWide3 = 14,
    /// Zeek's wide value 4.
    ZeekWide4 = 15,
    /// Zeek's wide value 5.
    ZeekWide5 = 16,
    /// Zeek's wide value 6.
    ZeekWide6 = 17,
    /// Zeek's wide value 7.
    ZeekWide7 = 18,
}

impl Field {
    /// The time fields, first in [`Field::ALL`], in their order in an entry.
    pub(crate) const TIMES: usize = 6;

    /// Every field, by its number.
    pub(crate) const ALL: [Field; 19] = [
        Field::LastTs,
        Field::SynAckTs,
        Field::HandshakeAckTs,
        Field::EndedAt,
        Field::TimeWaitClient,
        Field::TimeWaitServer,
        Field::SynTs,
        Field::BytesClient,
        Field::BytesServer,
        Field::StreamHigh,
        Field::ConnHigh,
        Field::ZeekWide0,
        Field::ZeekWide1,
        Field::ZeekWide2,
        Field::ZeekWide3,
        Field::ZeekWide4,
        Field::ZeekWide5,
        Field::ZeekWide6,
        Field::ZeekWide7,
    ];

    /// The field of Zeek's wide value `i` (`0..WIDE_VALUES`).
    pub(crate) const fn zeek_wide(i: usize) -> Field {
        Field::ALL[Field::ZeekWide0 as usize + i % WIDE_VALUES]
    }
}

const _: () = assert!(Field::ZeekWide0 as usize + WIDE_VALUES == Field::ALL.len());

/// Spilled values by (slot, field).
#[derive(Debug, Default)]
pub(crate) struct Spill {
    values: HashMap<u64, u64, foldhash::fast::RandomState>,
}

#[inline]
fn at(slot: u32, field: Field) -> u64 {
    (u64::from(slot) << 8) | field as u64
}

impl Spill {
    /// The value spilled for `field` of the entry at `slot` (0 if none).
    #[inline]
    pub(crate) fn get(&self, slot: u32, field: Field) -> u64 {
        let value = self.values.get(&at(slot, field)).copied();
        debug_assert!(
            value.is_some(),
            "slot {slot} reads {field:?}, never spilled"
        );
        value.unwrap_or(0)
    }

    /// The value spilled for `field` of the entry at `slot`, 0 if none
    /// (for values whose absence means 0).
    pub(crate) fn get_or_zero(&self, slot: u32, field: Field) -> u64 {
        self.values.get(&at(slot, field)).copied().unwrap_or(0)
    }

    /// The value spilled for `field` of the entry at `slot`, if any.
    pub(crate) fn find(&self, slot: u32, field: Field) -> Option<u64> {
        self.values.get(&at(slot, field)).copied()
    }

    /// Sets the value of `field` of the entry at `slot`.
    pub(crate) fn set(&mut self, slot: u32, field: Field, value: u64) {
        self.values.insert(at(slot, field), value);
    }

    /// Adds to the value of `field` of the entry at `slot` (wrapping, as
    /// a `u64` count does).
    pub(crate) fn add(&mut self, slot: u32, field: Field, value: u64) {
        let v = self.values.entry(at(slot, field)).or_insert(0);
        *v = v.wrapping_add(value);
    }

    /// Forgets every value of the entry at `slot`; frees the map when
    /// nothing is left.
    pub(crate) fn forget(&mut self, slot: u32) {
        for field in Field::ALL {
            self.values.remove(&at(slot, field));
        }
        if self.values.is_empty() && self.values.capacity() > 0 {
            self.values = HashMap::default();
        }
    }

    /// Values held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }
}

// Every field's number is its place in `ALL`.
const _: () = {
    let mut i = 0;
    while i < Field::ALL.len() {
        assert!(Field::ALL[i] as usize == i);
        i += 1;
    }
};
