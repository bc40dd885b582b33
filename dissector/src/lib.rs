//! tcpphase: where each TCP connection of a capture stands in its life.
//!
//! Layers, data flowing one way:
//!
//! | module | what |
//! | --- | --- |
//! | [`wire`] | nom parsers: frame bytes to zero-copy header views |
//! | [`capture`] | pcap / pcapng files to frames |
#![deny(missing_docs)]

pub mod capture;
pub mod wire;
