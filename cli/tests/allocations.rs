//! `annotate` (text, JSON and CSV) allocates nothing per frame: a capture with
//! many more frames costs no more allocations than a short one. One test
//! in this binary, so no other test allocates while it counts.

mod common;
use common::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use tcpphase_cli::annotate::{run, AnnotateOptions};
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

fn allocations_of(path: &str, format: Format) -> u64 {
    let options = AnnotateOptions {
        format,
        color: true,
    };
    let filter = Filter {
        ports: vec![47015],
        ..Filter::default()
    };
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    run(&Source::file(path), &filter, options, &mut std::io::sink()).expect("annotate");
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

#[test]
fn annotate_allocates_nothing_per_frame() {
    // The handshake and data of a bulk transfer, then its data segments
    // again and again (retransmissions as far as the tracker knows).
    let pcap = Pcap::read(&recording("data-bulk.pcap"));
    let dir = temp_dir("allocations");
    let short = dir.join("short.pcap");
    let long = dir.join("long.pcap");
    std::fs::write(&short, pcap.file_of(0..60)).unwrap();
    let mut bytes = pcap.file_of(0..60);
    for _ in 0..50 {
        for r in &pcap.records[3..60] {
            bytes.extend_from_slice(r);
        }
    }
    std::fs::write(&long, bytes).unwrap();
    let (short, long) = (short.to_str().unwrap(), long.to_str().unwrap());
    for format in [Format::Text, Format::Json, Format::Csv] {
        allocations_of(short, format);
        let few = allocations_of(short, format);
        let many = allocations_of(long, format);
        assert!(
            many <= few + 8,
            "{format:?}: {few} allocations for 60 frames, {many} for 2910"
        );
    }
}
