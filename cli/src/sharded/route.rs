//! The lead worker's side of sharding: which worker a frame goes to (by the
//! flow hash of its connection's 4-tuple), and where the one tracker of a
//! single-threaded run would have swept its table.

use std::net::{IpAddr, SocketAddr};
use tcpphase::reassembly::Reassembler;
use tcpphase::wire::{decode_frame, decode_frame_linktype, Decoded, LinkType, WireError};

/// The pcap LINKTYPE a packet rebuilt from fragments is handed on as.
pub(crate) const LINKTYPE_RAW: u32 = 101;

/// Where one frame goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// A TCP segment, or an ICMP error quoting one, of a connection the
    /// worker `worker` follows: the frame's bytes, or `rebuilt` (a raw IP
    /// packet) when its fragments were reassembled here.
    Flow {
        /// The worker of the connection's shard.
        worker: usize,
        /// The packet reassembled from this frame and earlier fragments.
        rebuilt: Option<Rebuilt>,
    },
    /// Nothing for a tracker: not TCP, or a fragment still waiting.
    NotTcp,
    /// A frame that does not parse (the tracker would not have swept).
    Malformed(WireError),
}

/// Which of the router's buffers holds a packet rebuilt from fragments
/// (see [`Router::rebuilt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rebuilt {
    /// A packet of the frames' own fragments.
    Packet,
    /// A packet of fragments inside a rebuilt tunnel packet.
    Inner,
}

/// How connections are split over the workers: by the flow hash of
/// their 4-tuple, the first worker (the lead, which also reads and routes
/// every frame) taking a smaller share where that evens the work out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shards {
    workers: usize,
    /// Hashes below this go to the lead; the rest are split evenly over
    /// the others.
    lead_below: u128,
}

impl Shards {
    /// Even shares over `workers` workers.
    #[cfg(test)]
    pub(crate) fn even(workers: usize) -> Self {
        Shards::with_lead_share(workers, 100)
    }

    /// The lead takes `percent` % of an even share (the others split the
    /// rest; at 0 % the lead tracks nothing and only reads, routes and
    /// writes).
    pub(crate) fn with_lead_share(workers: usize, percent: u128) -> Self {
        let workers = workers.max(1);
        let even = (1u128 << 64) / workers as u128;
        let lead_below = if workers == 1 {
            1u128 << 64
        } else {
            even * percent.min(100) / 100
        };
        Shards {
            workers,
            lead_below,
        }
    }

    /// The shard of the direction-free 4-tuple `a`-`b`: both directions,
    /// and ICMP errors quoting either, give the same shard.
    pub(crate) fn of(&self, a: SocketAddr, b: SocketAddr) -> usize {
        self.of_endpoints(endpoint(a), endpoint(b))
    }

