//! The TCP checksum, which Zeek verifies before its TCP analysis
//! (`TCPAnalyzer::ValidateChecksum` in Zeek's
//! `src/packet_analysis/protocol/tcp/TCP.cc`): a segment whose checksum is
//! wrong counts only as a `C` / `c` in the history, unless
//! `ignore_checksums` (`zeek -C`).

use crate::wire::{IpHeader, TcpSegment};

/// Whether the segment's checksum is right; `None` when the capture cut
/// its payload (Zeek checks only whole segments).
pub fn checksum_ok(segment: &TcpSegment<'_>) -> Option<bool> {
    if segment.is_payload_truncated() {
        return None;
    }
    let tcp = &segment.tcp;
    let tcp_len = tcp.header_len as u32 + segment.payload_len;
    let mut sum: u64 = 0;
    match segment.ip {
        IpHeader::V4(h) => {
            sum += words(&h.src.octets()) + words(&h.dst.octets());
            sum += 6 + u64::from(tcp_len);
        }
        IpHeader::V6(h) => {
            sum += words(&h.src.octets()) + words(&h.dst.octets());
            sum += u64::from(tcp_len >> 16) + u64::from(tcp_len & 0xffff) + 6;
        }
    }
    let offset_flags = ((tcp.header_len as u16 / 4) << 12)
        | (u16::from(tcp.reserved) << 9)
        | (tcp.flags.0 & 0x1ff);
    for w in [
        tcp.src_port,
        tcp.dst_port,
        (tcp.seq.0 >> 16) as u16,
        tcp.seq.0 as u16,
        (tcp.ack.0 >> 16) as u16,
        tcp.ack.0 as u16,
        offset_flags,
        tcp.window,
        tcp.checksum,
        tcp.urgent,
    ] {
        sum += u64::from(w);
    }
    sum += words(tcp.options.bytes());
    sum += words(segment.payload);
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    Some(sum == 0xffff)
}

/// The sum of big-endian 16-bit words, an odd last byte padded with zero.
fn words(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(2);
    let mut sum: u64 = chunks
        .by_ref()
        .map(|c| u64::from(u16::from_be_bytes([c[0], c[1]])))
        .sum();
    if let [last] = chunks.remainder() {
        sum += u64::from(*last) << 8;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{decode_frame, Decoded, LinkType};

    #[test]
    fn a_good_and_a_bad_checksum() {
        // IPv4 SYN 10.0.0.1:40000 -> 10.0.0.2:80 seq 1, checksum filled in below.
        let mut frame = [
            0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x9c, 0x40, 0,
            80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
        ];
        // Ones' complement of: pseudo header + header words.
        let mut sum: u32 = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 6 + 20;
        sum += 0x9c40 + 80 + 1 + 0x5002 + 0xffff;
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        let ck = !(sum as u16);
        frame[36..38].copy_from_slice(&ck.to_be_bytes());
        let Ok(Decoded::Tcp(good)) = decode_frame(LinkType::Raw, &frame) else {
            panic!("frame does not decode")
        };
        assert_eq!(checksum_ok(&good), Some(true));
        frame[37] ^= 1;
        let Ok(Decoded::Tcp(bad)) = decode_frame(LinkType::Raw, &frame) else {
            panic!("frame does not decode")
        };
        assert_eq!(checksum_ok(&bad), Some(false));
    }
}
