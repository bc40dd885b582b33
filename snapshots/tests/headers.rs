//! Snapshots of the parsed headers of every frame of a few captures: what
//! the wire layer reads, as text a reader can check against
//! `tshark -r FILE -V`.
//!
//! One line group per frame: the frame number and its captured / wire
//! length and link layer, then the IP header, the TCP header, its options
//! and its payload length; or the error, or what the frame holds instead of
//! TCP. Sequence and acknowledgment numbers are raw, as on the wire.
//!
//! Our own recordings are in `captures/`; the public corpus is looked for in
//! `../../shared/corpus/` (beside the repository), and its tests pass
//! without checking anything when it is not there.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use tcpphase::capture::CaptureReader;
use tcpphase::wire::options::TcpOptions;
use tcpphase::wire::{
    decode_frame_linktype, Decoded, IpHeader, LinkSummary, LinkType, TcpOption, TcpSegment,
};

fn own_capture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

/// A corpus capture, or `None` (and a note) when the corpus is not beside
/// the repository.
fn corpus_capture(name: &str) -> Option<PathBuf> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("no shared/corpus beside the repository: {name} skipped");
        return None;
    }
    Some(corpus.join(name))
}

/// The text of every frame's headers in the capture at `path`.
fn headers_of(path: &Path) -> String {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = CaptureReader::new(std::io::BufReader::new(file)).expect("capture header");
    let mut out = String::new();
    while let Some(frame) = reader.next_frame().expect("capture record") {
        // pcap's LinkType field keeps FCS-length bits above its low 16 bits
        // (tcp_header_heapoverflow.pcap says 0x30000001: Ethernet); the
        // link type is the low 16 bits.
        let linktype = frame.linktype & 0xffff;
        let link = LinkType::from_number(linktype).map_or("unknown", LinkType::name);
        write!(out, "#{} {}", frame.number, frame.data.len()).unwrap();
        if frame.orig_len as usize != frame.data.len() {
            write!(out, " of {}", frame.orig_len).unwrap();
        }
        write!(out, " bytes, {link}").unwrap();
        match decode_frame_linktype(linktype, frame.data) {
            Ok(Decoded::Tcp(segment)) => {
                write_link(&mut out, &segment.link);
                out.push('\n');
                write_segment(&mut out, &segment);
            }
            Ok(Decoded::NotIp { ethertype }) => {
                writeln!(out, "\n  not IP: ethertype 0x{ethertype:04x}").unwrap();
            }
            Ok(Decoded::NotTcp { protocol }) => {
                writeln!(out, "\n  IP protocol {protocol}, not TCP").unwrap();
            }
            Ok(Decoded::IcmpError(e)) => {
                let q = e.quoted;
                writeln!(
                    out,
                    "\n  ICMP{} error type {} code {} quoting TCP {} -> {} flags {} seq {}",
                    if e.v6 { "v6" } else { "" },
                    e.icmp_type,
                    e.code,
                    q.src,
                    q.dst,
                    q.flags,
                    q.seq
                )
                .unwrap();
            }
            Ok(Decoded::Fragment(f)) => {
                writeln!(
                    out,
                    "\n  fragment at {}, protocol {}{}",
                    f.offset,
                    f.protocol,
                    if f.more_fragments {
                        ", more follow"
                    } else {
                        ""
                    }
                )
                .unwrap();
            }
            Ok(Decoded::NoPayload { layer }) => {
                writeln!(out, "\n  no payload to read in the {layer}").unwrap();
            }
            Err(e) => writeln!(out, "\n  error: {e}").unwrap(),
        }
    }
    out
}

fn write_link(out: &mut String, link: &LinkSummary) {
    if link.vlan_depth > 0 {
        let kept = usize::from(link.vlan_depth).min(link.vlan_ids.len());
        let ids: Vec<String> = link.vlan_ids[..kept].iter().map(u16::to_string).collect();
        write!(out, " vlan {}", ids.join("/")).unwrap();
    }
    if link.mpls_depth > 0 {
        write!(out, " mpls x{}", link.mpls_depth).unwrap();
    }
}

