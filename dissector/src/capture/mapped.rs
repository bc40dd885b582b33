//! A capture file mapped into memory, walked block by block with
//! pcap-parser's slice parsers: no read buffer, so nothing is copied or
//! shifted per frame (the streaming readers move their buffer's tail back
//! every half megabyte, about 100 instructions a frame).
//!
//! [`MappedBlocks`] answers pcap-parser's [`PcapReaderIterator`] as its own
//! streaming readers do, over a whole file that is already "read": the
//! capture reader above it keeps one way of telling damage and where.

use pcap_parser::pcap::{
    parse_pcap_frame, parse_pcap_frame_be, parse_pcap_frame_modified, parse_pcap_header,
    LegacyPcapBlock, PcapHeader,
};
use pcap_parser::pcapng::{
    parse_block_be, parse_block_le, parse_enhancedpacketblock_be, parse_enhancedpacketblock_le,
    parse_sectionheaderblock, Block,
};
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{PcapBlockOwned, PcapError};

/// Bytes that stay put while they are walked: a memory map, or a vector
/// (tests, small inputs).
pub(crate) trait Bytes: AsRef<[u8]> + Send {
    /// The bytes before `end` will not be read again: a map gives their
    /// pages back, so that resident memory stays flat however long the
    /// file (the page cache keeps them for the kernel to reclaim).
    /// Returns how far they were given back: `end`, or less when some
    /// are still being read elsewhere ([`super::SharedCapture`]).
    fn release(&self, _start: usize, end: usize) -> usize {
        end
    }
}

impl Bytes for Vec<u8> {}

impl Bytes for memmap2::Mmap {
    fn release(&self, start: usize, end: usize) -> usize {
        #[cfg(unix)]
        // SAFETY: the map is a read-only mapping of a file: dropping its
        // pages loses nothing (touched again, they would be read again
        // from the file), and no borrow of these bytes is alive: the
        // reader lends only the frame at or after `end`, and never moves
        // back.
        let _ = unsafe {
            self.unchecked_advise_range(
                memmap2::UncheckedAdvice::DontNeed,
                start,
                end.saturating_sub(start),
            )
        };
        #[cfg(not(unix))]
        let _ = start;
        end
    }
}

/// The bytes behind the reader are given back this many at a time.
const RELEASE_CHUNK: usize = 2 << 20;

/// How the records of a legacy pcap file are parsed (byte order, format).
type LegacyParse = fn(&[u8]) -> nom::IResult<&[u8], LegacyPcapBlock<'_>, PcapError<&[u8]>>;

/// Which container the bytes hold, with what its parser must remember.
enum Container {
    /// Legacy pcap: the file header (returned first) and the record parser.
    Pcap {
        header: PcapHeader,
        parse: LegacyParse,
    },
    /// pcapng: the current section's byte order.
    PcapNg { big_endian: bool },
}

/// A whole capture in memory, as pcap-parser's block iterator.
pub(crate) struct MappedBlocks<B: Bytes> {
    bytes: B,
    /// Bytes consumed: the start of the next block.
    pos: usize,
    /// Bytes before this were given back ([`Bytes::release`]).
    released: usize,
    /// When to try giving bytes back next (the bytes may hold some back).
    next_release: usize,
    container: Container,
}

impl<B: Bytes> MappedBlocks<B> {
    /// Checks the first block as `pcap_parser::create_reader` does (a
    /// pcapng section header, else a pcap file header), with its errors.
    pub(crate) fn new(bytes: B) -> Result<Self, PcapError<&'static [u8]>> {
        let data = bytes.as_ref();
        if data.is_empty() {
            return Err(PcapError::Eof);
        }
        let container = if parse_sectionheaderblock(data).is_ok() {
            Container::PcapNg { big_endian: false }
        } else {
            match parse_pcap_header(data) {
                Ok((_, header)) => {
                    let parse: LegacyParse = if header.is_modified_format() {
                        parse_pcap_frame_modified
                    } else if header.is_bigendian() {
                        parse_pcap_frame_be
                    } else {
                        parse_pcap_frame
                    };
                    Container::Pcap { header, parse }
                }
                Err(nom::Err::Incomplete(nom::Needed::Size(n))) => {
                    return Err(PcapError::Incomplete(n.into()))
                }
                Err(nom::Err::Incomplete(nom::Needed::Unknown)) => {
                    return Err(PcapError::Incomplete(0))
                }
                Err(_) => return Err(PcapError::HeaderNotRecognized),
            }
        };
        Ok(MappedBlocks {
            bytes,
            pos: 0,
            released: 0,
            next_release: 2 * RELEASE_CHUNK,
            container,
        })
    }
}

