//! From the bytes of one captured frame to its TCP segment: the link layer,
//! IP and TCP parsers chained, every error located in the frame.

use super::cisco_hdlc::{parse_cisco_hdlc, CISCO_HDLC_HEADER_LEN};
use super::error::{locate, Layer, WireError};
use super::ethernet::{parse_ethernet, parse_mpls_label, parse_vlan_tag};
use super::gre::{
    parse_erspan, parse_gre, GRE_ERSPAN_II, GRE_ERSPAN_III, GRE_TRANSPARENT_ETHERNET, PROTOCOL_GRE,
};
use super::icmp::{read_icmp_error, IcmpError, PROTOCOL_ICMP, PROTOCOL_ICMPV6};
use super::ieee80211::{parse_ieee80211, parse_llc, Ieee80211Frame, Llc, LLC_SNAP_LEN};
use super::ipv4::{parse_ipv4, Ipv4Header, PROTOCOL_IPIP, PROTOCOL_IPV6, PROTOCOL_TCP};
use super::ipv6::{parse_ipv6, Ipv6Header, FIXED_LEN as IPV6_HEADER_LEN};
use super::link::{
    LinkSummary, LinkType, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_MPLS,
    ETHERTYPE_MPLS_MULTICAST, ETHERTYPE_PPPOE_SESSION, ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD,
    ETHERTYPE_VLAN,
};
use super::linux_sll::{parse_linux_sll, parse_linux_sll2};
use super::loopback::{parse_loop, parse_null, LoopbackFamily};
use super::nflog::{parse_nflog, NFLOG_AF_INET, NFLOG_AF_INET6};
use super::ppp::{parse_ppp, parse_pppoe, PPPOE_HEADER_LEN, PPP_IPV4, PPP_IPV6};
use super::radiotap::{parse_radiotap, FLAG_DATA_PAD};
use super::tcp::{parse_tcp_captured, TcpHeader};
use super::udp_tunnel::{
    parse_geneve, parse_udp, parse_vxlan, GENEVE_PORT, PROTOCOL_UDP, UDP_HEADER_LEN,
    VXLAN_HEADER_LEN, VXLAN_PORT,
};
use core::net::IpAddr;

/// How many VLAN tags or MPLS labels tcpphase walks before giving up.
const MAX_LINK_TAGS: usize = 8;
/// How many tunnels (IP in IP, GRE, VXLAN, Geneve) tcpphase follows inward.
pub const MAX_TUNNEL_DEPTH: usize = 8;
/// Length of an Ethernet II header.
pub const ETHERNET_HEADER_LEN: usize = 14;
/// Length of a VLAN tag after its tag EtherType.
pub const VLAN_TAG_LEN: usize = 4;
/// Length of an MPLS label stack entry.
pub const MPLS_LABEL_LEN: usize = 4;
/// Length of a Linux cooked capture v1 header.
pub const LINUX_SLL_HEADER_LEN: usize = 16;
/// Length of a Linux cooked capture v2 header.
pub const LINUX_SLL2_HEADER_LEN: usize = 20;
/// Length of a BSD loopback header.
pub const LOOPBACK_HEADER_LEN: usize = 4;

/// The IP header of a segment, either version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpHeader<'a> {
    /// IPv4.
    V4(Ipv4Header<'a>),
    /// IPv6.
    V6(Ipv6Header<'a>),
}

impl IpHeader<'_> {
    /// Source address.
    pub fn src(&self) -> IpAddr {
        match self {
            IpHeader::V4(h) => IpAddr::V4(h.src),
            IpHeader::V6(h) => IpAddr::V6(h.src),
        }
    }
    /// Destination address.
    pub fn dst(&self) -> IpAddr {
        match self {
            IpHeader::V4(h) => IpAddr::V4(h.dst),
            IpHeader::V6(h) => IpAddr::V6(h.dst),
        }
    }
}

/// A TCP segment found in a frame: zero-copy views of its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpSegment<'a> {
    /// What the link layer said (VLAN tags, MPLS labels).
    pub link: LinkSummary,
    /// The IP header.
    pub ip: IpHeader<'a>,
    /// The TCP header.
    pub tcp: TcpHeader<'a>,
    /// Offset of the TCP header in the frame.
    pub tcp_offset: usize,
    /// Payload length the IP header announces (what the sender sent).
    pub payload_len: u32,
    /// The payload bytes that were captured: shorter than `payload_len`
    /// when the capture had a snap length, never longer (padding is cut off).
    pub payload: &'a [u8],
    /// The snap length cut the TCP options: `tcp.options` holds what was
    /// captured of them and the payload is empty.
    pub options_cut: bool,
}

