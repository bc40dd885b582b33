//! The summary of one connection as C sees it: the per-connection
//! fields, Zeek's `conn_state` and `history`, Wireshark's completeness.

use crate::boundary::fill_array;
use crate::endpoint::{tcpphase_endpoint, TCPPHASE_ENDPOINT_TEXT_LEN};
use crate::labels::{lookup, mirror, name_table, tcpphase_state};
use libc::c_char;
use tcpphase_core::summary::zeek::HISTORY_CAPACITY;
use tcpphase_core::summary::{CloseKind, ConnSummary, HandshakeOutcome, Role};

/// Room for Zeek's `conn_state` (`RSTOS0` is the longest), NUL included.
pub const TCPPHASE_CONN_STATE_LEN: usize = 8;
/// Room for Zeek's `history` as tcpphase keeps it, NUL included.
pub const TCPPHASE_HISTORY_LEN: usize = 32;
const _: () = assert!(TCPPHASE_HISTORY_LEN == HISTORY_CAPACITY + 1);

/// How the three-way handshake went (summary `handshake`). 0 is none.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_handshake {
    /// No outcome (a zeroed summary); its name is the empty string.
    None = 0,
    /// `complete`
    Complete = 1,
    /// `refused`: the SYN was answered by a RST.
    Refused = 2,
    /// `no-answer`: the SYN got no answer in the capture.
    NoAnswer = 3,
    /// `not-seen`: no SYN was captured.
    NotSeen = 4,
    /// `aborted`: the SYN-ACK came but a RST ended the handshake.
    Aborted = 5,
    /// `unreachable`: an ICMP or ICMPv6 error answered the SYN.
    Unreachable = 6,
}
mirror!(tcpphase_handshake <- HandshakeOutcome { Complete, Refused, NoAnswer, NotSeen, Aborted, Unreachable });

/// How the connection ended (summary `close`). 0 is none.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_close {
    /// No close kind (a zeroed summary); its name is the empty string.
    None = 0,
    /// `fin-3`: FIN, FIN-ACK, ACK.
    Fin3 = 1,
    /// `fin-4`: FIN, ACK, FIN, ACK.
    Fin4 = 2,
    /// `simultaneous`: both FINs crossed.
    Simultaneous = 3,
    /// `reset`: a RST ended it.
    Reset = 4,
    /// `half-open`: a FIN not acknowledged by the end.
    HalfOpen = 5,
    /// `open`: still open at the end of the capture.
    Open = 6,
}
mirror!(tcpphase_close <- CloseKind { Fin3, Fin4, Simultaneous, Reset, HalfOpen, Open });

/// Which endpoint closed actively (summary `active_closer`). 0 is none.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tcpphase_role {
    /// No FIN was seen; its name is the empty string.
    None = 0,
    /// `client`
    Client = 1,
    /// `server`
    Server = 2,
}
mirror!(tcpphase_role <- Role { Client, Server });

impl From<Option<Role>> for tcpphase_role {
    fn from(r: Option<Role>) -> Self {
        r.map_or(tcpphase_role::None, tcpphase_role::of)
    }
}

const HANDSHAKES: [HandshakeOutcome; 6] = [
    HandshakeOutcome::Complete,
    HandshakeOutcome::Refused,
    HandshakeOutcome::NoAnswer,
    HandshakeOutcome::NotSeen,
    HandshakeOutcome::Aborted,
    HandshakeOutcome::Unreachable,
];
const CLOSES: [CloseKind; 6] = [
    CloseKind::Fin3,
    CloseKind::Fin4,
    CloseKind::Simultaneous,
    CloseKind::Reset,
    CloseKind::HalfOpen,
    CloseKind::Open,
];
name_table!(HANDSHAKE_NAMES: tcpphase_handshake, 7, HANDSHAKES, HandshakeOutcome::name, none = "");
name_table!(CLOSE_NAMES: tcpphase_close, 7, CLOSES, CloseKind::name, none = "");
name_table!(ROLE_NAMES: tcpphase_role, 3, [Role::Client, Role::Server], Role::name, none = "");

