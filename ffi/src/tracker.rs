//! The tracker handle: frames in, annotations and connection summaries out.

use crate::annotation::tcpphase_annotation;
use crate::boundary::{caller_bytes, guard, guard_value, write_text_counted};
use crate::status::tcpphase_status;
use crate::summary::tcpphase_summary;
use libc::c_char;
use tcpphase_core::track::{Config, FrameOutcome, Tracker};
use tcpphase_core::wire::WireError;

/// A tracker: follows every connection of one capture, frame by frame, in
/// capture order. Opaque; made by `tcpphase_tracker_new` or
/// `tcpphase_tracker_new_with`, freed by `tcpphase_tracker_free`.
pub struct tcpphase_tracker {
    _private: [u8; 0],
}

/// What a `tcpphase_tracker` pointer really points to.
pub(crate) struct Handle {
    pub(crate) tracker: Tracker,
    /// Why the last frame fed did not parse, if it did not.
    pub(crate) last_error: Option<WireError>,
    /// A panic left the tracker half-updated: refuse further use.
    pub(crate) poisoned: bool,
}

/// The settings of a tracker (capture time, not wall-clock time).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct tcpphase_config {
    /// How long an ended connection stays in TIME-WAIT (2 x MSL), in ns.
    /// The default is 60 s.
    pub time_wait_ns: u64,
    /// How long an idle connection stays before it is summarised, in ns.
    /// The default is 5 days (432000 s), conntrack's timeout.
    pub idle_timeout_ns: u64,
    /// The most connections the tracker holds; past it the least recently
    /// seen sixteenth is evicted (summarised early and counted, see
    /// `tcpphase_tracker_evicted`). 0 is taken as 1. The default is 1048576.
    pub max_connections: u64,
}

impl From<Config> for tcpphase_config {
    fn from(c: Config) -> Self {
        tcpphase_config {
            time_wait_ns: c.time_wait_ns,
            idle_timeout_ns: c.idle_timeout_ns,
            max_connections: c.max_connections as u64,
        }
    }
}

/// The handle behind a caller's pointer, or the status to answer:
/// `NULL_ARGUMENT` for NULL, `PANIC` for a tracker an earlier panic left
/// half-updated.
///
/// # Safety
/// `t` must be NULL or a live pointer from `tcpphase_tracker_new*`, used by
/// one thread at a time.
pub(crate) unsafe fn usable<'a>(
    t: *mut tcpphase_tracker,
) -> Result<&'a mut Handle, tcpphase_status> {
    // SAFETY: the caller vouches for `t`; it was made from a Box<Handle>.
    match unsafe { t.cast::<Handle>().as_mut() } {
        None => Err(tcpphase_status::NullArgument),
        Some(h) if h.poisoned => Err(tcpphase_status::Panic),
        Some(h) => Ok(h),
    }
}

impl Handle {
    /// Runs `f` on the tracker; should it panic, the handle stays poisoned.
    pub(crate) fn poisoning<R>(&mut self, f: impl FnOnce(&mut Tracker) -> R) -> R {
        self.poisoned = true;
        let r = f(&mut self.tracker);
        self.poisoned = false;
        r
    }
}

fn new_handle(config: Config) -> *mut tcpphase_tracker {
    Box::into_raw(Box::new(Handle {
        tracker: Tracker::new(config),
        last_error: None,
        poisoned: false,
    }))
    .cast()
}

/// Writes the default settings into `*out`.
///
/// Returns `OK`, or `NULL_ARGUMENT` when `out` is NULL.
///
/// Ownership: `*out` is the caller's; written during the call only.
/// Threads: any thread.
///
/// # Safety
/// `out` must be NULL or valid for writing one `tcpphase_config`.
#[no_mangle]
pub unsafe extern "C" fn tcpphase_config_default(out: *mut tcpphase_config) -> tcpphase_status {
    guard(|| {
        if out.is_null() {
            return tcpphase_status::NullArgument;
        }
        // SAFETY: `out` is non-NULL and the caller vouches for it.
        unsafe { out.write(Config::default().into()) };
        tcpphase_status::Ok
    })
}

