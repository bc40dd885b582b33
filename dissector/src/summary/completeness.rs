//! Wireshark's `tcp.completeness`: which parts of a connection a stream showed.

use crate::phase::SegmentFacts;

/// A pure SYN opened the stream.
pub const SYN: u8 = 1;
/// A SYN-ACK was seen.
pub const SYN_ACK: u8 = 2;
/// An ACK without payload was seen.
pub const ACK: u8 = 4;
/// An ACK with payload was seen.
pub const DATA: u8 = 8;
/// A FIN with ACK was seen.
pub const FIN: u8 = 16;
/// A RST was seen.
pub const RST: u8 = 32;

/// The completeness bits of one stream, as `tshark -2` (Wireshark 4.0)
/// shows them at the stream's last frame.
///
/// Wireshark counts the SYN bit only for the pure SYN that opens the stream,
/// and on its first pass takes nothing else from that opening frame; the
/// second pass adds the opening frame's other bits, except in a stream of
/// one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Completeness {
    opening: u8,
    /// The bits of the rest, and `SEVERAL` and `ANY` (2 bytes in all).
    rest: u8,
}

/// The completeness bits proper.
const BITS: u8 = SYN | SYN_ACK | ACK | DATA | FIN | RST;
/// In `rest`: more than one frame was added.
const SEVERAL: u8 = 64;
/// In `rest`: a frame was added.
const ANY: u8 = 128;
const _: () = assert!(BITS & (SEVERAL | ANY) == 0);

impl Completeness {
    /// Adds a segment of the stream; `opens_stream` for its first.
    pub fn add(&mut self, seg: &SegmentFacts, opens_stream: bool) {
        let f = seg.flags;
        let mut bits = 0;
        if f.syn() && f.ack() {
            bits |= SYN_ACK;
        }
        if f.ack() && !f.syn() {
            bits |= if seg.payload_len > 0 { DATA } else { ACK };
        }
        if f.fin() && f.ack() {
            bits |= FIN;
        }
        if f.rst() {
            bits |= RST;
        }
        if opens_stream && seg.is_pure_syn() {
            self.opening |= SYN;
            if seg.payload_len > 0 {
                self.opening |= DATA;
            }
        }
        if self.rest & ANY != 0 {
            self.rest |= SEVERAL;
        }
        self.rest |= bits | ANY;
    }

    /// Whether any segment of the stream so far set one of `mask`'s bits.
    pub fn saw(&self, mask: u8) -> bool {
        (self.opening | self.rest) & BITS & mask != 0
    }

    /// The bit mask.
    pub fn bits(&self) -> u8 {
        if self.rest & SEVERAL == 0 {
            self.opening
        } else {
            (self.opening | self.rest) & BITS
        }
    }
}
