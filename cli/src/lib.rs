//! The `tcpphase` command line, as a library so tests and snapshots can run
//! its commands on a capture without a process.
//!
//! | file | what |
//! | --- | --- |
//! | `input.rs` | opening captures: files, standard input, several files as one |
//! | `live.rs` | live input: `-i IFACE` through libpcap, Ctrl-C ends cleanly |
//! | `progress.rs` | the progress bar on standard error for long reads |
//! | `tracking.rs` | the loop every command shares: frames into the tracker, up to a moment |
//! | `filter.rs` | `--stream`, `--port`, `--host`, `--phase` |
//! | `prefix.rs` | `--host`'s addresses and CIDR prefixes |
//! | `color.rs` | colour by phase, `--color` and `NO_COLOR` |
//! | `annotate.rs` | `tcpphase annotate`: one line per segment |
//! | `conns.rs` | `tcpphase conns`: one line per connection |
//! | `states.rs` | `tcpphase states`: every endpoint's state at a moment, netstat / ss style |
//! | `diagram/` | `tcpphase diagram`: the ladder diagram of one stream (text, SVG, JSON, CSV) |
//! | `records/` | the JSON Lines / CSV records of every command, and their one writer |
//! | `zeek_log.rs` | `tcpphase conns --zeek`: Zeek's conn.log (TSV, JSON) |
//! | `error.rs` | [`CommandError`], [`Failure`] and the exit status |

#![deny(missing_docs)]

pub mod annotate;
pub mod color;
pub mod conns;
pub mod diagram;
pub mod error;
pub mod filter;
pub mod input;
pub mod live;
pub mod prefix;
pub mod progress;
pub mod records;
mod sharded;
pub mod states;
pub mod tracking;
pub mod zeek_log;

pub use error::{CommandError, ErrorKind, Failure};

/// Output format of a command (`--format`, `--json`, `--csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    #[default]
    Text,
    /// JSON Lines: one object per line.
    Json,
    /// CSV with a header row.
    Csv,
}

impl Format {
    /// How records are written in this format; `None` for text, which
    /// each command lays out for people itself.
    pub const fn records(self) -> Option<records::RecordFormat> {
        match self {
            Format::Text => None,
            Format::Json => Some(records::RecordFormat::Json),
            Format::Csv => Some(records::RecordFormat::Csv),
        }
    }
}
