//! Per-connection summaries: what happened to each connection, in the
//! words of tcpphase, Zeek and Wireshark.
//!
//! | file | what |
//! | --- | --- |
//! | `mod.rs` | [`ConnSummary`], [`HandshakeOutcome`], [`CloseKind`] |
//! | `zeek.rs` | Zeek's `conn_state` and `history` |
//! | `completeness.rs` | Wireshark's `tcp.completeness` |

pub mod completeness;
pub mod zeek;

use crate::phase::{Direction, TcpState};
use core::net::SocketAddr;
pub use zeek::History;

/// How the three-way handshake went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeOutcome {
    /// SYN, SYN-ACK and the ACK completing them (or the first ACK after).
    Complete,
    /// The SYN was answered by a RST.
    Refused,
    /// The SYN got no answer in the capture.
    NoAnswer,
    /// No SYN was captured.
    NotSeen,
    /// The SYN-ACK came but a RST ended the handshake before its ACK.
    Aborted,
    /// An ICMP or ICMPv6 error answered the SYN.
    Unreachable,
}

impl HandshakeOutcome {
    /// `complete`, `refused`, `no-answer`, `not-seen`, `aborted` or
    /// `unreachable`.
    pub const fn name(self) -> &'static str {
        match self {
            HandshakeOutcome::Complete => "complete",
            HandshakeOutcome::Refused => "refused",
            HandshakeOutcome::NoAnswer => "no-answer",
            HandshakeOutcome::NotSeen => "not-seen",
            HandshakeOutcome::Aborted => "aborted",
            HandshakeOutcome::Unreachable => "unreachable",
        }
    }
}

/// How the connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseKind {
    /// FIN, FIN-ACK, ACK: the passive FIN carried the ACK of the first.
    Fin3,
    /// FIN, ACK, FIN, ACK.
    Fin4,
    /// Both FINs crossed.
    Simultaneous,
    /// A RST ended it.
    Reset,
    /// One FIN (or both) not acknowledged by the end.
    HalfOpen,
    /// Still open at the end of the capture.
    Open,
}

impl CloseKind {
    /// `fin-3`, `fin-4`, `simultaneous`, `reset`, `half-open` or `open`.
    pub const fn name(self) -> &'static str {
        match self {
            CloseKind::Fin3 => "fin-3",
            CloseKind::Fin4 => "fin-4",
            CloseKind::Simultaneous => "simultaneous",
            CloseKind::Reset => "reset",
            CloseKind::HalfOpen => "half-open",
            CloseKind::Open => "open",
        }
    }
}

/// Which endpoint played a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The client.
    Client,
    /// The server.
    Server,
}

impl Role {
    /// `client` or `server`.
    pub const fn name(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Server => "server",
        }
    }

    /// The direction this role's segments go.
    pub const fn direction(self) -> Direction {
        match self {
            Role::Client => Direction::ClientToServer,
            Role::Server => Direction::ServerToClient,
        }
    }

    /// The role of the sender of a segment going `dir`.
    pub const fn sender_of(dir: Direction) -> Role {
        match dir {
            Direction::ClientToServer => Role::Client,
            Direction::ServerToClient => Role::Server,
        }
    }
}

/// What happened to one connection (the summary fields of docs/labels.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnSummary {
    /// Connection number (0-based, in order of first appearance).
    pub conn: u64,
    /// Wireshark stream index.
    pub stream: u64,
    /// The client's address and port.
    pub client: SocketAddr,
    /// The server's address and port.
    pub server: SocketAddr,
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
    pub handshake: HandshakeOutcome,
    /// Time from the SYN to the SYN-ACK, ns (the server side's round trip).
    pub syn_to_syn_ack_ns: Option<u64>,
    /// Time from the SYN-ACK to the completing ACK, ns (the client side's).
    pub syn_ack_to_ack_ns: Option<u64>,
    /// How it ended.
    pub close: CloseKind,
    /// Who sent the first FIN.
    pub active_closer: Option<Role>,
    /// The client's final state.
    pub client_state: TcpState,
    /// The server's final state.
    pub server_state: TcpState,
    /// Zeek's `conn_state`.
    pub conn_state: &'static str,
    /// Zeek's `history`.
    pub history: History,
    /// Wireshark's `tcp.completeness` of the stream, as far as it had got.
    pub completeness: u8,
}
