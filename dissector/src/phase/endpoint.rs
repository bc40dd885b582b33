//! What the observer knows of one endpoint: its state and its sequence space.
//!
//! Packed for the flow table (24 bytes): each optional sequence number is
//! the number plus a presence bit, and the yes/no facts share one byte.
//! An absent number is stored as 0, so equal endpoints compare equal.

use super::state::TcpState;
use crate::wire::SeqNumber;

/// The presence bits and yes/no facts of an endpoint, one bit each.
mod bit {
    pub const HAS_NEXT_SEQ: u8 = 1 << 0;
    pub const HAS_FIN_SEQ: u8 = 1 << 1;
    pub const HAS_HIGHEST_ACK: u8 = 1 << 2;
    pub const HAS_HOLE: u8 = 1 << 3;
    pub const FIN_ACKED: u8 = 1 << 4;
    pub const ACKED_PEER_FIN: u8 = 1 << 5;
    pub const SENT_SYN: u8 = 1 << 6;
    pub const SENT_SYN_ACK: u8 = 1 << 7;
}

/// One endpoint of a connection, as far as its segments and its peer's
/// acknowledgements show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// Its ISN; meaningful once it sent a SYN or SYN-ACK (the ISN is set
    /// exactly when one of those is noted).
    isn: SeqNumber,
    /// See [`Endpoint::next_seq`].
    next_seq: SeqNumber,
    /// See [`Endpoint::fin_seq`].
    fin_seq: SeqNumber,
    /// See [`Endpoint::highest_ack`].
    highest_ack: SeqNumber,
    /// See [`Endpoint::hole_start`].
    hole_start: SeqNumber,
    /// The window field of its latest segment (unscaled).
    pub window: u16,
    /// Its RFC 9293 state right now.
    pub state: TcpState,
    /// The `bit` flags.
    bits: u8,
}

const _: () = assert!(core::mem::size_of::<Endpoint>() <= 24);

impl Endpoint {
    /// An endpoint in `state` of which nothing else is known yet.
    pub const fn new(state: TcpState) -> Self {
        Endpoint {
            isn: SeqNumber(0),
            next_seq: SeqNumber(0),
            fin_seq: SeqNumber(0),
            highest_ack: SeqNumber(0),
            hole_start: SeqNumber(0),
            window: 0,
            state,
            bits: 0,
        }
    }

    /// Whether it is in a state that had completed (or skipped) the handshake.
    pub const fn is_synchronized(&self) -> bool {
        !matches!(
            self.state,
            TcpState::Listen | TcpState::SynSent | TcpState::SynReceived | TcpState::Unknown
        )
    }

    const fn has(&self, bit: u8) -> bool {
        self.bits & bit != 0
    }

    fn put(&mut self, bit: u8, on: bool) {
        if on {
            self.bits |= bit;
        } else {
            self.bits &= !bit;
        }
    }

    const fn get(&self, bit: u8, value: SeqNumber) -> Option<SeqNumber> {
        if self.has(bit) {
            Some(value)
        } else {
            None
        }
    }

    /// Sequence number of its latest SYN or SYN-ACK, once it sent one.
    pub const fn isn(&self) -> Option<SeqNumber> {
        if self.has(bit::SENT_SYN | bit::SENT_SYN_ACK) {
            Some(self.isn)
        } else {
            None
        }
    }

    /// It sent a SYN without ACK.
    pub const fn sent_syn(&self) -> bool {
        self.has(bit::SENT_SYN)
    }

    /// It sent a SYN with ACK.
    pub const fn sent_syn_ack(&self) -> bool {
        self.has(bit::SENT_SYN_ACK)
    }

    /// Notes its SYN (`with_ack`: its SYN-ACK) at `seq`, its ISN from now on.
    pub fn note_syn(&mut self, seq: SeqNumber, with_ack: bool) {
        self.bits |= if with_ack {
            bit::SENT_SYN_ACK
        } else {
            bit::SENT_SYN
        };
        self.isn = seq;
    }