/// One packet record read in place, as positions in the whole input: no
/// block enum is built, and its bytes are lent from the input itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InPlaceRecord {
    /// Where the record (its header first) starts in the input.
    pub(crate) offset: usize,
    /// The record's length, header and trailer included.
    pub(crate) len: usize,
    /// Where its captured bytes start in the input.
    pub(crate) start: usize,
    /// How many bytes were captured.
    pub(crate) caplen: usize,
    /// When it was captured, as the record says it.
    pub(crate) stamp: Stamp,
    /// The frame's length on the wire.
    pub(crate) origlen: u32,
}

/// A record's capture time as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stamp {
    /// A legacy pcap record: seconds and a fraction (micro- or
    /// nanoseconds, as the file header says).
    Legacy { sec: u32, frac: u32 },
    /// A pcapng enhanced packet block: its interface, and the time in
    /// that interface's units.
    Ticks { interface: u32, ticks: u64 },
}

/// pcap-parser's block iterator over a whole input in memory, with a
/// shortcut for the common case: the next packet record (a legacy pcap
/// record, a pcapng enhanced packet block), parsed by the same slice
/// parser the iterator uses, without the block enum it would be wrapped
/// in or a call per step (about 100 instructions a frame).
pub(crate) trait InPlaceBlocks: Send {
    /// The block iterator, for every other case.
    fn blocks(&mut self) -> &mut dyn PcapReaderIterator;
    /// The same, to look at.
    fn blocks_ref(&self) -> &dyn PcapReaderIterator;
    /// The whole input.
    fn bytes(&self) -> &[u8];
    /// Consumes `done` bytes (the last record) and reads the packet
    /// record after them. `None`, with nothing consumed, for any other
    /// block (a file or section header, an interface), at the end, and for
    /// a record that does not parse: the block iterator then reads it and
    /// says why.
    fn next_record(&mut self, done: usize) -> Option<InPlaceRecord>;
}

/// pcapng's block type of an enhanced packet block.
const ENHANCED_PACKET: u32 = 6;

impl<B: Bytes> InPlaceBlocks for MappedBlocks<B> {
    fn blocks(&mut self) -> &mut dyn PcapReaderIterator {
        self
    }

    fn blocks_ref(&self) -> &dyn PcapReaderIterator {
        self
    }

    fn bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    #[inline]
    fn next_record(&mut self, done: usize) -> Option<InPlaceRecord> {
        let offset = self.pos.checked_add(done)?;
        if offset == 0 {
            return None;
        }
        let all = self.bytes.as_ref();
        let data = all.get(offset..)?;
        let (rest, start, caplen, stamp, origlen) = match &self.container {
            Container::Pcap { parse, .. } => {
                let (rest, block) = parse(data).ok()?;
                let stamp = Stamp::Legacy {
                    sec: block.ts_sec,
                    frac: block.ts_usec,
                };
                (rest, block.data, block.data.len(), stamp, block.origlen)
            }
            Container::PcapNg { big_endian } => {
                let kind: [u8; 4] = data.get(..4)?.try_into().ok()?;
                let kind = if *big_endian {
                    u32::from_be_bytes(kind)
                } else {
                    u32::from_le_bytes(kind)
                };
                if kind != ENHANCED_PACKET {
                    return None;
                }
                let (rest, block) = if *big_endian {
                    parse_enhancedpacketblock_be(data)
                } else {
                    parse_enhancedpacketblock_le(data)
                }
                .ok()?;
                let stamp = Stamp::Ticks {
                    interface: block.if_id,
                    ticks: (u64::from(block.ts_high) << 32) | u64::from(block.ts_low),
                };
                // The data is padded to 4 bytes: the captured length says
                // how much of it is the frame.
                let caplen = (block.caplen as usize).min(block.data.len());
                (rest, block.data, caplen, stamp, block.origlen)
            }
        };
        let record = InPlaceRecord {
            offset,
            len: data.len() - rest.len(),
            start: (start.as_ptr() as usize).wrapping_sub(all.as_ptr() as usize),
            caplen,
            stamp,
            origlen,
        };
        self.consume(done);
        Some(record)
    }
}