/// What happened to one connection (the summary fields of docs/labels.md),
/// as `tcpphase_tracker_next_summary` hands it out. Names follow
/// docs/labels.md and the
/// CLI's `conns --json` keys (`rtt_syn_synack` there is `syn_to_syn_ack_ns`
/// here, in ns; `first_ts` / `last_ts` there are in seconds).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct tcpphase_summary {
    /// Connection number (0-based, in order of first appearance).
    pub conn: u64,
    /// Wireshark stream index.
    pub stream: u64,
    /// The client as `addr:port` (`[addr]:port` for IPv6), NUL-terminated.
    pub client: [c_char; TCPPHASE_ENDPOINT_TEXT_LEN],
    /// The server as `addr:port` (`[addr]:port` for IPv6), NUL-terminated.
    pub server: [c_char; TCPPHASE_ENDPOINT_TEXT_LEN],
    /// The client's address and port as numbers.
    pub client_endpoint: tcpphase_endpoint,
    /// The server's address and port as numbers.
    pub server_endpoint: tcpphase_endpoint,
    /// The client was guessed (no SYN seen).
    pub origin_guessed: bool,
    /// Capture time of the first segment, ns since the epoch.
    pub first_ts_ns: u64,
    /// Capture time of the last segment, ns since the epoch.
    pub last_ts_ns: u64,
    /// Segments from the client.
    pub client_packets: u64,
    /// Segments from the server.
    pub server_packets: u64,
    /// Payload bytes from the client.
    pub client_bytes: u64,
    /// Payload bytes from the server.
    pub server_bytes: u64,
    /// How the handshake went.
    pub handshake: tcpphase_handshake,
    /// Whether `syn_to_syn_ack_ns` is known (the CLI prints null when not).
    pub has_syn_to_syn_ack: bool,
    /// Time from the SYN to the SYN-ACK, ns (0 when unknown).
    pub syn_to_syn_ack_ns: u64,
    /// Whether `syn_ack_to_ack_ns` is known (the CLI prints null when not).
    pub has_syn_ack_to_ack: bool,
    /// Time from the SYN-ACK to the completing ACK, ns (0 when unknown).
    pub syn_ack_to_ack_ns: u64,
    /// How it ended.
    pub close: tcpphase_close,
    /// Who sent the first FIN.
    pub active_closer: tcpphase_role,
    /// The client's final state.
    pub client_state: tcpphase_state,
    /// The server's final state.
    pub server_state: tcpphase_state,
    /// Zeek's `conn_state` (`S0`, `SF`, `REJ`, `RSTO`, ...), NUL-terminated.
    pub conn_state: [c_char; TCPPHASE_CONN_STATE_LEN],
    /// Zeek's `history` letters, NUL-terminated.
    pub history: [c_char; TCPPHASE_HISTORY_LEN],
    /// Wireshark's `tcp.completeness` bit mask of the stream.
    pub completeness: u8,
}

/// The text of an address and port, as the CLI prints it.
struct SocketText(core::net::SocketAddr);

impl SocketText {
    fn array(&self) -> [c_char; TCPPHASE_ENDPOINT_TEXT_LEN] {
        use core::fmt::Write;
        let mut text = ArrayText::<TCPPHASE_ENDPOINT_TEXT_LEN>::default();
        let _ = write!(text, "{}", self.0);
        text.bytes
    }
}

/// A NUL-terminated text in a fixed array, filled through `fmt::Write`.
struct ArrayText<const N: usize> {
    bytes: [c_char; N],
    used: usize,
}

impl<const N: usize> Default for ArrayText<N> {
    fn default() -> Self {
        ArrayText {
            bytes: [0; N],
            used: 0,
        }
    }
}

impl<const N: usize> core::fmt::Write for ArrayText<N> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for b in s.bytes() {
            if self.used + 1 < N {
                self.bytes[self.used] = b as c_char;
                self.used += 1;
            }
        }
        Ok(())
    }
}

