//! Streaming reader of pcap and pcapng files.

use super::decompress::{Compression, ErrorSlot, Recorded};
use super::error::CaptureError;
use super::mapped::{InPlaceBlocks, MappedBlocks, Stamp};
use pcap_parser::pcapng::Block;
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{PcapBlockOwned, PcapError};
use std::io::Read;

/// Initial read buffer: large reads, few system calls.
const BUFFER_SIZE: usize = 1 << 20;
/// The largest record tcpphase grows its buffer for.
pub const MAX_RECORD: usize = 16 << 20;

/// Which container format the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFormat {
    /// libpcap's format (either byte order, micro- or nanoseconds).
    Pcap,
    /// pcapng.
    PcapNg,
}

impl CaptureFormat {
    /// The format whose file starts with these four bytes, if any.
    ///
    /// ```
    /// use tcpphase::capture::CaptureFormat;
    /// assert_eq!(CaptureFormat::of_magic([0x0a, 0x0d, 0x0d, 0x0a]), Some(CaptureFormat::PcapNg));
    /// assert_eq!(CaptureFormat::of_magic(*b"GET "), None);
    /// ```
    pub fn of_magic(magic: [u8; 4]) -> Option<CaptureFormat> {
        match magic {
            [0x0a, 0x0d, 0x0d, 0x0a] => Some(CaptureFormat::PcapNg),
            [0xd4, 0xc3, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0xc3, 0xd4]
            | [0x4d, 0x3c, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0x3c, 0x4d] => Some(CaptureFormat::Pcap),
            _ => None,
        }
    }
}

/// One frame of the capture; borrows the reader until the next call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapturedFrame<'a> {
    /// 1-based frame number, as Wireshark counts.
    pub number: u64,
    /// pcap LINKTYPE number of the frame's interface.
    pub linktype: u32,
    /// Capture timestamp in nanoseconds since the Unix epoch.
    pub ts_ns: u64,
    /// The captured bytes.
    pub data: &'a [u8],
    /// The frame's length on the wire (at least `data.len()` in a sane file).
    pub orig_len: u32,
    /// Byte offset of the frame's record in the file.
    pub file_offset: u64,
}

