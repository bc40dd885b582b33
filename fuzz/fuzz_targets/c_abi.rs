//! The C ABI entry points, called as C calls them (through their
//! `extern "C"` symbols, from `ffi/src` compiled as an rlib by `ffi-rlib/`).
//!
//! Input: three config bytes, then records `[link selector][time step]
//! [buffer length][length: 2 bytes][frame bytes]`. Each frame goes through
//! `tcpphase_tracker_feed`, `tcpphase_tracker_last_error` into a buffer of
//! the given length, `tcpphase_endpoint_format` and `tcpphase_tcp_flags_text`
//! on its annotation, `tcpphase_parse_tcp` on the same bytes, and the
//! `*_name` functions on the annotation's enums and on raw values; then
//! `finish`, every summary, `free`. Checks: no call answers PANIC, text is
//! NUL-terminated inside the length given and nothing past it is written.
#![no_main]

use core::mem::MaybeUninit;
use libfuzzer_sys::fuzz_target;
use std::ffi::{c_char, CStr};
use tcpphase_ffi::annotation::tcpphase_tcp_flags_text;
use tcpphase_ffi::endpoint::tcpphase_endpoint_format;
use tcpphase_ffi::labels::*;
use tcpphase_ffi::status::tcpphase_status;
use tcpphase_ffi::summary::*;
use tcpphase_ffi::tcp_header::tcpphase_tcp_header;
use tcpphase_ffi::tracker::*;
use tcpphase_ffi::*;
use tcpphase::wire::LinkType;

/// The link types tcpphase reads (the wire layer's one list), then one it
/// does not (147, USER0).
fn linktype(selector: u8) -> u32 {
    LinkType::ALL
        .get(usize::from(selector) % (LinkType::ALL.len() + 1))
        .map_or(147, |l| l.number())
}
const CANARY: u8 = 0xa5;

/// Calls `write` with a buffer of `len` bytes inside a larger one and checks
/// the bytes past `len` are untouched and the text is terminated.
fn text_into(len: usize, write: impl FnOnce(*mut c_char, usize) -> tcpphase_status) {
    let mut buf = [CANARY; 128];
    let status = write(buf.as_mut_ptr().cast(), len);
    assert_ne!(status, tcpphase_status::Panic);
    assert!(
        buf[len..].iter().all(|&b| b == CANARY),
        "wrote past {len} bytes"
    );
    if len > 0
        && matches!(
            status,
            tcpphase_status::Ok | tcpphase_status::BufferTooSmall
        )
    {
        assert!(
            buf[..len].contains(&0),
            "text not NUL-terminated within {len} bytes"
        );
    }
}

