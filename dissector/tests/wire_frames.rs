//! The wire layer around real frames: each test takes frames from our own
//! loopback recordings (`snapshots/captures/`) or the public corpus
//! (`../shared/corpus/`), pasted below as byte arrays with the capture and
//! frame number they come from, and checks what `decode_frame` makes of them:
//! every field, or the exact error with its layer and offset.
//!
//! Frames that no capture has (QinQ, IPv6 extension headers, fragments,
//! broken lengths) are built from a real frame by the few byte edits their
//! test names; everything else stays as captured.

#[path = "common/real_frames.rs"]
mod real_frames;
use core::net::{Ipv4Addr, Ipv6Addr};
use real_frames::*;
use tcpphase::wire::ipv4::Ipv4Header;
use tcpphase::wire::ipv6::Ipv6Header;
use tcpphase::wire::linux_sll::{parse_linux_sll, parse_linux_sll2, LinuxSllHeader};
use tcpphase::wire::options::TcpOptions;
use tcpphase::wire::{
    decode_frame, decode_frame_linktype, Decoded, IpHeader, Layer, LinkSummary, LinkType,
    SeqNumber, TcpFlags, TcpHeader, TcpOption, TcpSegment, WireError,
};

// ---------------------------------------------------------------------------
// Helpers: decoding, and the byte edits that derive frames from real ones.

/// Decodes a frame that must hold a TCP segment.
#[track_caller]
fn segment(link: LinkType, frame: &[u8]) -> TcpSegment<'_> {
    match decode_frame(link, frame) {
        Ok(Decoded::Tcp(segment)) => segment,
        other => panic!("expected a TCP segment, got {other:?}"),
    }
}

/// Decodes a frame that must fail.
#[track_caller]
fn error(link: LinkType, frame: &[u8]) -> WireError {
    match decode_frame(link, frame) {
        Err(e) => e,
        Ok(other) => panic!("expected an error, got {other:?}"),
    }
}

#[track_caller]
fn ipv4<'a>(segment: &TcpSegment<'a>) -> Ipv4Header<'a> {
    match segment.ip {
        IpHeader::V4(ip) => ip,
        IpHeader::V6(ip) => panic!("expected IPv4, got {ip:?}"),
    }
}

#[track_caller]
fn ipv6<'a>(segment: &TcpSegment<'a>) -> Ipv6Header<'a> {
    match segment.ip {
        IpHeader::V6(ip) => ip,
        IpHeader::V4(ip) => panic!("expected IPv6, got {ip:?}"),
    }
}

/// Every option of the segment; a malformed one fails the test.
#[track_caller]
fn options<'a>(segment: &TcpSegment<'a>) -> Vec<TcpOption<'a>> {
    segment
        .tcp
        .options
        .map(|option| option.expect("well-formed option"))
        .collect()
}

/// The SACK blocks of a SACK option as (left, right) pairs of raw numbers.
fn sack_edges(option: &TcpOption<'_>) -> Vec<(u32, u32)> {
    match option {
        TcpOption::Sack(blocks) => blocks.iter().map(|(l, r)| (l.0, r.0)).collect(),
        other => panic!("not a SACK option: {other:?}"),
    }
}

/// The frame with some bytes replaced: `(index, new value)`.
fn patched(frame: &[u8], edits: &[(usize, u8)]) -> Vec<u8> {
    let mut out = frame.to_vec();
    for &(at, value) in edits {
        out[at] = value;
    }
    out
}

/// The frame with `bytes` inserted before index `at`.
fn spliced(frame: &[u8], at: usize, bytes: &[u8]) -> Vec<u8> {
    let mut out = frame[..at].to_vec();
    out.extend_from_slice(bytes);
    out.extend_from_slice(&frame[at..]);
    out
}

/// `head` followed by `rest`.
fn joined(head: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut out = head.to_vec();
    out.extend_from_slice(rest);
    out
}

/// Ethernet header length of the loopback recordings.
const ETH: usize = 14;

/// IPV6_SYN with extension headers inserted between the fixed header and
/// TCP. Each entry is (header type, its bytes); the next-header bytes are
/// chained (the last names TCP) and the payload length grows to match.
fn ipv6_syn_with(extensions: &[(u8, &[u8])]) -> Vec<u8> {
    let mut chain = Vec::new();
    for (i, (_, bytes)) in extensions.iter().enumerate() {
        let next = extensions.get(i + 1).map_or(6, |(kind, _)| *kind);
        chain.push(next);
        chain.extend_from_slice(&bytes[1..]);
    }
    let mut frame = spliced(&IPV6_SYN, ETH + 40, &chain);
    frame[ETH + 6] = extensions.first().map_or(6, |(kind, _)| *kind);
    let payload_len = 40 + chain.len() as u16;
    frame[ETH + 4..ETH + 6].copy_from_slice(&payload_len.to_be_bytes());
    frame
}

// IPv6 extension headers as they would appear (first byte: next header,
// rewritten by `ipv6_syn_with`).
const HOP_BY_HOP: u8 = 0;
const ROUTING: u8 = 43;
const FRAGMENT: u8 = 44;
const AUTH: u8 = 51;
const DEST_OPTIONS: u8 = 60;
/// Hop-by-hop: Router Alert (MLD), then a 0-byte PadN.
const HOP_BY_HOP_ROUTER_ALERT: [u8; 8] = [0, 0, 5, 2, 0, 0, 1, 0];
/// Destination options: one PadN of 4 bytes.
const DEST_OPTIONS_PADN: [u8; 8] = [0, 0, 1, 4, 0, 0, 0, 0];
/// Routing header type 2 (Mobile IPv6), one segment left, home address 2001:db8::1.
const ROUTING_TYPE_2: [u8; 24] = [
    0, 2, 2, 1, 0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
];
/// Fragment header: offset 0, more fragments, identification 0x12345678.
const FRAGMENT_FIRST: [u8; 8] = [0, 0, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78];
/// Fragment header: offset 1448 bytes (181 units), last fragment, id 0x12345678.
const FRAGMENT_LAST_AT_1448: [u8; 8] = [0, 0, 0x05, 0xa8, 0x12, 0x34, 0x56, 0x78];
/// Authentication header: payload length 4, (4 + 2) x 4 = 24 bytes, SPI 0x100, sequence 1.
const AUTH_24: [u8; 24] = [
    0, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
    0xaa, 0xaa,
];

// ---------------------------------------------------------------------------
// One frame per link type.

#[test]
fn ethernet_ipv4_syn_every_field() {
    let s = segment(LinkType::Ethernet, &HTTP_SYN);
    assert_eq!(s.link, LinkSummary::default());
    assert_eq!(
        ipv4(&s),
        Ipv4Header {
            header_len: 20,
            tos: 0,
            total_len: 60,
            id: 0xf7e9,
            dont_fragment: true,
            more_fragments: false,
            fragment_offset: 0,
            ttl: 64,
            protocol: 6,
            checksum: 0x44d0,
            src: Ipv4Addr::LOCALHOST,
            dst: Ipv4Addr::LOCALHOST,
            options: &[],
        }
    );
    assert_eq!(s.tcp_offset, 34);
    assert_eq!(
        s.tcp,
        TcpHeader {
            src_port: 41104,
            dst_port: 47001,
            seq: SeqNumber(1_586_624_808),
            ack: SeqNumber(0),
            header_len: 40,
            reserved: 0,
            flags: TcpFlags::SYN,
            window: 65495,
            checksum: 0xfe30,
            urgent: 0,
            options: TcpOptions::new(&HTTP_SYN[54..74]),
        }
    );
    assert_eq!(
        options(&s),
        vec![
            TcpOption::Mss(65495),
            TcpOption::SackPermitted,
            TcpOption::Timestamps {
                value: 3_512_610_306,
                echo: 0
            },
            TcpOption::Nop,
            TcpOption::WindowScale(10),
        ]
    );
    assert_eq!(s.payload_len, 0);
    assert!(s.payload.is_empty());
    assert!(!s.is_payload_truncated());
    assert_eq!(s.ip.src(), Ipv4Addr::LOCALHOST);
    assert_eq!(s.ip.dst(), Ipv4Addr::LOCALHOST);
}

#[test]
fn ethernet_ipv4_data_segment_payload() {
    let s = segment(LinkType::Ethernet, &HTTP_GET);
    assert_eq!(ipv4(&s).total_len, 139);
    assert_eq!(s.tcp.header_len, 32);
    assert_eq!(s.tcp.seq, SeqNumber(0x5e91_f929));
    assert_eq!(s.tcp.ack, SeqNumber(0x2a5f_945f));
    assert_eq!(s.tcp.flags, TcpFlags::PSH | TcpFlags::ACK);
    assert_eq!(s.tcp.window, 64);
    assert_eq!(
        options(&s),
        vec![
            TcpOption::Nop,
            TcpOption::Nop,
            TcpOption::Timestamps {
                value: 0xd15e_2e67,
                echo: 0x64e9_ed98
            },
        ]
    );
    assert_eq!(s.payload_len, 87);
    assert_eq!(s.payload, &HTTP_GET[66..]);
    assert!(s.payload.starts_with(b"GET /index.html HTTP/1.1\r\n"));
    assert!(!s.is_payload_truncated());
}