/// Where a reader's blocks come from.
enum Blocks<'r> {
    /// A whole input in memory, walked in place.
    InPlace(Box<dyn InPlaceBlocks + 'r>),
    /// A stream, through pcap-parser's buffered readers.
    Streamed(Box<dyn PcapReaderIterator + Send + 'r>),
}

impl Blocks<'_> {
    fn get(&self) -> &dyn PcapReaderIterator {
        match self {
            Blocks::InPlace(b) => b.blocks_ref(),
            Blocks::Streamed(b) => &**b,
        }
    }

    fn get_mut(&mut self) -> &mut dyn PcapReaderIterator {
        match self {
            Blocks::InPlace(b) => b.blocks(),
            Blocks::Streamed(b) => &mut **b,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Interface {
    linktype: u32,
    units_per_sec: u64,
    /// Nanoseconds in a unit where that is a whole number (micro- and
    /// nanoseconds, the usual resolutions), else 0.
    ns_per_unit: u64,
    offset_secs: i64,
}

impl Interface {
    fn new(linktype: u32, units_per_sec: u64, offset_secs: i64) -> Self {
        let units = units_per_sec.max(1);
        Interface {
            linktype,
            units_per_sec,
            ns_per_unit: if 1_000_000_000 % units == 0 {
                1_000_000_000 / units
            } else {
                0
            },
            offset_secs,
        }
    }
}

/// Reads frames from a pcap or pcapng stream, one at a time, with bounded
/// memory (a fixed buffer that only grows for an unusually large record).
///
/// ```no_run
/// use tcpphase::capture::CaptureReader;
/// let file = std::fs::File::open("capture.pcap")?;
/// let mut reader = CaptureReader::new(file)?;
/// while let Some(frame) = reader.next_frame()? {
///     println!("{} {} bytes", frame.number, frame.data.len());
/// }
/// # Ok::<(), tcpphase::capture::CaptureError>(())
/// ```
pub struct CaptureReader<'r> {
    inner: Blocks<'r>,
    /// The interface of a legacy pcap file read in place, once its header
    /// is read: its records take the shortcut ([`InPlaceBlocks::next_record`]).
    in_place_legacy: Option<Interface>,
    format: CaptureFormat,
    compression: Option<Compression>,
    /// The first error of the input as given.
    raw_error: ErrorSlot,
    /// The first error of the decompressor, for a compressed input.
    out_error: ErrorSlot,
    /// A pcap file written big-endian (record headers too).
    big_endian: bool,
    interfaces: Vec<Interface>,
    frames: u64,
    buffer_size: usize,
    /// The last frame's record, consumed when the next one is asked for
    /// (the frame's bytes are lent straight from the parser's data).
    pending: usize,
    failed: bool,
}

impl<'r> CaptureReader<'r> {
    /// Starts reading; fails when the input is empty or not a capture.
    /// A gzip, zstd or lz4 compressed capture is decompressed as it is
    /// read (see [`Compression`]).
    pub fn new<R: Read + Send + 'r>(input: R) -> Result<Self, CaptureError> {
        let raw_error = ErrorSlot::default();
        let out_error = ErrorSlot::default();
        let mut input: Box<dyn Read + Send + 'r> =
            Box::new(Recorded::new(input, raw_error.clone()));
        // Read the first block's magic ourselves: it says which format this
        // is, and gives a clear error for a file that is neither.
        let (mut magic, mut got) = read_magic(&mut input)?;
        if got == 0 {
            return Err(CaptureError::Empty);
        }
        let compression = Compression::detect(&magic[..got]);
        if let Some(c) = compression {
            let prefix = std::io::Cursor::new(magic[..got].to_vec());
            let decoder = c
                .decoder(prefix.chain(input))
                .map_err(|e| CaptureError::Decompress {
                    compression: c,
                    decompressed: 0,
                    reason: e.to_string(),
                })?;
            input = Box::new(Recorded::new(decoder, out_error.clone()));
            (magic, got) = read_magic(&mut input)
                .map_err(|_| read_failure(&raw_error, &out_error, compression))?;
            if got == 0 {
                return Err(CaptureError::Empty);
            }
        }
        let Some(format) = CaptureFormat::of_magic(magic) else {
            return Err(CaptureError::NotACapture {
                magic,
                magic_len: got,
                inside: compression,
            });
        };
        let chained = std::io::Read::chain(std::io::Cursor::new(magic[..got].to_vec()), input);
        let inner =
            pcap_parser::create_reader(BUFFER_SIZE, FillFirstRead::new(chained)).map_err(|e| {
                match e {
                    PcapError::Eof | PcapError::UnexpectedEof | PcapError::Incomplete(_) => {
                        CaptureError::Truncated { offset: 0 }
                    }
                    PcapError::ReadError => read_failure(&raw_error, &out_error, compression),
                    _ => CaptureError::Malformed {
                        offset: 0,
                        what: "bad file header",
                    },
                }
            })?;
        Ok(CaptureReader {
            inner: Blocks::Streamed(inner),
            in_place_legacy: None,
            format,
            compression,
            raw_error,
            out_error,
            big_endian: matches!(magic, [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d]),
            interfaces: Vec::new(),
            frames: 0,
            buffer_size: BUFFER_SIZE,
            pending: 0,
            failed: false,
        })
    }

    /// Starts reading a capture file. A regular, uncompressed file is
    /// mapped into memory and walked in place (no read buffer, no copy of
    /// a frame); anything else (a pipe, a device, a compressed file) is
    /// streamed as by [`CaptureReader::new`]. Errors are the same either way.
    ///
    /// The map reads the file as it is on disk: a file that another
    /// program shortens while it is read ends the process (SIGBUS), as
    /// with every memory-mapped reader.
    pub fn from_file(file: std::fs::File) -> Result<CaptureReader<'static>, CaptureError> {
        let regular = file.metadata().is_ok_and(|m| m.is_file() && m.len() > 0);
        if !regular {
            return CaptureReader::new(file);
        }
        // SAFETY: the map is only read, through `&[u8]`; it lives inside
        // the reader, as long as every frame borrowed from it. What the
        // map cannot guard against is another process changing the file
        // meanwhile (documented above).
        let map = match unsafe { memmap2::Mmap::map(&file) } {
            Ok(map) => map,
            // A file system that does not map: read it as a stream.
            Err(_) => return CaptureReader::new(file),
        };
        let start = &map[..map.len().min(4)];
        if Compression::detect(start).is_some() || start.len() < 4 {
            return CaptureReader::new(file);
        }
        // Read ahead: the file is walked once, from start to end.
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Sequential);
        CaptureReader::in_memory(map)
    }

    /// Reads a capture mapped by [`super::SharedCapture::map`], in place:
    /// its frames' bytes are the map's, so other threads can read them by
    /// their offsets ([`super::SharedCapture::offset_of`]). Pages behind
    /// the reader are given back once every consumer is done with them.
    pub fn from_shared(
        shared: super::SharedCapture,
    ) -> Result<CaptureReader<'static>, CaptureError> {
        CaptureReader::in_memory(shared)
    }

    /// Reads an uncompressed capture that is whole in memory, in place.
    pub(crate) fn in_memory<B: super::mapped::Bytes + 'static>(
        bytes: B,
    ) -> Result<CaptureReader<'static>, CaptureError> {
        let start = bytes.as_ref();
        if start.len() < 4 {
            return CaptureReader::new(std::io::Cursor::new(start.to_vec()));
        }
        let magic = [start[0], start[1], start[2], start[3]];
        let Some(format) = CaptureFormat::of_magic(magic) else {
            return Err(CaptureError::NotACapture {
                magic,
                magic_len: 4,
                inside: None,
            });
        };
        let inner = MappedBlocks::new(bytes).map_err(|e| match e {
            PcapError::Eof | PcapError::UnexpectedEof | PcapError::Incomplete(_) => {
                CaptureError::Truncated { offset: 0 }
            }
            _ => CaptureError::Malformed {
                offset: 0,
                what: "bad file header",
            },
        })?;
        Ok(CaptureReader {
            inner: Blocks::InPlace(Box::new(inner)),
            in_place_legacy: None,
            format,
            compression: None,
            raw_error: ErrorSlot::default(),
            out_error: ErrorSlot::default(),
            big_endian: matches!(magic, [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d]),
            interfaces: Vec::new(),
            frames: 0,
            buffer_size: BUFFER_SIZE,
            pending: 0,
            failed: false,
        })
    }

    /// The compression the capture is in, if any.
    pub fn compression(&self) -> Option<Compression> {
        self.compression
    }

    /// The container format.
    pub fn format(&self) -> CaptureFormat {
        self.format
    }

    /// Frames delivered so far.
    pub fn frames_read(&self) -> u64 {
        self.frames
    }

    /// Bytes of the input consumed so far (decompressed bytes, for a
    /// compressed input).
    pub fn bytes_read(&self) -> u64 {
        self.inner.get().consumed() as u64
    }

    /// The next frame, `Ok(None)` at the end, or the damage that stops
    /// reading. After an error the reader returns `Ok(None)`.
    pub fn next_frame(&mut self) -> Result<Option<CapturedFrame<'_>>, CaptureError> {
        if self.failed {
            return Ok(None);
        }
        // The shortcut: a packet record, read in place.
        if self.format == CaptureFormat::PcapNg || self.in_place_legacy.is_some() {
            let record = match &mut self.inner {
                Blocks::InPlace(blocks) => blocks.next_record(self.pending),
                Blocks::Streamed(_) => None,
            };
            if let Some(record) = record {
                // Consumed: what follows is this record's frame or error.
                self.pending = 0;
                let offset = record.offset as u64;
                let (linktype, ts_ns) = match (record.stamp, self.in_place_legacy) {
                    // Micro- or nanoseconds: a whole number of nanoseconds.
                    (Stamp::Legacy { sec, frac }, Some(iface)) => (
                        iface.linktype,
                        u64::from(sec) * 1_000_000_000 + u64::from(frac) * iface.ns_per_unit,
                    ),
                    (Stamp::Ticks { interface, ticks }, _) => {
                        match self.interfaces.get(interface as usize) {
                            Some(iface) => (iface.linktype, ticks_to_ns(ticks, *iface)),
                            None => {
                                self.failed = true;
                                return Err(CaptureError::UnknownInterface { offset, interface });
                            }
                        }
                    }
                    (Stamp::Legacy { .. }, None) => {
                        self.failed = true;
                        return Err(CaptureError::Malformed {
                            offset,
                            what: "record before the file header",
                        });
                    }
                };
                self.pending = record.len;
                self.frames += 1;
                let data = match &self.inner {
                    Blocks::InPlace(blocks) => blocks
                        .bytes()
                        .get(record.start..record.start.saturating_add(record.caplen))
                        .unwrap_or(&[]),
                    Blocks::Streamed(_) => &[],
                };
                return Ok(Some(CapturedFrame {
                    number: self.frames,
                    linktype,
                    ts_ns,
                    data,
                    orig_len: record.origlen,
                    file_offset: offset,
                }));
            }
        }
        match self.advance() {
            Ok(Some(meta)) => {
                let data = self.inner.get().data();
                let data = data
                    .get(meta.start..meta.start.saturating_add(meta.len))
                    .unwrap_or(&[]);
                Ok(Some(CapturedFrame {
                    number: self.frames,
                    linktype: meta.linktype,
                    ts_ns: meta.ts_ns,
                    data,
                    orig_len: meta.orig_len,
                    file_offset: meta.file_offset,
                }))
            }
            Ok(None) => Ok(None),
            Err(e) => {
                self.failed = true;
                Err(e)
            }
        }
    }

    /// Reads blocks until a packet, and says where its bytes are in the
    /// parser's data; its record is consumed at the next call. Consuming
    /// never shifts the buffer: only a refill moves the unread tail.
    fn advance(&mut self) -> Result<Option<FrameMeta>, CaptureError> {
        if self.pending > 0 {
            self.inner.get_mut().consume_noshift(self.pending);
            self.pending = 0;
        }
        loop {
            let offset_here = self.inner.get().consumed() as u64;
            let (len, meta) = match self.inner.get_mut().next() {
                Ok((len, block)) => {
                    let meta = match block {
                        PcapBlockOwned::LegacyHeader(header) => {
                            let units = if header.is_nanosecond_precision() {
                                1_000_000_000
                            } else {
                                1_000_000
                            };
                            // The upper 16 bits of the field carry FCS information, not the type.
                            let iface =
                                Interface::new((header.network.0 as u32) & 0xffff, units, 0);
                            self.interfaces.clear();
                            self.interfaces.push(iface);
                            if matches!(self.inner, Blocks::InPlace(_)) {
                                self.in_place_legacy = Some(iface);
                            }
                            None
                        }
                        PcapBlockOwned::Legacy(record) => {
                            let iface = self.interfaces.first().copied().ok_or(
                                CaptureError::Malformed {
                                    offset: offset_here,
                                    what: "record before the file header",
                                },
                            )?;
                            let ts_ns = u64::from(record.ts_sec) * 1_000_000_000
                                + u64::from(record.ts_usec) * (1_000_000_000 / iface.units_per_sec);
                            Some(FrameMeta {
                                start: record.data.as_ptr() as usize,
                                len: record.data.len(),
                                linktype: iface.linktype,
                                ts_ns,
                                orig_len: record.origlen,
                                file_offset: offset_here,
                            })
                        }
                        PcapBlockOwned::NG(Block::SectionHeader(_)) => {
                            self.interfaces.clear();
                            None
                        }
                        PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                            self.interfaces.push(Interface::new(
                                idb.linktype.0 as u32,
                                idb.ts_resolution().unwrap_or(1_000_000),
                                idb.ts_offset(),
                            ));
                            None
                        }
                        PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                            let iface = self.interfaces.get(epb.if_id as usize).copied().ok_or(
                                CaptureError::UnknownInterface {
                                    offset: offset_here,
                                    interface: epb.if_id,
                                },
                            )?;
                            let ticks = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                            let data = &epb.data[..(epb.caplen as usize).min(epb.data.len())];
                            Some(FrameMeta {
                                start: data.as_ptr() as usize,
                                len: data.len(),
                                linktype: iface.linktype,
                                ts_ns: ticks_to_ns(ticks, iface),
                                orig_len: epb.origlen,
                                file_offset: offset_here,
                            })
                        }
                        PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                            let iface = self.interfaces.first().copied().ok_or(
                                CaptureError::UnknownInterface {
                                    offset: offset_here,
                                    interface: 0,
                                },
                            )?;
                            Some(FrameMeta {
                                start: spb.data.as_ptr() as usize,
                                len: spb.data.len(),
                                linktype: iface.linktype,
                                ts_ns: 0,
                                orig_len: spb.origlen,
                                file_offset: offset_here,
                            })
                        }
                        PcapBlockOwned::NG(_) => None,
                    };
                    (len, meta)
                }
                Err(PcapError::Eof) => return Ok(None),
                Err(PcapError::Incomplete(_)) => {
                    self.refill(offset_here)?;
                    continue;
                }
                Err(PcapError::BufferTooSmall) => {
                    if self.buffer_size >= MAX_RECORD {
                        return Err(CaptureError::RecordTooLarge {
                            offset: offset_here,
                            limit: MAX_RECORD,
                        });
                    }
                    self.buffer_size *= 2;
                    self.inner.get_mut().grow(self.buffer_size);
                    self.refill(offset_here)?;
                    continue;
                }
                Err(PcapError::UnexpectedEof) => {
                    // A record that claims more than any frame has is that,
                    // even when the file ends before the claimed bytes would.
                    if self.claimed_record_len() > MAX_RECORD {
                        return Err(CaptureError::RecordTooLarge {
                            offset: offset_here,
                            limit: MAX_RECORD,
                        });
                    }
                    return Err(CaptureError::Truncated {
                        offset: offset_here,
                    });
                }
                Err(PcapError::ReadError) => return Err(self.read_failure()),
                Err(PcapError::HeaderNotRecognized) => {
                    return Err(CaptureError::Malformed {
                        offset: offset_here,
                        what: "block header not recognized",
                    })
                }
                Err(PcapError::NomError(_, _) | PcapError::OwnedNomError(_, _)) => {
                    return Err(CaptureError::Malformed {
                        offset: offset_here,
                        what: if self.format == CaptureFormat::PcapNg {
                            "invalid pcapng block"
                        } else {
                            "invalid pcap record"
                        },
                    })
                }
            };
            if let Some(mut meta) = meta {
                // The frame's address, as an offset into the parser's data
                // (the block that borrowed it is gone).
                meta.start = meta
                    .start
                    .wrapping_sub(self.inner.get().data().as_ptr() as usize);
                self.pending = len;
                self.frames += 1;
                return Ok(Some(meta));
            }
            self.inner.get_mut().consume_noshift(len);
        }
    }

    /// The captured length the next pcap record header claims (0 for
    /// pcapng, or when its header is not all there).
    fn claimed_record_len(&self) -> usize {
        let data = self.inner.get().data();
        if self.format != CaptureFormat::Pcap || data.len() < 16 {
            return 0;
        }
        let field = [data[8], data[9], data[10], data[11]];
        let caplen = if self.big_endian {
            u32::from_be_bytes(field)
        } else {
            u32::from_le_bytes(field)
        };
        caplen as usize
    }

    fn read_failure(&self) -> CaptureError {
        read_failure(&self.raw_error, &self.out_error, self.compression)
    }

    fn refill(&mut self, offset_here: u64) -> Result<(), CaptureError> {
        let exhausted_before = self.inner.get().reader_exhausted();
        if let Err(e) = self.inner.get_mut().refill() {
            return Err(match e {
                PcapError::ReadError => self.read_failure(),
                _ => CaptureError::Truncated {
                    offset: offset_here,
                },
            });
        }
        if exhausted_before {
            // Nothing more will come: the record that needed more is cut off.
            return Err(CaptureError::Truncated {
                offset: offset_here,
            });
        }
        Ok(())
    }
}

