//! From the bytes of one captured frame to its TCP segment: the link layer,
//! IP and TCP parsers chained, every error located in the frame.

use super::error::{locate, Layer, WireError};
use super::ethernet::{parse_ethernet, parse_mpls_label, parse_vlan_tag};
use super::icmp::{read_icmp_error, IcmpError, PROTOCOL_ICMP, PROTOCOL_ICMPV6};
use super::ipv4::{parse_ipv4, Ipv4Header, PROTOCOL_TCP};
use super::ipv6::{parse_ipv6, Ipv6Header};
use super::link::{
    LinkSummary, LinkType, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_MPLS,
    ETHERTYPE_MPLS_MULTICAST, ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD, ETHERTYPE_VLAN,
};
use super::linux_sll::{parse_linux_sll, parse_linux_sll2};
use super::loopback::{parse_loop, parse_null, LoopbackFamily};
use super::tcp::{parse_tcp, TcpHeader};
use core::net::IpAddr;

/// How many VLAN tags or MPLS labels tcpphase walks before giving up.
const MAX_LINK_TAGS: usize = 8;

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
    /// A fragment other than the first: its bytes are no transport header.
    NonFirstFragment {
        /// The IP protocol of the fragmented packet.
        protocol: u8,
        /// Fragment offset in bytes.
        offset: u16,
    },
}

/// Parses one captured frame of the given link type down to TCP.
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
    let mut summary = LinkSummary::default();
    let (offset, network) = match link {
        LinkType::Ethernet => {
            let (_, eth) = parse_ethernet(frame).map_err(|e| locate(e, Layer::Ethernet, 0))?;
            walk_ethertype(frame, 14, eth.ethertype, &mut summary)?
        }
        LinkType::LinuxSll => {
            let (_, sll) = parse_linux_sll(frame).map_err(|e| locate(e, Layer::LinuxSll, 0))?;
            walk_ethertype(frame, 16, sll.protocol, &mut summary)?
        }
        LinkType::LinuxSll2 => {
            let (_, sll) = parse_linux_sll2(frame).map_err(|e| locate(e, Layer::LinuxSll2, 0))?;
            walk_ethertype(frame, 20, sll.protocol, &mut summary)?
        }
        LinkType::Null | LinkType::Loop => {
            let parsed = if link == LinkType::Null {
                parse_null(frame)
            } else {
                parse_loop(frame)
            };
            let (_, family) = parsed.map_err(|e| locate(e, Layer::Loopback, 0))?;
            match family {
                LoopbackFamily::Ipv4 => (4, Network::Ipv4),
                LoopbackFamily::Ipv6 => (4, Network::Ipv6),
                LoopbackFamily::Other(f) => return Ok(Decoded::NotIp { ethertype: f }),
            }
        }
        LinkType::Raw => match frame.first().map(|b| b >> 4) {
            Some(6) => (0, Network::Ipv6),
            _ => (0, Network::Ipv4),
        },
        LinkType::Ipv4 => (0, Network::Ipv4),
        LinkType::Ipv6 => (0, Network::Ipv6),
    };
    match network {
        Network::Ipv4 => decode_ipv4(frame, offset, summary),
        Network::Ipv6 => decode_ipv6(frame, offset, summary),
        Network::Other(ethertype) => Ok(Decoded::NotIp {
            ethertype: u32::from(ethertype),
        }),
    }
}

/// Parses a frame whose link type is a pcap LINKTYPE number.
pub fn decode_frame_linktype(linktype: u32, frame: &[u8]) -> Result<Decoded<'_>, WireError> {
    match LinkType::from_number(linktype) {
        Some(link) => decode_frame(link, frame),
        None => Err(WireError::UnsupportedLinkType { linktype }),
    }
}

enum Network {
    Ipv4,
    Ipv6,
    Other(u16),
}

