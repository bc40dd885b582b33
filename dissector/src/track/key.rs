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
    #[inline]
    pub fn of(src: SocketAddr, dst: SocketAddr) -> (FlowKey, KeySide) {
        let s = (src.ip(), src.port());
        let d = (dst.ip(), dst.port());
        let in_order = match (src, dst) {
            // Two IPv4 endpoints: address then port, as the tuples order
            // them, in one comparison of 48-bit numbers.
            (SocketAddr::V4(a), SocketAddr::V4(b)) => {
                let number = |e: core::net::SocketAddrV4| {
                    (u64::from(e.ip().to_bits()) << 16) | u64::from(e.port())
                };
                number(a) <= number(b)
            }
            _ => s <= d,
        };
        if in_order {
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

    #[test]
    fn ipv4_endpoints_order_as_the_tuples_do() {
        let endpoints: Vec<SocketAddr> = [
            "10.0.0.1:80",
            "10.0.0.1:81",
            "10.0.0.2:1",
            "9.255.255.255:65535",
            "255.255.255.255:0",
            "0.0.0.0:0",
            "[::1]:80",
            "[::]:0",
        ]
        .iter()
        .map(|a| a.parse().unwrap())
        .collect();
        for &a in &endpoints {
            for &b in &endpoints {
                let low_first = (a.ip(), a.port()) <= (b.ip(), b.port());
                let (key, side) = FlowKey::of(a, b);
                assert_eq!(side == KeySide::Low, low_first, "{a} {b}");
                assert_eq!(key, FlowKey::of(b, a).0);
            }
        }
    }
}