/// The first 4 bytes of `input` (fewer at its end), and how many there are.
fn read_magic(input: &mut dyn Read) -> Result<([u8; 4], usize), CaptureError> {
    let mut magic = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match input.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(CaptureError::Io(e)),
        }
    }
    Ok((magic, got))
}

/// The error behind pcap-parser's "read failed": the input's own, else the
/// decompressor's.
fn read_failure(
    raw: &ErrorSlot,
    out: &ErrorSlot,
    compression: Option<Compression>,
) -> CaptureError {
    if let Some((e, _)) = raw.take() {
        return CaptureError::Io(e);
    }
    match (out.take(), compression) {
        (Some((e, decompressed)), Some(compression)) => CaptureError::Decompress {
            compression,
            decompressed,
            reason: if e.kind() == std::io::ErrorKind::UnexpectedEof {
                "the compressed data ends early".to_string()
            } else {
                e.to_string()
            },
        },
        (Some((e, _)), None) => CaptureError::Io(e),
        (None, _) => CaptureError::Io(std::io::Error::other("read failed")),
    }
}

/// The length of the first block of a capture starting with `data`, when
/// `data` has enough of it to tell: 24 for a pcap file header, the section
/// header block's length for pcapng.
fn first_block_len(data: &[u8]) -> Option<usize> {
    match data {
        [0x0a, 0x0d, 0x0d, 0x0a, l0, l1, l2, l3, b0, b1, b2, b3, ..] => {
            let len = [*l0, *l1, *l2, *l3];
            let len = if [*b0, *b1, *b2, *b3] == [0x4d, 0x3c, 0x2b, 0x1a] {
                u32::from_le_bytes(len)
            } else {
                u32::from_be_bytes(len)
            };
            Some((len as usize).max(12))
        }
        [0x0a, 0x0d, 0x0d, 0x0a, ..] => None,
        [_, _, _, _, ..] => Some(24),
        _ => None,
    }
}

