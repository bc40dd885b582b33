//! Compressed captures, as Wireshark opens them: gzip, zstd and lz4 (frame
//! format), told by their magic bytes and decompressed as a stream.
//!
//! Nothing is ever decompressed whole into memory: the decompressed bytes
//! flow through the capture reader's buffer (1 MiB, growing for one record
//! up to [`MAX_RECORD`](super::reader::MAX_RECORD)) a block at a time. A
//! decompression bomb therefore costs time in proportion to its
//! decompressed size, never memory beyond these bounds:
//!
//! | format | decoder memory |
//! | --- | --- |
//! | gzip (one or several members) | 32 KiB window, 32 KiB input buffer |
//! | zstd (one or several frames) | window up to 2^[`ZSTD_WINDOW_LOG_MAX`] bytes (128 MiB, libzstd's default limit); a frame that asks for more is refused |
//! | lz4 frame (and legacy) | one block: at most 4 MiB in, 4 MiB out, plus a 64 KiB dictionary |

use std::io::{self, BufReader, Read};
use std::sync::{Arc, Mutex};

/// zstd frames whose window is larger than 2^this are refused (libzstd's
/// default limit, the one Wireshark's reader keeps).
pub const ZSTD_WINDOW_LOG_MAX: u32 = 27;

/// A compression format of capture files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// gzip (RFC 1952), `.pcap.gz`; several members are read one after
    /// the other, as `gzip -c a b` writes them.
    Gzip,
    /// Zstandard, `.pcap.zst`.
    Zstd,
    /// LZ4 frame format (and the legacy format), `.pcap.lz4`.
    Lz4,
}

impl Compression {
    /// The compression whose magic bytes `start` begins with, if any.
    /// Needs the first 4 bytes (gzip needs 3).
    pub fn detect(start: &[u8]) -> Option<Self> {
        match start {
            [0x1f, 0x8b, 0x08, ..] => Some(Compression::Gzip),
            [0x28, 0xb5, 0x2f, 0xfd, ..] => Some(Compression::Zstd),
            [0x04, 0x22, 0x4d, 0x18, ..] | [0x02, 0x21, 0x4c, 0x18, ..] => Some(Compression::Lz4),
            _ => None,
        }
    }

    /// `gzip`, `zstd` or `lz4`.
    pub const fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Lz4 => "lz4",
        }
    }

    /// A reader of the decompressed bytes of `input` (which starts with
    /// this format's magic bytes).
    ///
    /// The decoder is read through a 64 KiB buffer: flate2 asks its input
    /// for more before it hands over output it still holds from an earlier
    /// small read, which on a live pipe would hold a record back until the
    /// next one arrives. Reads of at least the buffer's size never leave
    /// output behind.
    pub fn decoder<'r, R: Read + Send + 'r>(
        self,
        input: R,
    ) -> io::Result<Box<dyn Read + Send + 'r>> {
        let decoder: Box<dyn Read + Send + 'r> = match self {
            Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(input)),
            Compression::Zstd => {
                let mut decoder = zstd::stream::read::Decoder::with_buffer(
                    BufReader::with_capacity(zstd::zstd_safe::DCtx::in_size(), input),
                )?;
                decoder.window_log_max(ZSTD_WINDOW_LOG_MAX)?;
                Box::new(decoder)
            }
            Compression::Lz4 => Box::new(Lz4Frames::new(input)),
        };
        Ok(Box::new(BufReader::with_capacity(DECODED_BUFFER, decoder)))
    }
}

/// The buffer decoded bytes are read through.
const DECODED_BUFFER: usize = 64 << 10;

/// lz4 frames one after the other, as `lz4 -c a; lz4 -c b` writes them
/// (lz4_flex's decoder ends with the first frame).
struct Lz4Frames<R: Read> {
    decoder: Option<lz4_flex::frame::FrameDecoder<BufReader<R>>>,
}

impl<R: Read> Lz4Frames<R> {
    fn new(input: R) -> Self {
        Lz4Frames {
            decoder: Some(lz4_flex::frame::FrameDecoder::new(BufReader::new(input))),
        }
    }
}

impl<R: Read> Read for Lz4Frames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::io::BufRead;
        loop {
            let Some(decoder) = self.decoder.as_mut() else {
                return Ok(0);
            };
            let n = decoder.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The end of a frame: another one, or the end of the input.
            let Some(decoder) = self.decoder.take() else {
                return Ok(0);
            };
            let mut input = decoder.into_inner();
            if input.fill_buf()?.is_empty() {
                return Ok(0);
            }
            self.decoder = Some(lz4_flex::frame::FrameDecoder::new(input));
        }
    }
}