/// Follows VLAN tags and MPLS labels from an EtherType to the network layer.
#[inline]
fn walk_ethertype(
    frame: &[u8],
    mut offset: usize,
    mut ethertype: u16,
    summary: &mut LinkSummary,
) -> Result<(usize, Network), WireError> {
    for _ in 0..MAX_LINK_TAGS {
        match ethertype {
            ETHERTYPE_IPV4 => return Ok((offset, Network::Ipv4)),
            ETHERTYPE_IPV6 => return Ok((offset, Network::Ipv6)),
            ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_OLD => {
                let (_, tag) =
                    parse_vlan_tag(&frame[offset..]).map_err(|e| locate(e, Layer::Vlan, offset))?;
                if let Some(slot) = summary.vlan_ids.get_mut(usize::from(summary.vlan_depth)) {
                    *slot = tag.id;
                }
                summary.vlan_depth = summary.vlan_depth.saturating_add(1);
                ethertype = tag.ethertype;
                offset += 4;
            }
            ETHERTYPE_MPLS | ETHERTYPE_MPLS_MULTICAST => {
                let (_, label) = parse_mpls_label(&frame[offset..])
                    .map_err(|e| locate(e, Layer::Mpls, offset))?;
                summary.mpls_depth = summary.mpls_depth.saturating_add(1);
                offset += 4;
                if label.bottom_of_stack {
                    // MPLS does not say what it carries; the IP version nibble does.
                    return Ok(match frame.get(offset).map(|b| b >> 4) {
                        Some(4) => (offset, Network::Ipv4),
                        Some(6) => (offset, Network::Ipv6),
                        Some(_) => (offset, Network::Other(ethertype)),
                        None => {
                            return Err(WireError::Truncated {
                                layer: Layer::Mpls,
                                offset: offset - 4,
                                needed: 5,
                                got: 4,
                            })
                        }
                    });
                }
            }
            other => return Ok((offset, Network::Other(other))),
        }
    }
    Ok((offset, Network::Other(ethertype)))
}

#[inline]
fn decode_ipv4(frame: &[u8], offset: usize, link: LinkSummary) -> Result<Decoded<'_>, WireError> {
    let (rest, ip) = parse_ipv4(&frame[offset..]).map_err(|e| locate(e, Layer::Ipv4, offset))?;
    if ip.is_non_first_fragment() {
        return Ok(Decoded::NonFirstFragment {
            protocol: ip.protocol,
            offset: ip.fragment_offset,
        });
    }
    if ip.protocol == PROTOCOL_ICMP {
        if let Some(e) = read_icmp_error(rest, false) {
            return Ok(Decoded::IcmpError(e));
        }
    }
    if ip.protocol != PROTOCOL_TCP {
        return Ok(Decoded::NotTcp {
            protocol: ip.protocol,
        });
    }
    let tcp_offset = offset + ip.header_len;
    decode_tcp(rest, tcp_offset, ip.payload_len(), IpHeader::V4(ip), link)
}

fn decode_ipv6(frame: &[u8], offset: usize, link: LinkSummary) -> Result<Decoded<'_>, WireError> {
    let (rest, ip) = parse_ipv6(&frame[offset..]).map_err(|e| locate(e, Layer::Ipv6, offset))?;
    if let Some(fragment) = ip.fragment.filter(|f| f.offset != 0) {
        return Ok(Decoded::NonFirstFragment {
            protocol: ip.upper_protocol,
            offset: fragment.offset,
        });
    }
    if ip.upper_protocol == PROTOCOL_ICMPV6 {
        if let Some(e) = read_icmp_error(rest, true) {
            return Ok(Decoded::IcmpError(e));
        }
    }
    if ip.upper_protocol != PROTOCOL_TCP {
        return Ok(Decoded::NotTcp {
            protocol: ip.upper_protocol,
        });
    }
    let tcp_offset = offset + 40 + ip.extensions.len();
    decode_tcp(
        rest,
        tcp_offset,
        ip.upper_payload_len(),
        IpHeader::V6(ip),
        link,
    )
}

/// Parses TCP from the IP payload; `ip_payload_len` is what the IP header
/// announces (`None`: trust the captured length).
#[inline]
fn decode_tcp<'a>(
    ip_payload: &'a [u8],
    tcp_offset: usize,
    ip_payload_len: Option<usize>,
    ip: IpHeader<'a>,
    link: LinkSummary,
) -> Result<Decoded<'a>, WireError> {
    let (after_header, tcp) =
        parse_tcp(ip_payload).map_err(|e| locate(e, Layer::Tcp, tcp_offset))?;
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
    }))
}