#[test]
fn ethernet_8021q_vlan_with_trailer() {
    let s = segment(LinkType::Ethernet, &VLAN_SYN);
    assert_eq!(
        s.link,
        LinkSummary {
            vlan_ids: [4093, 0],
            vlan_depth: 1,
            mpls_depth: 0,
            tunnels: 0,
        }
    );
    let ip = ipv4(&s);
    assert_eq!(ip.src, Ipv4Addr::new(10, 20, 80, 1));
    assert_eq!(ip.dst, Ipv4Addr::new(10, 0, 0, 15));
    assert_eq!((ip.total_len, ip.id, ip.ttl), (60, 0x02c5, 255));
    assert_eq!(s.tcp_offset, 18 + 20);
    assert_eq!((s.tcp.src_port, s.tcp.dst_port), (50343, 80));
    assert_eq!(s.tcp.seq, SeqNumber(4_084_526_270));
    assert_eq!(s.tcp.flags, TcpFlags::SYN);
    assert_eq!(s.tcp.window, 5760);
    assert_eq!(
        options(&s),
        vec![
            TcpOption::Mss(1440),
            TcpOption::SackPermitted,
            TcpOption::Timestamps {
                value: 2_995_515_157,
                echo: 0
            },
            TcpOption::Nop,
            TcpOption::WindowScale(7),
        ]
    );
    // The 22-byte F5 trailer after the IP packet is not payload.
    assert_eq!(VLAN_SYN.len(), 18 + 60 + 22);
    assert_eq!(s.payload_len, 0);
    assert!(s.payload.is_empty());
}

#[test]
fn ethernet_qinq_service_and_customer_tags() {
    // VLAN_SYN with an 802.1ad service tag (0x88a8, VLAN 100) pushed in
    // front of its 802.1Q tag.
    let frame = spliced(&VLAN_SYN, 12, &[0x88, 0xa8, 0x00, 0x64]);
    let s = segment(LinkType::Ethernet, &frame);
    assert_eq!(
        s.link,
        LinkSummary {
            vlan_ids: [100, 4093],
            vlan_depth: 2,
            mpls_depth: 0,
            tunnels: 0,
        }
    );
    assert_eq!(s.tcp_offset, 22 + 20);
    assert_eq!((s.tcp.src_port, s.tcp.dst_port), (50343, 80));
    assert_eq!(s.tcp.flags, TcpFlags::SYN);
}

#[test]
fn ethernet_three_vlan_tags_keep_the_outer_two_ids() {
    // VLAN_SYN with 0x88a8 (VLAN 100) and the pre-standard 0x9100 (VLAN 200)
    // in front of its 802.1Q tag.
    let frame = spliced(
        &VLAN_SYN,
        12,
        &[0x88, 0xa8, 0x00, 0x64, 0x91, 0x00, 0x00, 0xc8],
    );
    let s = segment(LinkType::Ethernet, &frame);
    assert_eq!(s.link.vlan_ids, [100, 200]);
    assert_eq!(s.link.vlan_depth, 3);
    assert_eq!(s.tcp_offset, 26 + 20);
}

#[test]
fn ethernet_mpls_one_label() {
    let s = segment(LinkType::Ethernet, &MPLS_SYN);
    assert_eq!(
        s.link,
        LinkSummary {
            vlan_ids: [0, 0],
            vlan_depth: 0,
            mpls_depth: 1,
            tunnels: 0,
        }
    );
    assert_eq!(
        ipv4(&s),
        Ipv4Header {
            header_len: 20,
            tos: 0xc0,
            total_len: 44,
            id: 0,
            dont_fragment: false,
            more_fragments: false,
            fragment_offset: 0,
            ttl: 255,
            protocol: 6,
            checksum: 0xa4e7,
            src: Ipv4Addr::new(10, 1, 2, 1),
            dst: Ipv4Addr::new(10, 34, 0, 1),
            options: &[],
        }
    );
    assert_eq!(s.tcp_offset, 18 + 20);
    assert_eq!((s.tcp.src_port, s.tcp.dst_port), (11001, 23));
    assert_eq!(s.tcp.seq, SeqNumber(2_553_417_723));
    assert_eq!(s.tcp.header_len, 24);
    assert_eq!(s.tcp.window, 4128);
    assert_eq!(options(&s), vec![TcpOption::Mss(536)]);
    assert_eq!(s.payload_len, 0);
}

#[test]
fn ethernet_mpls_two_label_stack() {
    // MPLS_SYN with an outer label (16, not bottom of stack, TTL 64) pushed.
    let frame = spliced(&MPLS_SYN, 14, &[0x00, 0x01, 0x00, 0x40]);
    let s = segment(LinkType::Ethernet, &frame);
    assert_eq!(s.link.mpls_depth, 2);
    assert_eq!(s.tcp_offset, 22 + 20);
    assert_eq!(s.tcp.dst_port, 23);
}

#[test]
fn ethernet_mpls_over_something_not_ip() {
    // MPLS_SYN with the IP version nibble after the label set to 0.
    let frame = patched(&MPLS_SYN, &[(18, 0x05)]);
    assert_eq!(
        decode_frame(LinkType::Ethernet, &frame),
        Ok(Decoded::NotIp { ethertype: 0x8847 })
    );
}

#[test]
fn ethernet_arp_is_not_ip() {
    assert_eq!(
        decode_frame(LinkType::Ethernet, &ARP_REQUEST),
        Ok(Decoded::NotIp { ethertype: 0x0806 })
    );
}

#[test]
fn linux_cooked_v1_real_frame() {
    let (_, sll) = parse_linux_sll(&COOKED_V1_SYN).expect("SLL header");
    // Packet type 4 (sent by us), ARPHRD_PPP.
    assert_eq!(
        sll,
        LinuxSllHeader {
            packet_type: 4,
            arphrd_type: 512,
            protocol: 0x0800,
            interface_index: 0,
        }
    );
    let s = segment(LinkType::LinuxSll, &COOKED_V1_SYN);
    assert_eq!(s.link, LinkSummary::default());
    let ip = ipv4(&s);
    assert_eq!(ip.src, Ipv4Addr::new(131, 155, 215, 69));
    assert_eq!(ip.dst, Ipv4Addr::new(137, 116, 81, 94));
    assert_eq!(s.tcp_offset, 16 + 20);
    assert_eq!((s.tcp.src_port, s.tcp.dst_port), (46656, 80));
    assert_eq!(s.tcp.seq, SeqNumber(0x2f84_2acb));
    assert_eq!(s.tcp.flags, TcpFlags::SYN);
    assert_eq!(s.tcp.window, 27200);
    assert_eq!(
        options(&s),
        vec![
            TcpOption::Mss(1360),
            TcpOption::SackPermitted,
            TcpOption::Timestamps {
                value: 0x436a_0362,
                echo: 0
            },
            TcpOption::Nop,
            TcpOption::WindowScale(7),
        ]
    );
}

#[test]
fn linux_cooked_v1_constructed_header() {
    // A 16-byte cooked header (to us, ARPHRD_LOOPBACK, 6-byte zero address,
    // IPv4) in front of the IP packet of HTTP_SYN.
    let header = [0, 0, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00];
    let frame = joined(&header, &HTTP_SYN[ETH..]);
    let s = segment(LinkType::LinuxSll, &frame);
    assert_eq!(s.tcp_offset, 36);
    assert_eq!((s.tcp.src_port, s.tcp.dst_port), (41104, 47001));
    assert_eq!(s.tcp.options, TcpOptions::new(&HTTP_SYN[54..]));
    assert_eq!(
        decode_frame_linktype(113, &frame),
        decode_frame(LinkType::LinuxSll, &frame)
    );
}

#[test]
fn linux_cooked_v2_real_frame() {
    let (_, sll) = parse_linux_sll2(&COOKED_V2_SYN).expect("SLL2 header");
    // Interface 1 (lo), ARPHRD_LOOPBACK, packet to us.
    assert_eq!(
        sll,
        LinuxSllHeader {
            packet_type: 0,
            arphrd_type: 772,
            protocol: 0x0800,
            interface_index: 1,
        }
    );
    let s = segment(LinkType::LinuxSll2, &COOKED_V2_SYN);
    assert_eq!(s.tcp_offset, 20 + 20);
    assert_eq!(ipv4(&s).src, Ipv4Addr::LOCALHOST);
    assert_eq!((s.tcp.src_port, s.tcp.dst_port), (41156, 47012));
    assert_eq!(s.tcp.seq, SeqNumber(0x4f51_c08b));
    assert_eq!(s.tcp.flags, TcpFlags::SYN);
    assert_eq!(
        options(&s),
        vec![
            TcpOption::Mss(65495),
            TcpOption::SackPermitted,
            TcpOption::Timestamps {
                value: 118_977_361,
                echo: 0
            },
            TcpOption::Nop,
            TcpOption::WindowScale(10),
        ]
    );
    assert_eq!(
        decode_frame_linktype(276, &COOKED_V2_SYN),
        Ok(Decoded::Tcp(s))
    );
}

#[test]
fn dlt_null_reads_the_family_in_either_byte_order() {
    let ip_packet = &HTTP_SYN[ETH..];
    for family in [[2, 0, 0, 0], [0, 0, 0, 2]] {
        let frame = joined(&family, ip_packet);
        let s = segment(LinkType::Null, &frame);
        assert_eq!(s.tcp_offset, 4 + 20, "family {family:?}");
        assert_eq!((s.tcp.src_port, s.tcp.dst_port), (41104, 47001));
    }
    // AF_INET6 is 30 on macOS (little-endian host), 24 on NetBSD/OpenBSD,
    // 28 on FreeBSD, 10 on Linux.
    let ipv6_packet = &IPV6_SYN[ETH..];
    for family in [[30, 0, 0, 0], [0, 0, 0, 24], [28, 0, 0, 0], [0, 0, 0, 10]] {
        let frame = joined(&family, ipv6_packet);
        let s = segment(LinkType::Null, &frame);
        assert_eq!(s.tcp_offset, 4 + 40, "family {family:?}");
        assert_eq!(ipv6(&s).src, Ipv6Addr::LOCALHOST);
    }
    assert_eq!(
        decode_frame_linktype(0, &joined(&[2, 0, 0, 0], ip_packet)),
        decode_frame(LinkType::Null, &joined(&[2, 0, 0, 0], ip_packet))
    );
}