impl TcpSegment<'_> {
    /// Whether the capture holds less payload than the sender sent.
    pub fn is_payload_truncated(&self) -> bool {
        (self.payload.len() as u64) < u64::from(self.payload_len)
    }
}

/// What one frame holds, as far as TCP is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded<'a> {
    /// A TCP segment.
    Tcp(TcpSegment<'a>),
    /// Not IP at all (ARP, LLDP, ...): the EtherType or protocol found.
    NotIp {
        /// EtherType, cooked protocol or loopback family.
        ethertype: u32,
    },
    /// IP but not TCP.
    NotTcp {
        /// The IP protocol number.
        protocol: u8,
    },
    /// An ICMP or ICMPv6 error quoting a TCP segment.
    IcmpError(IcmpError),
    /// One fragment of an IP packet: it is read once reassembled (see the
    /// `reassembly` module).
    Fragment(IpFragment<'a>),
    /// A frame with no packet for tcpphase at this layer: 802.11
    /// management, control, null-data or encrypted frames, an NFLOG record
    /// without payload.
    NoPayload {
        /// The layer that carries nothing to read.
        layer: Layer,
    },
}

/// One IP fragment: the header to rebuild the packet from and this
/// fragment's share of the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpFragment<'a> {
    /// What the link layer (and tunnels outside this IP header) said.
    pub link: LinkSummary,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Identification (16 bits in IPv4, 32 in IPv6).
    pub id: u32,
    /// The protocol of the fragmented packet.
    pub protocol: u8,
    /// Offset of this fragment's data in the packet, in bytes.
    pub offset: u16,
    /// More fragments follow.
    pub more_fragments: bool,
    /// The IP header to rebuild the packet with: the IPv4 header with its
    /// options, or the fixed IPv6 header (its unfragmentable extension
    /// headers are left out).
    pub header: &'a [u8],
    /// The fragment's data as captured.
    pub data: &'a [u8],
    /// The fragment's data length the IP header announces.
    pub data_len: usize,
}

impl IpFragment<'_> {
    /// Whether the capture holds all of the fragment's data.
    pub fn is_complete(&self) -> bool {
        self.data.len() >= self.data_len
    }
}

/// Parses one captured frame of the given link type down to TCP, through
/// any tunnels (IP in IP, IPv6 in IP, GRE and ERSPAN, VXLAN, Geneve) to the
/// innermost TCP header, as Wireshark nests them.
///
/// Never panics and never allocates; every failure is a [`WireError`] that
/// names the layer and its byte offset in the frame.
///
/// ```
/// use tcpphase::wire::{decode_frame, Decoded, LinkType};
/// // IPv4 + TCP SYN from 10.0.0.1:40000 to 10.0.0.2:80, raw IP link type.
/// let frame = [
///     0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
///     0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
/// ];
/// let Ok(Decoded::Tcp(segment)) = decode_frame(LinkType::Raw, &frame) else { panic!() };
/// assert_eq!(segment.tcp.dst_port, 80);
/// assert_eq!(segment.payload_len, 0);
/// ```
pub fn decode_frame(link: LinkType, frame: &[u8]) -> Result<Decoded<'_>, WireError> {
    // The common case, straight: Ethernet, IPv4 or IPv6 without extension
    // headers, TCP. Anything else (tags, tunnels, fragments, errors) is
    // read layer by layer from the start.
    if link == LinkType::Ethernet && frame.len() > ETHERNET_HEADER_LEN {
        let at = ETHERNET_HEADER_LEN;
        match u16::from_be_bytes([frame[12], frame[13]]) {
            ETHERTYPE_IPV4 => {
                if let Ok((rest, ip)) = parse_ipv4(&frame[at..]) {
                    if !ip.is_fragment() && ip.protocol == PROTOCOL_TCP {
                        let announced = ip.payload_len();
                        let tcp_offset = at + ip.header_len;
                        let link = LinkSummary::default();
                        return decode_tcp(rest, tcp_offset, announced, IpHeader::V4(ip), link);
                    }
                }
            }
            ETHERTYPE_IPV6 => {
                if let Ok((rest, ip)) = parse_ipv6(&frame[at..]) {
                    if ip.fragment.is_none() && ip.upper_protocol == PROTOCOL_TCP {
                        let announced = ip.upper_payload_len();
                        let tcp_offset = at + IPV6_HEADER_LEN + ip.extensions.len();
                        let link = LinkSummary::default();
                        return decode_tcp(rest, tcp_offset, announced, IpHeader::V6(ip), link);
                    }
                }
            }
            _ => {}
        }
    }
    decode_layers(link, frame)
}

