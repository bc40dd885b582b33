//! One side of a Zeek connection: its state, its sequence space as Zeek
//! tracks it (`TCP_Endpoint` in Zeek's `src/analyzer/protocol/tcp/
//! TCP_Endpoint.{h,cc}`), its content gaps and its packet counts (the
//! conn-size analyzer, `src/analyzer/protocol/conn-size/ConnSize.cc`).

use super::endpoint_state::EndpointState;
use super::history::ScaledCounter;
use super::reassembly::Reassembly;

/// The signed distance from `b` to `a`, modulo 2^32 (Zeek's `seq_delta`).
pub fn seq_delta(a: u32, b: u32) -> i32 {
    a.wrapping_sub(b) as i32
}

/// One side of a connection.
#[derive(Debug, Clone, Default)]
pub struct Endpoint {
    /// Zeek's state of this side.
    pub state: EndpointState,
    /// The state before the last change.
    pub prev_state: EndpointState,
    pub(crate) start_seq: u32,
    pub(crate) last_seq: u32,
    pub(crate) ack_seq: u32,
    pub(crate) seq_wraps: u32,
    pub(crate) ack_wraps: u32,
    /// FINs sent.
    pub fin_cnt: u32,
    /// RSTs sent.
    pub rst_cnt: u32,
    /// Relative sequence number one past the last FIN.
    pub(crate) fin_seq: u64,
    /// Whether this side's close has been handled.
    pub did_close: bool,
    pub(crate) hist_last_syn: u64,
    pub(crate) hist_last_fin: u64,
    pub(crate) hist_last_rst: u64,
    pub(crate) gaps: ScaledCounter,
    pub(crate) checksum_errors: ScaledCounter,
    pub(crate) rexmits: ScaledCounter,
    pub(crate) zero_windows: ScaledCounter,
    pub(crate) reassembly: Reassembly,
    /// Packets this side sent (conn-size).
    pub pkts: u64,
    /// IP bytes this side sent: each packet's IP total length (conn-size).
    pub ip_bytes: u64,
}

impl Endpoint {
    /// Zeek's `SetState`; true when this change ends the handshake of
    /// both sides (the inactivity timeout then becomes TCP's).
    pub(crate) fn set_state(&mut self, new: EndpointState, peer: EndpointState) -> bool {
        if new == self.state {
            return false;
        }
        let ends_handshake =
            !new.is_handshake() && self.state.is_handshake() && peer.is_handshake();
        self.prev_state = self.state;
        self.state = new;
        ends_handshake
    }

    pub(crate) fn init_start_seq(&mut self, seq: u32) {
        self.start_seq = seq;
    }

    pub(crate) fn init_ack_seq(&mut self, seq: u32) {
        self.ack_seq = seq;
    }

    pub(crate) fn init_last_seq(&mut self, seq: u32) {
        self.last_seq = seq;
    }

    pub(crate) fn update_last_seq(&mut self, seq: u32) {
        if seq < self.last_seq {
            self.seq_wraps = self.seq_wraps.wrapping_add(1);
        }
        self.last_seq = seq;
    }

    pub(crate) fn update_ack_seq(&mut self, seq: u32) {
        if seq < self.ack_seq {
            self.ack_wraps = self.ack_wraps.wrapping_add(1);
        }
        self.ack_seq = seq;
    }

    fn full(seq: u32, wraps: u32) -> u64 {
        (u64::from(wraps) << 32) | u64::from(seq)
    }

    /// Zeek's `ToFullSeqSpace` of the last sequence number.
    pub(crate) fn full_last_seq(&self) -> u64 {
        Self::full(self.last_seq, self.seq_wraps)
    }

    /// Zeek's `ToRelativeSeqSpace`.
    pub(crate) fn relative(&self, seq: u32, wraps: u32) -> u64 {
        Self::full(seq, wraps).wrapping_sub(u64::from(self.start_seq))
    }

    /// The relative sequence number the peer has acked up to.
    pub(crate) fn relative_ack(&self) -> u64 {
        self.relative(self.ack_seq, self.ack_wraps)
    }

    /// Zeek's `NoDataAcked`.
    pub(crate) fn no_data_acked(&self) -> bool {
        let ack = Self::full(self.ack_seq, self.ack_wraps);
        let start = u64::from(self.start_seq);
        ack == start || ack == start + 1
    }

    /// Zeek's `TCP_Endpoint::Size`: bytes of sequence space sent, from the
    /// highest of last seq and ack, less the SYN and FIN octets.
    pub fn size(&self, peer_state: EndpointState) -> u64 {
        if self.prev_state == EndpointState::SynSent
            && self.state == EndpointState::Reset
            && peer_state == EndpointState::Inactive
            && !self.no_data_acked()
        {
            return 0;
        }
        let last = Self::full(self.last_seq, self.seq_wraps);
        let ack = Self::full(self.ack_seq, self.ack_wraps);
        let mut size = last.max(ack).wrapping_sub(u64::from(self.start_seq));
        if size != 0 {
            size = size.wrapping_sub(1);
        }
        if self.fin_cnt > 0 && size != 0 {
            size = size.wrapping_sub(1);
        }
        size
    }

    /// Whether this side is established, or closed straight from
    /// established (Zeek's `is_clean`).
    pub(crate) fn is_clean(&self) -> bool {
        self.state == EndpointState::Established
            || (self.state == EndpointState::Closed
                && self.prev_state == EndpointState::Established)
    }
}
