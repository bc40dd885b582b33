//! Cut frames and garbage: the wire layer never panics, and a frame cut
//! short is reported as exactly the layer it was cut in.
//!
//! Each real frame below (pasted from a capture, named in its comment) is
//! cut after every byte count from 0 to its full length. A cut inside the
//! headers must give `WireError::Truncated` naming the layer that was cut,
//! its offset, the length that layer needed and what it got; a cut inside
//! the payload must give the segment with the payload it still has.
//!
//! Then thousands of frames of deterministic garbage (xorshift), pure and
//! behind real headers, go through every link type.

#[path = "common/real_frames.rs"]
mod real_frames;
use real_frames::*;
use tcpphase::wire::{decode_frame, decode_frame_linktype, Decoded, Layer, LinkType, WireError};

/// A layer as the parser meets it: where it starts in the frame and the
/// lengths, counted from that start, it checks for in turn.
struct Step {
    layer: Layer,
    start: usize,
    needs: Vec<usize>,
}

fn step(layer: Layer, start: usize, needs: &[usize]) -> Step {
    Step {
        layer,
        start,
        needs: needs.to_vec(),
    }
}

/// A real frame, how it is laid out, and the payload its IP header announces.
struct Case {
    name: &'static str,
    link: LinkType,
    frame: Vec<u8>,
    steps: Vec<Step>,
    payload_len: usize,
}

/// What a cut frame must decode to.
#[derive(Debug, PartialEq, Eq)]
enum Expected {
    Truncated {
        layer: Layer,
        offset: usize,
        needed: usize,
        got: usize,
    },
    /// The segment, with this much of its payload captured.
    Segment { captured: usize },
}

impl Case {
    /// The offset where the TCP header ends: the last step's last need.
    fn headers_end(&self) -> usize {
        let last = self.steps.last().expect("steps");
        last.start + last.needs.last().expect("needs")
    }

    fn expected(&self, cut: usize) -> Expected {
        for step in &self.steps {
            for &need in &step.needs {
                // A cut past the fixed TCP header but inside the options
                // still gives the segment, flagged options-cut, no payload.
                if step.layer == Layer::Tcp
                    && need > 20
                    && (step.start + 20..step.start + need).contains(&cut)
                {
                    return Expected::Segment { captured: 0 };
                }
                if cut < step.start + need {
                    return Expected::Truncated {
                        layer: step.layer,
                        offset: step.start,
                        needed: need,
                        got: cut - step.start,
                    };
                }
            }
        }
        Expected::Segment {
            captured: (cut - self.headers_end()).min(self.payload_len),
        }
    }
}

fn actual(link: LinkType, frame: &[u8], payload_len: usize) -> Expected {
    match decode_frame(link, frame) {
        Err(WireError::Truncated {
            layer,
            offset,
            needed,
            got,
        }) => Expected::Truncated {
            layer,
            offset,
            needed,
            got,
        },
        Ok(Decoded::Tcp(segment)) if segment.options_cut => {
            assert_eq!(segment.payload_len as usize, payload_len);
            assert!(segment.payload.is_empty());
            assert!(frame.len() < segment.tcp_offset + segment.tcp.header_len);
            assert_eq!(
                segment.tcp.options.bytes(),
                &frame[segment.tcp_offset + 20..]
            );
            Expected::Segment { captured: 0 }
        }
        Ok(Decoded::Tcp(segment)) => {
            assert_eq!(segment.payload_len as usize, payload_len);
            assert_eq!(
                segment.is_payload_truncated(),
                segment.payload.len() < payload_len
            );
            assert_eq!(
                segment.payload,
                &frame[segment.tcp_offset + segment.tcp.header_len..][..segment.payload.len()]
            );
            Expected::Segment {
                captured: segment.payload.len(),
            }
        }
        other => panic!("neither Truncated nor a segment: {other:?}"),
    }
}

/// `frame` with `bytes` inserted before index `at`.
fn spliced(frame: &[u8], at: usize, bytes: &[u8]) -> Vec<u8> {
    let mut out = frame[..at].to_vec();
    out.extend_from_slice(bytes);
    out.extend_from_slice(&frame[at..]);
    out
}