    /// One past the highest sequence number it has sent (SYN and FIN count).
    pub const fn next_seq(&self) -> Option<SeqNumber> {
        self.get(bit::HAS_NEXT_SEQ, self.next_seq)
    }

    /// Sets [`Endpoint::next_seq`].
    pub fn set_next_seq(&mut self, seq: SeqNumber) {
        self.bits |= bit::HAS_NEXT_SEQ;
        self.next_seq = seq;
    }

    /// The sequence number its FIN occupies, once it sent one.
    pub const fn fin_seq(&self) -> Option<SeqNumber> {
        self.get(bit::HAS_FIN_SEQ, self.fin_seq)
    }

    /// Sets [`Endpoint::fin_seq`].
    pub fn set_fin_seq(&mut self, seq: SeqNumber) {
        self.bits |= bit::HAS_FIN_SEQ;
        self.fin_seq = seq;
    }

    /// Highest acknowledgement number it has sent: the left edge of the
    /// window it offers.
    pub const fn highest_ack(&self) -> Option<SeqNumber> {
        self.get(bit::HAS_HIGHEST_ACK, self.highest_ack)
    }

    /// Sets [`Endpoint::highest_ack`].
    pub fn set_highest_ack(&mut self, ack: SeqNumber) {
        self.bits |= bit::HAS_HIGHEST_ACK;
        self.highest_ack = ack;
    }

    /// Start of sequence space it sent that the capture skipped (a later
    /// segment began beyond `next_seq`), until something fills or acks it.
    pub const fn hole_start(&self) -> Option<SeqNumber> {
        self.get(bit::HAS_HOLE, self.hole_start)
    }

    /// Sets [`Endpoint::hole_start`] (`None`: the hole is filled or acked).
    pub fn set_hole_start(&mut self, start: Option<SeqNumber>) {
        self.put(bit::HAS_HOLE, start.is_some());
        self.hole_start = start.unwrap_or(SeqNumber(0));
    }

    /// Its FIN has been acknowledged by the peer.
    pub const fn fin_acked(&self) -> bool {
        self.has(bit::FIN_ACKED)
    }

    /// Sets [`Endpoint::fin_acked`] (cleared when its FIN comes again:
    /// the ACK the capture showed was lost).
    pub fn set_fin_acked(&mut self, acked: bool) {
        self.put(bit::FIN_ACKED, acked);
    }

    /// It has acknowledged the peer's FIN.
    pub const fn acked_peer_fin(&self) -> bool {
        self.has(bit::ACKED_PEER_FIN)
    }

    /// Notes that it acknowledged the peer's FIN.
    pub fn note_acked_peer_fin(&mut self) {
        self.bits |= bit::ACKED_PEER_FIN;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_fact_reads_back_alone() {
        let mut e = Endpoint::new(TcpState::Listen);
        assert_eq!(
            (e.isn(), e.next_seq(), e.fin_seq(), e.highest_ack()),
            (None, None, None, None)
        );
        e.set_next_seq(SeqNumber(7));
        e.set_hole_start(Some(SeqNumber(5)));
        assert_eq!(
            (e.next_seq(), e.hole_start()),
            (Some(SeqNumber(7)), Some(SeqNumber(5)))
        );
        assert_eq!((e.fin_seq(), e.highest_ack(), e.isn()), (None, None, None));
        e.note_syn(SeqNumber(1), true);
        assert!(e.sent_syn_ack() && !e.sent_syn());
        assert_eq!(e.isn(), Some(SeqNumber(1)));
        e.set_hole_start(None);
        assert_eq!(e.hole_start(), None);
        assert_eq!(e, {
            let mut f = Endpoint::new(TcpState::Listen);
            f.set_next_seq(SeqNumber(7));
            f.note_syn(SeqNumber(1), true);
            f
        });
        e.set_fin_acked(true);
        assert!(e.fin_acked() && !e.acked_peer_fin());
        e.set_fin_acked(false);
        assert!(!e.fin_acked());
    }
}
