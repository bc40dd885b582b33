//! Connections as Zeek bounds them, for a conn.log Zeek's users can read.
//!
//! Zeek's TCP analysis is its own state machine, apart from RFC 9293: an
//! endpoint is INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED,
//! CLOSED or RESET; a connection leaves Zeek's table when one of its timers
//! says so (`tcp_attempt_delay`, `tcp_close_delay`, `tcp_reset_delay`,
//! the inactivity timeouts, the expire timer), or when a new SYN reuses
//! its 4-tuple. This module follows Zeek's source rule for rule (named in
//! each file), fed by decoded segments and their timestamps; the plain
//! summary ([`crate::summary`]) keeps RFC 9293's boundaries.
//!
//! Limits: TCP only; `service` is not detected (no application analyzers).
//!
//! | file | what |
//! | --- | --- |
//! | `checksum.rs` | the TCP checksum Zeek verifies first |
//! | `config.rs` | [`ZeekConfig`]: Zeek's timers and options, with its defaults |
//! | `server_ports.rs` | [`ServerPorts`]: Zeek's `likely_server_ports` |
//! | `endpoint_state.rs` | [`EndpointState`]: Zeek's per-endpoint TCP states |
//! | `history.rs` | [`History`]: the history letters and their repeat rules |
//! | `reassembly.rs` | Zeek's block list: content gaps, pending data, its limits |
//! | `endpoint.rs` | one side's sequence space, sizes and packet counts |
//! | `connection.rs` | one connection: Zeek's per-packet TCP processing |
//! | `conn_state.rs` | [`ConnState`]: conn_state from the endpoint states |
//! | `sessions.rs` | [`ZeekSessions`]: the table, timers, flips and reuse |
//! | `record.rs` | [`ZeekConnRecord`]: one conn.log row |
//! | `uid.rs` | deterministic connection uids |
//! | `local_nets.rs` | Zeek's default local networks (private address space) |

pub mod checksum;
pub mod config;
pub mod conn_state;
pub mod connection;
pub mod endpoint;
pub mod endpoint_state;
pub mod history;
pub mod local_nets;
pub mod reassembly;
pub mod record;
pub mod server_ports;
pub mod sessions;
pub mod uid;

pub use config::ZeekConfig;
pub use conn_state::ConnState;
pub use endpoint_state::EndpointState;
pub use history::History;
pub use record::ZeekConnRecord;
pub use server_ports::ServerPorts;
pub use sessions::ZeekSessions;
