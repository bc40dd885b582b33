//! The status every fallible entry point returns.

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
