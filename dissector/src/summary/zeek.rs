//! Zeek's view of a connection: its endpoint states, `conn_state` and
//! `history` letters, as Zeek's `base/protocols/conn/main.zeek` and its TCP
//! analyzer define them (reimplemented from their documented behaviour).
//!
//! One difference by design: Zeek drops segments with a bad checksum (and
//! records `C`); tcpphase does not verify checksums (offload makes them
//! unreliable in captures), so it never records `C` and keeps those segments.

use crate::phase::SegmentFacts;
use crate::wire::SeqNumber;

/// Zeek's per-endpoint TCP state: the one the `--zeek` log's bounding
/// uses ([`crate::zeek::EndpointState`]).
pub use crate::zeek::EndpointState as ZeekEndpointState;

/// The longest history string kept; Zeek's letters are bounded (once per
/// direction or logarithmic), so real histories are much shorter.
pub const HISTORY_CAPACITY: usize = 31;

/// Zeek's `history`, kept in a fixed buffer (no allocation per connection).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct History {
    letters: [u8; HISTORY_CAPACITY],
    len: u8,
}

impl History {
    const fn new() -> Self {
        History {
            letters: [0; HISTORY_CAPACITY],
            len: 0,
        }
    }

    fn push(&mut self, letter: u8) {
        if usize::from(self.len) < HISTORY_CAPACITY {
            self.letters[usize::from(self.len)] = letter;
            self.len += 1;
        }
    }

    /// The letters as a string.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.letters[..usize::from(self.len)]).unwrap_or("")
    }
}

impl core::fmt::Debug for History {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl core::fmt::Display for History {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every letter a history holds; a letter is kept as its index here.
const HISTORY_ALPHABET: &[u8; 23] = b"^SHADFRIQTWGshadfriqtwg";

/// Each ASCII letter's index in [`HISTORY_ALPHABET`], plus one (0: not in it).
const LETTER_CODES: [u8; 128] = {
    let mut codes = [0; 128];
    let mut i = 0;
    while i < HISTORY_ALPHABET.len() {
        codes[HISTORY_ALPHABET[i] as usize] = i as u8 + 1;
        i += 1;
    }
    codes
};

/// Bits per letter in a [`PackedHistory`]: the alphabet's 23 letters fit 5.
const LETTER_BITS: usize = 5;

/// A [`History`] as the flow table keeps it: 5 bits a letter (the 23
/// letters Zeek uses here) and the length in the last 5 bits, 20 bytes
/// instead of 32. Same capacity, same letters, same order.
#[derive(Clone, Copy, PartialEq, Eq)]
struct PackedHistory([u8; 20]);

const _: () = assert!(HISTORY_CAPACITY * LETTER_BITS + LETTER_BITS <= 20 * 8);

impl PackedHistory {
    const fn new() -> Self {
        PackedHistory([0; 20])
    }

    /// The two bytes holding the 5 bits at letter slot `slot` (slot
    /// `HISTORY_CAPACITY` holds the length), and the shift to them. The
    /// last slot lies wholly in the last byte: no second byte there.
    fn pair(&self, slot: usize) -> (u16, usize) {
        let bit = slot * LETTER_BITS;
        let low = self.0[bit / 8];
        let high = self.0.get(bit / 8 + 1).copied().unwrap_or(0);
        (u16::from_le_bytes([low, high]), bit % 8)
    }

    fn get(&self, slot: usize) -> u8 {
        let (pair, shift) = self.pair(slot);
        ((pair >> shift) & 0x1f) as u8
    }

    fn put(&mut self, slot: usize, value: u8) {
        let (mut pair, shift) = self.pair(slot);
        pair &= !(0x1f << shift);
        pair |= u16::from(value & 0x1f) << shift;
        let [low, high] = pair.to_le_bytes();
        let byte = slot * LETTER_BITS / 8;
        self.0[byte] = low;
        if let Some(next) = self.0.get_mut(byte + 1) {
            *next = high;
        }
    }

    fn len(&self) -> usize {
        usize::from(self.get(HISTORY_CAPACITY))
    }

