//! `annotate` and `conns` (text, JSON and CSV) allocate nothing per frame,
//! on one thread and on worker threads (`--threads 2`, where batches go
//! back to be refilled): a capture with many more frames costs no more
//! allocations than a short one (on threads, only the few batches made
//! before the first ones come back). One test in this binary, so no other
//! test allocates while it counts.

mod common;
use common::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use tcpphase_cli::annotate::{run, AnnotateOptions};
use tcpphase_cli::conns;
use tcpphase_cli::filter::Filter;
use tcpphase_cli::input::Source;
use tcpphase_cli::Format;

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above, with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for `alloc` and `dealloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations of `annotate` and of `conns` on `path`, on `threads` threads.
fn allocations_of(path: &str, format: Format, threads: usize) -> (u64, u64) {
    let options = AnnotateOptions {
        format,
        color: true,
    };
    let filter = Filter {
        ports: vec![47015],
        ..Filter::default()
    };
    let source = Source {
        threads,
        ..Source::file(path)
    };
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    run(&source, &filter, options, &mut std::io::sink()).expect("annotate");
    let between = ALLOCATIONS.load(Ordering::Relaxed);
    conns::run(&source, &filter, format, &mut std::io::sink()).expect("conns");
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    (between - before, after - between)
}

#[test]
fn annotate_and_conns_allocate_nothing_per_frame() {
    // The handshake and data of a bulk transfer, then its data segments
    // again and again (retransmissions as far as the tracker knows).
    let pcap = Pcap::read(&recording("data-bulk.pcap"));
    let dir = temp_dir("allocations");
    let file = |name: &str, repeats: usize| {
        let mut bytes = pcap.file_of(0..60);
        for _ in 0..repeats {
            for r in &pcap.records[3..60] {
                bytes.extend_from_slice(r);
            }
        }
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_string()
    };
    // One thread: 60 frames against 2 910. Two threads: past the first
    // batches (made before any comes back to be refilled), 22 860 frames
    // against 45 660; per-frame allocation would be thousands.
    let cases = [
        (1, file("short.pcap", 0), file("long.pcap", 50), 8),
        (2, file("short2.pcap", 400), file("long2.pcap", 800), 50),
    ];
    for (threads, short, long, slack) in &cases {
        for format in [Format::Text, Format::Json, Format::Csv] {
            allocations_of(short, format, *threads);
            let few = allocations_of(short, format, *threads);
            let many = allocations_of(long, format, *threads);
            for (command, few, many) in [("annotate", few.0, many.0), ("conns", few.1, many.1)] {
                eprintln!(
                    "{threads} thread(s), {command} {format:?}: {few} then {many} allocations"
                );
                assert!(
                    many <= few + slack,
                    "{threads} thread(s), {command} {format:?}: {few} allocations for {short}, {many} for {long}"
                );
            }
        }
    }
}