fn write_segment(out: &mut String, segment: &TcpSegment<'_>) {
    match segment.ip {
        IpHeader::V4(ip) => {
            write!(
                out,
                "  IPv4 {} > {} ttl {} len {} id 0x{:04x}",
                ip.src, ip.dst, ip.ttl, ip.total_len, ip.id
            )
            .unwrap();
            if ip.header_len > 20 {
                write!(out, " hdr {}", ip.header_len).unwrap();
            }
            if ip.dont_fragment {
                out.push_str(" DF");
            }
            if ip.more_fragments {
                out.push_str(" MF");
            }
            if ip.fragment_offset != 0 {
                write!(out, " frag {}", ip.fragment_offset).unwrap();
            }
        }
        IpHeader::V6(ip) => {
            write!(
                out,
                "  IPv6 {} > {} hlim {} plen {}",
                ip.src, ip.dst, ip.hop_limit, ip.payload_len
            )
            .unwrap();
            if ip.extension_count > 0 {
                write!(
                    out,
                    " ext {} ({} bytes)",
                    ip.extension_count,
                    ip.extensions.len()
                )
                .unwrap();
            }
        }
    }
    out.push('\n');
    let tcp = &segment.tcp;
    let flags = tcp.flags.to_string();
    write!(
        out,
        "  TCP {} > {} seq {} ack {} flags {} win {} hdr {}",
        tcp.src_port,
        tcp.dst_port,
        tcp.seq,
        tcp.ack,
        if flags.is_empty() { "-" } else { &flags },
        tcp.window,
        tcp.header_len
    )
    .unwrap();
    if tcp.flags.urg() {
        write!(out, " urg {}", tcp.urgent).unwrap();
    }
    out.push('\n');
    if !tcp.options.bytes().is_empty() {
        writeln!(out, "  options {}", options_text(tcp.options)).unwrap();
    }
    write!(
        out,
        "  payload {}, captured {}",
        segment.payload_len,
        segment.payload.len()
    )
    .unwrap();
    if segment.is_payload_truncated() {
        out.push_str(" (truncated)");
    }
    out.push('\n');
}

/// The options, decoded, each with the kind byte it had on the wire where
/// that byte does not follow from the option (Fast Open is kind 34 or 254).
fn options_text(options: TcpOptions<'_>) -> String {
    let bytes = options.bytes();
    let mut at = 0;
    let mut parts = Vec::new();
    for option in options {
        let option = match option {
            Ok(option) => option,
            Err(e) => {
                parts.push(format!("error: {e}"));
                break;
            }
        };
        let kind = bytes[at];
        at += match option {
            TcpOption::EndOfList | TcpOption::Nop => 1,
            _ => usize::from(bytes[at + 1]),
        };
        parts.push(match option {
            TcpOption::EndOfList => "EOL".to_string(),
            TcpOption::Nop => "NOP".to_string(),
            TcpOption::Mss(mss) => format!("MSS {mss}"),
            TcpOption::WindowScale(shift) => format!("WS {shift}"),
            TcpOption::SackPermitted => "SACK_PERM".to_string(),
            TcpOption::Sack(blocks) => {
                let edges: Vec<String> = blocks.iter().map(|(l, r)| format!("{l}-{r}")).collect();
                format!("SACK {}", edges.join(" "))
            }
            TcpOption::Timestamps { value, echo } => format!("TS val {value} ecr {echo}"),
            TcpOption::FastOpenCookie([]) | TcpOption::FastOpenCookieExperimental([]) => {
                format!("TFO(kind {kind}) cookie request")
            }
            TcpOption::FastOpenCookie(cookie) | TcpOption::FastOpenCookieExperimental(cookie) => {
                format!("TFO(kind {kind}) cookie {}", hex(cookie))
            }
            TcpOption::Mptcp(data) => format!("MPTCP {}", hex(data)),
            TcpOption::Unknown { kind, data } => format!("kind {kind} data {}", hex(data)),
        });
    }
    parts.join(", ")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn http_server_closes() {
    insta::assert_snapshot!(
        "http-server-closes",
        headers_of(&own_capture("http-server-closes.pcap"))
    );
}

#[test]
fn ipv6() {
    insta::assert_snapshot!("ipv6", headers_of(&own_capture("ipv6.pcap")));
}

#[test]
fn cooked_any() {
    insta::assert_snapshot!("cooked-any", headers_of(&own_capture("cooked-any.pcap")));
}

#[test]
fn mixed_vlan_mpls() {
    let Some(path) = corpus_capture("zeek/mixed-vlan-mpls.pcap") else {
        return;
    };
    insta::assert_snapshot!("mixed-vlan-mpls", headers_of(&path));
}

#[test]
fn tfo() {
    let Some(path) = corpus_capture("tcpdump/tfo-5c1fa7f9ae91.pcap") else {
        return;
    };
    insta::assert_snapshot!("tfo-5c1fa7f9ae91", headers_of(&path));
}

#[test]
fn accecn_handshake() {
    let Some(path) = corpus_capture("tcpdump/accecn_handshake.pcap") else {
        return;
    };
    insta::assert_snapshot!("accecn_handshake", headers_of(&path));
}

#[test]
fn tcp_header_heapoverflow() {
    let Some(path) = corpus_capture("tcpdump/tcp_header_heapoverflow.pcap") else {
        return;
    };
    insta::assert_snapshot!("tcp_header_heapoverflow", headers_of(&path));
}

#[test]
fn mptcp_fclose() {
    let Some(path) = corpus_capture("tcpdump/mptcp-fclose.pcap") else {
        return;
    };
    insta::assert_snapshot!("mptcp-fclose", headers_of(&path));
}
