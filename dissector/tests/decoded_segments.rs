//! `Tracker::feed_decoded`, the entry for segments a caller decoded itself
//! (Wireshark's TCP dissector, through the plugin): on every capture it
//! labels each segment as the frame path does, keeps the caller's stream
//! numbers, and opens a new connection when the caller opens a new stream.

mod common;

use tcpphase::capture::CaptureReader;
use tcpphase::phase::AnomalyFlags;
use tcpphase::track::{Annotation, Config, DecodedSegment, FrameOutcome, Tracker};
use tcpphase::wire::{decode_frame_linktype, Decoded, SeqNumber, TcpFlags, TcpOptions};

/// Feeds a capture twice, frames to one tracker and their decoded segments
/// to another (stream numbers shifted by `offset`); both annotation lists.
fn both_paths(path: &std::path::Path, offset: u64) -> Vec<(Annotation, Annotation)> {
    let file = std::fs::File::open(path).expect("open capture");
    let mut reader = CaptureReader::new(std::io::BufReader::new(file)).expect("capture header");
    let mut frames = Tracker::new(Config::default());
    let mut decoded = Tracker::new(Config::default());
    let mut out = Vec::new();
    let mut number = 0;
    while let Ok(Some(frame)) = reader.next_frame() {
        number += 1;
        let FrameOutcome::Segment(want) = frames.feed(frame.linktype, frame.data, frame.ts_ns)
        else {
            continue;
        };
        let Ok(Decoded::Tcp(wire)) = decode_frame_linktype(frame.linktype, frame.data) else {
            unreachable!("the frame path annotated it");
        };
        let segment = DecodedSegment {
            src: want.src,
            dst: want.dst,
            seq: wire.tcp.seq,
            ack: wire.tcp.ack,
            flags: wire.tcp.flags,
            window: wire.tcp.window,
            payload_len: wire.payload_len,
            options: wire.tcp.options,
        };
        let got = decoded.feed_decoded(number, frame.ts_ns, &segment, want.stream + offset);
        out.push((want, got));
    }
    out
}

#[test]
fn decoded_segments_get_the_labels_of_their_frames_on_every_capture() {
    let mut segments = 0;
    for path in common::all_captures() {
        for (want, got) in both_paths(&path, 100) {
            let mut want = want;
            want.stream += 100;
            assert_eq!(got, want, "{} frame {}", path.display(), want.frame);
            segments += 1;
        }
    }
    assert!(segments > 100, "only {segments} segments compared");
}

fn syn(seq: u32, from: u16) -> DecodedSegment<'static> {
    DecodedSegment {
        src: format!("10.0.0.1:{from}").parse().unwrap(),
        dst: "10.0.0.2:80".parse().unwrap(),
        seq: SeqNumber(seq),
        ack: SeqNumber(0),
        flags: TcpFlags::SYN,
        window: 1000,
        payload_len: 0,
        options: TcpOptions::new(&[]),
    }
}

#[test]
fn a_new_stream_from_the_caller_opens_a_new_connection() {
    let mut tracker = Tracker::default();
    let first = tracker.feed_decoded(1, 0, &syn(1, 40000), 5);
    // The same SYN again in the same stream: a retransmission, same connection.
    let again = tracker.feed_decoded(2, 1_000, &syn(1, 40000), 5);
    // The same SYN in another stream (the caller's rule said so): port reuse.
    let reused = tracker.feed_decoded(3, 2_000, &syn(1, 40000), 9);
    assert_eq!((first.stream, first.conn), (5, 0));
    assert_eq!((again.stream, again.conn), (5, 0));
    assert!(
        again.flags.contains(AnomalyFlags::RETRANSMISSION),
        "{again:?}"
    );
    assert_eq!((reused.stream, reused.conn), (9, 1));
    assert!(
        reused.flags.contains(AnomalyFlags::PORT_REUSE),
        "{reused:?}"
    );
    assert_eq!(reused.step.name(), "syn");
    let summary = tracker
        .next_summary()
        .expect("the first connection is summarised");
    assert_eq!((summary.conn, summary.stream), (0, 5));
}