    /// Appends `letter` while there is room; a letter outside the
    /// alphabet is never pushed (every caller pushes one of its letters).
    fn push(&mut self, letter: u8) {
        let len = self.len();
        let code = LETTER_CODES.get(usize::from(letter)).copied().unwrap_or(0);
        if len < HISTORY_CAPACITY && code != 0 {
            self.put(len, code - 1);
            self.put(HISTORY_CAPACITY, len as u8 + 1);
        }
    }

    /// The letters, spelled out.
    fn unpack(&self) -> History {
        let mut history = History::new();
        for slot in 0..self.len() {
            history.push(HISTORY_ALPHABET[usize::from(self.get(slot))]);
        }
        history
    }
}

impl core::fmt::Debug for PackedHistory {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.unpack().fmt(f)
    }
}

const SEEN_SYN: u8 = 1;
const SEEN_FIN: u8 = 2;
const SEEN_RST: u8 = 4;
const SEEN_DATA: u8 = 8;
const SEEN_ACK: u8 = 16;
const SEEN_MULTI: u8 = 32;
const SEEN_FIN_RST: u8 = 64;
/// Not a letter: the endpoint's `start_seq` and `last_seq` are set.
const INITIALIZED: u8 = 128;

/// Where a connection's rare wide values live: a T, W or G count past
/// 16 bits and the relative sequence number of a SYN sent after the
/// endpoint's FIN or RST (any SYN before has relative number 0). The
/// flow table keeps them in its spill; a connection held on its own, in a
/// `[u32; WIDE_VALUES]`.
pub trait WideValues {
    /// Value `i` (`0..WIDE_VALUES`) as last set, 0 if never.
    fn get(&self, i: usize) -> u32;
    /// Sets value `i` (`0..WIDE_VALUES`); 0 is the same as none.
    fn set(&mut self, i: usize, value: u32);
}

/// Wide values a connection may hold: per endpoint its counts of T, W, G
/// and its last SYN's relative sequence number.
pub const WIDE_VALUES: usize = 8;

impl WideValues for [u32; WIDE_VALUES] {
    fn get(&self, i: usize) -> u32 {
        self.as_slice().get(i).copied().unwrap_or(0)
    }

    fn set(&mut self, i: usize, value: u32) {
        if let Some(v) = self.as_mut_slice().get_mut(i) {
            *v = value;
        }
    }
}

/// Which wide value endpoint `e`'s `which` is (`LOG_*` or `LAST_SYN`).
const fn wide_index(e: usize, which: usize) -> usize {
    e * 4 + which
}

/// An endpoint's state as kept here: Zeek's, with `Reset` told apart by
/// the state before it, as far as Zeek's `prev_state` matters (a FIN then
/// a RST, which the peer's FIN turns back to `Closed`). One byte, read as
/// it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum State {
    Inactive,
    SynSent,
    SynAckSent,
    Partial,
    Established,
    Closed,
    /// `Reset`, not right after `Closed`.
    Reset,
    /// `Reset` entered from `Closed`.
    ResetAfterClosed,
}

impl State {
    /// Zeek's state.
    fn zeek(self) -> ZeekEndpointState {
        match self {
            State::Inactive => ZeekEndpointState::Inactive,
            State::SynSent => ZeekEndpointState::SynSent,
            State::SynAckSent => ZeekEndpointState::SynAckSent,
            State::Partial => ZeekEndpointState::Partial,
            State::Established => ZeekEndpointState::Established,
            State::Closed => ZeekEndpointState::Closed,
            State::Reset | State::ResetAfterClosed => ZeekEndpointState::Reset,
        }
    }

    #[inline(always)]
    fn is_reset(self) -> bool {
        matches!(self, State::Reset | State::ResetAfterClosed)
    }
}

