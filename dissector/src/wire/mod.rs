//! The wire layer: nom parsers from frame bytes to zero-copy header views.
//!
//! It knows nothing of connections. Entry point: [`decode_frame`]. Parsers
//! never panic and never allocate; errors are [`WireError`]s saying which
//! layer failed, where in the frame, and what was wrong.
//!
//! | file | what |
//! | --- | --- |
//! | `link.rs` | link types by LINKTYPE number, EtherTypes |
//! | `ethernet.rs` | Ethernet II, VLAN tags, MPLS labels |
//! | `linux_sll.rs` | Linux cooked capture v1 and v2 |
//! | `loopback.rs` | BSD loopback (NULL, LOOP) |
//! | `ppp.rs` | PPP and the PPPoE session header |
//! | `cisco_hdlc.rs` | Cisco HDLC |
//! | `nflog.rs` | Linux NFLOG records |
//! | `radiotap.rs`, `ieee80211.rs` | radiotap, 802.11 data frames, LLC/SNAP |
//! | `ipv4.rs`, `ipv6.rs` | IP headers, options, extension chain, fragments |
//! | `gre.rs` | GRE and ERSPAN (types I, II, III) |
//! | `udp_tunnel.rs` | UDP, VXLAN, Geneve |
//! | `tcp.rs`, `tcp_flags.rs`, `options.rs` | the TCP header, its flags and options |
//! | `icmp.rs` | ICMP and ICMPv6 errors that quote a TCP header |
//! | `seq.rs` | wrap-aware sequence numbers |
//! | `frame.rs` | the chain from a frame to its TCP segment |
//! | `error.rs` | what went wrong and where |

pub mod cisco_hdlc;
pub mod error;
pub mod ethernet;
pub mod frame;
pub mod gre;
pub mod icmp;
pub mod ieee80211;
pub mod ipv4;
pub mod ipv6;
pub mod link;
pub mod linux_sll;
pub mod loopback;
pub mod nflog;
pub mod options;
pub mod ppp;
pub mod radiotap;
pub mod seq;
pub mod tcp;
pub mod tcp_flags;
pub mod udp_tunnel;

pub use error::{Layer, WireError};
pub use frame::{decode_frame, decode_frame_linktype, Decoded, IpFragment, IpHeader, TcpSegment};
pub use link::{LinkSummary, LinkType};
pub use options::{TcpOption, TcpOptions};
pub use seq::SeqNumber;
pub use tcp::TcpHeader;
pub use tcp_flags::TcpFlags;