/// A new tracker with the default settings (TIME-WAIT 60 s, idle timeout
/// 5 days), or NULL if tcpphase failed internally.
///
/// Ownership: the caller owns the tracker and must release it with
/// `tcpphase_tracker_free` (memory grows with the live connections only).
/// Threads: any thread; the tracker may later move between threads but must
/// be used by one thread at a time.
#[no_mangle]
pub extern "C" fn tcpphase_tracker_new() -> *mut tcpphase_tracker {
    guard_value(std::ptr::null_mut(), || new_handle(Config::default()))
}

/// A new tracker with the settings `*config`, or NULL when `config` is NULL
/// (or tcpphase failed internally).
///
/// Ownership: `*config` is read during the call only and stays the
/// caller's; the caller owns the tracker and must release it with
/// `tcpphase_tracker_free`. Threads: as `tcpphase_tracker_new`.
///
/// # Safety
/// `config` must be NULL or point to a `tcpphase_config`.
#[no_mangle]
pub unsafe extern "C" fn tcpphase_tracker_new_with(
    config: *const tcpphase_config,
) -> *mut tcpphase_tracker {
    guard_value(std::ptr::null_mut(), || {
        // SAFETY: the caller vouches for `config` being NULL or valid.
        match unsafe { config.as_ref() } {
            Some(c) => new_handle(Config {
                time_wait_ns: c.time_wait_ns,
                idle_timeout_ns: c.idle_timeout_ns,
                max_connections: usize::try_from(c.max_connections).unwrap_or(usize::MAX),
                ..Config::default()
            }),
            None => std::ptr::null_mut(),
        }
    })
}

/// Frees a tracker and everything it holds, summaries not yet drained
/// included. NULL is fine (nothing happens).
///
/// Ownership: takes the tracker back from the caller; the pointer must not
/// be used afterwards. Threads: the thread that uses the tracker, with no
/// other call on it in progress.
///
/// # Safety
/// `t` must be NULL or a pointer from `tcpphase_tracker_new*` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn tcpphase_tracker_free(t: *mut tcpphase_tracker) {
    guard_value((), || {
        if !t.is_null() {
            // SAFETY: `t` came from Box::into_raw in new_handle and is freed once.
            drop(unsafe { Box::from_raw(t.cast::<Handle>()) });
        }
    })
}

