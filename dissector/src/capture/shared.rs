//! A capture file mapped into memory once and read on several threads: one
//! [`CaptureReader`] walks it, and other threads (consumers) read the bytes
//! of frames the reader handed them, in place, by their offsets in the map.
//!
//! The reader gives back the pages behind it (resident memory stays flat
//! however long the file), but only those every consumer has said it is
//! done with ([`SharedCapture::consumed`]), so a consumer never finds its
//! frames gone.
//!
//! ```no_run
//! use tcpphase::capture::{CaptureReader, SharedCapture};
//! let file = std::fs::File::open("capture.pcap")?;
//! // One other thread will read frames in place.
//! let shared = SharedCapture::map(&file, 1).expect("a regular, uncompressed file");
//! let mut reader = CaptureReader::from_shared(shared.clone())?;
//! while let Some(frame) = reader.next_frame()? {
//!     let at = shared.offset_of(frame.data).expect("frames lie in the map");
//!     // ... hand `at..at + frame.data.len()` to the other thread, which
//!     // reads `&shared.bytes()[at..at + len]` and then calls
//!     // `shared.consumed(0, at + len)`.
//! #   shared.consumed(0, at + frame.data.len());
//! }
//! # Ok::<(), tcpphase::capture::CaptureError>(())
//! ```

use super::decompress::Compression;
use super::mapped::Bytes;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Pages are given back in steps of this many bytes (a multiple of any
/// page size in use).
const RELEASE_STEP: usize = 64 << 10;

/// The reader leaves giving pages back to idle consumers
/// ([`SharedCapture::give_back`]) until this many bytes wait behind every
/// consumer; then it gives them back itself, so that resident memory stays
/// flat when no consumer is ever idle.
const READER_RELEASE_LAG: usize = 2 << 20;

/// A read-only map of a whole capture file, shared by a reader and
/// `consumers` other threads. Cloning it is cheap (one reference count).
#[derive(Clone)]
pub struct SharedCapture {
    inner: Arc<Inner>,
}

struct Inner {
    map: memmap2::Mmap,
    /// How far into the map each consumer is done.
    done: Box<[AtomicUsize]>,
    /// The pages before this were given back.
    given_back: AtomicUsize,
}

impl std::fmt::Debug for SharedCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedCapture")
            .field("len", &self.inner.map.len())
            .field("consumers", &self.inner.done.len())
            .finish()
    }
}

impl SharedCapture {
    /// Maps `file` for a reader and `consumers` other threads. `None` when
    /// it cannot be read in place: not a regular file, empty, compressed,
    /// or a file system that does not map (read it as a stream then).
    ///
    /// As with every memory-mapped reader, a file that another program
    /// shortens while it is read ends the process (SIGBUS).
    pub fn map(file: &std::fs::File, consumers: usize) -> Option<SharedCapture> {
        let regular = file.metadata().is_ok_and(|m| m.is_file() && m.len() >= 4);
        if !regular {
            return None;
        }
        // SAFETY: the map is only read, through `&[u8]`; it lives as long
        // as the last clone, and so as long as every slice borrowed from
        // it. What a map cannot guard against is another process changing
        // the file meanwhile (documented above).
        let map = unsafe { memmap2::Mmap::map(file) }.ok()?;
        if map.len() < 4 || Compression::detect(&map[..4]).is_some() {
            return None;
        }
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Sequential);
        let done = (0..consumers).map(|_| AtomicUsize::new(0)).collect();
        Some(SharedCapture {
            inner: Arc::new(Inner {
                map,
                done,
                given_back: AtomicUsize::new(0),
            }),
        })
    }

    /// The whole file.
    pub fn bytes(&self) -> &[u8] {
        &self.inner.map
    }

    /// Where `part` (a frame the reader gave) starts in the map; `None`
    /// for bytes that are not in it.
    pub fn offset_of(&self, part: &[u8]) -> Option<usize> {
        let base = self.inner.map.as_ptr() as usize;
        let start = (part.as_ptr() as usize).checked_sub(base)?;
        (start.checked_add(part.len())? <= self.inner.map.len()).then_some(start)
    }

    /// A hint that the bytes at `start..start + len` will be read soon:
    /// the CPU starts loading their first two cache lines (a frame's
    /// headers) now. Harmless anywhere, in the map or not.
    #[inline]
    pub fn prefetch(&self, start: usize) {
        if let Some(bytes) = self.inner.map.get(start..) {
            let at = bytes.as_ptr();
            crate::track::prefetch::prefetch(at);
            crate::track::prefetch::prefetch(at.wrapping_add(64));
        }
    }

    /// Maps the pages of `start..start + len` now (Linux's
    /// `MADV_POPULATE_READ`, 5.14 and later), so that the thread that
    /// reads them first does not stop for their page faults: a thread
    /// with nothing else to do takes them instead. Past the end of the
    /// map, or where the kernel does not know the advice, nothing happens.
    pub fn populate(&self, start: usize, len: usize) {
        let map = &self.inner.map;
        let len = len.min(map.len().saturating_sub(start));
        #[cfg(target_os = "linux")]
        if len > 0 {
            let _ = map.advise_range(memmap2::Advice::PopulateRead, start, len);
        }
        #[cfg(not(target_os = "linux"))]
        let _ = (map, len);
    }

    /// Gives back the pages every consumer is done with: called by a
    /// consumer with nothing else to do, so that the reader does not stop
    /// to unmap them (with a second thread in the process, unmapping also
    /// interrupts that thread's core to flush its view of them).
    pub fn give_back(&self) {
        let from = self.inner.given_back.load(Ordering::Acquire);
        let limit = self.all_done();
        let limit = limit - limit % RELEASE_STEP;
        if limit > from {
            self.give_back_range(from, limit);
        }
    }

    /// Gives back `from..limit`, every consumer and the reader being past
    /// it.
    fn give_back_range(&self, from: usize, limit: usize) {
        self.inner.map.release(from, limit);
        self.inner.given_back.fetch_max(limit, Ordering::AcqRel);
    }

    /// Consumer `consumer` (0-based, below the count given to
    /// [`SharedCapture::map`]) will not read the bytes before `end` any
    /// more. Positions only move forward; an unknown consumer is ignored.
    pub fn consumed(&self, consumer: usize, end: usize) {
        if let Some(done) = self.inner.done.get(consumer) {
            done.fetch_max(end, Ordering::Release);
        }
    }

    /// How far every consumer is done.
    fn all_done(&self) -> usize {
        self.inner
            .done
            .iter()
            .map(|d| d.load(Ordering::Acquire))
            .min()
            .unwrap_or(usize::MAX)
    }
}