#[test]
fn dlt_loop_reads_the_family_in_network_order_only() {
    let frame = joined(&[0, 0, 0, 2], &HTTP_SYN[ETH..]);
    let s = segment(LinkType::Loop, &frame);
    assert_eq!(s.tcp_offset, 24);
    let frame6 = joined(&[0, 0, 0, 24], &IPV6_SYN[ETH..]);
    assert_eq!(segment(LinkType::Loop, &frame6).tcp_offset, 44);
    // A little-endian AF_INET is family 0x02000000 to DLT_LOOP.
    let little = joined(&[2, 0, 0, 0], &HTTP_SYN[ETH..]);
    assert_eq!(
        decode_frame(LinkType::Loop, &little),
        Ok(Decoded::NotIp {
            ethertype: 0x0200_0000
        })
    );
    assert_eq!(
        decode_frame_linktype(108, &frame),
        decode_frame(LinkType::Loop, &frame)
    );
}

#[test]
fn raw_ip_picks_the_version_from_the_first_nibble() {
    let v4 = &HTTP_SYN[ETH..];
    let s = segment(LinkType::Raw, v4);
    assert_eq!(s.tcp_offset, 20);
    assert_eq!(s.tcp.dst_port, 47001);
    let v6 = &IPV6_SYN[ETH..];
    let s = segment(LinkType::Raw, v6);
    assert_eq!(s.tcp_offset, 40);
    assert_eq!(s.tcp.dst_port, 47011);
    // LINKTYPE_RAW is 101; some BSD files say 12 or 14.
    for linktype in [101, 12, 14] {
        assert_eq!(
            decode_frame_linktype(linktype, v4),
            Ok(Decoded::Tcp(segment(LinkType::Raw, v4)))
        );
        assert_eq!(
            decode_frame_linktype(linktype, v6),
            Ok(Decoded::Tcp(segment(LinkType::Raw, v6)))
        );
    }
}

#[test]
fn linktype_ipv4_and_ipv6_take_only_their_version() {
    let v4 = &HTTP_SYN[ETH..];
    let v6 = &IPV6_SYN[ETH..];
    assert_eq!(segment(LinkType::Ipv4, v4).tcp_offset, 20);
    assert_eq!(segment(LinkType::Ipv6, v6).tcp_offset, 40);
    assert_eq!(
        decode_frame_linktype(228, v4),
        decode_frame(LinkType::Ipv4, v4)
    );
    assert_eq!(
        decode_frame_linktype(229, v6),
        decode_frame(LinkType::Ipv6, v6)
    );
    assert_eq!(
        error(LinkType::Ipv4, v6),
        WireError::BadIpVersion {
            layer: Layer::Ipv4,
            offset: 0,
            version: 6
        }
    );
    assert_eq!(
        error(LinkType::Ipv6, v4),
        WireError::BadIpVersion {
            layer: Layer::Ipv6,
            offset: 0,
            version: 4
        }
    );
}

#[test]
fn unsupported_link_type() {
    // LINKTYPE_USER0 (147), LINKTYPE_IEEE802_15_4_WITHFCS (195).
    for linktype in [147, 195] {
        let e = decode_frame_linktype(linktype, &HTTP_SYN).unwrap_err();
        assert_eq!(e, WireError::UnsupportedLinkType { linktype });
        assert_eq!(e.layer(), None);
        assert_eq!(e.offset(), 0);
        assert_eq!(e.to_string(), format!("unsupported link type {linktype}"));
    }
}

// ---------------------------------------------------------------------------
// TCP flags: one segment per flag, and the real frames that set several.

/// A flag accessor such as `TcpFlags::syn`.
type FlagTest = fn(TcpFlags) -> bool;

#[test]
fn every_flag_alone() {
    // HTTP_ACK with its flag bits (byte 47, and AE in byte 46 next to the
    // data offset 8) replaced by one flag at a time.
    let table: [(TcpFlags, &str, FlagTest); 9] = [
        (TcpFlags::FIN, "F", TcpFlags::fin),
        (TcpFlags::SYN, "S", TcpFlags::syn),
        (TcpFlags::RST, "R", TcpFlags::rst),
        (TcpFlags::PSH, "P", TcpFlags::psh),
        (TcpFlags::ACK, "A", TcpFlags::ack),
        (TcpFlags::URG, "U", TcpFlags::urg),
        (TcpFlags::ECE, "E", TcpFlags::ece),
        (TcpFlags::CWR, "C", TcpFlags::cwr),
        (TcpFlags::AE, "N", TcpFlags::ae),
    ];
    let accessors: Vec<FlagTest> = table.iter().map(|(_, _, f)| *f).collect();
    for (flag, letter, is_set) in table {
        let bits = flag.0;
        let frame = patched(
            &HTTP_ACK,
            &[(46, 0x80 | (bits >> 8) as u8), (47, bits as u8)],
        );
        let s = segment(LinkType::Ethernet, &frame);
        assert_eq!(s.tcp.flags, flag, "{letter}");
        assert_eq!(s.tcp.header_len, 32, "{letter}");
        assert_eq!(s.tcp.reserved, 0, "{letter}");
        assert!(is_set(s.tcp.flags), "{letter}");
        let set = accessors.iter().filter(|f| f(s.tcp.flags)).count();
        assert_eq!(set, 1, "{letter}: only one accessor is true");
        assert_eq!(s.tcp.flags.to_string(), letter);
    }
}

#[test]
fn no_flags_and_reserved_bits() {
    // HTTP_ACK with no flag set and all three reserved bits set (byte 46:
    // data offset 8, reserved 0b111, AE 0).
    let frame = patched(&HTTP_ACK, &[(46, 0x8e), (47, 0x00)]);
    let s = segment(LinkType::Ethernet, &frame);
    assert_eq!(s.tcp.flags, TcpFlags(0));
    assert_eq!(s.tcp.flags.to_string(), "");
    assert_eq!(s.tcp.reserved, 7);
    assert_eq!(s.tcp.header_len, 32);
}

#[test]
fn real_flag_combinations() {
    let s = segment(LinkType::Ethernet, &HTTP_SERVER_FIN);
    assert_eq!(s.tcp.flags, TcpFlags::FIN | TcpFlags::ACK);
    assert_eq!(s.tcp.flags.to_string(), "FA");
    let s = segment(LinkType::Ethernet, &RST_ACK);
    assert_eq!(s.tcp.flags, TcpFlags::RST | TcpFlags::ACK);
    assert_eq!(s.tcp.flags.to_string(), "RA");
    assert_eq!(s.tcp.seq, SeqNumber(0x8d6f_2a8a));
}

#[test]
fn all_eight_lowest_flags_from_the_tcpdump_corpus() {
    let s = segment(LinkType::Ethernet, &ALL_FLAGS);
    assert_eq!(s.tcp.flags, TcpFlags(0x0ff));
    assert!(s.tcp.flags.fin() && s.tcp.flags.syn() && s.tcp.flags.rst() && s.tcp.flags.psh());
    assert!(s.tcp.flags.ack() && s.tcp.flags.urg() && s.tcp.flags.ece() && s.tcp.flags.cwr());
    assert!(!s.tcp.flags.ae());
    assert_eq!(s.tcp.flags.to_string(), "SFRPAUEC");
    assert_eq!(format!("{:?}", s.tcp.flags), "TcpFlags(0x0ff SFRPAUEC)");
    assert_eq!(ipv4(&s).src, Ipv4Addr::new(10, 0, 0, 2));
    assert_eq!(ipv4(&s).dst, Ipv4Addr::new(10, 128, 0, 2));
    assert_eq!((s.tcp.src_port, s.tcp.dst_port), (6260, 80));
    assert_eq!(s.tcp.seq, SeqNumber(576_462_951));
    assert_eq!(s.tcp.ack, SeqNumber(486_026_015));
    assert_eq!(s.tcp.window, 512);
    assert_eq!(s.tcp.header_len, 20);
    assert!(options(&s).is_empty());
    assert_eq!(s.payload_len, 0);
}

#[test]
fn accecn_syn_sets_ae() {
    let s = segment(LinkType::Ethernet, &ACCECN_SYN);
    assert_eq!(s.tcp.flags.0, 0x1c2);
    assert_eq!(
        s.tcp.flags,
        TcpFlags::SYN | TcpFlags::ECE | TcpFlags::CWR | TcpFlags::AE
    );
    assert!(s.tcp.flags.ae());
    assert_eq!(s.tcp.flags.to_string(), "SECN");
    assert_eq!(s.tcp.reserved, 0);
    assert_eq!(s.tcp.header_len, 40);
    assert_eq!((s.tcp.src_port, s.tcp.dst_port), (16433, 80));
    assert_eq!(
        options(&s),
        vec![
            TcpOption::Mss(1460),
            TcpOption::Nop,
            TcpOption::WindowScale(6),
            TcpOption::SackPermitted,
            TcpOption::Timestamps {
                value: 112_147_477,
                echo: 0
            },
        ]
    );
}

// ---------------------------------------------------------------------------
// TCP options: every kind.