/// Feeds one captured frame: its pcap LINKTYPE (`1` Ethernet, `113` Linux
/// cooked, `101` raw IP, ...), its `len` bytes at `frame`, its capture time
/// in ns since the epoch. Frames are numbered from 1 in feeding order; every
/// call that gets past the argument checks counts as one frame.
///
/// Returns, with `*out` filled:
/// - `OK`: a TCP segment; `*out` is its full annotation.
/// - `NOT_TCP`: another protocol, or an IP fragment that does not (yet)
///   complete its packet (the segment comes on the one that does); `out->frame`
///   and `out->ts_ns` are set.
/// - `MALFORMED`: the frame does not parse; `out->frame`, `out->ts_ns`, and
///   `phase` / `step` `OTHER` / `MALFORMED`; `tcpphase_tracker_last_error`
///   says what and where.
/// - `UNSUPPORTED_LINKTYPE`: as `MALFORMED`, for a link type tcpphase does
///   not read.
///
/// Without counting a frame or touching `*out`: `NULL_ARGUMENT` (`t`,
/// `frame` or `out` NULL), `INVALID_ARGUMENT` (`len` above `PTRDIFF_MAX`),
/// `PANIC` (an internal failure, now or earlier: the tracker is unusable,
/// free it). Connections that leave the table meanwhile queue their
/// summaries for `tcpphase_tracker_next_summary`.
///
/// Ownership: `frame` is read during the call only and nothing of it is
/// kept; `*out` is the caller's, written during the call. No allocation per
/// frame. Threads: one thread at a time per tracker; different trackers may
/// be fed from different threads at once.
///
/// # Safety
/// `t` must be NULL or a live tracker; `frame` NULL or valid for reads of
/// `len` bytes; `out` NULL or valid for writing one `tcpphase_annotation`.
#[no_mangle]
pub unsafe extern "C" fn tcpphase_tracker_feed(
    t: *mut tcpphase_tracker,
    linktype: u32,
    frame: *const u8,
    len: usize,
    ts_ns: u64,
    out: *mut tcpphase_annotation,
) -> tcpphase_status {
    guard(|| {
        // SAFETY: the caller vouches for `t`.
        let h = match unsafe { usable(t) } {
            Ok(h) => h,
            Err(status) => return status,
        };
        if out.is_null() {
            return tcpphase_status::NullArgument;
        }
        // SAFETY: the caller vouches for `len` bytes at `frame`.
        let bytes = match unsafe { caller_bytes(frame, len) } {
            Ok(bytes) => bytes,
            Err(status) => return status,
        };
        let outcome = h.poisoning(|tracker| tracker.feed(linktype, bytes, ts_ns));
        let number = h.tracker.frames();
        let (status, annotation) = match outcome {
            FrameOutcome::Segment(a) => {
                h.last_error = None;
                (tcpphase_status::Ok, tcpphase_annotation::from(&a))
            }
            FrameOutcome::NotTcp => {
                h.last_error = None;
                (
                    tcpphase_status::NotTcp,
                    tcpphase_annotation::frame_only(number, ts_ns, false),
                )
            }
            FrameOutcome::Malformed(e) => {
                h.last_error = Some(e);
                let status = match e {
                    WireError::UnsupportedLinkType { .. } => tcpphase_status::UnsupportedLinktype,
                    _ => tcpphase_status::Malformed,
                };
                (status, tcpphase_annotation::frame_only(number, ts_ns, true))
            }
        };
        // SAFETY: `out` is non-NULL and the caller vouches for it.
        unsafe { out.write(annotation) };
        status
    })
}

/// Why the last frame fed did not parse: writes the reason (e.g. `"TCP
/// header at byte 34 truncated: needs 20 bytes, frame has 6"`),
/// NUL-terminated, into `buf` of `len` bytes, and its length in bytes (the
/// NUL not counted) into `*out_n`, whether it fit or not: a buffer of
/// `*out_n + 1` bytes holds it whole (256 bytes always suffice). `buf` may
/// be NULL when `len` is 0, to ask the length alone; `out_n` may be NULL.
///
/// Returns `OK`; `NONE` (`*out_n` 0, and `""` written when `len` > 0) when
/// the last feed returned neither `MALFORMED` nor `UNSUPPORTED_LINKTYPE`;
/// `BUFFER_TOO_SMALL` (what fits is written; `len` 0 writes nothing);
/// `NULL_ARGUMENT` (`t` NULL, or `buf` NULL with `len` > 0);
/// `INVALID_ARGUMENT` (`len` above `PTRDIFF_MAX`); `PANIC`. `*out_n` is
/// written with `OK`, `NONE` and `BUFFER_TOO_SMALL` only.
///
/// Ownership: `buf` and `*out_n` are the caller's, written during the call
/// only. Threads: the thread using the tracker, as for
/// `tcpphase_tracker_feed`.
///
/// # Safety
/// `t` must be NULL or a live tracker; `buf` NULL or valid for writes of
/// `len` bytes; `out_n` NULL or valid for writing one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn tcpphase_tracker_last_error(
    t: *mut tcpphase_tracker,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> tcpphase_status {
    guard(|| {
        // SAFETY: the caller vouches for `t`.
        let h = match unsafe { usable(t) } {
            Ok(h) => h,
            Err(status) => return status,
        };
        let (status, n) = match h.last_error {
            // SAFETY: the caller vouches for `buf` and `len`.
            Some(e) => unsafe { write_text_counted(buf, len, e) },
            // SAFETY: as above.
            None => match unsafe { write_text_counted(buf, len, "") } {
                (tcpphase_status::Ok | tcpphase_status::BufferTooSmall, n) => {
                    (tcpphase_status::None, n)
                }
                other => other,
            },
        };
        if matches!(
            status,
            tcpphase_status::Ok | tcpphase_status::None | tcpphase_status::BufferTooSmall
        ) {
            // SAFETY: the caller vouches for `out_n` being NULL or writable.
            if let Some(out_n) = unsafe { out_n.as_mut() } {
                *out_n = n;
            }
        }
        status
    })
}