impl<B: Bytes> PcapReaderIterator for MappedBlocks<B> {
    fn next(&mut self) -> Result<(usize, PcapBlockOwned<'_>), PcapError<&[u8]>> {
        let all = self.bytes.as_ref();
        let data = &all[self.pos.min(all.len())..];
        match &mut self.container {
            Container::Pcap { header, .. } if self.pos == 0 => {
                Ok((header.size(), PcapBlockOwned::from(header.clone())))
            }
            _ if data.is_empty() => Err(PcapError::Eof),
            Container::Pcap { parse, .. } => match parse(data) {
                Ok((rest, block)) => Ok((data.len() - rest.len(), PcapBlockOwned::from(block))),
                Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(e),
                // The whole file is here: a record that needs more is cut off.
                Err(nom::Err::Incomplete(_)) => Err(PcapError::UnexpectedEof),
            },
            Container::PcapNg { big_endian } => {
                let parsed = if *big_endian {
                    parse_block_be(data)
                } else {
                    parse_block_le(data)
                };
                match parsed {
                    Ok((rest, block)) => {
                        if let Block::SectionHeader(shb) = &block {
                            *big_endian = shb.big_endian();
                        }
                        Ok((data.len() - rest.len(), PcapBlockOwned::from(block)))
                    }
                    Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(e),
                    Err(nom::Err::Incomplete(_)) => Err(PcapError::UnexpectedEof),
                }
            }
        }
    }

    #[inline]
    fn consume(&mut self, offset: usize) {
        self.pos = self.pos.saturating_add(offset);
        if self.pos >= self.next_release {
            let end = self.pos - self.pos % RELEASE_CHUNK - RELEASE_CHUNK;
            self.released = self.bytes.release(self.released, end).max(self.released);
            // Held back or not, the next try is a quarter chunk on.
            self.next_release =
                (self.released + 2 * RELEASE_CHUNK).max(self.pos + RELEASE_CHUNK / 4);
        }
    }

    fn consume_noshift(&mut self, offset: usize) {
        self.consume(offset);
    }

    fn consumed(&self) -> usize {
        self.pos
    }

    fn refill(&mut self) -> Result<(), PcapError<&[u8]>> {
        Ok(())
    }

    fn position(&self) -> usize {
        0
    }

    fn grow(&mut self, _new_size: usize) -> bool {
        true
    }

    fn data(&self) -> &[u8] {
        let all = self.bytes.as_ref();
        &all[self.pos.min(all.len())..]
    }