/// Zeek's view of one endpoint (20 bytes; its T count is in [`ZeekConn`]). Its numbers keep their full
/// value, as the letters depend on each exactly: a T, W or G count makes a
/// letter at 1, 10, ... 10^9 and again once saturated (16 bits here for T,
/// 8 for the rarer W and G, the rare count past that in the
/// [`WideValues`]); a SYN, FIN or RST repeats
/// its letter only at another relative sequence number than the last
/// one's (a SYN's is 0 but after a FIN or RST: any other in the
/// [`WideValues`]). Of Zeek's `prev_state` only what matters is kept (in
/// [`State`]). No window scale is kept: Zeek's zero-window test scales the
/// window first (by at most 14), and a 16-bit window shifted by 14 or less
/// in 32 bits is zero exactly when the window is.
#[derive(Debug, Clone, Copy)]
struct ZeekEndpoint {
    start_seq: SeqNumber,
    last_seq: SeqNumber,
    last_fin: u32,
    last_rst: u32,
    /// Counts of the logarithmic letters W, G; `u8::MAX`: wide.
    wg_counts: [u8; 2],
    /// The `SEEN_*` letters it sent, and `INITIALIZED`.
    seen: u8,
    state: State,
}

impl ZeekEndpoint {
    /// Zeek's `size`: sequence space sent, less the SYN and the FIN.
    fn size_bytes(&self) -> u64 {
        let size = (self.last_seq - self.start_seq).max(0) as u64;
        size.saturating_sub(u64::from(self.seen & SEEN_SYN != 0))
            .saturating_sub(u64::from(self.seen & SEEN_FIN != 0))
    }

    const fn new() -> Self {
        ZeekEndpoint {
            start_seq: SeqNumber(0),
            last_seq: SeqNumber(0),
            last_fin: 0,
            last_rst: 0,
            wg_counts: [0; 2],
            seen: 0,
            state: State::Inactive,
        }
    }

    /// Moves to `next` (another state), as Zeek's `prev_state` keeps it.
    #[inline(always)]
    fn set_state(&mut self, next: State) {
        self.state = if next == State::Reset && self.state == State::Closed {
            State::ResetAfterClosed
        } else {
            next
        };
    }
}

const LOG_T: usize = 0;
const LOG_W: usize = 1;
const LOG_G: usize = 2;
/// The wide value of the last SYN's relative sequence number.
const LAST_SYN: usize = 3;

/// Zeek's bookkeeping of one connection: endpoint states and history.
#[derive(Debug, Clone, Copy)]
pub struct ZeekConn {
    /// `[originator, responder]`.
    endpoints: [ZeekEndpoint; 2],
    /// Each endpoint's count of the logarithmic letter T; `u16::MAX`: wide
    /// (beside the endpoints, which 4-byte alignment would pad).
    t_counts: [u16; 2],
    history: PackedHistory,
}

const _: () = assert!(core::mem::size_of::<ZeekEndpoint>() <= 20);
const _: () = assert!(core::mem::size_of::<ZeekConn>() <= 64);

impl Default for ZeekConn {
    fn default() -> Self {
        Self::new(false)
    }
}

impl ZeekConn {
    /// A connection; `flipped` when the first segment came from the
    /// responder (Zeek then starts the history with `^`).
    pub fn new(flipped: bool) -> Self {
        let mut history = PackedHistory::new();
        if flipped {
            history.push(b'^');
        }
        ZeekConn {
            endpoints: [ZeekEndpoint::new(); 2],
            t_counts: [0; 2],
            history,
        }
    }

    /// The history letters so far.
    pub fn history(&self) -> History {
        self.history.unpack()
    }