#[test]
fn sack_blocks() {
    let s = segment(LinkType::Ethernet, &SACK_ACK);
    assert_eq!(ipv4(&s).ttl, 0);
    assert_eq!((s.tcp.src_port, s.tcp.dst_port), (50368, 80));
    assert_eq!(s.tcp.ack, SeqNumber(0xfd48_ad76));
    let opts = options(&s);
    assert_eq!(opts.len(), 3);
    assert_eq!(&opts[..2], &[TcpOption::Nop, TcpOption::Nop]);
    assert_eq!(opts[2].kind(), 5);
    // tshark: SLE=14301 SRE=15731 relative to the connection's ISN.
    assert_eq!(sack_edges(&opts[2]), vec![(0xfd48_b30c, 0xfd48_b8a2)]);
    let TcpOption::Sack(blocks) = opts[2] else {
        unreachable!()
    };
    assert_eq!(blocks.len(), 1);
    assert!(!blocks.is_empty());
}

#[test]
fn sack_with_three_blocks() {
    // SACK_ACK with its header grown by 16 bytes: the SACK option carries
    // two more blocks (data offset 12, IP total length 68).
    let extra = [
        0xfd, 0x48, 0xc0, 0x00, 0xfd, 0x48, 0xc1, 0x00, 0xfd, 0x48, 0xd0, 0x00, 0xfd, 0x48, 0xd1,
        0x00,
    ];
    let mut frame = spliced(&SACK_ACK, SACK_ACK.len(), &extra);
    frame[17] = 68;
    frame[46] = 0xc0;
    frame[57] = 26;
    let s = segment(LinkType::Ethernet, &frame);
    assert_eq!(
        sack_edges(&options(&s)[2]),
        vec![
            (0xfd48_b30c, 0xfd48_b8a2),
            (0xfd48_c000, 0xfd48_c100),
            (0xfd48_d000, 0xfd48_d100)
        ]
    );
}

#[test]
fn fast_open_experimental_kind_254() {
    // Cookie request: kind 254, length 4, ExID 0xF989, no cookie.
    let s = segment(LinkType::Ethernet, &TFO_REQUEST);
    assert_eq!(s.tcp.header_len, 24);
    assert_eq!(s.tcp.options.bytes(), &[0xfe, 0x04, 0xf9, 0x89]);
    assert_eq!(
        options(&s),
        vec![TcpOption::FastOpenCookieExperimental(&[])]
    );
    // The cookie in the SYN-ACK.
    let s = segment(LinkType::Ethernet, &TFO_COOKIE);
    assert_eq!(s.tcp.flags, TcpFlags::SYN | TcpFlags::ACK);
    assert_eq!(
        options(&s),
        vec![
            TcpOption::FastOpenCookieExperimental(&[0x09, 0x09, 0x09, 0x09, 0x00, 0x00]),
            TcpOption::Nop,
            TcpOption::Nop,
        ]
    );
    // The cookie again, with data on the SYN.
    let s = segment(LinkType::Ethernet, &TFO_SYN_DATA);
    assert_eq!(s.tcp.flags, TcpFlags::SYN);
    assert_eq!(
        options(&s)[0],
        TcpOption::FastOpenCookieExperimental(&[0x09, 0x09, 0x09, 0x09, 0x00, 0x00])
    );
    assert_eq!(s.payload_len, 4);
    assert_eq!(s.payload, &[0xde, 0xad, 0xbe, 0xef]);
}

#[test]
fn fast_open_kind_34() {
    // TFO_SYN_DATA with its experimental option rewritten as the RFC 7413
    // kind 34 (length 8, the same cookie) and two more NOPs.
    let frame = patched(
        &TFO_SYN_DATA,
        &[
            (54, 34),
            (55, 8),
            (56, 9),
            (57, 9),
            (58, 9),
            (59, 9),
            (60, 0),
            (61, 0),
            (62, 1),
            (63, 1),
        ],
    );
    let s = segment(LinkType::Ethernet, &frame);
    let opts = options(&s);
    assert_eq!(
        opts,
        vec![
            TcpOption::FastOpenCookie(&[0x09, 0x09, 0x09, 0x09, 0x00, 0x00]),
            TcpOption::Nop,
            TcpOption::Nop,
            TcpOption::Nop,
            TcpOption::Nop,
        ]
    );
    assert_eq!(opts[0].kind(), 34);
    // A kind-34 cookie request has length 2.
    let request = patched(&TFO_REQUEST, &[(54, 34), (55, 2), (56, 1), (57, 1)]);
    assert_eq!(
        options(&segment(LinkType::Ethernet, &request)),
        vec![
            TcpOption::FastOpenCookie(&[]),
            TcpOption::Nop,
            TcpOption::Nop
        ]
    );
}

#[test]
fn mptcp_options_stay_raw() {
    let s = segment(LinkType::Ethernet, &MPTCP_SYN);
    assert_eq!(s.tcp.header_len, 52);
    assert_eq!(
        options(&s),
        vec![
            TcpOption::Mss(1460),
            TcpOption::SackPermitted,
            TcpOption::Timestamps {
                value: 38230,
                echo: 0
            },
            TcpOption::Nop,
            TcpOption::WindowScale(6),
            // MP_CAPABLE (subtype 0), version 0, flags 0x81, sender's key.
            TcpOption::Mptcp(&[0x00, 0x81, 0x9b, 0x59, 0xbe, 0x3d, 0x69, 0x5e, 0x66, 0xa7]),
        ]
    );
    let s = segment(LinkType::Ethernet, &MPTCP_FASTCLOSE);
    let opts = options(&s);
    assert_eq!(opts.len(), 4);
    // MP_FASTCLOSE (subtype 7) with the receiver's key.
    assert_eq!(
        opts[3],
        TcpOption::Mptcp(&[0x70, 0x00, 0xd0, 0x05, 0xb1, 0xab, 0x34, 0xba, 0xd3, 0x44])
    );
    assert_eq!(opts[3].kind(), 30);
}

