//! The frame parser for every link type tcpphase reads.
//!
//! Input: one selector byte (which link type; the last value stands for an
//! unsupported LINKTYPE number), then the frame bytes. Checks what
//! `decode_frame_linktype` promises beyond not panicking: a segment's
//! offsets stay inside the frame, captured payload never exceeds the
//! announced one, options iterate to an end, errors display.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcpphase::wire::{decode_frame_linktype, Decoded, LinkType, WireError};

/// LINKTYPE number `selector` stands for: the link types tcpphase reads
/// (the wire layer's one list), their aliases, then one it does not read
/// (147, USER0).
fn linktype(selector: u8) -> u32 {
    let known = LinkType::ALL.len();
    let aliases = LinkType::ALIASES.len();
    match usize::from(selector) % (known + aliases + 1) {
        i if i < known => LinkType::ALL[i].number(),
        i if i < known + aliases => LinkType::ALIASES[i - known].0,
        _ => 147,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, frame)) = data.split_first() else {
        return;
    };
    let linktype = linktype(selector);
    match decode_frame_linktype(linktype, frame) {
        Ok(Decoded::Tcp(segment)) => {
            let header_end = segment.tcp_offset + segment.tcp.header_len;
            if segment.options_cut {
                // Only the options may be cut, never the fixed header.
                assert!(segment.tcp_offset + 20 <= frame.len() && frame.len() < header_end);
                assert!(segment.payload.is_empty());
            } else {
                assert!(header_end <= frame.len(), "TCP header past the frame");
            }
            assert!(segment.tcp.header_len >= 20 && segment.tcp.header_len <= 60);
            assert!(segment.payload.len() as u64 <= u64::from(segment.payload_len));
            assert!(segment.options_cut || header_end + segment.payload.len() <= frame.len());
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
        Ok(Decoded::Fragment(f)) => {
            assert!(f.data.len() <= f.data_len);
            let start = f.data.as_ptr() as usize - frame.as_ptr() as usize;
            assert!(start + f.data.len() <= frame.len());
            assert!(f.header.len() >= 20 && f.header.len() <= 60);
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
