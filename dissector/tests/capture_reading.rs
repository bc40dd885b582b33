//! Reading pcap and pcapng: byte orders, timestamp resolutions, several
//! interfaces with different link types, standard-input-like streams, and
//! damaged files that still yield every good frame before the damage.

mod common;

use std::io::Read;
use tcpphase::capture::{CaptureError, CaptureFormat, CaptureReader};

fn recording(name: &str) -> Vec<u8> {
    std::fs::read(common::repo_root().join("snapshots/captures").join(name)).expect("recording")
}

/// (frame number, linktype, ts_ns, length) of every frame, and the error that ended reading.
type Frames = Vec<(u64, u32, u64, usize)>;

fn read_all(bytes: &[u8]) -> (Frames, Option<CaptureError>) {
    let mut reader = match CaptureReader::new(bytes) {
        Ok(r) => r,
        Err(e) => return (Vec::new(), Some(e)),
    };
    let mut frames = Vec::new();
    loop {
        match reader.next_frame() {
            Ok(Some(f)) => frames.push((f.number, f.linktype, f.ts_ns, f.data.len())),
            Ok(None) => return (frames, None),
            Err(e) => return (frames, Some(e)),
        }
    }
}

/// Byte offsets of the records of a little-endian pcap.
fn record_offsets(pcap: &[u8]) -> Vec<usize> {
    let mut offsets = Vec::new();
    let mut at = 24;
    while at + 16 <= pcap.len() {
        offsets.push(at);
        let caplen = u32::from_le_bytes(pcap[at + 8..at + 12].try_into().unwrap()) as usize;
        at += 16 + caplen;
    }
    offsets
}

/// The same capture in big-endian byte order.
fn to_big_endian(pcap: &[u8]) -> Vec<u8> {
    let mut out = pcap.to_vec();
    let swap4 = |b: &mut [u8]| b.reverse();
    swap4(&mut out[0..4]);
    out[4..6].reverse();
    out[6..8].reverse();
    for range in [8..12, 12..16, 16..20, 20..24] {
        out[range].reverse();
    }
    for at in record_offsets(pcap) {
        for field in 0..4 {
            out[at + field * 4..at + field * 4 + 4].reverse();
        }
    }
    out
}

#[test]
fn little_and_big_endian_pcap_give_the_same_frames() {
    let le = recording("http-server-closes.pcap");
    let (frames_le, err) = read_all(&le);
    assert!(err.is_none());
    assert_eq!(frames_le.len(), 11);
    assert_eq!(frames_le[0].1, 1, "Ethernet");
    let (frames_be, err) = read_all(&to_big_endian(&le));
    assert!(err.is_none(), "{err:?}");
    assert_eq!(frames_le, frames_be);
    assert_eq!(
        CaptureReader::new(&le[..]).unwrap().format(),
        CaptureFormat::Pcap
    );
}

#[test]
fn nanosecond_pcap_keeps_nanoseconds() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let bytes = std::fs::read(corpus.join("tcpdump/tcp-handshake-nano.pcap")).unwrap();
    assert_eq!(&bytes[..4], &[0x4d, 0x3c, 0xb2, 0xa1], "nanosecond magic");
    let (frames, err) = read_all(&bytes);
    assert!(err.is_none());
    assert_eq!(frames.len(), 3);
    assert_eq!(frames[0].1, 113, "Linux cooked v1");
    // The file's own seconds and nanoseconds, read back whole.
    let sec = u64::from(u32::from_le_bytes(bytes[24..28].try_into().unwrap()));
    let nsec = u64::from(u32::from_le_bytes(bytes[28..32].try_into().unwrap()));
    assert!(
        nsec >= 1000 && nsec % 1000 != 0,
        "a real nanosecond part: {nsec}"
    );
    assert_eq!(frames[0].2, sec * 1_000_000_000 + nsec);
}

fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    while body.len() % 4 != 0 {
        body.push(0);
    }
    let len = (12 + body.len()) as u32;
    let mut out = kind.to_le_bytes().to_vec();
    out.extend(len.to_le_bytes());
    out.extend(body);
    out.extend(len.to_le_bytes());
    out
}

fn idb(linktype: u16, tsresol: Option<u8>) -> Vec<u8> {
    let mut body = linktype.to_le_bytes().to_vec();
    body.extend([0, 0]);
    body.extend(65535u32.to_le_bytes());
    if let Some(r) = tsresol {
        body.extend(9u16.to_le_bytes()); // if_tsresol
        body.extend(1u16.to_le_bytes());
        body.extend([r, 0, 0, 0]);
        body.extend([0, 0, 0, 0]); // opt_endofopt
    }
    block(1, &body)
}