/// IPV6_GET with hop-by-hop (8 bytes), routing type 2 (24), fragment (atomic,
/// 8) and destination options (8) between the fixed header and TCP.
fn ipv6_get_with_extensions() -> Vec<u8> {
    let chain: [u8; 48] = [
        43, 0, 5, 2, 0, 0, 1, 0, // hop-by-hop: Router Alert, PadN; next routing
        44, 2, 2, 1, 0, 0, 0, 0, // routing type 2, 1 segment left; next fragment
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, // home address
        60, 0, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78, // atomic fragment; next dest opts
        6, 0, 1, 4, 0, 0, 0, 0, // destination options: PadN; next TCP
    ];
    let mut frame = spliced(&IPV6_GET, 54, &chain);
    frame[20] = 0; // hop-by-hop first
    frame[19] += 48; // payload length 119 + 48
    frame
}

fn cases() -> Vec<Case> {
    use Layer::*;
    let mut ip_options = spliced(&HTTP_SYN, 34, &[0x94, 0x04, 0x00, 0x00]);
    ip_options[14] = 0x46; // IHL 6
    ip_options[17] = 64; // total length
    let qinq = spliced(&VLAN_SYN, 12, &[0x88, 0xa8, 0x00, 0x64]);
    vec![
        Case {
            name: "Ethernet IPv4 SYN with options",
            link: LinkType::Ethernet,
            frame: HTTP_SYN.to_vec(),
            steps: vec![
                step(Ethernet, 0, &[14]),
                step(Ipv4, 14, &[20]),
                step(Tcp, 34, &[20, 40]),
            ],
            payload_len: 0,
        },
        Case {
            name: "Ethernet IPv4 data",
            link: LinkType::Ethernet,
            frame: HTTP_GET.to_vec(),
            steps: vec![
                step(Ethernet, 0, &[14]),
                step(Ipv4, 14, &[20]),
                step(Tcp, 34, &[20, 32]),
            ],
            payload_len: 87,
        },
        Case {
            name: "Ethernet IPv4 with IP options",
            link: LinkType::Ethernet,
            frame: ip_options,
            steps: vec![
                step(Ethernet, 0, &[14]),
                step(Ipv4, 14, &[20, 24]),
                step(Tcp, 38, &[20, 40]),
            ],
            payload_len: 0,
        },
        Case {
            name: "Linux cooked v2",
            link: LinkType::LinuxSll2,
            frame: COOKED_V2_GET.to_vec(),
            steps: vec![
                step(LinuxSll2, 0, &[20]),
                step(Ipv4, 20, &[20]),
                step(Tcp, 40, &[20, 32]),
            ],
            payload_len: 87,
        },
        Case {
            name: "Linux cooked v1",
            link: LinkType::LinuxSll,
            frame: COOKED_V1_SYN.to_vec(),
            steps: vec![
                step(LinuxSll, 0, &[16]),
                step(Ipv4, 16, &[20]),
                step(Tcp, 36, &[20, 40]),
            ],
            payload_len: 0,
        },
        Case {
            // The IPv6 layer spans the fixed header and its extension chain:
            // a cut in an extension header is counted from the IPv6 start.
            name: "IPv6 with extension headers",
            link: LinkType::Ethernet,
            frame: ipv6_get_with_extensions(),
            steps: vec![
                step(Ethernet, 0, &[14]),
                step(Ipv6, 14, &[40, 42, 48, 50, 72, 74, 80, 82, 88]),
                step(Tcp, 102, &[20, 32]),
            ],
            payload_len: 87,
        },
        Case {
            name: "802.1Q VLAN with a trailer",
            link: LinkType::Ethernet,
            frame: VLAN_SYN.to_vec(),
            steps: vec![
                step(Ethernet, 0, &[14]),
                step(Vlan, 14, &[4]),
                step(Ipv4, 18, &[20]),
                step(Tcp, 38, &[20, 40]),
            ],
            payload_len: 0,
        },
        Case {
            name: "QinQ",
            link: LinkType::Ethernet,
            frame: qinq,
            steps: vec![
                step(Ethernet, 0, &[14]),
                step(Vlan, 14, &[4]),
                step(Vlan, 18, &[4]),
                step(Ipv4, 22, &[20]),
                step(Tcp, 42, &[20, 40]),
            ],
            payload_len: 0,
        },
        Case {
            name: "MPLS",
            link: LinkType::Ethernet,
            frame: MPLS_DATA.to_vec(),
            steps: vec![
                step(Ethernet, 0, &[14]),
                step(Mpls, 14, &[4]),
                step(Ipv4, 18, &[20]),
                step(Tcp, 38, &[20]),
            ],
            payload_len: 9,
        },
    ]
}