/// pcap-parser checks the file header after a single `read`; a pipe (or
/// our magic-number prefix) may hand over fewer bytes than the header has.
/// This makes the first read go on until the first block (file header or
/// section header block) is whole, or the input ends, and no further.
///
/// pcap-parser then reads once more while it sets up (`from_buffer`),
/// before any record is parsed: on a live pipe that read would hold back
/// the records already there until more arrive. The second read therefore
/// returns nothing (pcap-parser does not take it for the end of input);
/// the reads after it go straight to the input.
struct FillFirstRead<R> {
    inner: R,
    reads: u8,
}

impl<R: Read> FillFirstRead<R> {
    fn new(inner: R) -> Self {
        FillFirstRead { inner, reads: 0 }
    }
}

impl<R: Read> Read for FillFirstRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.reads {
            0 => {}
            1 => {
                self.reads = 2;
                return Ok(0);
            }
            _ => return self.inner.read(buf),
        }
        self.reads = 1;
        let mut filled = 0;
        while filled < buf.len() {
            if first_block_len(&buf[..filled]).is_some_and(|need| filled >= need) {
                break;
            }
            match self.inner.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(filled)
    }
}

struct FrameMeta {
    /// Where the frame's bytes are: an address while the block is held,
    /// then an offset into the parser's data.
    start: usize,
    len: usize,
    linktype: u32,
    ts_ns: u64,
    orig_len: u32,
    file_offset: u64,
}

