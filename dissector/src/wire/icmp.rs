//! ICMP and ICMPv6 error messages that quote a TCP segment: a destination
//! unreachable, time exceeded, parameter problem (and ICMPv4 source quench
//! and redirect, ICMPv6 packet too big) carry the IP header and the start
//! of the packet that caused them. Wireshark dissects the quoted TCP header
//! and gives it a `tcp.stream`; tcpphase labels the error on the connection
//! it names.

use super::ipv4::{parse_ipv4, PROTOCOL_TCP};
use super::ipv6::parse_ipv6;
use super::seq::SeqNumber;
use super::tcp_flags::TcpFlags;
use core::net::{IpAddr, SocketAddr};

/// IP protocol number of ICMP.
pub const PROTOCOL_ICMP: u8 = 1;
/// IPv6 next header of ICMPv6.
pub const PROTOCOL_ICMPV6: u8 = 58;
/// Length of the ICMP (and ICMPv6) error header before the quoted packet.
pub const ICMP_ERROR_HEADER_LEN: usize = 8;
/// Length of the fixed TCP header.
const TCP_FIXED_LEN: usize = 20;

/// The TCP header an ICMP error quotes: the fixed 20 bytes (routers may
/// quote fewer: such an error names no segment here, as in Wireshark).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotedTcp {
    /// Source of the quoted segment (the host the error goes back to).
    pub src: SocketAddr,
    /// Destination of the quoted segment.
    pub dst: SocketAddr,
    /// Its sequence number.
    pub seq: SeqNumber,
    /// Its acknowledgment number.
    pub ack: SeqNumber,
    /// Its flags.
    pub flags: TcpFlags,
    /// Its window field.
    pub window: u16,
}

/// An ICMP or ICMPv6 error quoting a TCP segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcmpError {
    /// ICMPv6 (else ICMPv4).
    pub v6: bool,
    /// ICMP type.
    pub icmp_type: u8,
    /// ICMP code.
    pub code: u8,
    /// The segment it quotes.
    pub quoted: QuotedTcp,
}

/// Whether an ICMP type is an error that quotes the offending packet.
const fn is_error(v6: bool, icmp_type: u8) -> bool {
    if v6 {
        matches!(icmp_type, 1..=4)
    } else {
        matches!(icmp_type, 3 | 4 | 5 | 11 | 12)
    }
}

/// Reads an ICMP (`v6` false) or ICMPv6 message: `Some` when it is an
/// error quoting a full fixed TCP header. Anything else (echo, a quote of
/// UDP, a quote too short, a quoted header that does not parse) is `None`:
/// an ICMP message that is not about a TCP segment, never an error.
///
/// ```
/// use tcpphase::wire::icmp::read_icmp_error;
/// let mut msg = vec![3, 3, 0, 0, 0, 0, 0, 0]; // port unreachable
/// msg.extend([0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
/// msg.extend([0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0]);
/// let e = read_icmp_error(&msg, false).unwrap();
/// assert_eq!(e.quoted.src.to_string(), "10.0.0.1:40000");
/// assert!(e.quoted.flags.syn());
/// assert!(read_icmp_error(&msg[..30], false).is_none());
/// ```
pub fn read_icmp_error(message: &[u8], v6: bool) -> Option<IcmpError> {
    let (&icmp_type, rest) = message.split_first()?;
    let &code = rest.first()?;
    if !is_error(v6, icmp_type) {
        return None;
    }
    let quote = message.get(ICMP_ERROR_HEADER_LEN..)?;
    let (src_ip, dst_ip, tcp) = if v6 {
        let (rest, ip) = parse_ipv6(quote).ok()?;
        if ip.upper_protocol != PROTOCOL_TCP || ip.fragment.is_some_and(|f| f.offset != 0) {
            return None;
        }
        (IpAddr::V6(ip.src), IpAddr::V6(ip.dst), rest)
    } else {
        let (rest, ip) = parse_ipv4(quote).ok()?;
        if ip.protocol != PROTOCOL_TCP || ip.is_non_first_fragment() {
            return None;
        }
        (IpAddr::V4(ip.src), IpAddr::V4(ip.dst), rest)
    };
    let fixed: &[u8; TCP_FIXED_LEN] = tcp.get(..TCP_FIXED_LEN)?.try_into().ok()?;
    let u16_at = |i: usize| u16::from_be_bytes([fixed[i], fixed[i + 1]]);
    let u32_at =
        |i: usize| u32::from_be_bytes([fixed[i], fixed[i + 1], fixed[i + 2], fixed[i + 3]]);
    if fixed[12] >> 4 < 5 {
        return None;
    }
    Some(IcmpError {
        v6,
        icmp_type,
        code,
        quoted: QuotedTcp {
            src: SocketAddr::new(src_ip, u16_at(0)),
            dst: SocketAddr::new(dst_ip, u16_at(2)),
            seq: SeqNumber(u32_at(4)),
            ack: SeqNumber(u32_at(8)),
            flags: TcpFlags(u16_at(12) & 0x1ff),
            window: u16_at(14),
        },
    })
}
