//! The decompressing capture reader: gzip, zstd and lz4 streams of
//! arbitrary content, and arbitrary bytes behind each format's magic.
//!
//! The first byte picks what the rest is: 0 as it is (a compressed capture
//! of the seeds, or anything), 1..=3 behind the gzip, zstd or lz4 magic
//! bytes (so that the decoders' bodies are explored, not their magic).
//! Checks: no panic, frame numbers count up from 1, after an error the
//! reader only says `None`, the compression reported is the one of the
//! magic bytes. Reading stops after a bounded number of frames and of
//! decompressed bytes, so that a small bomb costs bounded time per input;
//! memory stays bounded whatever the input says (see
//! `tcpphase::capture::decompress`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Read;
use tcpphase::capture::{CaptureReader, Compression};

const MAGIC: [&[u8]; 3] = [
    &[0x1f, 0x8b, 0x08],
    &[0x28, 0xb5, 0x2f, 0xfd],
    &[0x04, 0x22, 0x4d, 0x18],
];
const MAX_FRAMES: u64 = 20_000;
const MAX_DECOMPRESSED: u64 = 64 << 20;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let input: Vec<u8> = match selector % 4 {
        0 => rest.to_vec(),
        n => [MAGIC[usize::from(n) - 1], rest].concat(),
    };
    let expected = Compression::detect(&input);

    // The decoder alone: reads end, with data or an error, never a panic.
    if let Some(c) = expected {
        if let Ok(mut decoder) = c.decoder(&input[..]) {
            let mut sink = [0u8; 4096];
            let mut total = 0u64;
            while total < MAX_DECOMPRESSED {
                match decoder.read(&mut sink) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        assert!(n <= sink.len());
                        total += n as u64;
                    }
                }
            }
        }
    }

    // The capture reader on top.
    let Ok(mut reader) = CaptureReader::new(&input[..]) else {
        return;
    };
    assert_eq!(reader.compression(), expected);
    let mut number = 0u64;
    loop {
        if number >= MAX_FRAMES || reader.bytes_read() > MAX_DECOMPRESSED {
            break;
        }
        match reader.next_frame() {
            Ok(Some(frame)) => {
                number += 1;
                assert_eq!(frame.number, number);
            }
            Ok(None) => break,
            Err(e) => {
                let _ = e.to_string();
                assert!(matches!(reader.next_frame(), Ok(None)));
                break;
            }
        }
    }
});
