//! Live input: capturing on an interface through libpcap (`-i IFACE`,
//! `-f FILTER`, `-c COUNT`, `--duration SECONDS`, tshark's spellings), and
//! Ctrl-C, which ends a live read cleanly so that the command still prints
//! what it owes (the `conns` summaries, the `states` table).

use crate::error::CommandError;
use crate::input::{Flow, Frame};
use pcap::{Capture, Precision};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What to capture, and when to stop.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveOptions {
    /// The interface, as `tcpdump -D` or `ip link` name it (`lo`, `eth0`, `any`).
    pub interface: String,
    /// A capture filter in libpcap's syntax (`tcp port 443`).
    pub filter: Option<String>,
    /// Stop after this many frames.
    pub count: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
}

/// How long a wait for the next frame lasts before the read looks at the
/// clock and Ctrl-C again. libpcap's own read timeout is no help: it may
/// block for ever when no frame comes, so the capture is non-blocking and
/// waited on with poll(2).
const POLL_MS: i32 = 100;
/// Bytes kept of each frame: all of it, as tcpdump and tshark keep.
const SNAPLEN: i32 = 262_144;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl-C (SIGINT, and SIGTERM) end a live read cleanly: the read
/// stops at the next frame (or within 0.1 s on an interface) and the
/// command prints what it owes. A second Ctrl-C ends the process at once.
/// Call it once, for live input only; files keep the default behaviour.
pub fn stop_on_ctrl_c() {
    // An error means a handler is already set (a second command in one
    // process): that one does the same.
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
}

/// Whether Ctrl-C asked the live read to end.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Captures on `options.interface` and calls `visit` with each frame, as
/// [`read_frames`](crate::input::read_frames) does with a file, until
/// Ctrl-C, the count, the duration, or the visitor says stop. Returns the
/// problems met (the interface cannot be opened, no privilege, a bad
/// filter, a capture error).
pub fn read_live(
    options: &LiveOptions,
    mut visit: impl FnMut(Frame<'_>) -> Result<Flow, CommandError>,
) -> Vec<CommandError> {
    let name = options.interface.as_str();
    let mut cap = match open(options) {
        Ok(cap) => cap,
        Err(e) => return vec![e],
    };
    let linktype = cap.get_datalink().0 as u32;
    eprintln!("tcpphase: capturing on '{name}'");
    let deadline = options.duration.map(|d| Instant::now() + d);
    let mut number = 0u64;
    let mut problems = Vec::new();
    loop {
        if interrupted() || deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        if options.count.is_some_and(|c| number >= c) {
            break;
        }
        match cap.next_packet() {
            Ok(packet) => {
                number += 1;
                // With nanosecond precision libpcap puts nanoseconds in tv_usec.
                let ts_ns = (packet.header.ts.tv_sec.max(0) as u64)
                    .saturating_mul(1_000_000_000)
                    .saturating_add(packet.header.ts.tv_usec.max(0) as u64);
                let frame = Frame {
                    number,
                    linktype,
                    ts_ns,
                    data: packet.data,
                    file_offset: 0,
                    input: name,
                };
                match visit(frame) {
                    Ok(Flow::Continue) => {}
                    Ok(Flow::Stop) => break,
                    Err(e) => {
                        problems.push(e);
                        break;
                    }
                }
            }
            Err(pcap::Error::TimeoutExpired) => wait_for_frames(&cap),
            Err(pcap::Error::NoMorePackets) => break,
            Err(e) => {
                problems.push(CommandError::input(
                    name,
                    format!("capture failed after frame {number}: {e}"),
                ));
                break;
            }
        }
    }
    let dropped = cap.stats().map_or(0, |s| s.dropped + s.if_dropped);
    let dropped = if dropped > 0 {
        format!(", {dropped} dropped by the kernel")
    } else {
        String::new()
    };
    eprintln!(
        "tcpphase: {number} frame{} captured on '{name}'{dropped}",
        if number == 1 { "" } else { "s" }
    );
    problems
}

/// Waits until the capture has frames to read, or [`POLL_MS`] at most.
fn wait_for_frames(cap: &Capture<pcap::Active>) {
    use std::os::fd::AsRawFd;
    let mut fds = [libc::pollfd {
        fd: cap.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    }];
    // SAFETY: one valid pollfd, the length given is the array's; the
    // descriptor is the capture's, open for as long as `cap` lives. An
    // error (EINTR from Ctrl-C) only ends the wait early.
    unsafe {
        libc::poll(fds.as_mut_ptr(), 1, POLL_MS);
    }
}

/// Opens the interface, with the filter set.
fn open(options: &LiveOptions) -> Result<Capture<pcap::Active>, CommandError> {
    let name = options.interface.as_str();
    let cap = Capture::from_device(name)
        .map_err(|e| CommandError::input(name, format!("cannot capture: {e}")))?
        .promisc(true)
        .snaplen(SNAPLEN)
        .timeout(POLL_MS)
        .immediate_mode(true)
        .precision(Precision::Nano)
        .open()
        .and_then(|cap| cap.setnonblock())
        .map_err(|e| CommandError::input(name, open_failure(&e)))?;
    let mut cap = cap;
    if let Some(filter) = &options.filter {
        cap.filter(filter, true).map_err(|e| {
            CommandError::usage(name, format!("invalid capture filter '{filter}': {e}"))
        })?;
    }
    Ok(cap)
}

/// Why an interface could not be opened, in one line.
fn open_failure(e: &pcap::Error) -> String {
    let text = e.to_string();
    let lower = text.to_ascii_lowercase();
    if lower.contains("not permitted") || lower.contains("permission") {
        "cannot capture: needs root or CAP_NET_RAW".to_string()
    } else if lower.contains("no such device") || lower.contains("doesn't exist") {
        format!("cannot capture: no such interface ({text})")
    } else {
        format!("cannot capture: {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_permission_error_says_what_is_needed() {
        let e = pcap::Error::PcapError("socket: Operation not permitted".into());
        assert_eq!(
            open_failure(&e),
            "cannot capture: needs root or CAP_NET_RAW"
        );
        let e = pcap::Error::PcapError("nope0: No such device exists".into());
        assert!(open_failure(&e).contains("no such interface"));
    }
}