impl AsRef<[u8]> for SharedCapture {
    fn as_ref(&self) -> &[u8] {
        self.bytes()
    }
}

impl Bytes for SharedCapture {
    fn release(&self, start: usize, end: usize) -> usize {
        let limit = end.min(self.all_done());
        let limit = limit - limit % RELEASE_STEP;
        let from = start.max(self.inner.given_back.load(Ordering::Acquire));
        // Idle consumers give back what is behind them; the reader only
        // when they have fallen far behind with it (or there are none).
        let lag = if self.inner.done.is_empty() {
            0
        } else {
            READER_RELEASE_LAG
        };
        if limit <= from || (limit - from < lag) {
            return from;
        }
        self.give_back_range(from, limit);
        limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::CaptureReader;
    use std::io::Write;

    /// A legacy pcap file of `n` Ethernet frames of 100 bytes each.
    fn pcap(n: usize) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        out.extend_from_slice(&2u16.to_le_bytes());
        out.extend_from_slice(&4u16.to_le_bytes());
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&65535u32.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        for i in 0..n as u32 {
            out.extend_from_slice(&i.to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&100u32.to_le_bytes());
            out.extend_from_slice(&100u32.to_le_bytes());
            out.extend((0..100u32).map(|b| (b ^ i) as u8));
        }
        out
    }

    /// A file holding `bytes`, already unlinked (it lives while open).
    fn file_with(bytes: &[u8]) -> std::fs::File {
        use std::sync::atomic::AtomicU32;
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "tcpphase-shared-{}-{}.pcap",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .expect("a temporary file");
        let _ = std::fs::remove_file(&path);
        file.write_all(bytes).expect("written");
        file
    }

    /// Frames read through the shared map are the file's own bytes, found
    /// again by their offsets, and the reader gives the same frames as the
    /// private map does.
    #[test]
    fn frames_are_found_in_the_map_by_their_offsets() {
        let bytes = pcap(50_000);
        let file = file_with(&bytes);
        let shared = SharedCapture::map(&file, 2).expect("mapped");
        let mut reader = CaptureReader::from_shared(shared.clone()).expect("a pcap");
        let mut private = CaptureReader::in_memory(bytes.clone()).expect("a pcap");
        let mut n = 0;
        while let Some(f) = reader.next_frame().expect("good frames") {
            let at = shared.offset_of(f.data).expect("in the map");
            assert_eq!(&bytes[at..at + f.data.len()], f.data);
            let p = private.next_frame().expect("good").expect("as many");
            assert_eq!((f.number, f.ts_ns, f.data), (p.number, p.ts_ns, p.data));
            // Consumers keep up, one a little behind the other.
            shared.consumed(0, at);
            shared.consumed(1, at.saturating_sub(1 << 20));
            n += 1;
        }
        assert_eq!(n, 50_000);
        assert!(private.next_frame().expect("good").is_none());
        assert_eq!(shared.offset_of(&[1, 2, 3]), None);
    }