/// Reads a frame layer by layer: link headers, tags, tunnels, IP, TCP.
#[inline(never)]
fn decode_layers(link: LinkType, frame: &[u8]) -> Result<Decoded<'_>, WireError> {
    let mut summary = LinkSummary::default();
    let (mut at, mut next) = match link {
        LinkType::Ethernet => (0, Next::Ethernet),
        LinkType::LinuxSll => {
            let (_, sll) = parse_linux_sll(frame).map_err(|e| locate(e, Layer::LinuxSll, 0))?;
            (LINUX_SLL_HEADER_LEN, Next::EtherType(sll.protocol))
        }
        LinkType::LinuxSll2 => {
            let (_, sll) = parse_linux_sll2(frame).map_err(|e| locate(e, Layer::LinuxSll2, 0))?;
            (LINUX_SLL2_HEADER_LEN, Next::EtherType(sll.protocol))
        }
        LinkType::Null | LinkType::Loop => {
            let parsed = if link == LinkType::Null {
                parse_null(frame)
            } else {
                parse_loop(frame)
            };
            let (_, family) = parsed.map_err(|e| locate(e, Layer::Loopback, 0))?;
            match family {
                LoopbackFamily::Ipv4 => (LOOPBACK_HEADER_LEN, Next::Ipv4),
                LoopbackFamily::Ipv6 => (LOOPBACK_HEADER_LEN, Next::Ipv6),
                LoopbackFamily::Other(f) => return Ok(Decoded::NotIp { ethertype: f }),
            }
        }
        LinkType::Raw => match frame.first().map(|b| b >> 4) {
            Some(6) => (0, Next::Ipv6),
            _ => (0, Next::Ipv4),
        },
        LinkType::Ipv4 => (0, Next::Ipv4),
        LinkType::Ipv6 => (0, Next::Ipv6),
        LinkType::Ppp | LinkType::PppHdlc => (0, Next::Ppp),
        LinkType::PppEther => (0, Next::EtherType(ETHERTYPE_PPPOE_SESSION)),
        LinkType::CiscoHdlc => {
            let (_, hdlc) = parse_cisco_hdlc(frame).map_err(|e| locate(e, Layer::CiscoHdlc, 0))?;
            (CISCO_HDLC_HEADER_LEN, Next::EtherType(hdlc.protocol))
        }
        LinkType::Ieee80211 => (0, Next::Ieee80211 { pad: false }),
        LinkType::Radiotap => {
            let (_, radiotap) = parse_radiotap(frame).map_err(|e| locate(e, Layer::Radiotap, 0))?;
            let pad = radiotap.flags & FLAG_DATA_PAD != 0;
            (radiotap.len, Next::Ieee80211 { pad })
        }
        LinkType::Nflog => {
            let (_, nflog) = parse_nflog(frame).map_err(|e| locate(e, Layer::Nflog, 0))?;
            let Some(payload) = nflog.payload_offset else {
                return Ok(Decoded::NoPayload {
                    layer: Layer::Nflog,
                });
            };
            match nflog.family {
                NFLOG_AF_INET => (payload, Next::Ipv4),
                NFLOG_AF_INET6 => (payload, Next::Ipv6),
                other => {
                    return Ok(Decoded::NotIp {
                        ethertype: u32::from(other),
                    })
                }
            }
        }
    };
    let mut ip_layers = 0usize;
    loop {
        let layer = frame.get(at..).unwrap_or(&[]);
        let (len, following) = match next {
            Next::Ethernet => {
                let (_, eth) = parse_ethernet(layer).map_err(|e| locate(e, Layer::Ethernet, at))?;
                (ETHERNET_HEADER_LEN, Next::EtherType(eth.ethertype))
            }
            Next::EtherType(ethertype) => {
                let (end, following) = walk_ethertype(frame, at, ethertype, &mut summary)?;
                (end - at, following)
            }
            Next::NotIp(ethertype) => {
                return Ok(Decoded::NotIp {
                    ethertype: u32::from(ethertype),
                })
            }
            Next::Ppp => {
                let (_, ppp) = parse_ppp(layer).map_err(|e| locate(e, Layer::Ppp, at))?;
                let following = match ppp.protocol {
                    PPP_IPV4 => Next::Ipv4,
                    PPP_IPV6 => Next::Ipv6,
                    other => {
                        return Ok(Decoded::NotIp {
                            ethertype: u32::from(other),
                        })
                    }
                };
                (ppp.header_len, following)
            }
            Next::Ieee80211 { pad } => {
                let (_, wifi) =
                    parse_ieee80211(layer).map_err(|e| locate(e, Layer::Ieee80211, at))?;
                let Ieee80211Frame::Data { header_len } = wifi else {
                    return Ok(Decoded::NoPayload {
                        layer: Layer::Ieee80211,
                    });
                };
                let header_len = if pad {
                    (header_len + 3) & !3
                } else {
                    header_len
                };
                let llc_at = at + header_len;
                let (_, llc) = parse_llc(frame.get(llc_at..).unwrap_or(&[]))
                    .map_err(|e| locate(e, Layer::LlcSnap, llc_at))?;
                match llc {
                    Llc::Snap { ethertype } => {
                        (header_len + LLC_SNAP_LEN, Next::EtherType(ethertype))
                    }
                    Llc::Other { dsap } => {
                        return Ok(Decoded::NotIp {
                            ethertype: u32::from(dsap),
                        })
                    }
                }
            }
            Next::Ipv4 | Next::Ipv6 => {
                ip_layers += 1;
                if ip_layers > MAX_TUNNEL_DEPTH {
                    return Err(WireError::TunnelTooDeep { offset: at });
                }
                if ip_layers > 1 {
                    summary.tunnels = summary.tunnels.saturating_add(1);
                }
                let step = if matches!(next, Next::Ipv4) {
                    decode_ipv4(frame, at, summary)?
                } else {
                    decode_ipv6(frame, at, summary)?
                };
                match step {
                    Step::Done(decoded) => return Ok(decoded),
                    Step::Inner { at: inner, next } => (inner - at, next),
                }
            }
        };
        at += len;
        next = following;
    }
}