    fn reader_exhausted(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::capture::CaptureReader;

    /// Every frame the reader gives, then how it ended (`None`: at the end).
    fn outcome(mut reader: CaptureReader<'_>) -> (Vec<String>, Option<String>) {
        let mut frames = Vec::new();
        loop {
            match reader.next_frame() {
                Ok(Some(f)) => frames.push(format!(
                    "{} {} {} {:?} {} {}",
                    f.number, f.linktype, f.ts_ns, f.data, f.orig_len, f.file_offset
                )),
                Ok(None) => return (frames, None),
                Err(e) => return (frames, Some(e.to_string())),
            }
        }
    }

    fn streamed(bytes: &[u8]) -> (Vec<String>, Option<String>) {
        match CaptureReader::new(bytes) {
            Ok(reader) => outcome(reader),
            Err(e) => (Vec::new(), Some(e.to_string())),
        }
    }

    fn mapped(bytes: &[u8]) -> (Vec<String>, Option<String>) {
        match CaptureReader::in_memory(bytes.to_vec()) {
            Ok(reader) => outcome(reader),
            Err(e) => (Vec::new(), Some(e.to_string())),
        }
    }

    /// A pcap file of three frames of different lengths, in `big` or
    /// little byte order, with micro- or nanosecond stamps.
    fn pcap(big: bool, nanos: bool) -> Vec<u8> {
        let u32b = |v: u32| {
            if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let u16b = |v: u16| {
            if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut out = Vec::new();
        out.extend_from_slice(&u32b(if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }));
        out.extend_from_slice(&u16b(2));
        out.extend_from_slice(&u16b(4));
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&u32b(65535));
        out.extend_from_slice(&u32b(1));
        for (i, len) in [60u32, 14, 99].into_iter().enumerate() {
            out.extend_from_slice(&u32b(1000 + i as u32));
            out.extend_from_slice(&u32b(7));
            out.extend_from_slice(&u32b(len));
            out.extend_from_slice(&u32b(len + 4));
            out.extend((0..len).map(|b| (b as u8) ^ (i as u8)));
        }
        out
    }

    /// A little-endian pcapng file: a section header, two interfaces, an
    /// enhanced packet on each, a simple packet.
    fn pcapng() -> Vec<u8> {
        fn block(kind: u32, body: &[u8]) -> Vec<u8> {
            let len = 12 + body.len() as u32;
            let mut b = kind.to_le_bytes().to_vec();
            b.extend_from_slice(&len.to_le_bytes());
            b.extend_from_slice(body);
            b.extend_from_slice(&len.to_le_bytes());
            b
        }
        let mut out = Vec::new();
        let mut shb = 0x1a2b_3c4du32.to_le_bytes().to_vec();
        shb.extend_from_slice(&[1, 0, 0, 0]);
        shb.extend_from_slice(&u64::MAX.to_le_bytes());
        out.extend(block(0x0a0d_0d0a, &shb));
        for linktype in [1u16, 228] {
            let mut idb = linktype.to_le_bytes().to_vec();
            idb.extend_from_slice(&[0, 0]);
            idb.extend_from_slice(&65535u32.to_le_bytes());
            out.extend(block(1, &idb));
        }
        for (iface, len) in [(0u32, 40u32), (1, 21)] {
            let mut epb = iface.to_le_bytes().to_vec();
            epb.extend_from_slice(&0u32.to_le_bytes());
            epb.extend_from_slice(&(1_000_000 + len).to_le_bytes());
            epb.extend_from_slice(&len.to_le_bytes());
            epb.extend_from_slice(&len.to_le_bytes());
            epb.extend((0..len).map(|b| b as u8));
            epb.resize(epb.len().next_multiple_of(4), 0);
            out.extend(block(6, &epb));
        }
        let mut spb = 16u32.to_le_bytes().to_vec();
        spb.extend((0..16).map(|b| 0xf0 | b as u8));
        out.extend(block(3, &spb));
        out
    }

    /// The mapped reader gives the frames and the errors of the streaming
    /// one, whole, cut short and with a byte damaged.
    #[test]
    fn mapped_and_streamed_reading_agree_on_every_damage() {
        let files = [
            pcap(false, false),
            pcap(true, false),
            pcap(false, true),
            pcap(true, true),
            pcapng(),
        ];
        for file in &files {
            let whole = mapped(file);
            assert!(whole.1.is_none(), "{whole:?}");
            assert!(whole.0.len() >= 3, "{whole:?}");
            assert_eq!(whole, streamed(file));
            // Every other length, every fifth byte: the streaming reader's
            // 1 MiB buffer makes each case slow in a debug build.
            for cut in (0..file.len()).step_by(2) {
                assert_eq!(mapped(&file[..cut]), streamed(&file[..cut]), "cut at {cut}");
            }
            for at in (0..file.len()).step_by(5) {
                let mut damaged = file.clone();
                damaged[at] ^= 0xff;
                assert_eq!(mapped(&damaged), streamed(&damaged), "byte {at} flipped");
            }
        }
    }
}