    /// The shard of two endpoints' hashes.
    #[inline]
    pub(crate) fn of_endpoints(&self, a: u64, b: u64) -> usize {
        // Each endpoint hashed alone, then added: the order does not matter.
        let h = u128::from(mix(a.wrapping_add(b)));
        if h < self.lead_below {
            return 0;
        }
        // The others split the rest evenly: the hash spread once more (an
        // odd multiplier) and ranged over them, a multiplication a frame
        // rather than a 128-bit division.
        let spread = u128::from((h as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        1 + ((spread * (self.workers as u128 - 1)) >> 64) as usize
    }
}

/// One endpoint's hash: its address and port.
fn endpoint(end: SocketAddr) -> u64 {
    match end.ip() {
        IpAddr::V4(ip) => endpoint_v4(u32::from(ip), end.port()),
        IpAddr::V6(ip) => endpoint_v6(u128::from(ip), end.port()),
    }
}

/// An IPv4 endpoint's hash: address and port times an odd constant (one
/// to one); [`shard_of_endpoints`] mixes the sum. The lead takes it of
/// every frame, so it is one multiplication.
#[inline]
pub(crate) fn endpoint_v4(ip: u32, port: u16) -> u64 {
    (u64::from(ip) << 16 | u64::from(port)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// An IPv6 endpoint's hash: both halves of the address, and the port,
/// through two multiplications.
#[inline]
pub(crate) fn endpoint_v6(bits: u128, port: u16) -> u64 {
    let high = ((bits >> 64) as u64 ^ u64::from(port)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let low = (bits as u64).wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
    high ^ low.rotate_left(31)
}

/// splitmix64's finalizer: every input bit moves every output bit.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Routes frames to workers, reassembling IP fragments first (the
/// fragments of one packet may not carry its ports, so the packet is made
/// whole before its 4-tuple is known), and keeps the sweep cadence.
pub(crate) struct Router {
    shards: Shards,
    reassembly: Reassembler,
    packet: Vec<u8>,
    inner: Vec<u8>,
    next_sweep_ns: u64,
}

/// How often (capture time) a tracker sweeps its table: `Tracker` sweeps
/// at a frame that parses whose time is this far past its last sweep.
/// Workers are told to sweep at exactly those frames, so each one's table
/// loses the same connections at the same frames as the single tracker's.
const SWEEP_INTERVAL_NS: u64 = 1_000_000_000;

impl Router {
    /// A router over these shards.
    pub(crate) fn new(shards: Shards) -> Self {
        Router {
            shards,
            reassembly: Reassembler::default(),
            packet: Vec::new(),
            inner: Vec::new(),
            next_sweep_ns: 0,
        }
    }

    /// Where the frame goes. A fragment goes nowhere until the frame that
    /// completes its packet, which then goes with the packet's bytes, as
    /// the tracker labels a reassembled segment on its last fragment.
    pub(crate) fn route(&mut self, linktype: u32, data: &[u8], ts_ns: u64) -> Route {
        match decode_frame_linktype(linktype, data) {
            Ok(Decoded::Tcp(segment)) => Route::Flow {
                worker: self.shard_of(
                    SocketAddr::new(segment.ip.src(), segment.tcp.src_port),
                    SocketAddr::new(segment.ip.dst(), segment.tcp.dst_port),
                ),
                rebuilt: None,
            },
            Ok(Decoded::IcmpError(error)) => Route::Flow {
                worker: self.shard_of(error.quoted.src, error.quoted.dst),
                rebuilt: None,
            },
            Ok(Decoded::Fragment(fragment)) => {
                if !self.reassembly.offer(&fragment, ts_ns, &mut self.packet) {
                    return Route::NotTcp;
                }
                match decode_frame(LinkType::Raw, &self.packet) {
                    Ok(Decoded::Tcp(segment)) => Route::Flow {
                        worker: self.shards.of(
                            SocketAddr::new(segment.ip.src(), segment.tcp.src_port),
                            SocketAddr::new(segment.ip.dst(), segment.tcp.dst_port),
                        ),
                        rebuilt: Some(Rebuilt::Packet),
                    },
                    Err(e) => Route::Malformed(e),
                    // A fragment inside a reassembled tunnel packet waits
                    // for its own siblings.
                    Ok(Decoded::Fragment(inner)) => {
                        if !self.reassembly.offer(&inner, ts_ns, &mut self.inner) {
                            return Route::NotTcp;
                        }
                        match decode_frame(LinkType::Raw, &self.inner) {
                            Ok(Decoded::Tcp(segment)) => Route::Flow {
                                worker: self.shards.of(
                                    SocketAddr::new(segment.ip.src(), segment.tcp.src_port),
                                    SocketAddr::new(segment.ip.dst(), segment.tcp.dst_port),
                                ),
                                rebuilt: Some(Rebuilt::Inner),
                            },
                            Err(e) => Route::Malformed(e),
                            Ok(_) => Route::NotTcp,
                        }
                    }
                    Ok(_) => Route::NotTcp,
                }
            }
            Ok(_) => Route::NotTcp,
            Err(e) => Route::Malformed(e),
        }
    }

    /// The bytes of the packet [`Router::route`] last rebuilt there.
    pub(crate) fn rebuilt(&self, which: Rebuilt) -> &[u8] {
        match which {
            Rebuilt::Packet => &self.packet,
            Rebuilt::Inner => &self.inner,
        }
    }

    /// Whether a frame at `ts_ns` sweeps, if it parses: to learn whether
    /// it does only when it matters.
    pub(crate) fn due(&self, ts_ns: u64) -> bool {
        ts_ns >= self.next_sweep_ns
    }

    fn shard_of(&self, a: SocketAddr, b: SocketAddr) -> usize {
        self.shards.of(a, b)
    }

    /// Whether the single tracker would sweep at this frame (one that
    /// parsed, `malformed` false, at `ts_ns`).
    pub(crate) fn sweeps(&mut self, ts_ns: u64, malformed: bool) -> bool {
        if malformed || ts_ns < self.next_sweep_ns {
            return false;
        }
        self.next_sweep_ns = ts_ns.saturating_add(SWEEP_INTERVAL_NS);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_directions_share_a_shard_and_shards_spread() {
        let mut counts = [0usize; 4];
        for i in 0..4000u32 {
            let a: SocketAddr = format!("10.0.{}.{}:{}", i / 250, i % 250, 1024 + i)
                .parse()
                .unwrap();
            let b: SocketAddr = "192.0.2.7:443".parse().unwrap();
            let s = Shards::even(4).of(a, b);
            assert_eq!(s, Shards::even(4).of(b, a));
            assert_eq!(Shards::even(1).of(a, b), 0);
            counts[s] += 1;
        }
        for c in counts {
            assert!((800..1200).contains(&c), "{counts:?}");
        }
        let v6a: SocketAddr = "[2001:db8::1]:5000".parse().unwrap();
        let v6b: SocketAddr = "[2001:db8::2]:80".parse().unwrap();
        assert_eq!(Shards::even(3).of(v6a, v6b), Shards::even(3).of(v6b, v6a));
    }

    #[test]
    fn a_lighter_lead_takes_its_share_and_directions_stay_together() {
        let shards = Shards::with_lead_share(3, 40);
        let b: SocketAddr = "192.0.2.7:443".parse().unwrap();
        let mut counts = [0usize; 3];
        for i in 0..6000u32 {
            let a: SocketAddr = format!("10.1.{}.{}:{}", i / 250, i % 250, 2000 + i)
                .parse()
                .unwrap();
            let s = shards.of(a, b);
            assert_eq!(s, shards.of(b, a));
            counts[s] += 1;
        }
        // 40 % of an even third: 800 of 6000; the others 2600 each.
        assert!((650..950).contains(&counts[0]), "{counts:?}");
        assert!((2400..2800).contains(&counts[1]), "{counts:?}");
        assert!((2400..2800).contains(&counts[2]), "{counts:?}");
        let one = Shards::with_lead_share(1, 40);
        assert_eq!(one.of(b, b), 0);
        // None for the lead: every connection goes to the others.
        let none = Shards::with_lead_share(2, 0);
        let a: SocketAddr = "10.9.9.9:4000".parse().unwrap();
        assert!((0..6000u16).all(|p| none.of(SocketAddr::new(a.ip(), p), b) == 1));
    }

    #[test]
    fn sweeps_follow_the_trackers_cadence_and_skip_malformed_frames() {
        let mut r = Router::new(Shards::even(2));
        let s = 1_000_000_000;
        assert!(r.sweeps(5 * s, false));
        assert!(!r.sweeps(5 * s + 1, false));
        assert!(!r.sweeps(6 * s + 10, true));
        assert!(r.sweeps(6 * s + 20, false));
        // Time going back does not sweep until it passes the mark again.
        assert!(!r.sweeps(2 * s, false));
        assert!(r.sweeps(7 * s + 20, false));
    }
}