/// Parses a frame whose link type is a pcap LINKTYPE number.
pub fn decode_frame_linktype(linktype: u32, frame: &[u8]) -> Result<Decoded<'_>, WireError> {
    match LinkType::from_number(linktype) {
        Some(link) => decode_frame(link, frame),
        None => Err(WireError::UnsupportedLinkType { linktype }),
    }
}

/// What the next header is, once the previous one is read.
#[derive(Clone, Copy)]
enum Next {
    Ethernet,
    EtherType(u16),
    Ppp,
    Ieee80211 {
        pad: bool,
    },
    Ipv4,
    Ipv6,
    /// An EtherType that leads to no IP packet.
    NotIp(u16),
}

/// What an IP layer led to: an answer, or a tunnelled header further in.
enum Step<'a> {
    Done(Decoded<'a>),
    Inner { at: usize, next: Next },
}

/// Follows VLAN tags, MPLS labels and PPPoE from an EtherType to the
/// network layer; returns where it starts.
#[inline]
fn walk_ethertype(
    frame: &[u8],
    mut offset: usize,
    mut ethertype: u16,
    summary: &mut LinkSummary,
) -> Result<(usize, Next), WireError> {
    for _ in 0..MAX_LINK_TAGS {
        let layer = frame.get(offset..).unwrap_or(&[]);
        match ethertype {
            ETHERTYPE_IPV4 => return Ok((offset, Next::Ipv4)),
            ETHERTYPE_IPV6 => return Ok((offset, Next::Ipv6)),
            GRE_TRANSPARENT_ETHERNET => return Ok((offset, Next::Ethernet)),
            ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_OLD => {
                let (_, tag) = parse_vlan_tag(layer).map_err(|e| locate(e, Layer::Vlan, offset))?;
                if let Some(slot) = summary.vlan_ids.get_mut(usize::from(summary.vlan_depth)) {
                    *slot = tag.id;
                }
                summary.vlan_depth = summary.vlan_depth.saturating_add(1);
                ethertype = tag.ethertype;
                offset += VLAN_TAG_LEN;
            }
            ETHERTYPE_PPPOE_SESSION => {
                parse_pppoe(layer).map_err(|e| locate(e, Layer::Pppoe, offset))?;
                return Ok((offset + PPPOE_HEADER_LEN, Next::Ppp));
            }
            ETHERTYPE_MPLS | ETHERTYPE_MPLS_MULTICAST => {
                let (_, label) =
                    parse_mpls_label(layer).map_err(|e| locate(e, Layer::Mpls, offset))?;
                summary.mpls_depth = summary.mpls_depth.saturating_add(1);
                offset += MPLS_LABEL_LEN;
                if label.bottom_of_stack {
                    // MPLS does not say what it carries; the IP version nibble does.
                    return match frame.get(offset).map(|b| b >> 4) {
                        Some(4) => Ok((offset, Next::Ipv4)),
                        Some(6) => Ok((offset, Next::Ipv6)),
                        Some(_) => Ok((offset, Next::NotIp(ethertype))),
                        None => Err(WireError::Truncated {
                            layer: Layer::Mpls,
                            offset: offset - MPLS_LABEL_LEN,
                            needed: MPLS_LABEL_LEN + 1,
                            got: MPLS_LABEL_LEN,
                        }),
                    };
                }
            }
            _ => break,
        }
    }
    Ok((offset, Next::NotIp(ethertype)))
}

