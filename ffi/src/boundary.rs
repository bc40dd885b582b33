//! The C boundary: no panic crosses it, and text goes into the caller's
//! buffer without allocation.

use crate::status::tcpphase_status;
use core::fmt;
use libc::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`, turning a panic into `TCPPHASE_STATUS_PANIC`.
pub(crate) fn guard(f: impl FnOnce() -> tcpphase_status) -> tcpphase_status {
    guard_value(tcpphase_status::Panic, f)
}

/// Runs `f`, turning a panic into `on_panic`.
pub(crate) fn guard_value<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// Whether a caller's length can be a Rust slice length.
pub(crate) fn length_ok(len: usize) -> bool {
    len <= isize::MAX as usize
}

/// The caller's `len` bytes at `ptr`: `NULL_ARGUMENT` for a NULL pointer,
/// `INVALID_ARGUMENT` for a length no slice can have.
///
/// # Safety
/// `ptr` must be NULL or valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn caller_bytes<'a>(
    ptr: *const u8,
    len: usize,
) -> Result<&'a [u8], tcpphase_status> {
    if ptr.is_null() {
        return Err(tcpphase_status::NullArgument);
    }
    if !length_ok(len) {
        return Err(tcpphase_status::InvalidArgument);
    }
    // SAFETY: non-NULL, at most isize::MAX, and the caller vouches for
    // `len` bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A caller's buffer being filled with text; one byte is kept for the NUL.
/// `needed` counts the whole text, written or not.
struct CBuffer<'a> {
    bytes: &'a mut [u8],
    used: usize,
    needed: usize,
}

impl fmt::Write for CBuffer<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.bytes.len().saturating_sub(1) - self.used;
        let n = room.min(s.len());
        self.bytes[self.used..self.used + n].copy_from_slice(&s.as_bytes()[..n]);
        self.used += n;
        self.needed += s.len();
        Ok(())
    }
}

/// Writes `text` NUL-terminated into the caller's `buf` of `len` bytes:
/// `OK`, or `BUFFER_TOO_SMALL` with as much as fits (`len` 0 writes nothing).
///
/// # Safety
/// `buf` must be NULL or valid for writes of `len` bytes.
pub(crate) unsafe fn write_text(
    buf: *mut c_char,
    len: usize,
    text: impl fmt::Display,
) -> tcpphase_status {
    if buf.is_null() {
        return tcpphase_status::NullArgument;
    }
    // SAFETY: the caller's promise, passed on.
    unsafe { write_text_counted(buf, len, text) }.0
}

/// As [`write_text`], also answering the length of the whole text in bytes,
/// NUL not counted, whether it fit or not; `buf` may be NULL when `len` is
/// 0 (a query of the length alone, answering `BUFFER_TOO_SMALL`).
///
/// # Safety
/// `buf` must be NULL or valid for writes of `len` bytes.
pub(crate) unsafe fn write_text_counted(
    buf: *mut c_char,
    len: usize,
    text: impl fmt::Display,
) -> (tcpphase_status, usize) {
    if buf.is_null() && len != 0 {
        return (tcpphase_status::NullArgument, 0);
    }
    if !length_ok(len) {
        return (tcpphase_status::InvalidArgument, 0);
    }
    let bytes: &mut [u8] = if len == 0 {
        &mut []
    } else {
        // SAFETY: non-NULL, and the caller vouches for `len` writable bytes at `buf`.
        unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), len) }
    };
    let mut out = CBuffer {
        bytes,
        used: 0,
        needed: 0,
    };
    let _ = fmt::write(&mut out, format_args!("{text}"));
    let (used, needed) = (out.used, out.needed);
    if len == 0 {
        return (tcpphase_status::BufferTooSmall, needed);
    }
    out.bytes[used] = 0;
    if used < needed {
        (tcpphase_status::BufferTooSmall, needed)
    } else {
        (tcpphase_status::Ok, needed)
    }
}

/// Copies `text` NUL-terminated into a fixed array, cut to fit.
pub(crate) fn fill_array<const N: usize>(text: &str) -> [c_char; N] {
    let mut out = [0 as c_char; N];
    for (dst, src) in out.iter_mut().zip(text.bytes().take(N.saturating_sub(1))) {
        *dst = src as c_char;
    }
    out
}

/// Room for the longest name of a label, its NUL included.
pub(crate) const NAME_CAPACITY: usize = 24;

/// A name as a NUL-terminated static byte array, built at compile time
/// from the core's `name()` so every face spells it the same.
pub(crate) const fn c_name(name: &str) -> [u8; NAME_CAPACITY] {
    let bytes = name.as_bytes();
    assert!(bytes.len() < NAME_CAPACITY);
    let mut out = [0u8; NAME_CAPACITY];
    let mut i = 0;
    while i < bytes.len() {
        out[i] = bytes[i];
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_text_reports_the_whole_length_fit_or_not() {
        let mut buf = [b'x' as c_char; 8];
        // SAFETY: `buf` is valid for its length.
        let fits = unsafe { write_text_counted(buf.as_mut_ptr(), buf.len(), "abc") };
        assert_eq!(fits, (tcpphase_status::Ok, 3));
        assert_eq!(buf[3], 0);
        // SAFETY: as above.
        let cut = unsafe { write_text_counted(buf.as_mut_ptr(), 4, "abcdefghij") };
        assert_eq!(cut, (tcpphase_status::BufferTooSmall, 10));
        assert_eq!(
            (buf[2], buf[3], buf[4]),
            (b'c' as c_char, 0, b'x' as c_char)
        );
        // SAFETY: NULL with length 0 asks the length alone.
        let query = unsafe { write_text_counted(std::ptr::null_mut(), 0, "abcd") };
        assert_eq!(query, (tcpphase_status::BufferTooSmall, 4));
        // SAFETY: NULL with a length is refused before any write.
        let null = unsafe { write_text_counted(std::ptr::null_mut(), 4, "abcd") };
        assert_eq!(null.0, tcpphase_status::NullArgument);
    }
}
