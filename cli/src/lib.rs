//! The `tcpphase` command line, as a library so tests and snapshots can run
//! its commands on a capture without a process.
//!
//! | file | what |
//! | --- | --- |
//! | `input.rs` | opening a capture file or standard input |
//! | `annotate.rs` | `tcpphase annotate`: one line per segment (text, JSON Lines, CSV) |
//! | `conns.rs` | `tcpphase conns`: one line per connection (text, JSON Lines) |
//! | `records.rs` | the JSON / CSV records, with DESIGN's keys |

pub mod annotate;
pub mod conns;
pub mod input;
pub mod records;

/// Output format of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Text,
    /// JSON Lines: one object per line.
    Json,
    /// CSV with a header row.
    Csv,
}

/// An error that ends a command: the file and what went wrong.
#[derive(Debug)]
pub struct CommandError {
    /// The input's name (`-` for standard input).
    pub input: String,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.input, self.message)
    }
}

impl std::error::Error for CommandError {}