    /// Zeek's `conn_state` from the endpoint states and history.
    pub fn conn_state(&self) -> &'static str {
        use ZeekEndpointState::*;
        let os = self.endpoints[0].state.zeek();
        let rs = self.endpoints[1].state.zeek();
        let o_inactive = matches!(os, Inactive | Partial);
        let r_inactive = matches!(rs, Inactive | Partial);
        if rs == Reset {
            if matches!(os, SynSent | SynAckSent)
                || (os == Reset
                    && self.endpoints[0].size_bytes() == 0
                    && self.endpoints[1].size_bytes() == 0)
            {
                return "REJ";
            }
            return if o_inactive { "RSTRH" } else { "RSTR" };
        }
        if os == Reset {
            if r_inactive {
                return if rstos0_history(self.history.unpack().as_str()) {
                    "RSTOS0"
                } else {
                    "OTH"
                };
            }
            return "RSTO";
        }
        if rs == Closed && os == Closed {
            return "SF";
        }
        if os == Closed {
            return if r_inactive { "SH" } else { "S2" };
        }
        if rs == Closed {
            return if o_inactive { "SHR" } else { "S3" };
        }
        if os == SynSent && rs == Inactive {
            return "S0";
        }
        if os == Established && rs == Established {
            return "S1";
        }
        "OTH"
    }

    /// Feeds one segment; `from_orig` when the originator sent it. The
    /// connection's wide values are in `wide` (the same store every time).
    pub fn on_segment(&mut self, seg: &SegmentFacts, from_orig: bool, wide: &mut impl WideValues) {
        let (e, p) = if from_orig { (0, 1) } else { (1, 0) };
        let f = seg.flags;
        let upper = |c: u8| if from_orig { c } else { c.to_ascii_lowercase() };

        // Sequence bookkeeping (start, last).
        let seq_end = seg.seq + seg.seq_len();
        {
            let ep = &mut self.endpoints[e];
            let rebase = f.syn()
                && match ep.state {
                    State::Inactive => true,
                    State::SynSent | State::SynAckSent => seg.seq != ep.start_seq,
                    State::Established | State::Partial => true,
                    _ => false,
                };
            if ep.seen & INITIALIZED == 0 || rebase {
                ep.seen |= INITIALIZED;
                if f.syn() {
                    ep.start_seq = seg.seq;
                    ep.last_seq = seq_end;
                } else {
                    ep.start_seq = seg.seq + u32::MAX; // seq - 1
                    ep.last_seq = seg.seq;
                }
            }
        }
        if f.ack() && self.endpoints[p].seen & INITIALIZED == 0 {
            let peer = &mut self.endpoints[p];
            peer.seen |= INITIALIZED;
            peer.start_seq = seg.ack + u32::MAX;
            peer.last_seq = seg.ack;
        }

        // Flag letters.
        let rel_seq = (seg.seq - self.endpoints[e].start_seq) as u32;
        let n = u8::from(f.syn()) + u8::from(f.fin()) + u8::from(f.rst());
        if n >= 2 {
            if f.fin() && f.rst() {
                self.once(e, SEEN_FIN_RST, upper(b'I'));
            } else {
                self.once(e, SEEN_MULTI, upper(b'Q'));
            }
        } else if n == 1 {
            if f.syn() {
                let letter = if f.ack() { b'H' } else { b'S' };
                let first = self.endpoints[e].seen & SEEN_SYN == 0;
                // Before an endpoint's FIN or RST, a SYN sets its start
                // (or repeats it): relative number 0. After, it stays
                // ended (Closed and Reset lead nowhere else): only then
                // can the last SYN's number be another.
                let ended = matches!(
                    self.endpoints[e].state,
                    State::Closed | State::Reset | State::ResetAfterClosed
                );
                let last_syn = if ended {
                    wide.get(wide_index(e, LAST_SYN))
                } else {
                    debug_assert_eq!(rel_seq, 0);
                    0
                };
                if first || rel_seq != last_syn {
                    self.endpoints[e].seen |= SEEN_SYN;
                    self.history.push(upper(letter));
                }
                if rel_seq != last_syn {
                    wide.set(wide_index(e, LAST_SYN), rel_seq);
                }
            } else if f.fin() {
                let pos = rel_seq.wrapping_add(seg.payload_len);
                let first = self.endpoints[e].seen & SEEN_FIN == 0;
                if first || pos != self.endpoints[e].last_fin {
                    self.endpoints[e].seen |= SEEN_FIN;
                    self.history.push(upper(b'F'));
                }
                self.endpoints[e].last_fin = pos;
            } else {
                let first = self.endpoints[e].seen & SEEN_RST == 0;
                if first || rel_seq != self.endpoints[e].last_rst {
                    self.endpoints[e].seen |= SEEN_RST;
                    self.history.push(upper(b'R'));
                }
                self.endpoints[e].last_rst = rel_seq;
            }
        } else if seg.payload_len > 0 {
            self.once(e, SEEN_DATA, upper(b'D'));
        } else if f.ack() {
            self.once(e, SEEN_ACK, upper(b'A'));
        }

        // Zero window (scaled or not: the same test, see `ZeekEndpoint`).
        if seg.window == 0
            && !f.rst()
            && self.endpoints[p].state != State::Closed
            && !self.endpoints[e].state.is_reset()
        {
            self.scaled(e, LOG_W, upper(b'W'), wide);
        }

        // Retransmission: payload that does not move the highest end seen.
        {
            let ep = self.endpoints[e];
            let payload_end = if f.rst() {
                seg.seq + u32::from(f.syn()) + u32::from(f.fin())
            } else {
                seq_end
            };
            let delta = payload_end - ep.last_seq;
            if (f.syn() || f.rst()) && delta.unsigned_abs() > 1_048_576 {
                // A SYN or RST far away: not a retransmission, not progress.
            } else if f.fin() && ep.last_seq == ep.start_seq + 1 {
                self.endpoints[e].last_seq = payload_end;
            } else if ep.state.is_reset() {
            } else if delta > 0 {
                self.endpoints[e].last_seq = payload_end;
            } else if seg.payload_len > 0 {
                self.scaled(e, LOG_T, upper(b'T'), wide);
            }
        }

        // Content gap: the sender acknowledges what the peer never showed.
        if f.ack()
            && self.endpoints[p].seen & INITIALIZED != 0
            && seg.ack > self.endpoints[p].last_seq
            && self.both_established_or_closing()
        {
            self.scaled(e, LOG_G, upper(b'G'), wide);
            self.endpoints[p].last_seq = seg.ack;
        }

        self.update_state(seg, e, p, from_orig);
    }

    fn both_established_or_closing(&self) -> bool {
        self.endpoints
            .iter()
            .all(|e| matches!(e.state, State::Established | State::Closed))
    }

    fn once(&mut self, e: usize, mask: u8, letter: u8) {
        if self.endpoints[e].seen & mask == 0 {
            self.endpoints[e].seen |= mask;
            self.history.push(letter);
        }
    }

    /// Endpoint `e`'s count `which` (`LOG_*`) as held here, and the value
    /// that means the [`WideValues`] hold it.
    #[inline(always)]
    fn count(&self, e: usize, which: usize) -> (u32, u32) {
        match which {
            LOG_T => (u32::from(self.t_counts[e]), u32::from(u16::MAX)),
            _ => (
                u32::from(self.endpoints[e].wg_counts[(which - 1) & 1]),
                u32::from(u8::MAX),
            ),
        }
    }

    /// Holds `value` (at most the wide mark) as endpoint `e`'s count `which`.
    #[inline(always)]
    fn set_count(&mut self, e: usize, which: usize, value: u32) {
        match which {
            LOG_T => self.t_counts[e] = value as u16,
            _ => self.endpoints[e].wg_counts[(which - 1) & 1] = value as u8,
        }
    }

    /// Zeek's scaled history entry: the letter on the 1st, 10th, 100th, ... event.
    fn scaled(&mut self, e: usize, which: usize, letter: u8, wide: &mut impl WideValues) {
        let (stored, wide_at) = self.count(e, which);
        let count = if stored < wide_at - 1 {
            stored + 1
        } else {
            // From the wide mark on, the wide value counts.
            let i = wide_index(e, which);
            let old = if stored == wide_at {
                wide.get(i)
            } else {
                stored
            };
            let count = old.saturating_add(1);
            wide.set(i, count);
            count
        };
        self.set_count(e, which, count.min(wide_at));
        let mut threshold = 1u32;
        while threshold < count {
            threshold = threshold.saturating_mul(10);
        }
        if threshold == count {
            self.history.push(letter);
        }
    }

    #[inline(always)]
    fn update_state(&mut self, seg: &SegmentFacts, e: usize, p: usize, from_orig: bool) {
        use State::*;
        let f = seg.flags;
        let state = self.endpoints[e].state;
        let peer = self.endpoints[p].state;
        let mut next = state;
        match state {
            Inactive => {
                if f.syn() {
                    if from_orig {
                        next = if f.ack() { SynAckSent } else { SynSent };
                    } else {
                        if peer == SynSent {
                            self.endpoints[p].set_state(Established);
                        }
                        next = Established;
                    }
                }
                if f.fin() {
                    next = Closed;
                }
                if f.rst() {
                    next = Reset;
                }
                if !f.syn() && !f.fin() && !f.rst() {
                    next = if !from_orig && seg.payload_len == 0 && peer == SynSent {
                        Inactive
                    } else if f.ack() && peer == Established {
                        Established
                    } else {
                        Partial
                    };
                }
            }
            SynSent | SynAckSent => {
                if f.fin() {
                    next = Closed;
                }
                if f.rst() {
                    next = Reset;
                }
            }
            Established | Partial => {
                if f.syn() && !f.ack() && state == Partial && peer == Inactive {
                    next = SynSent;
                }
                if f.fin() && !f.rst() {
                    next = Closed;
                    // Zeek's UpdateEstablishedState: a peer that sent a
                    // FIN and then a RST is turned back to CLOSED, "because
                    // this was actually normal termination".
                    let peer_ep = &mut self.endpoints[p];
                    if peer_ep.state == ResetAfterClosed {
                        peer_ep.set_state(Closed);
                    }
                }
                if f.rst() {
                    next = Reset;
                }
            }
            Closed => {
                if f.rst() && peer != Closed {
                    next = Reset;
                }
            }
            Reset | ResetAfterClosed => {}
        }
        let ep = &mut self.endpoints[e];
        if next != state {
            ep.set_state(next);
        }
    }
}

