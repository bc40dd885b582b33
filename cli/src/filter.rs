//! Which segments and connections a command shows: `--stream`, `--port`,
//! `--host`, `--phase`. Within one option any value matches; across
//! options all must.

use crate::prefix::Prefix;
use core::net::SocketAddr;
use tcpphase::phase::Phase;
use tcpphase::track::Annotation;

/// The filters of a command; empty lists match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Wireshark stream numbers.
    pub streams: Vec<u64>,
    /// Ports, either side.
    pub ports: Vec<u16>,
    /// Addresses or prefixes, either side.
    pub hosts: Vec<Prefix>,
    /// Phases.
    pub phases: PhaseSet,
}

impl Filter {
    /// Whether the filter lets everything through.
    pub fn is_empty(&self) -> bool {
        self.streams.is_empty()
            && self.ports.is_empty()
            && self.hosts.is_empty()
            && self.phases.is_all()
    }

    /// Whether a connection of `stream` between `a` and `b` passes the
    /// stream, port and host filters.
    pub fn matches_endpoints(&self, stream: u64, a: SocketAddr, b: SocketAddr) -> bool {
        (self.streams.is_empty() || self.streams.contains(&stream))
            && (self.ports.is_empty()
                || self.ports.contains(&a.port())
                || self.ports.contains(&b.port()))
            && (self.hosts.is_empty()
                || self
                    .hosts
                    .iter()
                    .any(|h| h.contains(a.ip()) || h.contains(b.ip())))
    }

    /// Whether a segment passes every filter.
    pub fn matches_segment(&self, a: &Annotation) -> bool {
        self.phases.contains(a.phase) && self.matches_endpoints(a.stream, a.src, a.dst)
    }

    /// Whether a frame that does not parse is shown: it has no stream,
    /// ports or addresses, so only when no such filter is set and the
    /// phase `other` is wanted.
    pub fn matches_malformed(&self) -> bool {
        self.streams.is_empty()
            && self.ports.is_empty()
            && self.hosts.is_empty()
            && self.phases.contains(Phase::Other)
    }
}

/// A set of phases, as `--phase handshake,reset` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseSet(u8);

impl Default for PhaseSet {
    fn default() -> Self {
        PhaseSet::ALL
    }
}

impl PhaseSet {
    /// Every phase.
    pub const ALL: PhaseSet = PhaseSet(0x7f);
    /// No phase.
    pub const NONE: PhaseSet = PhaseSet(0);

    const fn bit(p: Phase) -> u8 {
        1 << (p as u8)
    }

    /// Whether every phase is in the set.
    pub fn is_all(self) -> bool {
        self == PhaseSet::ALL
    }

    /// Whether `p` is in the set.
    pub fn contains(self, p: Phase) -> bool {
        self.0 & PhaseSet::bit(p) != 0
    }

    /// Adds `p`.
    pub fn insert(&mut self, p: Phase) {
        self.0 |= PhaseSet::bit(p);
    }

    /// Whether the two sets share a phase.
    pub fn intersects(self, other: PhaseSet) -> bool {
        self.0 & other.0 != 0
    }

    /// The phases of a comma-separated list of names: the phase
    /// names, and `close` for both `active-close` and `passive-close`.
    pub fn parse(list: &str) -> Result<PhaseSet, String> {
        let mut set = PhaseSet::NONE;
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if name == "close" {
                set.insert(Phase::ActiveClose);
                set.insert(Phase::PassiveClose);
                continue;
            }
            match Phase::from_name(name) {
                Some(p) => set.insert(p),
                None => {
                    let known: Vec<&str> = Phase::ALL.iter().map(|p| p.name()).collect();
                    return Err(format!(
                        "unknown phase '{name}': the phases are {}, and close (active-close and passive-close)",
                        known.join(", ")
                    ));
                }
            }
        }
        if set == PhaseSet::NONE {
            return Err("no phase named".into());
        }
        Ok(set)
    }
}

impl core::ops::BitOr for PhaseSet {
    type Output = PhaseSet;
    fn bitor(self, rhs: PhaseSet) -> PhaseSet {
        PhaseSet(self.0 | rhs.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_lists_parse_with_the_close_shorthand_and_reject_unknown_names() {
        let set = PhaseSet::parse("handshake, close").unwrap();
        assert!(set.contains(Phase::Handshake));
        assert!(set.contains(Phase::ActiveClose) && set.contains(Phase::PassiveClose));
        assert!(!set.contains(Phase::Data) && !set.contains(Phase::HalfClose));
        let err = PhaseSet::parse("handshake,finish").unwrap_err();
        assert!(err.contains("unknown phase 'finish'"), "{err}");
        assert!(err.contains("half-close"), "{err}");
        assert!(PhaseSet::parse(",").is_err());
    }

    #[test]
    fn endpoints_match_either_side_and_every_option() {
        let a: SocketAddr = "10.0.0.1:40000".parse().unwrap();
        let b: SocketAddr = "10.0.0.2:80".parse().unwrap();
        let mut f = Filter {
            ports: vec![80],
            ..Filter::default()
        };
        assert!(f.matches_endpoints(3, a, b) && f.matches_endpoints(3, b, a));
        f.hosts = vec!["10.0.0.9".parse().unwrap()];
        assert!(!f.matches_endpoints(3, a, b));
        f.hosts.push("10.0.0.1".parse().unwrap());
        assert!(f.matches_endpoints(3, a, b));
        f.hosts = vec!["10.0.0.0/30".parse().unwrap()];
        assert!(f.matches_endpoints(3, a, b));
        f.streams = vec![4];
        assert!(!f.matches_endpoints(3, a, b));
    }
}
