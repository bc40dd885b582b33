//! The status every fallible entry point returns.

use crate::boundary::guard_value;
use libc::c_char;

/// What a call did. `TCPPHASE_STATUS_OK` is 0; the others say why not.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_status {
    /// Done; for `tcpphase_tracker_feed`, `out` holds a TCP segment's annotation.
    Ok = 0,
    /// The frame is not a TCP segment (another protocol, or an IP fragment that
    /// does not complete its packet: the segment comes on the one that does).
    NotTcp = 1,
    /// The frame (or header) does not parse; the tracker's last error says what and where.
    Malformed = 2,
    /// The pcap link type is not one tcpphase reads.
    UnsupportedLinktype = 3,
    /// Nothing more: no summary is waiting, or no error to report.
    None = 4,
    /// A required pointer argument was NULL.
    NullArgument = 5,
    /// An argument is out of range (a length above `PTRDIFF_MAX`, an unknown address family).
    InvalidArgument = 6,
    /// The caller's buffer was too small; what fits was written, NUL-terminated.
    BufferTooSmall = 7,
    /// tcpphase panicked (a bug); the tracker refuses further use and must be freed.
    Panic = 8,
}

/// The status names, indexed by value.
static STATUS_NAMES: [&std::ffi::CStr; 9] = [
    c"ok",
    c"not-tcp",
    c"malformed",
    c"unsupported-linktype",
    c"none",
    c"null-argument",
    c"invalid-argument",
    c"buffer-too-small",
    c"panic",
];

/// The name of a status value (`"ok"`, `"not-tcp"`, `"malformed"`, ...), or
/// NULL for a value that is no `tcpphase_status`.
///
/// Ownership: the string is static; do not free it; valid for the life of
/// the process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_status_name(status: u32) -> *const c_char {
    guard_value(std::ptr::null(), || {
        STATUS_NAMES
            .get(status as usize)
            .map_or(std::ptr::null(), |name| name.as_ptr())
    })
}