#[test]
fn every_cut_of_real_frames_names_the_layer_cut() {
    for case in cases() {
        // The whole frame decodes, with all its payload.
        assert_eq!(
            actual(case.link, &case.frame, case.payload_len),
            Expected::Segment {
                captured: case.payload_len
            },
            "{}: whole frame",
            case.name
        );
        for cut in 0..=case.frame.len() {
            let frame = &case.frame[..cut];
            if case.link == LinkType::Ethernet && cut == 18 && case.name == "MPLS" {
                // Nothing after the bottom label: the payload is cut off
                // before its IP version nibble could say what it is.
                assert_eq!(
                    decode_frame(case.link, frame),
                    Err(tcpphase::wire::WireError::Truncated {
                        layer: tcpphase::wire::Layer::Mpls,
                        offset: 14,
                        needed: 5,
                        got: 4
                    })
                );
                continue;
            }
            let expected = case.expected(cut);
            assert_eq!(
                actual(case.link, frame, case.payload_len),
                expected,
                "{}: cut at {cut} of {}",
                case.name,
                case.frame.len()
            );
            if let Expected::Truncated { needed, got, .. } = expected {
                assert!(needed > got);
                assert!(cut < case.headers_end());
            }
        }
    }
}

#[test]
fn cuts_inside_the_payload_keep_the_segment() {
    for case in cases().into_iter().filter(|c| c.payload_len > 0) {
        let end = case.headers_end();
        for cut in end..end + case.payload_len {
            let Ok(Decoded::Tcp(segment)) = decode_frame(case.link, &case.frame[..cut]) else {
                panic!("{}: cut at {cut} is not a segment", case.name);
            };
            assert!(
                segment.is_payload_truncated(),
                "{}: cut at {cut}",
                case.name
            );
            assert_eq!(segment.payload.len(), cut - end);
            assert_eq!(segment.payload_len as usize, case.payload_len);
        }
    }
}

#[test]
fn truncation_messages_name_layer_and_byte() {
    let frame = ipv6_get_with_extensions();
    let e = decode_frame(LinkType::Ethernet, &frame[..70]).unwrap_err();
    assert_eq!(
        e,
        WireError::Truncated {
            layer: Layer::Ipv6,
            offset: 14,
            needed: 72,
            got: 56
        }
    );
    assert_eq!(
        e.to_string(),
        "IPv6 header at byte 14 truncated: needs 72 bytes, frame has 56"
    );
    let e = decode_frame(LinkType::Ethernet, &VLAN_SYN[..50]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "TCP header at byte 38 truncated: needs 20 bytes, frame has 12"
    );
    let e = decode_frame(LinkType::LinuxSll2, &COOKED_V2_GET[..7]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Linux cooked v2 header at byte 0 truncated: needs 20 bytes, frame has 7"
    );
}

// ---------------------------------------------------------------------------
// Garbage.

/// Marsaglia's xorshift64: deterministic, so a failure replays.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn fill(&mut self, out: &mut [u8]) {
        for byte in out {
            *byte = self.next() as u8;
        }
    }
}

const ALL_LINKS: [LinkType; 8] = [
    LinkType::Null,
    LinkType::Ethernet,
    LinkType::Raw,
    LinkType::Loop,
    LinkType::LinuxSll,
    LinkType::Ipv4,
    LinkType::Ipv6,
    LinkType::LinuxSll2,
];

