//! `annotate` and `conns` on worker threads (`--threads 2`) allocate
//! nothing per frame either: batches go back to be refilled, so a capture
//! with fifty times the frames costs only a few more allocations (batches
//! made before the first ones come back). One test in this binary, so no
//! other test allocates while it counts.

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

fn allocations_of(path: &str, format: Format) -> (u64, u64) {
    let options = AnnotateOptions {
        format,
        color: true,
    };
    let filter = Filter {
        ports: vec![47015],
        ..Filter::default()
    };
    let source = Source {
        threads: 2,
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
fn threads_allocate_nothing_per_frame() {
    // The handshake and data of a bulk transfer, then its data segments
    // again and again (retransmissions as far as the tracker knows).
    let pcap = Pcap::read(&recording("data-bulk.pcap"));
    let dir = temp_dir("thread-allocations");
    let short = dir.join("short.pcap");
    let long = dir.join("long.pcap");
    // Past the first batches (made before any comes back to be refilled).
    let file = |repeats: usize| {
        let mut bytes = pcap.file_of(0..60);
        for _ in 0..repeats {
            for r in &pcap.records[3..60] {
                bytes.extend_from_slice(r);
            }
        }
        bytes
    };
    std::fs::write(&short, file(400)).unwrap();
    std::fs::write(&long, file(800)).unwrap();
    let (short, long) = (short.to_str().unwrap(), long.to_str().unwrap());
    for format in [Format::Text, Format::Json, Format::Csv] {
        allocations_of(short, format);
        let few = allocations_of(short, format);
        let many = allocations_of(long, format);
        // 22 800 frames more: per-frame allocation would be thousands.
        for (command, few, many) in [("annotate", few.0, many.0), ("conns", few.1, many.1)] {
            eprintln!("{command} {format:?}: {few} then {many} allocations");
            assert!(
                many <= few + 50,
                "{command} {format:?}: {few} allocations for 22 860 frames, {many} for 45 660"
            );
        }
    }
}
