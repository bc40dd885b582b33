//! Limits: memory stays bounded by the live connections, big frames parse,
//! and a capture that claims absurd sizes fails clearly.
//!
//! - connections that never close and a SYN flood (one SYN per 4-tuple,
//!   200k of them) leave the table after the idle timeout, so the table
//!   never holds more than the connections of one timeout's worth of time;
//!   inside the timeout, `Config::max_connections` caps the table and the
//!   evicted connections are summarised and counted;
//! - a 256 KiB frame (segmentation offload: IP length 0) parses, and reads
//!   from a pcap file;
//! - a pcap record header claiming a 4 GB frame gives a `CaptureError`
//!   with the record's offset, after the frames before it.

use tcpphase::capture::{CaptureError, CaptureReader};
use tcpphase::track::{Config, FrameOutcome, Tracker};
use tcpphase::wire::{decode_frame, Decoded, LinkType};

const SECOND: u64 = 1_000_000_000;
const T0: u64 = 1_700_000_000 * SECOND;
const SYN: u8 = 0x02;
const SYN_ACK: u8 = 0x12;
const ACK: u8 = 0x10;
const PSH_ACK: u8 = 0x18;

/// A raw IPv4 frame (LINKTYPE 101): `src:sport -> dst:dport`, `len` bytes of payload.
fn ipv4_tcp(
    (src, sport): ([u8; 4], u16),
    (dst, dport): ([u8; 4], u16),
    seq: u32,
    ack: u32,
    flags: u8,
    len: u16,
) -> Vec<u8> {
    let total = 40 + len;
    let mut f = vec![0x45, 0];
    f.extend(total.to_be_bytes());
    f.extend([0, 0, 0x40, 0, 64, 6, 0, 0]);
    f.extend(src);
    f.extend(dst);
    f.extend(sport.to_be_bytes());
    f.extend(dport.to_be_bytes());
    f.extend(seq.to_be_bytes());
    f.extend(ack.to_be_bytes());
    f.extend([0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    f.resize(usize::from(total), 0);
    f
}

/// The client address of connection `i`: distinct 4-tuples for 2^24 connections.
fn client_of(i: u32) -> ([u8; 4], u16) {
    let port = 1024 + (i % 60_000) as u16;
    let host = i / 60_000;
    ([10, (host >> 8) as u8, host as u8, 1], port)
}

const SERVER: [u8; 4] = [192, 0, 2, 80];

#[test]
fn connections_that_never_close_leave_after_the_idle_timeout() {
    // 20k connections, one opened every millisecond, each with a handshake
    // and one request, none ever closed; idle timeout 10 s.
    let config = Config {
        idle_timeout_ns: 10 * SECOND,
        ..Config::default()
    };
    let mut tracker = Tracker::new(config);
    let n = 20_000u32;
    let mut ts = T0;
    let mut max_live = 0;
    let mut summaries = 0;
    for i in 0..n {
        let (client, port) = client_of(i);
        ts += SECOND / 1000;
        for (from_client, flags, seq, ack, len) in [
            (true, SYN, 100, 0, 0),
            (false, SYN_ACK, 900, 101, 0),
            (true, ACK, 101, 901, 0),
            (true, PSH_ACK, 101, 901, 200),
        ] {
            let frame = if from_client {
                ipv4_tcp((client, port), (SERVER, 443), seq, ack, flags, len)
            } else {
                ipv4_tcp((SERVER, 443), (client, port), seq, ack, flags, len)
            };
            assert!(matches!(
                tracker.feed(101, &frame, ts),
                FrameOutcome::Segment(_)
            ));
        }
        max_live = max_live.max(tracker.live_connections());
        while tracker.next_summary().is_some() {
            summaries += 1;
        }
    }
    // 1000 new connections a second, each staying 10 s idle plus at most one
    // sweep interval (1 s) before the sweep finds it.
    assert!(
        max_live <= 11_000 + 100,
        "{max_live} connections live at once"
    );
    assert!(
        summaries >= n - 11_100,
        "only {summaries} idle connections were summarised"
    );
    // Time passes: one more frame, past every connection's timeout.
    let late = ipv4_tcp(([10, 255, 255, 1], 9), (SERVER, 443), 1, 0, SYN, 0);
    tracker.feed(101, &late, ts + 11 * SECOND);
    assert_eq!(
        tracker.live_connections(),
        1,
        "only the late SYN's connection stays"
    );
    while let Some(s) = tracker.next_summary() {
        assert_eq!(s.close.name(), "open", "conn {} never closed", s.conn);
        summaries += 1;
    }
    assert_eq!(summaries, n, "every idle connection is summarised once");
}

#[test]
fn syn_flood_of_200k_tuples_stays_bounded_by_the_idle_timeout() {
    // One SYN per 4-tuple, 200k of them, 20k a second; idle timeout 1 s.
    let config = Config {
        idle_timeout_ns: SECOND,
        ..Config::default()
    };
    let mut tracker = Tracker::new(config);
    let n = 200_000u32;
    let mut ts = T0;
    let mut max_live = 0;
    let mut summaries = 0u32;
    for i in 0..n {
        let (client, port) = client_of(i);
        ts += SECOND / 20_000;
        let syn = ipv4_tcp((client, port), (SERVER, 80), i, 0, SYN, 0);
        let FrameOutcome::Segment(a) = tracker.feed(101, &syn, ts) else {
            panic!("SYN {i} did not parse")
        };
        assert_eq!(a.stream, u64::from(i));
        max_live = max_live.max(tracker.live_connections());
        while let Some(s) = tracker.next_summary() {
            assert_eq!(s.conn_state, "S0");
            summaries += 1;
        }
    }
    // 20k a second for at most 1 s idle + 1 s until the next sweep.
    assert!(
        max_live <= 40_000 + 100,
        "{max_live} half-open connections live at once"
    );
    let late = ipv4_tcp(([10, 255, 255, 1], 9), (SERVER, 80), 1, 0, SYN, 0);
    tracker.feed(101, &late, ts + 2 * SECOND);
    assert_eq!(tracker.live_connections(), 1);
    tracker.finish();
    while tracker.next_summary().is_some() {
        summaries += 1;
    }
    assert_eq!(summaries, n + 1);
}

/// A table cap well below the flood.
const TABLE_CAP: usize = 65_536;

#[test]
fn syn_flood_inside_the_idle_timeout_is_capped_and_evictions_are_summarised() {
    // 200k SYNs in 2 s of capture time, far inside the default idle timeout
    // (1 h): only the cap bounds the table.
    let mut tracker = Tracker::new(Config {
        max_connections: TABLE_CAP,
        ..Config::default()
    });
    let n = 200_000u32;
    let mut evicted = Vec::new();
    for i in 0..n {
        let (client, port) = client_of(i);
        let syn = ipv4_tcp((client, port), (SERVER, 80), i, 0, SYN, 0);
        tracker.feed(101, &syn, T0 + u64::from(i) * 10_000);
        assert!(
            tracker.live_connections() <= TABLE_CAP,
            "table holds {} at SYN {i}",
            tracker.live_connections()
        );
        while let Some(s) = tracker.next_summary() {
            evicted.push(s.conn);
        }
    }
    // Every connection pushed out is summarised once, oldest first, and
    // counted.
    assert_eq!(tracker.evicted(), evicted.len() as u64);
    assert_eq!(evicted.len(), n as usize - tracker.live_connections());
    assert!(
        evicted.windows(2).all(|w| w[0] < w[1]),
        "evicted out of order"
    );
    assert_eq!(evicted.first(), Some(&0));
    tracker.finish();
    let mut rest = 0;
    while tracker.next_summary().is_some() {
        rest += 1;
    }
    assert_eq!(evicted.len() + rest, n as usize);
}

/// Ethernet + IPv4 (total length 0: segmentation offload) + TCP + payload,
/// 256 KiB in all.
fn big_frame() -> Vec<u8> {
    let size = 256 * 1024;
    let mut frame = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00];
    let mut ip = ipv4_tcp(
        ([10, 0, 0, 1], 40000),
        ([10, 0, 0, 2], 80),
        1,
        1,
        PSH_ACK,
        0,
    );
    ip[2] = 0;
    ip[3] = 0;
    frame.extend(ip);
    frame.resize(size, 0x5a);
    frame
}

#[test]
fn a_256_kib_frame_parses() {
    let frame = big_frame();
    let Ok(Decoded::Tcp(segment)) = decode_frame(LinkType::Ethernet, &frame) else {
        panic!("{:?}", decode_frame(LinkType::Ethernet, &frame))
    };
    assert_eq!(segment.payload.len(), 256 * 1024 - 54);
    assert_eq!(segment.payload_len as usize, 256 * 1024 - 54);
    assert!(!segment.is_payload_truncated());
    let mut tracker = Tracker::default();
    let FrameOutcome::Segment(a) = tracker.feed(1, &frame, T0) else {
        panic!()
    };
    assert_eq!(a.len as usize, 256 * 1024 - 54);
}

/// A little-endian microsecond pcap header with this snap length.
fn pcap_header(snaplen: u32) -> Vec<u8> {
    let mut h = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    h.extend(snaplen.to_le_bytes());
    h.extend(1u32.to_le_bytes());
    h
}

fn record(out: &mut Vec<u8>, caplen: u32, origlen: u32, data: &[u8]) {
    out.extend(1_700_000_000u32.to_le_bytes());
    out.extend(0u32.to_le_bytes());
    out.extend(caplen.to_le_bytes());
    out.extend(origlen.to_le_bytes());
    out.extend(data);
}

#[test]
fn a_256_kib_record_reads_from_a_pcap_file() {
    let frame = big_frame();
    let mut file = pcap_header(262_144);
    record(&mut file, frame.len() as u32, frame.len() as u32, &frame);
    let mut reader = CaptureReader::new(&file[..]).unwrap();
    let got = reader.next_frame().unwrap().expect("one frame");
    assert_eq!(got.data.len(), 256 * 1024);
    assert_eq!(got.file_offset, 24);
    assert!(reader.next_frame().unwrap().is_none());
}

#[test]
fn a_record_claiming_4_gb_is_an_error_at_its_offset() {
    let small = ipv4_tcp(([10, 0, 0, 1], 40000), ([10, 0, 0, 2], 80), 1, 0, SYN, 0);
    let mut eth = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00];
    eth.extend(&small);
    let mut file = pcap_header(65_535);
    record(&mut file, eth.len() as u32, eth.len() as u32, &eth);
    let bad_at = file.len() as u64;
    // The second record says 4 GB follow; 64 bytes do.
    record(&mut file, u32::MAX, u32::MAX, &[0u8; 64]);
    let mut reader = CaptureReader::new(&file[..]).unwrap();
    let first = reader
        .next_frame()
        .unwrap()
        .expect("the good frame comes first");
    assert_eq!(first.data, &eth[..]);
    let err = reader.next_frame().expect_err("a 4 GB record is an error");
    assert_eq!(err.offset(), Some(bad_at), "{err}");
    assert!(
        matches!(err, CaptureError::RecordTooLarge { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains(&bad_at.to_string()),
        "the message names the offset: {text}"
    );
    assert!(reader.next_frame().unwrap().is_none());
}

#[test]
fn a_record_claiming_4_gb_with_more_than_the_limit_behind_it_is_too_large() {
    // 17 MiB follow the record header: more than any buffer tcpphase grows
    // to (16 MiB), so the reader stops there, not at the end of the file.
    let mut file = pcap_header(65_535);
    record(&mut file, u32::MAX, u32::MAX, &vec![0u8; 17 << 20]);
    let mut reader = CaptureReader::new(&file[..]).unwrap();
    let err = reader.next_frame().expect_err("a 4 GB record is an error");
    assert!(
        matches!(err, CaptureError::RecordTooLarge { offset: 24, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("byte 24"), "{err}");
}