/// Decodes `frame` and checks what any result must satisfy; true when it
/// held a TCP segment.
fn decode_checked(link: LinkType, frame: &[u8]) -> bool {
    match decode_frame(link, frame) {
        Ok(Decoded::Tcp(segment)) => {
            let header_end = segment.tcp_offset + segment.tcp.header_len;
            assert!(segment.tcp.header_len >= 20 && segment.tcp.header_len % 4 == 0);
            assert!(segment.payload.len() <= segment.payload_len as usize);
            if segment.options_cut {
                // The fixed header was captured, the options only in part.
                assert!(segment.tcp_offset + 20 <= frame.len() && frame.len() < header_end);
                assert!(segment.payload.is_empty());
                assert_eq!(
                    segment.tcp.options.bytes(),
                    &frame[segment.tcp_offset + 20..]
                );
            } else {
                assert!(header_end <= frame.len());
                assert_eq!(
                    segment.payload,
                    &frame[header_end..][..segment.payload.len()]
                );
                assert_eq!(
                    segment.tcp.options.bytes().len(),
                    segment.tcp.header_len - 20
                );
            }
            // Options parse lazily; every one is either an option or the
            // error that ends the list, and the list ends.
            let mut count = 0;
            for option in segment.tcp.options {
                count += 1;
                assert!(count <= 40, "more options than bytes");
                if let Err(e) = option {
                    assert!(matches!(e, WireError::TcpOptionBadLength { .. }));
                    assert!(!e.to_string().is_empty());
                }
            }
            true
        }
        Ok(_) => false,
        Err(e) => {
            if let WireError::Truncated {
                offset,
                needed,
                got,
                ..
            } = e
            {
                assert!(needed > got, "{e:?}");
                assert_eq!(offset + got, frame.len(), "{e:?}");
            }
            assert!(e.offset() <= frame.len());
            let message = e.to_string();
            assert!(message.contains("byte"), "{message}");
            false
        }
    }
}

#[test]
fn random_garbage_never_panics() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut buf = [0u8; 256];
    for _ in 0..4000 {
        let len = rng.below(buf.len() + 1);
        rng.fill(&mut buf[..len]);
        let frame = &buf[..len];
        for link in ALL_LINKS {
            let _ = decode_checked(link, frame);
        }
        // Any LINKTYPE number: the known ones decode, the rest are refused.
        let linktype = match rng.below(3) {
            0 => rng.next() as u32,
            1 => rng.below(300) as u32,
            _ => ALL_LINKS[rng.below(ALL_LINKS.len())].number(),
        };
        match LinkType::from_number(linktype) {
            Some(link) => assert_eq!(
                decode_frame_linktype(linktype, frame),
                decode_frame(link, frame)
            ),
            None => assert_eq!(
                decode_frame_linktype(linktype, frame),
                Err(WireError::UnsupportedLinkType { linktype })
            ),
        }
    }
}

#[test]
fn garbage_behind_real_headers_never_panics() {
    // Pure garbage rarely gets past the link layer; real frames with random
    // bytes changed, or with a random tail, reach IP, its extensions and TCP.
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let cases = cases();
    let mut segments = 0usize;
    for _ in 0..6000 {
        let case = &cases[rng.below(cases.len())];
        let mut frame = case.frame.clone();
        if rng.below(2) == 0 {
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(frame.len());
                frame[at] = rng.next() as u8;
            }
        } else {
            let keep = rng.below(frame.len() + 1);
            frame.truncate(keep);
            let mut tail = vec![0u8; rng.below(80)];
            rng.fill(&mut tail);
            frame.extend_from_slice(&tail);
        }
        let cut = rng.below(frame.len() + 1);
        segments += usize::from(decode_checked(case.link, &frame));
        segments += usize::from(decode_checked(case.link, &frame[..cut]));
        // The same bytes read as another link type.
        decode_checked(ALL_LINKS[rng.below(ALL_LINKS.len())], &frame);
    }
    eprintln!("{segments} of 12000 mangled frames still held a TCP segment");
    assert!(
        segments > 3000,
        "the mangling rarely reaches TCP: {segments}"
    );
}