/// Zeek's RSTOS0 test: the history matches `^\^?S[^HAFGIQ]*R.*` whole.
fn rstos0_history(history: &str) -> bool {
    let h = history.strip_prefix('^').unwrap_or(history);
    let Some(rest) = h.strip_prefix('S') else {
        return false;
    };
    for c in rest.chars() {
        if c == 'R' {
            return true;
        }
        if "HAFGIQ".contains(c) {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::TcpFlags;

    fn seg(seq: u32, ack: u32, flags: TcpFlags, len: u32) -> SegmentFacts {
        SegmentFacts {
            ts_ns: 0,
            seq: SeqNumber(seq),
            ack: SeqNumber(ack),
            flags,
            window: 1000,
            payload_len: len,
            window_scale: None,
        }
    }

    /// A connection past its handshake (the originator's ACK carrying
    /// `len` bytes), with its wide values.
    fn handshaken(len: u32) -> (ZeekConn, [u32; WIDE_VALUES]) {
        let mut z = ZeekConn::new(false);
        let mut w = [0; WIDE_VALUES];
        z.on_segment(&seg(100, 0, S, 0), true, &mut w);
        z.on_segment(&seg(500, 101, S | A, 0), false, &mut w);
        z.on_segment(&seg(101, 501, A, len), true, &mut w);
        (z, w)
    }

    const S: TcpFlags = TcpFlags::SYN;
    const A: TcpFlags = TcpFlags::ACK;
    const F: TcpFlags = TcpFlags::FIN;
    const R: TcpFlags = TcpFlags::RST;

    #[test]
    fn a_complete_connection_is_sf_with_the_classic_history() {
        let mut z = ZeekConn::new(false);
        let mut w = [0; WIDE_VALUES];
        z.on_segment(&seg(100, 0, S, 0), true, &mut w);
        assert_eq!(z.conn_state(), "S0");
        z.on_segment(&seg(500, 101, S | A, 0), false, &mut w);
        assert_eq!(z.conn_state(), "S1");
        z.on_segment(&seg(101, 501, A, 0), true, &mut w);
        z.on_segment(&seg(101, 501, A, 10), true, &mut w);
        z.on_segment(&seg(501, 111, A, 20), false, &mut w);
        z.on_segment(&seg(111, 521, F | A, 0), true, &mut w);
        z.on_segment(&seg(521, 112, F | A, 0), false, &mut w);
        z.on_segment(&seg(112, 522, A, 0), true, &mut w);
        assert_eq!(z.conn_state(), "SF");
        assert_eq!(z.history().as_str(), "ShADdFf");
    }

    #[test]
    fn a_refused_syn_is_rej() {
        let mut z = ZeekConn::new(false);
        let mut w = [0; WIDE_VALUES];
        z.on_segment(&seg(100, 0, S, 0), true, &mut w);
        z.on_segment(&seg(0, 101, R | A, 0), false, &mut w);
        assert_eq!(z.conn_state(), "REJ");
        assert_eq!(z.history().as_str(), "Sr");
    }

    #[test]
    fn syn_then_own_rst_is_rstos0() {
        let mut z = ZeekConn::new(false);
        let mut w = [0; WIDE_VALUES];
        z.on_segment(&seg(100, 0, S, 0), true, &mut w);
        z.on_segment(&seg(101, 0, R, 0), true, &mut w);
        assert_eq!(z.history().as_str(), "SR");
        assert_eq!(z.conn_state(), "RSTOS0");
    }

    #[test]
    fn the_packed_history_keeps_every_letter_in_order_up_to_the_capacity() {
        let mut packed = PackedHistory::new();
        let mut plain = History::new();
        // Every letter, then more than the capacity holds.
        let letters = HISTORY_ALPHABET.iter().chain(HISTORY_ALPHABET.iter().rev());
        for (i, &letter) in letters.enumerate() {
            packed.push(letter);
            plain.push(letter);
            assert_eq!(packed.unpack(), plain, "after {} letters", i + 1);
        }
        assert_eq!(plain.as_str().len(), HISTORY_CAPACITY);
        assert_eq!(
            packed.unpack().as_str(),
            "^SHADFRIQTWGshadfriqtwggwtqirfdahs"[..HISTORY_CAPACITY].to_string()
        );
    }

    #[test]
    fn retransmissions_are_logarithmic() {
        let (mut z, mut w) = handshaken(10);
        for _ in 0..10 {
            z.on_segment(&seg(101, 501, A, 10), true, &mut w);
        }
        assert_eq!(z.history().as_str(), "ShDTT");
    }

    #[test]
    fn counts_past_16_bits_go_wide_and_make_their_letters_exactly() {
        let (mut z, mut w) = handshaken(10);
        // 100 000 retransmissions: T at 1, 10, ... 100 000, none at 65 535.
        for n in 1..=100_000u32 {
            z.on_segment(&seg(101, 501, A, 10), true, &mut w);
            if n == 65_534 {
                assert_eq!(z.count(0, LOG_T), (65_534, 65_535));
                assert_eq!(w, [0; WIDE_VALUES], "nothing wide yet");
            }
        }
        assert_eq!(z.history().as_str(), "ShDTTTTTT");
        assert_eq!(z.count(0, LOG_T), (65_535, 65_535));
        assert_eq!(w[wide_index(0, LOG_T)], 100_000);
        // Near 10^9 and the saturation: the letter at 10^9, then at
        // u32::MAX and every time after, as a saturated u32 count makes it.
        w[wide_index(0, LOG_T)] = 999_999_998;
        z.on_segment(&seg(101, 501, A, 10), true, &mut w);
        assert_eq!(z.history().as_str(), "ShDTTTTTT");
        z.on_segment(&seg(101, 501, A, 10), true, &mut w);
        assert_eq!(z.history().as_str(), "ShDTTTTTTT");
        w[wide_index(0, LOG_T)] = u32::MAX - 1;
        z.on_segment(&seg(101, 501, A, 10), true, &mut w);
        z.on_segment(&seg(101, 501, A, 10), true, &mut w);
        assert_eq!(z.history().as_str(), "ShDTTTTTTTTT");
        assert_eq!(w[wide_index(0, LOG_T)], u32::MAX);
        // The responder's counts and the other letters are apart.
        assert_eq!(w[wide_index(1, LOG_T)], 0);
        assert_eq!(z.count(0, LOG_W), (0, 255));
    }

    #[test]
    fn zero_windows_and_gaps_past_8_bits_go_wide() {
        let (mut z, mut w) = handshaken(0);
        // 1 000 zero windows from the responder: w at 1, 10, 100, 1 000.
        let mut zero = seg(501, 101, A, 0);
        zero.window = 0;
        for n in 1..=1000u32 {
            z.on_segment(&zero, false, &mut w);
            if n == 254 {
                assert_eq!(z.count(1, LOG_W), (254, 255));
                assert_eq!(w, [0; WIDE_VALUES]);
            }
        }
        assert_eq!(z.count(1, LOG_W), (255, 255));
        assert_eq!(w[wide_index(1, LOG_W)], 1000);
        assert_eq!(z.history().as_str(), "ShAawwww");
        // 300 content gaps from the originator: g at 1, 10, 100.
        for n in 0..300u32 {
            z.on_segment(&seg(101, 502 + n, A, 0), true, &mut w);
        }
        assert_eq!(w[wide_index(0, LOG_G)], 300);
        assert_eq!(z.history().as_str(), "ShAawwwwGGG");
        assert_eq!(z.count(0, LOG_T), (0, 65_535));
    }

    #[test]
    fn a_syn_repeats_its_letter_only_at_another_relative_number() {
        let (mut z, mut w) = handshaken(0);
        z.on_segment(&seg(101, 501, F | A, 0), true, &mut w);
        // A SYN after its FIN: no new start, relative number 50, a letter.
        z.on_segment(&seg(150, 0, S, 0), true, &mut w);
        assert_eq!(w[wide_index(0, LAST_SYN)], 50);
        // The same again: none; another: one.
        z.on_segment(&seg(150, 0, S, 0), true, &mut w);
        z.on_segment(&seg(160, 0, S, 0), true, &mut w);
        assert_eq!(z.history().as_str(), "ShAFSS");
        assert_eq!(w[wide_index(0, LAST_SYN)], 60);
        // At relative 0 (the start again): a letter, and nothing wide.
        z.on_segment(&seg(100, 0, S, 0), true, &mut w);
        assert_eq!(w, [0; WIDE_VALUES]);
        assert_eq!(z.history().as_str(), "ShAFSSS");
    }

    #[test]
    fn a_fin_then_a_rst_is_a_normal_close_once_the_peer_fins() {
        let (mut z, mut w) = handshaken(0);
        z.on_segment(&seg(101, 501, F | A, 0), true, &mut w);
        z.on_segment(&seg(102, 0, R, 0), true, &mut w);
        assert_eq!(z.endpoints[0].state, State::ResetAfterClosed);
        assert_eq!(z.endpoints[0].state.zeek(), ZeekEndpointState::Reset);
        assert_eq!(z.conn_state(), "RSTO");
        z.on_segment(&seg(501, 102, F | A, 0), false, &mut w);
        assert_eq!(z.endpoints[0].state, State::Closed);
        assert_eq!(z.conn_state(), "SF");
        // A RST not after a FIN stays one.
        let mut z = ZeekConn::new(false);
        z.on_segment(&seg(100, 0, S, 0), true, &mut w);
        z.on_segment(&seg(500, 101, S | A, 0), false, &mut w);
        z.on_segment(&seg(101, 501, R, 0), true, &mut w);
        assert_eq!(z.endpoints[0].state, State::Reset);
        z.on_segment(&seg(501, 102, F | A, 0), false, &mut w);
        assert_eq!(z.conn_state(), "RSTO");
    }

    #[test]
    fn a_reset_remembers_only_whether_it_came_from_closed() {
        let mut e = ZeekEndpoint::new();
        e.set_state(State::Closed);
        e.set_state(State::Reset);
        assert_eq!(e.state, State::ResetAfterClosed);
        assert!(e.state.is_reset());
        e.set_state(State::Closed);
        e.set_state(State::Established);
        e.set_state(State::Reset);
        assert_eq!(e.state, State::Reset);
        assert_eq!(e.state.zeek(), ZeekEndpointState::Reset);
        // A zero window scaled by at most 14 in 32 bits: zero exactly
        // when the window is (no window scale kept).
        for window in [0u16, 1, 0x8000, u16::MAX] {
            assert_eq!(u32::from(window) << 14 == 0, window == 0);
        }
        assert_eq!(core::mem::size_of::<ZeekEndpoint>(), 20);
        assert_eq!(core::mem::size_of::<ZeekConn>(), 64);
    }
}
