//! The 4-tuple as a flow-table entry keeps it: 16 bytes instead of a
//! [`FlowKey`]'s 40. Two IPv4 addresses fit in it; any other pair of
//! addresses (IPv6, or mixed families) lives in the table's side slab of
//! address pairs and the key holds its slot there.

use super::key::{FlowKey, KeySide};
use core::net::IpAddr;

/// `pair` of a key whose addresses are both IPv4 (held in `v4`).
const V4: u32 = u32::MAX;

/// A [`FlowKey`] as an entry holds it: the ports, and either both IPv4
/// addresses or the slot of the address pair in the table's side slab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct CompactKey {
    /// The low and high IPv4 addresses (0 when `pair` is a slot).
    v4: [u32; 2],
    /// The low and high ports.
    ports: [u16; 2],
    /// `V4`, or the slot of the `[low, high]` addresses in the side slab.
    pair: u32,
}

const _: () = assert!(core::mem::size_of::<CompactKey>() == 16);

impl CompactKey {
    /// The key of `key` if both its addresses are IPv4 (no side slot needed).
    #[inline]
    pub(crate) fn of_v4(key: &FlowKey) -> Option<CompactKey> {
        match (key.low.0, key.high.0) {
            (IpAddr::V4(low), IpAddr::V4(high)) => Some(CompactKey {
                v4: [low.to_bits(), high.to_bits()],
                ports: [key.low.1, key.high.1],
                pair: V4,
            }),
            _ => None,
        }
    }

    /// The key of `key` whose addresses are held at side slot `pair`.
    pub(crate) fn with_pair(key: &FlowKey, pair: u32) -> CompactKey {
        debug_assert!(pair != V4, "the side slab never hands out slot {V4}");
        CompactKey {
            v4: [0; 2],
            ports: [key.low.1, key.high.1],
            pair,
        }
    }

    /// The side slot of the addresses, `None` when they are held here.
    #[inline]
    pub(crate) fn pair(&self) -> Option<u32> {
        (self.pair != V4).then_some(self.pair)
    }

    /// The port of one side.
    #[inline]
    pub(crate) fn port(&self, side: KeySide) -> u16 {
        self.ports[side.index()]
    }

    /// The full key, `pair` being the side slab's addresses when
    /// [`CompactKey::pair`] names a slot (ignored otherwise).
    pub(crate) fn expand(&self, pair: Option<&[IpAddr; 2]>) -> FlowKey {
        let [low, high] = match (self.pair(), pair) {
            (Some(_), Some(&addresses)) => addresses,
            _ => self.v4.map(|bits| IpAddr::V4(bits.into())),
        };
        FlowKey {
            low: (low, self.ports[0]),
            high: (high, self.ports[1]),
        }
    }

    /// Whether this key is `key`, `pair` being the side slab's addresses
    /// when [`CompactKey::pair`] names a slot.
    #[inline]
    pub(crate) fn is(&self, key: &FlowKey, pair: Option<&[IpAddr; 2]>) -> bool {
        if self.ports != [key.low.1, key.high.1] {
            return false;
        }
        match pair {
            Some(addresses) => self.pair != V4 && *addresses == [key.low.0, key.high.0],
            None => Some(*self) == CompactKey::of_v4(key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_keys_stay_whole_and_others_point_to_their_pair() {
        let (k, _) = FlowKey::of(
            "10.0.0.2:80".parse().unwrap(),
            "10.0.0.1:40000".parse().unwrap(),
        );
        let c = CompactKey::of_v4(&k).unwrap();
        assert_eq!(c.pair(), None);
        assert_eq!(c.expand(None), k);
        assert!(c.is(&k, None));
        assert_eq!((c.port(KeySide::Low), c.port(KeySide::High)), (40000, 80));
        let (other, _) = FlowKey::of(
            "10.0.0.2:80".parse().unwrap(),
            "10.0.0.1:40001".parse().unwrap(),
        );
        assert!(!c.is(&other, None));

        let (k6, _) = FlowKey::of("[::1]:80".parse().unwrap(), "[::2]:40000".parse().unwrap());
        assert_eq!(CompactKey::of_v4(&k6), None);
        let c6 = CompactKey::with_pair(&k6, 7);
        let pair = [k6.low.0, k6.high.0];
        assert_eq!(c6.pair(), Some(7));
        assert_eq!(c6.expand(Some(&pair)), k6);
        assert!(c6.is(&k6, Some(&pair)));
        assert!(!c6.is(&k, Some(&pair)));
        // Mixed families (a caller's slip) are kept whole too.
        let (mixed, _) = FlowKey::of("10.0.0.1:1".parse().unwrap(), "[::2]:2".parse().unwrap());
        assert_eq!(CompactKey::of_v4(&mixed), None);
    }
}
