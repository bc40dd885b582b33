//! The capture reader over arbitrary pcap and pcapng bytes, every frame read.
//!
//! Checks: frame numbers count up from 1, record offsets grow and stay in
//! the input, an error's offset is inside the input, and after an error
//! the reader only says `None`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcpphase::capture::CaptureReader;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = CaptureReader::new(data) else {
        return;
    };
    if reader.compression().is_some() {
        // Offsets count decompressed bytes there: the `decompress` target's.
        return;
    }
    let mut expected = 1u64;
    let mut last_offset = None;
    loop {
        match reader.next_frame() {
            Ok(Some(frame)) => {
                assert_eq!(frame.number, expected);
                assert!(frame.file_offset < data.len() as u64);
                assert!(last_offset.is_none_or(|o| o < frame.file_offset));
                assert!(frame.data.len() <= data.len());
                last_offset = Some(frame.file_offset);
                expected += 1;
            }
            Ok(None) => break,
            Err(e) => {
                if let Some(offset) = e.offset() {
                    assert!(
                        offset <= data.len() as u64,
                        "offset {offset} past the input"
                    );
                }
                let _ = e.to_string();
                assert!(matches!(reader.next_frame(), Ok(None)));
                break;
            }
        }
    }
    assert_eq!(reader.frames_read(), expected - 1);
});
