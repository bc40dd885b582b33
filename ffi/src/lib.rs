//! tcpphase's C ABI: `libtcpphase.so` / `libtcpphase.a` and `include/tcpphase.h`
//! (generated from this crate by cbindgen; `tests/header.rs` fails when stale).
//!
//! Conventions (after rustls-ffi): one `tcpphase_` prefix, an opaque
//! [`tcpphase_tracker`] handle with a create / free pair, `#[repr(u32)]`
//! enums whose names come from the core's `name()` methods and whose 0 means
//! none (a zeroed struct reads as "nothing"), a
//! [`tcpphase_status`] from every fallible call, and every entry point
//! wrapped so that a panic becomes `TCPPHASE_STATUS_PANIC`, never an unwind
//! into C.
//!
//! | file | what |
//! | --- | --- |
//! | `status.rs` | [`tcpphase_status`] |
//! | `boundary.rs` | (private) the panic guard, text into a caller's buffer, static names |
//! | `labels.rs` | phase, step, state, direction, closer and flag enums; every `*_name()` but the summary's |
//! | `endpoint.rs` | [`tcpphase_endpoint`]: address, family, port; its text |
//! | `annotation.rs` | [`tcpphase_annotation`], the per-segment labels (docs/labels.md) |
//! | `summary.rs` | [`tcpphase_summary`], the per-connection summary (docs/labels.md) |
//! | `tracker.rs` | [`tcpphase_tracker`]: new, feed, finish, summaries, last error |
//! | `segment.rs` | [`tcpphase_segment`]: a segment the caller decoded, `tcpphase_tracker_feed_segment` |
//! | `presentation.rs` | a label's Info text and expert class, for the Wireshark plugin |
//! | `tcp_header.rs` | [`tcpphase_parse_tcp`], the stateless TCP header parser |
#![deny(missing_docs)]
// The C names are the API: `tcpphase_tracker`, not `TcpphaseTracker`.
#![allow(non_camel_case_types)]

pub mod annotation;
mod boundary;
pub mod endpoint;
pub mod labels;
pub mod presentation;
pub mod segment;
pub mod status;
pub mod summary;
pub mod tcp_header;
pub mod tracker;

pub use annotation::tcpphase_annotation;
pub use endpoint::tcpphase_endpoint;
pub use segment::tcpphase_segment;
pub use status::tcpphase_status;
pub use summary::tcpphase_summary;
pub use tcp_header::tcpphase_parse_tcp;
pub use tracker::tcpphase_tracker;

use libc::c_char;

/// The ABI number: the library's SONAME is `libtcpphase.so.<this>`. It
/// changes with every change that breaks programs built against an earlier
/// header (see README.md, "Versions and the ABI"); compare it with
/// `#if TCPPHASE_ABI_VERSION != 0` to fail at compile time.
pub const TCPPHASE_ABI_VERSION: u32 = 0;

/// The version of the library, e.g. `"0.2.0"`.
static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library's version as a NUL-terminated string, e.g. `"0.2.0"`.
///
/// Ownership: the string is static; do not free it; it stays valid for the
/// life of the process. Threads: may be called from any thread at any time.
#[no_mangle]
pub extern "C" fn tcpphase_version() -> *const c_char {
    VERSION.as_ptr().cast()
}
