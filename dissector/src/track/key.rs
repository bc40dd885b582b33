//! The key of a flow: its 4-tuple, the same for both directions.

use core::net::{IpAddr, SocketAddr};

/// Which of the two canonical endpoints of a [`FlowKey`] sent a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeySide {
    /// The lower address:port sent it.
    Low = 0,
    /// The higher address:port sent it.
    High = 1,
}

impl KeySide {
    /// 0 or 1.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The other side.
    pub const fn other(self) -> KeySide {
        match self {
            KeySide::Low => KeySide::High,
            KeySide::High => KeySide::Low,
        }
    }
}

/// A connection's 4-tuple with its endpoints in a fixed order (lower
/// address:port first), so both directions find the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FlowKey {
    /// The lower endpoint.
    pub low: (IpAddr, u16),
    /// The higher endpoint.
    pub high: (IpAddr, u16),
}

impl FlowKey {
    /// The key of a segment from `src` to `dst`, and which side sent it.
    ///
    /// ```
    /// use tcpphase::track::{FlowKey, KeySide};
    /// let a = "10.0.0.1:40000".parse().unwrap();
    /// let b = "10.0.0.2:80".parse().unwrap();
    /// let (k1, s1) = FlowKey::of(a, b);
    /// let (k2, s2) = FlowKey::of(b, a);
    /// assert_eq!(k1, k2);
    /// assert_eq!((s1, s2), (KeySide::Low, KeySide::High));
    /// ```
    pub fn of(src: SocketAddr, dst: SocketAddr) -> (FlowKey, KeySide) {
        let s = (src.ip(), src.port());
        let d = (dst.ip(), dst.port());
        // Two IPv4 endpoints (most segments) compare as one number each,
        // address then port: the same order as the tuples', in fewer
        // instructions than the generic comparison of enum and tuple.
        let src_is_low = match (s.0, d.0) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                (u64::from(a.to_bits()) << 16 | u64::from(s.1))
                    <= (u64::from(b.to_bits()) << 16 | u64::from(d.1))
            }
            _ => s <= d,
        };
        if src_is_low {
            (FlowKey { low: s, high: d }, KeySide::Low)
        } else {
            (FlowKey { low: d, high: s }, KeySide::High)
        }
    }

    /// The address:port of one side.
    pub fn endpoint(&self, side: KeySide) -> SocketAddr {
        let (ip, port) = match side {
            KeySide::Low => self.low,
            KeySide::High => self.high,
        };
        SocketAddr::new(ip, port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order of the tuples (address, then port), which the fast IPv4
    /// comparison must give too.
    fn reference(src: SocketAddr, dst: SocketAddr) -> (FlowKey, KeySide) {
        let s = (src.ip(), src.port());
        let d = (dst.ip(), dst.port());
        if s <= d {
            (FlowKey { low: s, high: d }, KeySide::Low)
        } else {
            (FlowKey { low: d, high: s }, KeySide::High)
        }
    }

    #[test]
    fn ipv4_endpoints_order_as_their_tuples() {
        let ips = [
            "0.0.0.0",
            "10.0.0.1",
            "10.0.0.2",
            "10.0.1.0",
            "128.0.0.1",
            "255.255.255.255",
        ];
        let ports = [0u16, 1, 80, 255, 256, 32768, 65535];
        let mut endpoints = Vec::new();
        for ip in ips {
            for port in ports {
                endpoints.push(SocketAddr::new(ip.parse().unwrap(), port));
            }
        }
        endpoints.push("[::1]:80".parse().unwrap());
        endpoints.push("[::ffff:10.0.0.1]:80".parse().unwrap());
        let mut lows = 0;
        for &a in &endpoints {
            for &b in &endpoints {
                let got = FlowKey::of(a, b);
                assert_eq!(got, reference(a, b), "{a} -> {b}");
                lows += usize::from(got.1 == KeySide::Low);
            }
        }
        // Both sides occur: the comparison is not one-sided.
        assert!(lows > endpoints.len() && lows < endpoints.len() * endpoints.len());
    }
}