#[inline]
fn decode_ipv4(frame: &[u8], at: usize, link: LinkSummary) -> Result<Step<'_>, WireError> {
    let (rest, ip) = parse_ipv4(&frame[at..]).map_err(|e| locate(e, Layer::Ipv4, at))?;
    let payload_at = at + ip.header_len;
    if ip.is_fragment() {
        let data_len = ip.payload_len().unwrap_or(rest.len());
        return Ok(Step::Done(Decoded::Fragment(IpFragment {
            link,
            src: IpAddr::V4(ip.src),
            dst: IpAddr::V4(ip.dst),
            id: u32::from(ip.id),
            protocol: ip.protocol,
            offset: ip.fragment_offset,
            more_fragments: ip.more_fragments,
            header: &frame[at..payload_at],
            data: &rest[..rest.len().min(data_len)],
            data_len,
        })));
    }
    if ip.protocol == PROTOCOL_TCP {
        let announced = ip.payload_len();
        return decode_tcp(rest, payload_at, announced, IpHeader::V4(ip), link).map(Step::Done);
    }
    transport(frame, payload_at, ip.protocol)
}

#[inline]
fn decode_ipv6(frame: &[u8], at: usize, link: LinkSummary) -> Result<Step<'_>, WireError> {
    let (rest, ip) = parse_ipv6(&frame[at..]).map_err(|e| locate(e, Layer::Ipv6, at))?;
    if let Some(fragment) = ip.fragment.filter(|f| f.is_fragment()) {
        let data_len = match ip.payload_len {
            0 => rest.len(),
            n => usize::from(n).saturating_sub(fragment.data_offset - IPV6_HEADER_LEN),
        };
        return Ok(Step::Done(Decoded::Fragment(IpFragment {
            link,
            src: IpAddr::V6(ip.src),
            dst: IpAddr::V6(ip.dst),
            id: fragment.id,
            protocol: fragment.next_header,
            offset: fragment.offset,
            more_fragments: fragment.more_fragments,
            header: &frame[at..at + IPV6_HEADER_LEN],
            data: &rest[..rest.len().min(data_len)],
            data_len,
        })));
    }
    let payload_at = at + IPV6_HEADER_LEN + ip.extensions.len();
    if ip.upper_protocol == PROTOCOL_TCP {
        let announced = ip.upper_payload_len();
        return decode_tcp(rest, payload_at, announced, IpHeader::V6(ip), link).map(Step::Done);
    }
    transport(frame, payload_at, ip.upper_protocol)
}

