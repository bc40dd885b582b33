//! The frame parser for every link type tcpphase reads.
//!
//! Input: one selector byte (which link type; the last value stands for an
//! unsupported LINKTYPE number), then the frame bytes. Checks what
//! `decode_frame_linktype` promises beyond not panicking: a segment's
//! offsets stay inside the frame, captured payload never exceeds the
//! announced one, options iterate to an end, errors display.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcpphase::wire::{decode_frame_linktype, Decoded, WireError};

/// LINKTYPE numbers tcpphase reads, plus one it does not (147, USER0).
const LINKTYPES: [u32; 11] = [0, 1, 101, 108, 113, 228, 229, 276, 12, 14, 147];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, frame)) = data.split_first() else {
        return;
    };
    let linktype = LINKTYPES[usize::from(selector) % LINKTYPES.len()];
    match decode_frame_linktype(linktype, frame) {
        Ok(Decoded::Tcp(segment)) => {
            let header_end = segment.tcp_offset + segment.tcp.header_len;
            assert!(header_end <= frame.len(), "TCP header past the frame");
            assert!(segment.tcp.header_len >= 20 && segment.tcp.header_len <= 60);
            assert!(segment.payload.len() as u64 <= u64::from(segment.payload_len));
            assert!(header_end + segment.payload.len() <= frame.len());
            // The payload is the bytes right after the TCP header.
            let start = segment.payload.as_ptr() as usize - frame.as_ptr() as usize;
            assert!(segment.payload.is_empty() || start == header_end);
            let mut count = 0;
            for option in segment.tcp.options {
                count += 1;
                assert!(count <= 40, "more options than option bytes");
                if option.is_err() {
                    break;
                }
            }
            let _ = segment.tcp.options.validate();
        }
        Ok(_) => {}
        Err(e) => {
            let text = e.to_string();
            assert!(!text.is_empty());
            if let WireError::UnsupportedLinkType { linktype: l } = e {
                assert_eq!(l, linktype);
            }
        }
    }
});