/// The first read error of a stream, and how many bytes it had given by
/// then; shared between a [`Recorded`] reader and its owner.
#[derive(Debug, Clone, Default)]
pub(crate) struct ErrorSlot(Arc<Mutex<Option<(io::Error, u64)>>>);

impl ErrorSlot {
    /// The error recorded, if any, and the bytes read before it.
    pub(crate) fn take(&self) -> Option<(io::Error, u64)> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }

    fn put(&self, e: &io::Error, delivered: u64) {
        if let Ok(mut slot) = self.0.lock() {
            if slot.is_none() {
                *slot = Some((io::Error::new(e.kind(), e.to_string()), delivered));
            }
        }
    }
}

/// A reader that keeps its first error in an [`ErrorSlot`]: pcap-parser
/// reduces read errors to "read failed", and the person deserves the
/// reason (a damaged gzip stream, a device error).
pub(crate) struct Recorded<R> {
    inner: R,
    delivered: u64,
    slot: ErrorSlot,
}

impl<R: Read> Recorded<R> {
    /// `inner`, its errors recorded in `slot`.
    pub(crate) fn new(inner: R, slot: ErrorSlot) -> Self {
        Recorded {
            inner,
            delivered: 0,
            slot,
        }
    }
}

impl<R: Read> Read for Recorded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.delivered += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.slot.put(&e, self.delivered);
                    return Err(e);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_name_the_format() {
        assert_eq!(
            Compression::detect(&[0x1f, 0x8b, 0x08, 0x00]),
            Some(Compression::Gzip)
        );
        assert_eq!(
            Compression::detect(&[0x28, 0xb5, 0x2f, 0xfd]),
            Some(Compression::Zstd)
        );
        assert_eq!(
            Compression::detect(&[0x04, 0x22, 0x4d, 0x18]),
            Some(Compression::Lz4)
        );
        assert_eq!(Compression::detect(&[0xd4, 0xc3, 0xb2, 0xa1]), None);
        assert_eq!(Compression::detect(&[0x1f, 0x8b]), None);
    }

    /// A pcap file of `n` 60-byte Ethernet frames.
    fn pcap(n: u32) -> Vec<u8> {
        let mut out = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&65535u32.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        for i in 0..n {
            out.extend_from_slice(&i.to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&60u32.to_le_bytes());
            out.extend_from_slice(&60u32.to_le_bytes());
            out.extend((0..60).map(|b| (b as u32 + i) as u8));
        }
        out
    }

    fn compress(c: Compression, data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        match c {
            Compression::Gzip => {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
            Compression::Zstd => zstd::stream::encode_all(data, 3).unwrap(),
            Compression::Lz4 => {
                let mut e = lz4_flex::frame::FrameEncoder::new(Vec::new());
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
        }
    }

    #[test]
    fn each_format_reads_back_the_frames_of_the_plain_capture() {
        use crate::capture::CaptureReader;
        let plain = pcap(500);
        for c in [Compression::Gzip, Compression::Zstd, Compression::Lz4] {
            let packed = compress(c, &plain);
            let mut reader = CaptureReader::new(&packed[..]).unwrap();
            assert_eq!(reader.compression(), Some(c));
            let mut n = 0u32;
            while let Some(f) = reader.next_frame().unwrap() {
                assert_eq!(f.data[0], n as u8, "{c:?}");
                assert_eq!(f.data.len(), 60);
                n += 1;
            }
            assert_eq!(n, 500, "{c:?}");
        }
    }

    #[test]
    fn a_zstd_frame_asking_for_a_window_past_the_bound_is_refused() {
        use crate::capture::{CaptureError, CaptureReader};
        use std::io::Write;
        let mut e = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
        e.window_log(ZSTD_WINDOW_LOG_MAX + 2).unwrap();
        e.long_distance_matching(true).unwrap();
        e.write_all(&pcap(10)).unwrap();
        let packed = e.finish().unwrap();
        match CaptureReader::new(&packed[..]) {
            Err(CaptureError::Decompress {
                compression,
                reason,
                ..
            }) => {
                assert_eq!(compression, Compression::Zstd);
                assert!(reason.contains("memory"), "{reason}");
            }
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("a 512 MiB window was accepted"),
        };
    }

    #[test]
    fn a_damaged_stream_is_an_error_recorded_with_its_position() {
        let slot = ErrorSlot::default();
        // A gzip header, then a deflate block of reserved type 3.
        let data: &[u8] = &[0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff];
        let decoder = Compression::Gzip.decoder(data).unwrap();
        let mut reader = Recorded::new(decoder, slot.clone());
        let mut out = Vec::new();
        assert!(reader.read_to_end(&mut out).is_err());
        let (e, delivered) = slot.take().expect("error recorded");
        assert_eq!(delivered, 0);
        assert!(!e.to_string().is_empty());
    }
}