/// What an IP packet's protocol leads to, when it is not TCP: a tunnel
/// further in, or the answer that it is not TCP.
fn transport(frame: &[u8], at: usize, protocol: u8) -> Result<Step<'_>, WireError> {
    let layer = frame.get(at..).unwrap_or(&[]);
    let inner = |len: usize, next: Next| Ok(Step::Inner { at: at + len, next });
    match protocol {
        PROTOCOL_IPIP => inner(0, Next::Ipv4),
        PROTOCOL_IPV6 => inner(0, Next::Ipv6),
        PROTOCOL_GRE => {
            let (_, gre) = parse_gre(layer).map_err(|e| locate(e, Layer::Gre, at))?;
            match gre.protocol {
                // ERSPAN type I has no header and no GRE sequence number.
                GRE_ERSPAN_II if !gre.has_sequence => inner(gre.header_len, Next::Ethernet),
                GRE_ERSPAN_II | GRE_ERSPAN_III => {
                    let erspan_at = at + gre.header_len;
                    let (_, erspan) = parse_erspan(frame.get(erspan_at..).unwrap_or(&[]))
                        .map_err(|e| locate(e, Layer::Erspan, erspan_at))?;
                    if !erspan.ethernet {
                        return Ok(Step::Done(Decoded::NoPayload {
                            layer: Layer::Erspan,
                        }));
                    }
                    inner(gre.header_len + erspan.header_len, Next::Ethernet)
                }
                // PPTP's enhanced GRE carries PPP.
                0x880b if gre.version == 1 => inner(gre.header_len, Next::Ppp),
                ethertype => inner(gre.header_len, Next::EtherType(ethertype)),
            }
        }
        PROTOCOL_ICMP | PROTOCOL_ICMPV6 => Ok(Step::Done(
            match read_icmp_error(layer, protocol == PROTOCOL_ICMPV6) {
                Some(e) => Decoded::IcmpError(e),
                None => Decoded::NotTcp { protocol },
            },
        )),
        PROTOCOL_UDP => {
            let (_, udp) = parse_udp(layer).map_err(|e| locate(e, Layer::Udp, at))?;
            let tunnel_at = at + UDP_HEADER_LEN;
            let tunnel = frame.get(tunnel_at..).unwrap_or(&[]);
            // Wireshark tries the lower port first.
            let (low, high) = if udp.src_port <= udp.dst_port {
                (udp.src_port, udp.dst_port)
            } else {
                (udp.dst_port, udp.src_port)
            };
            let port = [low, high]
                .into_iter()
                .find(|p| *p == VXLAN_PORT || *p == GENEVE_PORT);
            match port {
                Some(VXLAN_PORT) => {
                    parse_vxlan(tunnel).map_err(|e| locate(e, Layer::Vxlan, tunnel_at))?;
                    inner(UDP_HEADER_LEN + VXLAN_HEADER_LEN, Next::Ethernet)
                }
                Some(_) => {
                    let (_, geneve) =
                        parse_geneve(tunnel).map_err(|e| locate(e, Layer::Geneve, tunnel_at))?;
                    inner(
                        UDP_HEADER_LEN + geneve.header_len,
                        Next::EtherType(geneve.protocol),
                    )
                }
                None => Ok(Step::Done(Decoded::NotTcp { protocol })),
            }
        }
        other => Ok(Step::Done(Decoded::NotTcp { protocol: other })),
    }
}

/// Parses TCP from the IP payload; `ip_payload_len` is what the IP header
/// announces (`None`: trust the captured length). A header whose fixed 20
/// bytes were captured but whose options were cut still gives a segment.
#[inline(always)]
fn decode_tcp<'a>(
    ip_payload: &'a [u8],
    tcp_offset: usize,
    ip_payload_len: Option<usize>,
    ip: IpHeader<'a>,
    link: LinkSummary,
) -> Result<Decoded<'a>, WireError> {
    let (after_header, tcp, options_cut) =
        parse_tcp_captured(ip_payload).map_err(|e| locate(e, Layer::Tcp, tcp_offset))?;
    let announced = ip_payload_len.unwrap_or(ip_payload.len());
    if announced < tcp.header_len {
        return Err(WireError::IpPayloadTooShortForTcp {
            offset: tcp_offset,
            ip_payload_len: announced,
            tcp_header_len: tcp.header_len,
        });
    }
    let payload_len = announced - tcp.header_len;
    let captured = after_header.len().min(payload_len);
    Ok(Decoded::Tcp(TcpSegment {
        link,
        ip,
        tcp,
        tcp_offset,
        payload_len: payload_len as u32,
        payload: &after_header[..captured],
        options_cut,
    }))
}