    /// Nothing is given back past what every consumer is done with, and
    /// consumers' positions only move forward.
    #[test]
    fn pages_go_back_only_behind_every_consumer() {
        let bytes = pcap(60_000);
        let file = file_with(&bytes);
        let shared = SharedCapture::map(&file, 2).expect("mapped");
        shared.give_back();
        assert_eq!(shared.release(0, 4 << 20), 0, "no consumer is done");
        shared.consumed(0, 3 << 20);
        shared.give_back();
        assert_eq!(shared.release(0, 4 << 20), 0, "the other is not");
        shared.consumed(1, (1 << 20) + 5);
        shared.give_back();
        assert_eq!(
            shared.release(0, 4 << 20),
            1 << 20,
            "given back by a consumer"
        );
        shared.consumed(1, 10);
        assert_eq!(shared.all_done(), (1 << 20) + 5, "never backwards");
        shared.consumed(7, usize::MAX);
        assert_eq!(shared.all_done(), (1 << 20) + 5, "unknown consumer ignored");
        // The bytes given back read the same (the file backs them).
        assert_eq!(&shared.bytes()[..bytes.len()], &bytes[..]);
    }

    /// The reader leaves the pages to idle consumers, but gives them back
    /// itself once they lag far behind every consumer: resident memory
    /// stays flat when no consumer is ever idle.
    #[test]
    fn the_reader_gives_back_what_waits_too_long() {
        let bytes = pcap(200_000);
        assert!(bytes.len() > 2 * READER_RELEASE_LAG);
        let file = file_with(&bytes);
        let shared = SharedCapture::map(&file, 1).expect("mapped");
        shared.consumed(0, READER_RELEASE_LAG - 1);
        assert_eq!(shared.release(0, bytes.len()), 0, "left to the consumer");
        let done = READER_RELEASE_LAG + (3 << 20) + 17;
        shared.consumed(0, done);
        let limit = done - done % RELEASE_STEP;
        assert_eq!(
            shared.release(0, bytes.len()),
            limit,
            "too long: the reader"
        );
        assert_eq!(
            shared.release(limit, bytes.len()),
            limit,
            "nothing more yet"
        );
        // Without consumers the reader gives back at once.
        let alone = SharedCapture::map(&file, 0).expect("mapped");
        assert_eq!(alone.release(0, 1 << 20), 1 << 20);
        assert_eq!(&shared.bytes()[..bytes.len()], &bytes[..]);
    }

    /// The resident size of the mapping that starts at `start`, in kB
    /// (`/proc/self/smaps`).
    #[cfg(target_os = "linux")]
    fn resident_kb(start: *const u8) -> u64 {
        let smaps = std::fs::read_to_string("/proc/self/smaps").expect("smaps");
        let head = format!("{:x}-", start as usize);
        let mut lines = smaps.lines().skip_while(|l| !l.starts_with(&head));
        assert!(lines.next().is_some(), "the map is listed");
        let rss = lines.find(|l| l.starts_with("Rss:")).expect("an Rss line");
        rss.split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .expect("kB")
    }

    /// Populating maps the pages asked for, and nothing else changes: the
    /// bytes read the same, and ranges past the end are no error.
    #[cfg(target_os = "linux")]
    #[test]
    fn populating_maps_the_pages_asked_for() {
        let bytes = pcap(60_000);
        let file = file_with(&bytes);
        let shared = SharedCapture::map(&file, 1).expect("mapped");
        let start = shared.bytes().as_ptr();
        let before = resident_kb(start);
        shared.populate(1 << 20, 2 << 20);
        let after = resident_kb(start);
        assert!(
            after >= before + 2048,
            "2 MB more resident: {before} kB -> {after} kB"
        );
        shared.populate(bytes.len() - 10, 1 << 30);
        shared.populate(bytes.len() + 4096, 100);
        shared.populate(usize::MAX, usize::MAX);
        assert_eq!(&shared.bytes()[..bytes.len()], &bytes[..]);
    }

    /// What cannot be read in place is refused.
    #[test]
    fn compressed_empty_and_tiny_files_are_refused() {
        assert!(SharedCapture::map(&file_with(&[]), 1).is_none());
        assert!(SharedCapture::map(&file_with(&[0xd4, 0xc3]), 1).is_none());
        assert!(SharedCapture::map(&file_with(&[0x1f, 0x8b, 8, 0, 0, 0]), 1).is_none());
    }
}
