//! The facts of a segment the phase layer reasons on: no bytes, only values.

use crate::wire::{SeqNumber, TcpFlags};

/// One TCP segment reduced to what connection tracking needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentFacts {
    /// Capture time in nanoseconds.
    pub ts_ns: u64,
    /// Sequence number.
    pub seq: SeqNumber,
    /// Acknowledgment number (meaningful with ACK).
    pub ack: SeqNumber,
    /// TCP flags.
    pub flags: TcpFlags,
    /// Raw window field.
    pub window: u16,
    /// Payload length from the IP length.
    pub payload_len: u32,
    /// The window scale option, when the segment carries one.
    pub window_scale: Option<u8>,
}

impl SegmentFacts {
    /// Sequence space the segment occupies: payload, plus one each for SYN and FIN.
    pub fn seq_len(&self) -> u32 {
        self.payload_len
            .wrapping_add(u32::from(self.flags.syn()))
            .wrapping_add(u32::from(self.flags.fin()))
    }

    /// One past the last sequence number the segment occupies.
    pub fn seq_end(&self) -> SeqNumber {
        self.seq + self.seq_len()
    }

    /// SYN without ACK.
    pub fn is_pure_syn(&self) -> bool {
        self.flags.syn() && !self.flags.ack()
    }
}
