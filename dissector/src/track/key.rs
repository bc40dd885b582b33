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
        if s <= d {
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