fn ticks_to_ns(ticks: u64, iface: Interface) -> u64 {
    let ns = if iface.ns_per_unit != 0 {
        // The same number without a 128-bit division each frame.
        u128::from(ticks) * u128::from(iface.ns_per_unit)
    } else {
        u128::from(ticks) * 1_000_000_000 / u128::from(iface.units_per_sec.max(1))
    };
    let offset = i128::from(iface.offset_secs) * 1_000_000_000;
    (ns as i128 + offset).clamp(0, i128::from(u64::MAX)) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An interface's ticks in nanoseconds: by a multiplication where a
    /// unit is a whole number of nanoseconds, by a division otherwise, the
    /// same number either way; its offset added, clamped to the u64 range.
    #[test]
    fn ticks_become_nanoseconds_at_every_resolution() {
        let at = |units, offset, ticks| ticks_to_ns(ticks, Interface::new(1, units, offset));
        assert_eq!(
            at(1_000_000, 0, 1_700_000_000_123_456),
            1_700_000_000_123_456_000
        );
        assert_eq!(
            at(1_000_000_000, 0, 1_700_000_000_123_456_789),
            1_700_000_000_123_456_789
        );
        assert_eq!(at(1_000, 0, 5), 5_000_000);
        assert_eq!(at(1, 0, 7), 7_000_000_000);
        // 2^-10 s: not a whole number of nanoseconds (976562.5).
        assert_eq!(at(1024, 0, 3), 2_929_687);
        assert_eq!(at(1024, 0, 1024), 1_000_000_000);
        assert_eq!(at(0, 0, 3), 3_000_000_000);
        assert_eq!(at(1_000_000, 10, 1), 10_000_001_000);
        assert_eq!(at(1_000_000, -10, 1), 0);
        assert_eq!(at(1, 0, u64::MAX), u64::MAX);
        for units in [1, 10, 1_000, 1_000_000, 1_000_000_000, 1024, 3, 100_000_007] {
            for ticks in [0, 1, 999, 123_456_789_012, u64::MAX / 3] {
                let slow = u128::from(ticks) * 1_000_000_000 / u128::from(units);
                let want = slow.min(u128::from(u64::MAX)) as u64;
                assert_eq!(at(units, 0, ticks), want, "{ticks} at {units}/s");
            }
        }
    }
}