/// Ends the input: every connection still in the table is summarised, in
/// connection order, after those already queued; drain them with
/// `tcpphase_tracker_next_summary`. Frames fed afterwards start from an
/// empty table (frame numbers go on).
///
/// Returns `OK`, `NULL_ARGUMENT` or `PANIC`.
///
/// Ownership: the tracker stays the caller's. Threads: the thread using the
/// tracker.
///
/// # Safety
/// `t` must be NULL or a live tracker.
#[no_mangle]
pub unsafe extern "C" fn tcpphase_tracker_finish(t: *mut tcpphase_tracker) -> tcpphase_status {
    guard(|| {
        // SAFETY: the caller vouches for `t`.
        match unsafe { usable(t) } {
            Ok(h) => {
                h.poisoning(Tracker::finish);
                tcpphase_status::Ok
            }
            Err(status) => status,
        }
    })
}

/// Takes the next queued connection summary: connections queue theirs when
/// they leave the table (TIME-WAIT or idle timeout over, in capture time, or
/// port reuse) and at `tcpphase_tracker_finish`. Call it after each feed, or
/// after finish, until it returns `NONE`.
///
/// Returns `OK` with `*out` filled, `NONE` when no summary is waiting
/// (`*out` untouched), `NULL_ARGUMENT`, or `PANIC`.
///
/// Ownership: the summary is copied into the caller's `*out` (its strings
/// are arrays inside it) and leaves the tracker. Threads: the thread using
/// the tracker.
///
/// # Safety
/// `t` must be NULL or a live tracker; `out` NULL or valid for writing one
/// `tcpphase_summary`.
#[no_mangle]
pub unsafe extern "C" fn tcpphase_tracker_next_summary(
    t: *mut tcpphase_tracker,
    out: *mut tcpphase_summary,
) -> tcpphase_status {
    guard(|| {
        // SAFETY: the caller vouches for `t`.
        let h = match unsafe { usable(t) } {
            Ok(h) => h,
            Err(status) => return status,
        };
        if out.is_null() {
            return tcpphase_status::NullArgument;
        }
        match h.poisoning(Tracker::next_summary) {
            Some(s) => {
                // SAFETY: `out` is non-NULL and the caller vouches for it.
                unsafe { out.write(tcpphase_summary::from(&s)) };
                tcpphase_status::Ok
            }
            None => tcpphase_status::None,
        }
    })
}

/// Writes into `*out` how many connections the tracker evicted because its
/// table was full (`tcpphase_config.max_connections`); their summaries were
/// emitted early.
///
/// Returns `OK`, `NULL_ARGUMENT` or `PANIC`.
///
/// Ownership: the tracker stays the caller's; `out` is the caller's and is
/// only written. Threads: the thread using the tracker.
///
/// # Safety
/// `t` must be NULL or a live tracker; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tcpphase_tracker_evicted(
    t: *mut tcpphase_tracker,
    out: *mut u64,
) -> tcpphase_status {
    guard(|| {
        // SAFETY: the caller vouches for `t`.
        let h = match unsafe { usable(t) } {
            Ok(h) => h,
            Err(status) => return status,
        };
        if out.is_null() {
            return tcpphase_status::NullArgument;
        }
        // SAFETY: `out` is non-NULL and the caller vouches it is writable.
        unsafe { out.write(h.tracker.evicted()) };
        tcpphase_status::Ok
    })
}
