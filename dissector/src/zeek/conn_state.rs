//! Zeek's `conn_state`, from the two endpoint states, their sizes and the
//! history (`function conn_state` in Zeek's
//! `scripts/base/protocols/conn/main.zeek`).

use super::endpoint_state::EndpointState as St;
use core::fmt;

/// A connection's state as Zeek's conn.log writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnState {
    /// Attempt seen, no reply.
    S0,
    /// Established, not terminated.
    S1,
    /// Normal establishment and termination.
    SF,
    /// Attempt rejected.
    REJ,
    /// Established, the originator closed, no reply from the responder.
    S2,
    /// Established, the responder closed, no reply from the originator.
    S3,
    /// The originator aborted (RST).
    RSTO,
    /// The responder sent a RST.
    RSTR,
    /// The originator sent a SYN then a RST; no SYN-ACK.
    RSTOS0,
    /// The responder sent a SYN-ACK then a RST; no SYN seen.
    RSTRH,
    /// The originator sent a SYN then a FIN; no SYN-ACK ("half-open").
    SH,
    /// The responder sent a SYN-ACK then a FIN; no SYN seen.
    SHR,
    /// No SYN seen, just midstream traffic.
    OTH,
}

impl ConnState {
    /// Zeek's rule over the originator's and responder's states and sizes.
    pub fn of(os: St, rs: St, orig_size: u64, resp_size: u64, history: &str) -> ConnState {
        let o_inactive = matches!(os, St::Inactive | St::Partial);
        let r_inactive = matches!(rs, St::Inactive | St::Partial);
        if rs == St::Reset {
            if matches!(os, St::SynSent | St::SynAckSent)
                || (os == St::Reset && orig_size == 0 && resp_size == 0)
            {
                ConnState::REJ
            } else if o_inactive {
                ConnState::RSTRH
            } else {
                ConnState::RSTR
            }
        } else if os == St::Reset {
            if r_inactive {
                if syn_then_reset(history) {
                    ConnState::RSTOS0
                } else {
                    ConnState::OTH
                }
            } else {
                ConnState::RSTO
            }
        } else if rs == St::Closed && os == St::Closed {
            ConnState::SF
        } else if os == St::Closed {
            if r_inactive {
                ConnState::SH
            } else {
                ConnState::S2
            }
        } else if rs == St::Closed {
            if o_inactive {
                ConnState::SHR
            } else {
                ConnState::S3
            }
        } else if os == St::SynSent && rs == St::Inactive {
            ConnState::S0
        } else if os == St::Established && rs == St::Established {
            ConnState::S1
        } else {
            ConnState::OTH
        }
    }

    /// The name in conn.log.
    pub const fn name(self) -> &'static str {
        match self {
            ConnState::S0 => "S0",
            ConnState::S1 => "S1",
            ConnState::SF => "SF",
            ConnState::REJ => "REJ",
            ConnState::S2 => "S2",
            ConnState::S3 => "S3",
            ConnState::RSTO => "RSTO",
            ConnState::RSTR => "RSTR",
            ConnState::RSTOS0 => "RSTOS0",
            ConnState::RSTRH => "RSTRH",
            ConnState::SH => "SH",
            ConnState::SHR => "SHR",
            ConnState::OTH => "OTH",
        }
    }
}

impl fmt::Display for ConnState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Zeek's pattern `/\^?S[^HAFGIQ]*R.*/` over the whole history.
fn syn_then_reset(history: &str) -> bool {
    let h = history.strip_prefix('^').unwrap_or(history);
    let Some(rest) = h.strip_prefix('S') else {
        return false;
    };
    for c in rest.chars() {
        match c {
            'R' => return true,
            'H' | 'A' | 'F' | 'G' | 'I' | 'Q' => return false,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rstos0_needs_a_syn_then_reset_without_answer_letters() {
        assert!(syn_then_reset("SR"));
        assert!(syn_then_reset("^SdR"));
        assert!(!syn_then_reset("SAR"));
        assert!(!syn_then_reset("R"));
    }
}