#[test]
fn long_tag_and_extension_stacks_never_panic() {
    // 30 VLAN tags, 30 MPLS labels (none bottom of stack), and 30 IPv6
    // destination options headers in front of a real frame's IP packet.
    let mut vlans = HTTP_SYN[..12].to_vec();
    for _ in 0..30 {
        vlans.extend_from_slice(&[0x81, 0x00, 0x00, 0x01]);
    }
    vlans.extend_from_slice(&HTTP_SYN[12..]);
    let mut mpls = HTTP_SYN[..12].to_vec();
    mpls.extend_from_slice(&[0x88, 0x47]);
    for _ in 0..30 {
        mpls.extend_from_slice(&[0x00, 0x01, 0x00, 0x40]);
    }
    mpls.extend_from_slice(&HTTP_SYN[14..]);
    let mut ipv6 = IPV6_GET.to_vec();
    ipv6[20] = 60;
    let mut chain = Vec::new();
    for _ in 0..30 {
        chain.extend_from_slice(&[60, 0, 1, 4, 0, 0, 0, 0]);
    }
    let ipv6 = spliced(&ipv6, 54, &chain);
    for frame in [&vlans, &mpls, &ipv6] {
        for cut in 0..=frame.len() {
            for link in ALL_LINKS {
                decode_checked(link, &frame[..cut]);
            }
        }
    }
    assert!(matches!(
        decode_frame(LinkType::Ethernet, &ipv6),
        Err(WireError::Ipv6ExtensionChainTooLong { offset: 182 })
    ));
}

// ---------------------------------------------------------------------------
// Real frames, as captured.

/// snapshots/captures/cooked-any.pcap (LINKTYPE_LINUX_SLL2), frame 4: the HTTP GET.
const COOKED_V2_GET: [u8; 159] = [
    0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x8b, 0x39, 0x43, 0x40, 0x00, 0x40, 0x06, 0x03, 0x28,
    0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0xa0, 0xc4, 0xb7, 0xa4, 0x4f, 0x51, 0xc0, 0x8c,
    0x15, 0x2a, 0x9f, 0x2e, 0x80, 0x18, 0x00, 0x40, 0xfe, 0x7f, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a,
    0x07, 0x17, 0x73, 0xb6, 0x41, 0x81, 0xcc, 0xd0, 0x47, 0x45, 0x54, 0x20, 0x2f, 0x69, 0x6e, 0x64,
    0x65, 0x78, 0x2e, 0x68, 0x74, 0x6d, 0x6c, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31,
    0x0d, 0x0a, 0x48, 0x6f, 0x73, 0x74, 0x3a, 0x20, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x68, 0x6f, 0x73,
    0x74, 0x0d, 0x0a, 0x55, 0x73, 0x65, 0x72, 0x2d, 0x41, 0x67, 0x65, 0x6e, 0x74, 0x3a, 0x20, 0x74,
    0x63, 0x70, 0x70, 0x68, 0x61, 0x73, 0x65, 0x2d, 0x72, 0x65, 0x63, 0x6f, 0x72, 0x64, 0x0d, 0x0a,
    0x41, 0x63, 0x63, 0x65, 0x70, 0x74, 0x3a, 0x20, 0x2a, 0x2f, 0x2a, 0x0d, 0x0a, 0x0d, 0x0a,
];

/// corpus zeek/mixed-vlan-mpls.pcap, frame 3: one MPLS label, 9 bytes of telnet data.
const MPLS_DATA: [u8; 67] = [
    0x00, 0x30, 0x96, 0xe6, 0xfc, 0x39, 0x00, 0x30, 0x96, 0x05, 0x28, 0x38, 0x88, 0x47, 0x00, 0x01,
    0xdd, 0xff, 0x45, 0xc0, 0x00, 0x31, 0x00, 0x02, 0x00, 0x00, 0xff, 0x06, 0xa4, 0xe0, 0x0a, 0x01,
    0x02, 0x01, 0x0a, 0x22, 0x00, 0x01, 0x2a, 0xf9, 0x00, 0x17, 0x98, 0x32, 0x0f, 0xfc, 0x8d, 0xd5,
    0x8e, 0xa5, 0x50, 0x18, 0x10, 0x20, 0x79, 0xac, 0x00, 0x00, 0xff, 0xfd, 0x03, 0xff, 0xfb, 0x1f,
    0xff, 0xfb, 0x21,
];