fn epb(interface: u32, ticks: u64, data: &[u8]) -> Vec<u8> {
    let mut body = interface.to_le_bytes().to_vec();
    body.extend(((ticks >> 32) as u32).to_le_bytes());
    body.extend((ticks as u32).to_le_bytes());
    body.extend((data.len() as u32).to_le_bytes());
    body.extend((data.len() as u32).to_le_bytes());
    body.extend(data);
    block(6, &body)
}

#[test]
fn pcapng_with_two_interfaces_of_different_link_types_and_resolutions() {
    let pcap = recording("http-server-closes.pcap");
    let offsets = record_offsets(&pcap);
    let ethernet_frame = &pcap[offsets[0] + 16..offsets[1]];
    let raw_ip_frame = &ethernet_frame[14..];
    let mut shb_body = 0x1A2B3C4Du32.to_le_bytes().to_vec();
    shb_body.extend(1u16.to_le_bytes());
    shb_body.extend(0u16.to_le_bytes());
    shb_body.extend((-1i64).to_le_bytes());
    let mut file = block(0x0A0D0D0A, &shb_body);
    file.extend(idb(1, None)); // Ethernet, microseconds
    file.extend(idb(101, Some(9))); // raw IP, nanoseconds
    file.extend(epb(0, 1_700_000_000_123_456, ethernet_frame));
    file.extend(epb(1, 1_700_000_000_123_456_789, raw_ip_frame));
    let (frames, err) = read_all(&file);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        frames,
        vec![
            (1, 1, 1_700_000_000_123_456_000, ethernet_frame.len()),
            (2, 101, 1_700_000_000_123_456_789, raw_ip_frame.len()),
        ]
    );
    // A packet naming an interface never described is an error with its offset.
    let mut bad = file.clone();
    let at = bad.len();
    bad.extend(epb(7, 0, raw_ip_frame));
    let (frames, err) = read_all(&bad);
    assert_eq!(frames.len(), 2);
    match err {
        Some(CaptureError::UnknownInterface { offset, interface }) => {
            assert_eq!((offset, interface), (at as u64, 7));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_truncated_file_yields_every_frame_before_the_cut_then_its_offset() {
    let pcap = recording("http-server-closes.pcap");
    let offsets = record_offsets(&pcap);
    // Cut in the middle of the sixth record.
    let cut = offsets[5] + 20;
    let (frames, err) = read_all(&pcap[..cut]);
    assert_eq!(frames.len(), 5);
    match err {
        Some(CaptureError::Truncated { offset }) => assert_eq!(offset, offsets[5] as u64),
        other => panic!("{other:?}"),
    }
    let message = CaptureError::Truncated {
        offset: offsets[5] as u64,
    }
    .to_string();
    assert!(message.contains(&offsets[5].to_string()), "{message}");
}

#[test]
fn not_a_capture_empty_input_and_a_huge_record_are_clear_errors() {
    let (_, err) = read_all(b"GET / HTTP/1.1\r\n");
    assert!(matches!(err, Some(CaptureError::NotACapture { .. })));
    assert!(err
        .unwrap()
        .to_string()
        .contains("not a pcap or pcapng file"));
    let (_, err) = read_all(b"");
    assert!(matches!(err, Some(CaptureError::Empty)));
    // A record claiming a 4 GB frame after one good record.
    let pcap = recording("refused.pcap");
    let offsets = record_offsets(&pcap);
    let mut bad = pcap[..offsets[1]].to_vec();
    bad.extend(0u32.to_le_bytes());
    bad.extend(0u32.to_le_bytes());
    bad.extend(u32::MAX.to_le_bytes());
    bad.extend(u32::MAX.to_le_bytes());
    bad.extend([0u8; 64]);
    let (frames, err) = read_all(&bad);
    assert_eq!(frames.len(), 1);
    assert!(
        matches!(err, Some(CaptureError::RecordTooLarge { .. })),
        "{err:?}"
    );
    assert_eq!(err.unwrap().offset(), Some(offsets[1] as u64));
}

/// A reader that hands over a few bytes per read, as a pipe may.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.0.len()).min(7);
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn a_stream_that_trickles_in_reads_like_the_file() {
    let pcap = recording("half-close.pcap");
    let (whole, _) = read_all(&pcap);
    let mut reader = CaptureReader::new(Trickle(&pcap)).unwrap();
    let mut frames = Vec::new();
    while let Some(f) = reader.next_frame().unwrap() {
        frames.push((f.number, f.linktype, f.ts_ns, f.data.len()));
    }
    assert_eq!(frames, whole);
}