impl From<&ConnSummary> for tcpphase_summary {
    fn from(s: &ConnSummary) -> Self {
        tcpphase_summary {
            conn: s.conn,
            stream: s.stream,
            client: SocketText(s.client).array(),
            server: SocketText(s.server).array(),
            client_endpoint: tcpphase_endpoint::of(s.client),
            server_endpoint: tcpphase_endpoint::of(s.server),
            origin_guessed: s.origin_guessed,
            first_ts_ns: s.first_ts_ns,
            last_ts_ns: s.last_ts_ns,
            client_packets: s.client_packets,
            server_packets: s.server_packets,
            client_bytes: s.client_bytes,
            server_bytes: s.server_bytes,
            handshake: s.handshake.into(),
            has_syn_to_syn_ack: s.syn_to_syn_ack_ns.is_some(),
            syn_to_syn_ack_ns: s.syn_to_syn_ack_ns.unwrap_or(0),
            has_syn_ack_to_ack: s.syn_ack_to_ack_ns.is_some(),
            syn_ack_to_ack_ns: s.syn_ack_to_ack_ns.unwrap_or(0),
            close: s.close.into(),
            active_closer: s.active_closer.into(),
            client_state: s.client_state.into(),
            server_state: s.server_state.into(),
            conn_state: fill_array(s.conn_state),
            history: fill_array(s.history.as_str()),
            completeness: s.completeness,
        }
    }
}

/// The name of a `tcpphase_handshake` value (`"complete"`, `"refused"`,
/// `"no-answer"`, `"not-seen"`; `""` for `TCPPHASE_HANDSHAKE_NONE`), or
/// NULL for a value that is no outcome.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_handshake_name(handshake: u32) -> *const c_char {
    lookup(&HANDSHAKE_NAMES, handshake)
}

/// The name of a `tcpphase_close` value (`"fin-3"`, `"fin-4"`,
/// `"simultaneous"`, `"reset"`, `"half-open"`, `"open"`; `""` for
/// `TCPPHASE_CLOSE_NONE`), or NULL for a value that is no close kind.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_close_name(close: u32) -> *const c_char {
    lookup(&CLOSE_NAMES, close)
}

/// The name of a `tcpphase_role` value (`"client"`, `"server"`, or `""` for
/// `TCPPHASE_ROLE_NONE`), or NULL for a value that is no role.
///
/// Ownership: static string; do not free; valid for the life of the
/// process. Threads: any thread, any time.
#[no_mangle]
pub extern "C" fn tcpphase_role_name(role: u32) -> *const c_char {
    lookup(&ROLE_NAMES, role)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn text(p: *const c_char) -> &'static str {
        assert!(!p.is_null());
        // SAFETY: the name functions return static NUL-terminated strings.
        unsafe { CStr::from_ptr(p) }.to_str().unwrap()
    }

    #[test]
    fn names_are_the_cores_and_zero_is_none() {
        for h in HANDSHAKES {
            assert_ne!(tcpphase_handshake::from(h) as u32, 0);
            assert_eq!(
                text(tcpphase_handshake_name(tcpphase_handshake::from(h) as u32)),
                h.name()
            );
        }
        for c in CLOSES {
            assert_ne!(tcpphase_close::from(c) as u32, 0);
            assert_eq!(
                text(tcpphase_close_name(tcpphase_close::from(c) as u32)),
                c.name()
            );
        }
        for r in [Role::Client, Role::Server] {
            assert_eq!(
                text(tcpphase_role_name(tcpphase_role::from(Some(r)) as u32)),
                r.name()
            );
        }
        assert_eq!(tcpphase_role::from(None), tcpphase_role::None);
        assert_eq!(text(tcpphase_handshake_name(0)), "");
        assert_eq!(text(tcpphase_close_name(0)), "");
        assert_eq!(text(tcpphase_role_name(0)), "");
        assert!(tcpphase_handshake_name(7).is_null());
        assert!(tcpphase_close_name(7).is_null());
        assert!(tcpphase_role_name(3).is_null());
    }
}
