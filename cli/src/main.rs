//! `tcpphase`: where each TCP connection of a capture stands in its life.

use clap::{Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;
use tcpphase_cli::{annotate::annotate, conns::conns, Format};

#[derive(Parser)]
#[command(
    name = "tcpphase",
    version,
    about = "Where each TCP connection of a capture stands in its life: handshake, data, active/passive close, half-close, reset",
    after_help = "Examples:\n  tcpphase annotate snapshots/captures/http-server-closes.pcap\n  tcpphase annotate --json capture.pcapng | jq 'select(.phase==\"reset\")'\n  tcpphase conns capture.pcap\n  tcpdump -w - -i lo port 8080 | tcpphase annotate -"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// One line per TCP segment: its phase, step and both endpoints' states.
    #[command(
        after_help = "Examples:\n  tcpphase annotate capture.pcap\n  tcpphase annotate --json capture.pcap\n  tcpphase annotate --csv capture.pcap > phases.csv"
    )]
    Annotate {
        /// A pcap or pcapng file, or - for standard input.
        file: String,
        /// JSON Lines, one object per segment.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// CSV with a header row.
        #[arg(long)]
        csv: bool,
    },
    /// One line per connection: handshake, close, final states, Zeek's conn_state and history.
    #[command(
        after_help = "Examples:\n  tcpphase conns capture.pcap\n  tcpphase conns --json capture.pcap"
    )]
    Conns {
        /// A pcap or pcapng file, or - for standard input.
        file: String,
        /// JSON Lines, one object per connection.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = match cli.command {
        Command::Annotate { file, json, csv } => {
            let format = if json {
                Format::Json
            } else if csv {
                Format::Csv
            } else {
                Format::Text
            };
            annotate(&file, format, &mut out)
        }
        Command::Conns { file, json } => {
            let format = if json { Format::Json } else { Format::Text };
            conns(&file, format, &mut out)
        }
    };
    let _ = out.flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcpphase: {e}");
            ExitCode::from(1)
        }
    }
}