#[test]
fn unknown_kinds_keep_their_bytes() {
    // AccECN's option is kind 254 under ExID 0xACC0: not Fast Open.
    let s = segment(LinkType::Ethernet, &ACCECN_SYN_ACK);
    assert_eq!(s.tcp.flags, TcpFlags::SYN | TcpFlags::ACK | TcpFlags::CWR);
    let opts = options(&s);
    assert_eq!(
        opts,
        vec![
            TcpOption::Mss(1460),
            TcpOption::SackPermitted,
            TcpOption::Timestamps {
                value: 2_783_239_876,
                echo: 112_147_477
            },
            TcpOption::Unknown {
                kind: 254,
                data: &[0xac, 0xc0, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
            },
            TcpOption::WindowScale(7),
        ]
    );
    assert_eq!(opts[3].kind(), 254);
    // HTTP_SYN with its SACK-permitted option turned into kind 99.
    let frame = patched(&HTTP_SYN, &[(58, 99)]);
    let opts = options(&segment(LinkType::Ethernet, &frame));
    assert_eq!(
        opts[1],
        TcpOption::Unknown {
            kind: 99,
            data: &[]
        }
    );
    assert_eq!(opts[2].kind(), 8);
}

#[test]
fn end_of_option_list_stops_parsing() {
    let s = segment(LinkType::Ethernet, &ACCECN_ACK);
    assert_eq!(s.tcp.header_len, 48);
    assert_eq!(
        options(&s),
        vec![
            TcpOption::Nop,
            TcpOption::Nop,
            TcpOption::Timestamps {
                value: 112_147_698,
                echo: 2_783_239_876
            },
            TcpOption::Unknown {
                kind: 254,
                data: &[0xac, 0xc0, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
            },
            TcpOption::EndOfList,
        ]
    );
    // Whatever follows EOL is not read: HTTP_SYN with its MSS kind set to EOL.
    let frame = patched(&HTTP_SYN, &[(54, 0)]);
    assert_eq!(
        options(&segment(LinkType::Ethernet, &frame)),
        vec![TcpOption::EndOfList]
    );
}

#[test]
fn impossible_option_lengths() {
    // HTTP_SYN with the MSS option's length set to 3: the segment decodes,
    // iterating its options reports the option.
    let frame = patched(&HTTP_SYN, &[(55, 3)]);
    let s = segment(LinkType::Ethernet, &frame);
    let all: Vec<_> = s.tcp.options.collect();
    let bad = WireError::TcpOptionBadLength {
        offset: 20,
        kind: 2,
        len: 3,
    };
    assert_eq!(all, vec![Err(bad)]);
    assert_eq!(s.tcp.options.validate(), Err(bad));
    assert_eq!(bad.layer(), Some(Layer::TcpOption));
    assert_eq!(
        bad.to_string(),
        "TCP option kind 2 at header byte 20 has impossible length 3"
    );
    // HTTP_SYN with the window-scale option's length running past the header.
    let frame = patched(&HTTP_SYN, &[(72, 9)]);
    let all: Vec<_> = segment(LinkType::Ethernet, &frame).tcp.options.collect();
    assert_eq!(all.len(), 5);
    assert_eq!(
        all[4],
        Err(WireError::TcpOptionBadLength {
            offset: 37,
            kind: 3,
            len: 9
        })
    );
    // Length 0 would never advance.
    let frame = patched(&HTTP_SYN, &[(59, 0)]);
    let all: Vec<_> = segment(LinkType::Ethernet, &frame).tcp.options.collect();
    assert_eq!(
        all,
        vec![
            Ok(TcpOption::Mss(65495)),
            Err(WireError::TcpOptionBadLength {
                offset: 24,
                kind: 4,
                len: 0
            })
        ]
    );
    assert!(TcpOptions::new(&HTTP_SYN[54..]).validate().is_ok());
}

// ---------------------------------------------------------------------------
// IPv6 and its extension headers.

#[test]
fn ipv6_syn_every_field() {
    let s = segment(LinkType::Ethernet, &IPV6_SYN);
    assert_eq!(
        ipv6(&s),
        Ipv6Header {
            traffic_class: 0,
            flow_label: 0x2_5878,
            payload_len: 40,
            next_header: 6,
            hop_limit: 64,
            src: Ipv6Addr::LOCALHOST,
            dst: Ipv6Addr::LOCALHOST,
            extensions: &[],
            extension_count: 0,
            upper_protocol: 6,
            fragment: None,
        }
    );
    assert_eq!(s.tcp_offset, 54);
    assert_eq!((s.tcp.src_port, s.tcp.dst_port), (60224, 47011));
    assert_eq!(s.tcp.seq, SeqNumber(0x538c_a949));
    assert_eq!(s.tcp.flags, TcpFlags::SYN);
    assert_eq!(s.tcp.window, 65476);
    assert_eq!(
        options(&s),
        vec![
            TcpOption::Mss(65476),
            TcpOption::SackPermitted,
            TcpOption::Timestamps {
                value: 1_337_849_827,
                echo: 0
            },
            TcpOption::Nop,
            TcpOption::WindowScale(10),
        ]
    );
    assert_eq!(s.payload_len, 0);
}

#[test]
fn ipv6_data_segment() {
    let s = segment(LinkType::Ethernet, &IPV6_GET);
    assert_eq!(ipv6(&s).payload_len, 119);
    assert_eq!(s.payload_len, 87);
    assert!(s.payload.starts_with(b"GET /index.html HTTP/1.1\r\n"));
    assert!(!s.is_payload_truncated());
}

#[test]
fn ipv6_hop_by_hop() {
    let frame = ipv6_syn_with(&[(HOP_BY_HOP, &HOP_BY_HOP_ROUTER_ALERT)]);
    let s = segment(LinkType::Ethernet, &frame);
    let ip = ipv6(&s);
    assert_eq!(ip.next_header, 0);
    assert_eq!(ip.payload_len, 48);
    assert_eq!(ip.extension_count, 1);
    assert_eq!(ip.extensions, &[6, 0, 5, 2, 0, 0, 1, 0]);
    assert_eq!(ip.upper_protocol, 6);
    assert_eq!(ip.fragment, None);
    assert_eq!(s.tcp_offset, 54 + 8);
    assert_eq!(s.tcp.dst_port, 47011);
    assert_eq!(s.payload_len, 0);
}

#[test]
fn ipv6_routing() {
    let frame = ipv6_syn_with(&[(ROUTING, &ROUTING_TYPE_2)]);
    let s = segment(LinkType::Ethernet, &frame);
    let ip = ipv6(&s);
    assert_eq!(ip.next_header, 43);
    assert_eq!(ip.extensions.len(), 24);
    assert_eq!(ip.extension_count, 1);
    assert_eq!(s.tcp_offset, 54 + 24);
    assert_eq!(s.tcp.flags, TcpFlags::SYN);
    assert_eq!(s.payload_len, 0);
}

#[test]
fn ipv6_destination_options() {
    let frame = ipv6_syn_with(&[(DEST_OPTIONS, &DEST_OPTIONS_PADN)]);
    let s = segment(LinkType::Ethernet, &frame);
    assert_eq!(ipv6(&s).next_header, 60);
    assert_eq!(ipv6(&s).extension_count, 1);
    assert_eq!(s.tcp_offset, 54 + 8);
    assert_eq!(s.tcp.src_port, 60224);
}

#[test]
fn ipv6_authentication_header() {
    let frame = ipv6_syn_with(&[(AUTH, &AUTH_24)]);
    let s = segment(LinkType::Ethernet, &frame);
    assert_eq!(ipv6(&s).extensions.len(), 24);
    assert_eq!(s.tcp_offset, 54 + 24);
    assert_eq!(s.tcp.src_port, 60224);
}

#[test]
fn ipv6_first_fragment_waits_for_reassembly() {
    // A first fragment is held for reassembly: its data is no segment yet.
    let frame = ipv6_syn_with(&[(FRAGMENT, &FRAGMENT_FIRST)]);
    let Ok(Decoded::Fragment(f)) = decode_frame(LinkType::Ethernet, &frame) else {
        panic!("a first fragment is a fragment");
    };
    assert_eq!(
        (f.offset, f.more_fragments, f.id, f.protocol),
        (0, true, 0x1234_5678, 6)
    );
    assert_eq!(f.header.len(), 40);
    // The data starts right after the fragment header, at the TCP header.
    assert_eq!(f.data.as_ptr() as usize - frame.as_ptr() as usize, 54 + 8);
    assert_eq!(f.data[..2], frame[62..64]);
}

#[test]
fn ipv6_non_first_fragment_is_a_fragment_never_tcp() {
    // The bytes after the fragment header still look like the SYN's TCP
    // header; they must not be read as one.
    let frame = ipv6_syn_with(&[(FRAGMENT, &FRAGMENT_LAST_AT_1448)]);
    assert_eq!(
        fragment_of(decode_frame(LinkType::Ethernet, &frame)),
        Some((6, 1448))
    );
    // Also behind other extension headers, and with more fragments to come.
    let mut more = FRAGMENT_LAST_AT_1448;
    more[3] |= 1;
    let frame = ipv6_syn_with(&[(HOP_BY_HOP, &HOP_BY_HOP_ROUTER_ALERT), (FRAGMENT, &more)]);
    assert_eq!(
        fragment_of(decode_frame(LinkType::Ethernet, &frame)),
        Some((6, 1448))
    );
}

#[test]
fn ipv6_chain_of_several_extension_headers() {
    // An atomic fragment header (offset 0, no more fragments) is walked
    // through: its packet is whole.
    let mut atomic = FRAGMENT_FIRST;
    atomic[3] &= !1;
    let frame = ipv6_syn_with(&[
        (HOP_BY_HOP, &HOP_BY_HOP_ROUTER_ALERT),
        (DEST_OPTIONS, &DEST_OPTIONS_PADN),
        (ROUTING, &ROUTING_TYPE_2),
        (FRAGMENT, &atomic),
        (AUTH, &AUTH_24),
        (DEST_OPTIONS, &DEST_OPTIONS_PADN),
    ]);
    let s = segment(LinkType::Ethernet, &frame);
    let ip = ipv6(&s);
    assert_eq!(ip.next_header, 0);
    assert_eq!(ip.extension_count, 6);
    assert_eq!(ip.extensions.len(), 8 + 8 + 24 + 8 + 24 + 8);
    assert_eq!(ip.payload_len, 40 + 80);
    assert_eq!(ip.upper_payload_len(), Some(40));
    assert_eq!(ip.upper_protocol, 6);
    assert_eq!(
        ip.fragment.map(|f| (f.offset, f.more_fragments)),
        Some((0, false))
    );
    assert_eq!(s.tcp_offset, 54 + 80);
    assert_eq!(s.tcp.seq, SeqNumber(0x538c_a949));
    assert_eq!(options(&s).len(), 5);
    assert_eq!(s.payload_len, 0);
}

#[test]
fn ipv6_sixteen_extension_headers_are_followed() {
    let chain = [(DEST_OPTIONS, &DEST_OPTIONS_PADN[..]); 16];
    let frame = ipv6_syn_with(&chain);
    let s = segment(LinkType::Ethernet, &frame);
    assert_eq!(ipv6(&s).extension_count, 16);
    assert_eq!(s.tcp_offset, 54 + 16 * 8);
}

#[test]
fn ipv6_over_long_extension_chain() {
    let chain = [(DEST_OPTIONS, &DEST_OPTIONS_PADN[..]); 17];
    let frame = ipv6_syn_with(&chain);
    let e = error(LinkType::Ethernet, &frame);
    // The 17th header, after 16 of 8 bytes.
    assert_eq!(
        e,
        WireError::Ipv6ExtensionChainTooLong {
            offset: 54 + 16 * 8
        }
    );
    assert_eq!(e.layer(), Some(Layer::Ipv6Extension));
    assert_eq!(e.offset(), 182);
    assert_eq!(
        e.to_string(),
        "IPv6 extension header chain too long at byte 182"
    );
}

#[test]
fn ipv6_not_tcp() {
    // IPV6_SYN with its next header set to UDP (17), and to No Next Header
    // (59) behind a destination options header.
    let frame = patched(&IPV6_SYN, &[(20, 17)]);
    assert_eq!(
        decode_frame(LinkType::Ethernet, &frame),
        Ok(Decoded::NotTcp { protocol: 17 })
    );
    let mut frame = ipv6_syn_with(&[(DEST_OPTIONS, &DEST_OPTIONS_PADN)]);
    frame[54] = 59;
    assert_eq!(
        decode_frame(LinkType::Ethernet, &frame),
        Ok(Decoded::NotTcp { protocol: 59 })
    );
}

// ---------------------------------------------------------------------------
// IPv4 options and fragments.

#[test]
fn ipv4_options() {
    // HTTP_SYN with a Router Alert option (IHL 6, total length 64).
    let mut frame = spliced(&HTTP_SYN, 34, &[0x94, 0x04, 0x00, 0x00]);
    frame[14] = 0x46;
    frame[17] = 64;
    let s = segment(LinkType::Ethernet, &frame);
    let ip = ipv4(&s);
    assert_eq!(ip.header_len, 24);
    assert_eq!(ip.options, &[0x94, 0x04, 0x00, 0x00]);
    assert_eq!(ip.payload_len(), Some(40));
    assert_eq!(s.tcp_offset, 38);
    assert_eq!((s.tcp.src_port, s.tcp.dst_port), (41104, 47001));
    assert_eq!(options(&s).len(), 5);
    assert_eq!(s.payload_len, 0);
    // The longest header: IHL 15, 40 bytes of options (NOPs then EOL).
    let mut options40 = [1u8; 40];
    options40[39] = 0;
    let mut frame = spliced(&HTTP_SYN, 34, &options40);
    frame[14] = 0x4f;
    frame[17] = 100;
    let s = segment(LinkType::Ethernet, &frame);
    assert_eq!(ipv4(&s).header_len, 60);
    assert_eq!(ipv4(&s).options, &options40);
    assert_eq!(s.tcp_offset, 74);
    assert_eq!(s.tcp.dst_port, 47001);
}

#[test]
fn ipv4_first_fragment_waits_for_reassembly() {
    // HTTP_GET with DF cleared and MF set, offset 0.
    let frame = patched(&HTTP_GET, &[(20, 0x20), (21, 0x00)]);
    let Ok(Decoded::Fragment(f)) = decode_frame(LinkType::Ethernet, &frame) else {
        panic!("a first fragment is a fragment");
    };
    assert_eq!((f.offset, f.more_fragments, f.protocol), (0, true, 6));
    assert_eq!(f.header.len(), 20);
    // TCP header (32 bytes) and the 87 payload bytes.
    assert_eq!(f.data_len, 32 + 87);
    assert!(f.is_complete());
}

#[test]
fn ipv4_non_first_fragment_is_a_fragment_never_tcp() {
    // HTTP_GET at fragment offset 185 (1480 bytes), last fragment: its bytes
    // still look like a TCP header and must not be read as one.
    let frame = patched(&HTTP_GET, &[(20, 0x00), (21, 0xb9)]);
    assert_eq!(
        fragment_of(decode_frame(LinkType::Ethernet, &frame)),
        Some((6, 1480))
    );
    // A middle fragment (MF set), at the largest offset there is.
    let frame = patched(&HTTP_GET, &[(20, 0x3f), (21, 0xff)]);
    assert_eq!(
        fragment_of(decode_frame(LinkType::Ethernet, &frame)),
        Some((6, 0x1fff * 8))
    );
    // A non-first fragment too short for any TCP header is no error either.
    let frame = patched(
        &HTTP_GET[..38],
        &[(16, 0), (17, 24), (20, 0x00), (21, 0x01)],
    );
    assert_eq!(
        fragment_of(decode_frame(LinkType::Ethernet, &frame)),
        Some((6, 8))
    );
}

#[test]
fn ipv4_not_tcp() {
    // HTTP_SYN with protocol UDP.
    let frame = patched(&HTTP_SYN, &[(23, 17)]);
    assert_eq!(
        decode_frame(LinkType::Ethernet, &frame),
        Ok(Decoded::NotTcp { protocol: 17 })
    );
}

// ---------------------------------------------------------------------------
// Lengths: padding, snap length, offload.

#[test]
fn ethernet_padding_is_cut_to_the_ip_length() {
    assert_eq!(PADDED.len(), 14 + 53 + 2);
    let s = segment(LinkType::Ethernet, &PADDED);
    assert_eq!(ipv4(&s).total_len, 53);
    assert_eq!(s.tcp.header_len, 32);
    assert_eq!(s.payload_len, 1);
    assert_eq!(s.payload, b"E");
    assert!(!s.is_payload_truncated());
    assert_eq!((s.tcp.src_port, s.tcp.dst_port), (59406, 27272));
    assert_eq!(s.tcp.flags, TcpFlags::PSH | TcpFlags::ACK);
}

#[test]
fn snap_length_cuts_the_payload() {
    // HTTP_GET as a capture with a 96-byte snap length would hold it.
    let frame = &HTTP_GET[..96];
    let s = segment(LinkType::Ethernet, frame);
    assert_eq!(s.payload_len, 87);
    assert_eq!(s.payload, &HTTP_GET[66..96]);
    assert!(s.is_payload_truncated());
    // The same over IPv6.
    let frame = &IPV6_GET[..100];
    let s = segment(LinkType::Ethernet, frame);
    assert_eq!(s.payload_len, 87);
    assert_eq!(s.payload.len(), 100 - 86);
    assert!(s.is_payload_truncated());
}

#[test]
fn ipv4_total_length_zero_uses_the_captured_length() {
    // HTTP_GET as segmentation offload leaves it: total length 0.
    let frame = patched(&HTTP_GET, &[(16, 0), (17, 0)]);
    let s = segment(LinkType::Ethernet, &frame);
    let ip = ipv4(&s);
    assert_eq!(ip.total_len, 0);
    assert_eq!(ip.payload_len(), None);
    assert_eq!(s.payload_len, 87);
    assert_eq!(s.payload, &HTTP_GET[66..]);
    assert!(!s.is_payload_truncated());
}

#[test]
fn ipv6_payload_length_zero_uses_the_captured_length() {
    let frame = patched(&IPV6_GET, &[(18, 0), (19, 0)]);
    let s = segment(LinkType::Ethernet, &frame);
    assert_eq!(ipv6(&s).upper_payload_len(), None);
    assert_eq!(s.payload_len, 87);
    assert!(!s.is_payload_truncated());
}

// ---------------------------------------------------------------------------
// Malformed headers: the exact error, its layer and offset.

#[test]
fn bad_ip_version() {
    let frame = patched(&HTTP_SYN, &[(14, 0x55)]);
    let e = error(LinkType::Ethernet, &frame);
    assert_eq!(
        e,
        WireError::BadIpVersion {
            layer: Layer::Ipv4,
            offset: 14,
            version: 5
        }
    );
    assert_eq!(e.offset(), 14);
    assert_eq!(e.to_string(), "IPv4 header at byte 14 has version 5");
    // An IPv4 packet under the IPv6 EtherType.
    let frame = patched(&HTTP_SYN, &[(12, 0x86), (13, 0xdd)]);
    let frame = joined(&frame, &[0; 20]);
    assert_eq!(
        error(LinkType::Ethernet, &frame),
        WireError::BadIpVersion {
            layer: Layer::Ipv6,
            offset: 14,
            version: 4
        }
    );
    // Raw IP whose nibble is neither 4 nor 6 is read as IPv4 and rejected.
    assert_eq!(
        error(LinkType::Raw, &frame[HTTP_SYN.len()..]),
        WireError::BadIpVersion {
            layer: Layer::Ipv4,
            offset: 0,
            version: 0
        }
    );
}

#[test]
fn ipv4_ihl_below_five() {
    let frame = patched(&HTTP_SYN, &[(14, 0x44)]);
    let e = error(LinkType::Ethernet, &frame);
    assert_eq!(e, WireError::Ipv4HeaderLenTooSmall { offset: 14, ihl: 4 });
    assert_eq!(e.layer(), Some(Layer::Ipv4));
    assert_eq!(
        e.to_string(),
        "IPv4 header at byte 14 has IHL 4 (16 bytes), below the minimum of 20"
    );
    let frame = patched(&VLAN_SYN, &[(18, 0x40)]);
    assert_eq!(
        error(LinkType::Ethernet, &frame),
        WireError::Ipv4HeaderLenTooSmall { offset: 18, ihl: 0 }
    );
}

#[test]
fn ipv4_total_length_below_the_header() {
    let frame = patched(&HTTP_SYN, &[(16, 0), (17, 19)]);
    let e = error(LinkType::Ethernet, &frame);
    assert_eq!(
        e,
        WireError::Ipv4TotalLenTooSmall {
            offset: 14,
            total_len: 19,
            header_len: 20
        }
    );
    assert_eq!(
        e.to_string(),
        "IPv4 header at byte 14 has total length 19, below its header length 20"
    );
    // With options: IHL 6 (24 bytes) and total length 22.
    let mut frame = spliced(&HTTP_SYN, 34, &[1, 1, 1, 0]);
    frame[14] = 0x46;
    frame[17] = 22;
    assert_eq!(
        error(LinkType::Ethernet, &frame),
        WireError::Ipv4TotalLenTooSmall {
            offset: 14,
            total_len: 22,
            header_len: 24
        }
    );
}

#[test]
fn tcp_data_offset_below_five() {
    let frame = patched(&HTTP_SYN, &[(46, 0x42)]);
    let e = error(LinkType::Ethernet, &frame);
    assert_eq!(
        e,
        WireError::TcpDataOffsetTooSmall {
            offset: 34,
            data_offset: 4
        }
    );
    assert_eq!(e.layer(), Some(Layer::Tcp));
    assert_eq!(
        e.to_string(),
        "TCP header at byte 34 has data offset 4 (16 bytes), below the minimum of 20"
    );
    let frame = patched(&IPV6_SYN, &[(66, 0x02)]);
    assert_eq!(
        error(LinkType::Ethernet, &frame),
        WireError::TcpDataOffsetTooSmall {
            offset: 54,
            data_offset: 0
        }
    );
}

#[test]
fn ip_length_too_short_for_the_tcp_header() {
    // HTTP_SYN claiming a total length of 50: 30 bytes for a 40-byte header.
    let frame = patched(&HTTP_SYN, &[(17, 50)]);
    let e = error(LinkType::Ethernet, &frame);
    assert_eq!(
        e,
        WireError::IpPayloadTooShortForTcp {
            offset: 34,
            ip_payload_len: 30,
            tcp_header_len: 40
        }
    );
    assert_eq!(e.layer(), Some(Layer::Tcp));
    assert_eq!(
        e.to_string(),
        "TCP header at byte 34 is 40 bytes but the IP length leaves 30"
    );
    // The IPv6 payload length 20 for the same 40-byte header.
    let frame = patched(&IPV6_SYN, &[(19, 20)]);
    assert_eq!(
        error(LinkType::Ethernet, &frame),
        WireError::IpPayloadTooShortForTcp {
            offset: 54,
            ip_payload_len: 20,
            tcp_header_len: 40
        }
    );
}

#[test]
fn truncated_tcp_header_of_the_fuzzed_corpus_frame() {
    let e = error(LinkType::Ethernet, &HEAP_OVERFLOW);
    assert_eq!(
        e,
        WireError::Truncated {
            layer: Layer::Tcp,
            offset: 34,
            needed: 20,
            got: 12
        }
    );
    assert_eq!(e.layer(), Some(Layer::Tcp));
    assert_eq!(e.offset(), 34);
    assert_eq!(
        e.to_string(),
        "TCP header at byte 34 truncated: needs 20 bytes, frame has 12"
    );
}

#[test]
fn truncated_errors_say_layer_and_byte() {
    let cases: [(LinkType, &[u8], &str); 6] = [
        (
            LinkType::Ethernet,
            &HTTP_SYN[..50],
            "TCP header at byte 34 truncated: needs 20 bytes, frame has 16",
        ),
        (
            LinkType::Ethernet,
            &HTTP_SYN[..10],
            "Ethernet at byte 0 truncated: needs 14 bytes, frame has 10",
        ),
        (
            LinkType::Ethernet,
            &VLAN_SYN[..16],
            "VLAN tag at byte 14 truncated: needs 4 bytes, frame has 2",
        ),
        (
            LinkType::Ethernet,
            &MPLS_SYN[..15],
            "MPLS label at byte 14 truncated: needs 4 bytes, frame has 1",
        ),
        (
            LinkType::LinuxSll2,
            &COOKED_V2_SYN[..30],
            "IPv4 header at byte 20 truncated: needs 20 bytes, frame has 10",
        ),
        (
            LinkType::Ethernet,
            &IPV6_SYN[..50],
            "IPv6 header at byte 14 truncated: needs 40 bytes, frame has 36",
        ),
    ];
    for (link, frame, message) in cases {
        let e = error(link, frame);
        assert_eq!(e.to_string(), message);
        let WireError::Truncated { offset, got, .. } = e else {
            panic!("not Truncated: {e:?}");
        };
        assert_eq!(offset + got, frame.len(), "{message}");
    }
    assert_eq!(
        error(LinkType::LinuxSll, &COOKED_V1_SYN[..15]).to_string(),
        "Linux cooked header at byte 0 truncated: needs 16 bytes, frame has 15"
    );
    assert_eq!(
        error(LinkType::Null, &[2, 0]).to_string(),
        "loopback header at byte 0 truncated: needs 4 bytes, frame has 2"
    );
}

// ---------------------------------------------------------------------------
// Wire-layer bugs found by these tests, fixed: they stay as regressions.

#[test]
fn bad_version_in_an_ipv6_header_is_an_ipv6_error() {
    let e = error(LinkType::Ipv6, &HTTP_SYN[ETH..]);
    assert_eq!(e.layer(), Some(Layer::Ipv6));
}

#[test]
fn experimental_fast_open_keeps_its_kind() {
    let s = segment(LinkType::Ethernet, &TFO_REQUEST);
    assert_eq!(options(&s)[0].kind(), 254);
}

// ---------------------------------------------------------------------------
// Real frames, as captured.

/// snapshots/captures/http-server-closes.pcap, frame 3: the handshake's ACK.
const HTTP_ACK: [u8; 66] = [
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x34, 0xf7, 0xea, 0x40, 0x00, 0x40, 0x06, 0x44, 0xd7, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00,
    0x00, 0x01, 0xa0, 0x90, 0xb7, 0x99, 0x5e, 0x91, 0xf9, 0x29, 0x2a, 0x5f, 0x94, 0x5f, 0x80, 0x10,
    0x00, 0x40, 0xfe, 0x28, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0xd1, 0x5e, 0x2e, 0x02, 0x64, 0xe9,
    0xed, 0x98,
];

/// snapshots/captures/http-server-closes.pcap, frame 8: the server's FIN/ACK.
const HTTP_SERVER_FIN: [u8; 66] = [
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x34, 0xca, 0x82, 0x40, 0x00, 0x40, 0x06, 0x72, 0x3f, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00,
    0x00, 0x01, 0xb7, 0x99, 0xa0, 0x90, 0x2a, 0x5f, 0x94, 0xcd, 0x5e, 0x91, 0xf9, 0x80, 0x80, 0x11,
    0x00, 0x40, 0xfe, 0x28, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x64, 0xe9, 0xee, 0xc6, 0xd1, 0x5e,
    0x2e, 0xcb,
];

/// snapshots/captures/rst-abort-client.pcap, frame 8: RST/ACK.
const RST_ACK: [u8; 66] = [
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x34, 0x84, 0x71, 0x40, 0x00, 0x40, 0x06, 0xb8, 0x50, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00,
    0x00, 0x01, 0xac, 0x9c, 0xb7, 0x9f, 0x8d, 0x6f, 0x2a, 0x8a, 0xa8, 0x17, 0x80, 0x89, 0x80, 0x14,
    0x00, 0x40, 0xfe, 0x28, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0xba, 0x46, 0xda, 0x41, 0xfa, 0x60,
    0x2c, 0x91,
];

/// snapshots/captures/ipv6.pcap, frame 1: SYN ::1 60224 -> ::1 47011.
const IPV6_SYN: [u8; 94] = [
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x86, 0xdd, 0x60, 0x02,
    0x58, 0x78, 0x00, 0x28, 0x06, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xeb, 0x40, 0xb7, 0xa3, 0x53, 0x8c, 0xa9, 0x49, 0x00, 0x00,
    0x00, 0x00, 0xa0, 0x02, 0xff, 0xc4, 0x00, 0x30, 0x00, 0x00, 0x02, 0x04, 0xff, 0xc4, 0x04, 0x02,
    0x08, 0x0a, 0x4f, 0xbd, 0xf7, 0xe3, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
];

/// snapshots/captures/cooked-any.pcap (LINKTYPE_LINUX_SLL2), frame 1: SYN 41156 -> 47012.
const COOKED_V2_SYN: [u8; 80] = [
    0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x39, 0x41, 0x40, 0x00, 0x40, 0x06, 0x03, 0x79,
    0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0xa0, 0xc4, 0xb7, 0xa4, 0x4f, 0x51, 0xc0, 0x8b,
    0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xff, 0xd7, 0xfe, 0x30, 0x00, 0x00, 0x02, 0x04, 0xff, 0xd7,
    0x04, 0x02, 0x08, 0x0a, 0x07, 0x17, 0x73, 0x51, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
];

/// corpus zeek/mixed-vlan-mpls.pcap, frame 1: SYN over one MPLS label (29, bottom of stack).
const MPLS_SYN: [u8; 62] = [
    0x00, 0x30, 0x96, 0xe6, 0xfc, 0x39, 0x00, 0x30, 0x96, 0x05, 0x28, 0x38, 0x88, 0x47, 0x00, 0x01,
    0xdd, 0xff, 0x45, 0xc0, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06, 0xa4, 0xe7, 0x0a, 0x01,
    0x02, 0x01, 0x0a, 0x22, 0x00, 0x01, 0x2a, 0xf9, 0x00, 0x17, 0x98, 0x32, 0x0f, 0xfb, 0x00, 0x00,
    0x00, 0x00, 0x60, 0x02, 0x10, 0x20, 0xa2, 0x40, 0x00, 0x00, 0x02, 0x04, 0x02, 0x18,
];

/// corpus tcpdump/tcp_eight_lowest_weight_flags_set.pcap, frame 1: FIN SYN RST PSH ACK URG ECE CWR.
const ALL_FLAGS: [u8; 54] = [
    0x42, 0x01, 0x0a, 0xf0, 0x00, 0x01, 0x42, 0x01, 0x0a, 0xf0, 0x00, 0x17, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x28, 0x8e, 0x4a, 0x00, 0x00, 0x40, 0x06, 0xd8, 0x02, 0x0a, 0x00, 0x00, 0x02, 0x0a, 0x80,
    0x00, 0x02, 0x18, 0x74, 0x00, 0x50, 0x22, 0x5c, 0x20, 0x67, 0x1c, 0xf8, 0x2b, 0x1f, 0x50, 0xff,
    0x02, 0x00, 0xf4, 0xc3, 0x00, 0x00,
];

/// corpus tcpdump/accecn_handshake.pcap, frame 1: SYN with AE, CWR and ECE (flags 0x1c2).
const ACCECN_SYN: [u8; 74] = [
    0x18, 0xfd, 0x74, 0x07, 0x45, 0xcd, 0x00, 0x0c, 0x29, 0xf7, 0x80, 0x12, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x1a, 0x4f, 0x1f, 0x85, 0x92, 0xf8, 0x42, 0xe4,
    0x2b, 0x0c, 0x40, 0x31, 0x00, 0x50, 0x74, 0x1d, 0x4a, 0x2d, 0x00, 0x00, 0x00, 0x00, 0xa1, 0xc2,
    0xff, 0xff, 0x20, 0x9c, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x06, 0x04, 0x02,
    0x08, 0x0a, 0x06, 0xaf, 0x3c, 0x15, 0x00, 0x00, 0x00, 0x00,
];

/// corpus tcpdump/accecn_handshake.pcap, frame 2: SYN/ACK/CWR with the AccECN option (kind 254, ExID 0xACC0).
const ACCECN_SYN_ACK: [u8; 86] = [
    0x00, 0x0c, 0x29, 0xf7, 0x80, 0x12, 0x18, 0xfd, 0x74, 0x07, 0x45, 0xcd, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x48, 0x00, 0x00, 0x40, 0x00, 0x36, 0x06, 0x24, 0x43, 0x42, 0xe4, 0x2b, 0x0c, 0x1f, 0x85,
    0x92, 0xf8, 0x00, 0x50, 0x40, 0x31, 0xb1, 0x28, 0xb3, 0x93, 0x74, 0x1d, 0x4a, 0x2e, 0xd0, 0x92,
    0xfe, 0x88, 0x22, 0xa8, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0xa5, 0xe4,
    0xde, 0xc4, 0x06, 0xaf, 0x3c, 0x15, 0xfe, 0x0d, 0xac, 0xc0, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x03, 0x07,
];

/// corpus tcpdump/accecn_handshake.pcap, frame 3: ACK with timestamps, AccECN option and EOL padding.
const ACCECN_ACK: [u8; 82] = [
    0x18, 0xfd, 0x74, 0x07, 0x45, 0xcd, 0x00, 0x0c, 0x29, 0xf7, 0x80, 0x12, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x44, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x1a, 0x47, 0x1f, 0x85, 0x92, 0xf8, 0x42, 0xe4,
    0x2b, 0x0c, 0x40, 0x31, 0x00, 0x50, 0x74, 0x1d, 0x4a, 0x2e, 0xb1, 0x28, 0xb3, 0x94, 0xc0, 0x90,
    0x04, 0x03, 0x20, 0xa4, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x06, 0xaf, 0x3c, 0xf2, 0xa5, 0xe4,
    0xde, 0xc4, 0xfe, 0x0d, 0xac, 0xc0, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
    0x00, 0x00,
];

/// corpus tcpdump/tfo-5c1fa7f9ae91.pcap, frame 1: SYN with a Fast Open cookie request (kind 254, ExID 0xF989).
const TFO_REQUEST: [u8; 58] = [
    0x1c, 0x7e, 0xe5, 0x4c, 0xa1, 0xcb, 0xb0, 0x75, 0x0c, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x2c, 0x00, 0x06, 0x00, 0x00, 0xff, 0x06, 0xf4, 0xb3, 0xc0, 0xa8, 0x00, 0x64, 0x03, 0x03,
    0x03, 0x03, 0x32, 0xf7, 0x32, 0xfe, 0x0d, 0x05, 0xaf, 0x64, 0x00, 0x00, 0x00, 0x00, 0x60, 0x02,
    0x05, 0x78, 0xb9, 0x66, 0x00, 0x00, 0xfe, 0x04, 0xf9, 0x89,
];

/// corpus tcpdump/tfo-5c1fa7f9ae91.pcap, frame 3: SYN/ACK with a 6-byte Fast Open cookie.
const TFO_COOKIE: [u8; 66] = [
    0x1c, 0x7e, 0xe5, 0x4c, 0xa1, 0xcc, 0xb0, 0x75, 0x0c, 0x00, 0x00, 0x02, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x34, 0x00, 0x02, 0x00, 0x00, 0xff, 0x06, 0xa3, 0xaa, 0x03, 0x03, 0x03, 0x03, 0x09, 0x09,
    0x09, 0x09, 0x32, 0xfe, 0x32, 0xf7, 0xf0, 0x87, 0x33, 0xf5, 0x0d, 0x05, 0xaf, 0x65, 0x80, 0x12,
    0x05, 0x78, 0x10, 0xb2, 0x00, 0x00, 0xfe, 0x0a, 0xf9, 0x89, 0x09, 0x09, 0x09, 0x09, 0x00, 0x00,
    0x01, 0x01,
];

/// corpus tcpdump/tfo-5c1fa7f9ae91.pcap, frame 13: SYN with the cookie and 4 data bytes.
const TFO_SYN_DATA: [u8; 70] = [
    0x1c, 0x7e, 0xe5, 0x4c, 0xa1, 0xcb, 0xb0, 0x75, 0x0c, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x38, 0x00, 0x0a, 0x00, 0x00, 0xff, 0x06, 0xf4, 0xa3, 0xc0, 0xa8, 0x00, 0x64, 0x03, 0x03,
    0x03, 0x03, 0x32, 0xf8, 0x32, 0xfe, 0x37, 0xd5, 0x67, 0x83, 0x00, 0x00, 0x00, 0x00, 0x80, 0x02,
    0x05, 0x78, 0x05, 0xb4, 0x00, 0x00, 0xfe, 0x0a, 0xf9, 0x89, 0x09, 0x09, 0x09, 0x09, 0x00, 0x00,
    0x01, 0x01, 0xde, 0xad, 0xbe, 0xef,
];

/// corpus tcpdump/mptcp-fclose.pcap, frame 3: SYN with MP_CAPABLE.
const MPTCP_SYN: [u8; 86] = [
    0xd6, 0x06, 0x3c, 0x4a, 0x35, 0x7a, 0x16, 0x51, 0x53, 0x04, 0x3f, 0x55, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x48, 0x38, 0x04, 0x40, 0x00, 0x3f, 0x06, 0xed, 0xa5, 0x0a, 0x01, 0x01, 0x02, 0x0a, 0x02,
    0x01, 0x02, 0x92, 0x67, 0x07, 0xd2, 0x70, 0xfd, 0xad, 0x52, 0x00, 0x00, 0x00, 0x00, 0xd0, 0x02,
    0x39, 0x08, 0x32, 0xdc, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00,
    0x95, 0x56, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x06, 0x1e, 0x0c, 0x00, 0x81, 0x9b, 0x59,
    0xbe, 0x3d, 0x69, 0x5e, 0x66, 0xa7,
];

/// corpus tcpdump/mptcp-fclose.pcap, frame 10: ACK with MP_FASTCLOSE.
const MPTCP_FASTCLOSE: [u8; 78] = [
    0xd6, 0x06, 0x3c, 0x4a, 0x35, 0x7a, 0x16, 0x51, 0x53, 0x04, 0x3f, 0x55, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x40, 0x38, 0x08, 0x40, 0x00, 0x3f, 0x06, 0xed, 0xa9, 0x0a, 0x01, 0x01, 0x02, 0x0a, 0x02,
    0x01, 0x02, 0x92, 0x67, 0x07, 0xd2, 0x70, 0xfd, 0xad, 0x54, 0xaa, 0xfe, 0x97, 0x28, 0xb0, 0x10,
    0x00, 0xe5, 0xe3, 0xf4, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x97, 0x4e, 0xff, 0xff,
    0xa2, 0x12, 0x1e, 0x0c, 0x70, 0x00, 0xd0, 0x05, 0xb1, 0xab, 0x34, 0xba, 0xd3, 0x44,
];

/// corpus tcpdump/mptcp-fclose.pcap, frame 1: an ARP request.
const ARP_REQUEST: [u8; 42] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x16, 0x51, 0x53, 0x04, 0x3f, 0x55, 0x08, 0x06, 0x00, 0x01,
    0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x16, 0x51, 0x53, 0x04, 0x3f, 0x55, 0x0a, 0x02, 0x01, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x02, 0x01, 0x02,
];

/// corpus zeek/tcp/retransmit-fast009.pcap, frame 29: duplicate ACK with one SACK block.
const SACK_ACK: [u8; 66] = [
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45, 0x80,
    0x00, 0x34, 0x11, 0x74, 0x40, 0x00, 0x00, 0x06, 0x00, 0x00, 0x0a, 0x00, 0x58, 0x55, 0xc0, 0xa8,
    0x00, 0x1b, 0xc4, 0xc0, 0x00, 0x50, 0x18, 0xb1, 0x97, 0x95, 0xfd, 0x48, 0xad, 0x76, 0x80, 0x10,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x05, 0x0a, 0xfd, 0x48, 0xb3, 0x0c, 0xfd, 0x48,
    0xb8, 0xa2,
];

/// corpus zeek/tcp-http-with-padding.pcap, frame 6: 1 payload byte, then 2 bytes of Ethernet padding.
const PADDED: [u8; 69] = [
    0x4c, 0xd9, 0x8f, 0x8b, 0x40, 0x75, 0x18, 0x2a, 0xd3, 0x2f, 0x15, 0xf0, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x35, 0x00, 0x00, 0x40, 0x00, 0x32, 0x06, 0x09, 0x22, 0xa7, 0xdd, 0x1e, 0xb5, 0xd9, 0xcf,
    0x9f, 0x3f, 0xe8, 0x0e, 0x6a, 0x88, 0x53, 0x23, 0xca, 0x3f, 0xa1, 0x5a, 0x58, 0xce, 0x80, 0x18,
    0x08, 0x16, 0x87, 0x98, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0xbb, 0xfd, 0xff, 0x60, 0xf3, 0xe0,
    0x49, 0x01, 0x45, 0xff, 0xff,
];

/// corpus tcpdump/tcp_header_heapoverflow.pcap, frame 1: fuzzed; the TCP header is cut after 12 bytes.
const HEAP_OVERFLOW: [u8; 46] = [
    0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x08, 0x00, 0x45, 0x30,
    0x30, 0x30, 0x30, 0x30, 0x00, 0x00, 0x30, 0x06, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
];

/// The protocol and offset of a frame decoded as an IP fragment.
fn fragment_of(decoded: Result<Decoded<'_>, tcpphase::wire::WireError>) -> Option<(u8, u16)> {
    match decoded {
        Ok(Decoded::Fragment(f)) => Some((f.protocol, f.offset)),
        _ => None,
    }
}
