//! Zeek's `likely_server_ports`: which side of a connection that begins
//! without a SYN is taken for the server (`TCPAnalyzer::WantConnection` in
//! Zeek's `src/packet_analysis/protocol/tcp/TCP.cc`).

/// TCP ports in Zeek's `likely_server_ports` with its default analyzers
/// (the ports they register in `scripts/base/protocols/*/main.zeek`).
const DEFAULT_SERVER_PORTS: [u16; 52] = [
    21, 22, 23, 25, 53, 80, 81, 88, 110, 135, 139, 143, 389, 443, 445, 502, 512, 513, 514, 563,
    585, 587, 614, 631, 636, 989, 990, 992, 993, 995, 1080, 1883, 2811, 3128, 3268, 3306, 3389,
    5222, 5223, 5269, 5432, 5672, 5900, 6379, 6666, 6667, 6668, 6669, 8000, 8080, 8888, 20000,
];

/// Zeek's `likely_server_ports`: the ports whose side is taken for the
/// server when a connection begins without a SYN. A small sorted set kept
/// inline (the configuration stays `Copy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerPorts {
    ports: [u16; ServerPorts::MAX],
    len: usize,
}

impl ServerPorts {
    /// The most ports the set holds.
    pub const MAX: usize = 64;

    /// The set of these ports; `None` when there are more than [`Self::MAX`].
    pub fn of(ports: &[u16]) -> Option<Self> {
        if ports.len() > Self::MAX {
            return None;
        }
        let mut set = ServerPorts {
            ports: [0; Self::MAX],
            len: ports.len(),
        };
        set.ports[..ports.len()].copy_from_slice(ports);
        set.ports[..ports.len()].sort_unstable();
        Some(set)
    }

    /// Whether `port` is in the set.
    pub fn contains(&self, port: u16) -> bool {
        self.ports[..self.len].binary_search(&port).is_ok()
    }
}

impl Default for ServerPorts {
    /// The ports of Zeek's default analyzers (`zeek` with its base
    /// scripts; `zeek -b` with no protocol script has none).
    fn default() -> Self {
        ServerPorts::of(&DEFAULT_SERVER_PORTS).unwrap_or(ServerPorts {
            ports: [0; Self::MAX],
            len: 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_order_in_bounded_out() {
        let set = ServerPorts::of(&[8443, 80, 22]).unwrap();
        assert!(set.contains(22) && set.contains(80) && set.contains(8443));
        assert!(!set.contains(81));
        assert!(ServerPorts::of(&[1; ServerPorts::MAX + 1]).is_none());
        assert!(ServerPorts::default().contains(6669));
        assert!(!ServerPorts::of(&[]).unwrap().contains(80));
    }
}