fn name_ok(p: *const c_char) {
    assert!(!p.is_null());
    // SAFETY: the name functions return static NUL-terminated strings.
    let _ = unsafe { CStr::from_ptr(p) }.to_bytes().len();
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let config = tcpphase_config {
        time_wait_ns: u64::from(data[0]) * 1_000_000_000,
        idle_timeout_ns: u64::from(data[1]) * 10_000_000_000,
        // 0 is allowed (taken as 1); small tables make eviction happen.
        max_connections: u64::from(data[2] % 64),
    };
    let mut rest = &data[3..];
    // SAFETY: `config` is a valid tcpphase_config.
    let t = unsafe { tcpphase_tracker_new_with(&config) };
    assert!(!t.is_null());
    let mut ts: u64 = 1_700_000_000_000_000_000;
    while rest.len() >= 5 {
        let linktype = linktype(rest[0]);
        ts = ts.wrapping_add(u64::from(rest[1]) * 50_000_000);
        let buf_len = usize::from(rest[2]) % 80;
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]])).min(rest.len() - 5);
        let frame = &rest[5..5 + len];
        rest = &rest[5 + len..];

        let mut out = MaybeUninit::<tcpphase_annotation>::uninit();
        // SAFETY: `t` is live, `frame` is valid for `len` bytes, `out` for writing.
        let status = unsafe {
            tcpphase_tracker_feed(
                t,
                linktype,
                frame.as_ptr(),
                frame.len(),
                ts,
                out.as_mut_ptr(),
            )
        };
        assert!(
            matches!(
                status,
                tcpphase_status::Ok
                    | tcpphase_status::NotTcp
                    | tcpphase_status::Malformed
                    | tcpphase_status::UnsupportedLinktype
            ),
            "feed answered {status:?}"
        );
        // SAFETY: feed wrote `out` for every status above.
        let a = unsafe { out.assume_init() };
        // The whole reason's length comes back with every answer here.
        let mut needed = usize::MAX;
        // SAFETY: `t` is live; the buffer is valid for `n` bytes.
        text_into(buf_len, |b, n| unsafe {
            tcpphase_tracker_last_error(t, b, n, &mut needed)
        });
        assert!(needed < 256, "last_error needs {needed} bytes; 256 must suffice");
        if status == tcpphase_status::Ok {
            for endpoint in [&a.src, &a.dst] {
                for with_port in [false, true] {
                    // SAFETY: `endpoint` is valid; the buffer for `n` bytes.
                    text_into(buf_len, |b, n| unsafe {
                        tcpphase_endpoint_format(endpoint, with_port, b, n)
                    });
                }
            }
            // SAFETY: the buffer is valid for `n` bytes.
            text_into(buf_len, |b, n| unsafe {
                tcpphase_tcp_flags_text(a.tcp_flags, b, n)
            });
            name_ok(tcpphase_phase_name(a.phase as u32));
            name_ok(tcpphase_step_name(a.step as u32));
            name_ok(tcpphase_state_name(a.client_state as u32));
            name_ok(tcpphase_state_name(a.server_state as u32));
            name_ok(tcpphase_dir_name(a.dir as u32));
            name_ok(tcpphase_closer_name(a.closer as u32));
            // One flag's name; a set of several has none (NULL).
            let p = tcpphase_flag_name(a.flags);
            if a.flags.count_ones() == 1 {
                name_ok(p);
            }
        }
        let mut header = MaybeUninit::<tcpphase_tcp_header>::uninit();
        // SAFETY: `frame` is valid for its length; `header` for writing.
        let parsed =
            unsafe { tcpphase_parse_tcp(frame.as_ptr(), frame.len(), header.as_mut_ptr()) };
        assert!(matches!(
            parsed,
            tcpphase_status::Ok | tcpphase_status::Malformed
        ));
        // Names of raw values: unknown ones must still be valid strings.
        let raw = u32::from_be_bytes([rest.first().copied().unwrap_or(0), 0, 0, buf_len as u8]);
        for f in [
            tcpphase_phase_name,
            tcpphase_step_name,
            tcpphase_state_name,
            tcpphase_dir_name,
            tcpphase_closer_name,
            tcpphase_flag_name,
            tcpphase_status_name,
            tcpphase_handshake_name,
            tcpphase_close_name,
            tcpphase_role_name,
        ] {
            let p = f(raw);
            if !p.is_null() {
                name_ok(p);
            }
            let p = f(buf_len as u32);
            if !p.is_null() {
                name_ok(p);
            }
        }
    }
    let mut evicted = u64::MAX;
    // SAFETY: `t` is live; `evicted` is valid for writing.
    assert_eq!(
        unsafe { tcpphase_tracker_evicted(t, &mut evicted) },
        tcpphase_status::Ok
    );
    assert_ne!(evicted, u64::MAX);
    // SAFETY: `t` is live.
    assert_eq!(unsafe { tcpphase_tracker_finish(t) }, tcpphase_status::Ok);
    loop {
        let mut s = MaybeUninit::<tcpphase_summary>::uninit();
        // SAFETY: `t` is live; `s` is valid for writing.
        match unsafe { tcpphase_tracker_next_summary(t, s.as_mut_ptr()) } {
            tcpphase_status::Ok => {
                // SAFETY: written on OK.
                let s = unsafe { s.assume_init() };
                assert!(s.client.contains(&0) && s.server.contains(&0));
                assert!(s.conn_state.contains(&0) && s.history.contains(&0));
                text_into(60, |b, n| unsafe {
                    tcpphase_endpoint_format(&s.client_endpoint, true, b, n)
                });
            }
            tcpphase_status::None => break,
            other => panic!("next_summary answered {other:?}"),
        }
    }
    // SAFETY: `t` is live and freed once; freeing NULL is fine.
    unsafe {
        tcpphase_tracker_free(t);
        tcpphase_tracker_free(std::ptr::null_mut());
    }
});
