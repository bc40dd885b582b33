//! `tcpphase-workload`: writes a deterministic capture of many interleaved
//! TCP connections to a file or standard output.

use clap::Parser;
use std::io::Write;
use tcpphase_workload::{Workload, WorkloadConfig};

#[derive(Parser)]
#[command(about = "Write a deterministic pcap of many interleaved TCP connections")]
struct Args {
    /// Connections in all.
    #[arg(long, default_value_t = 1000)]
    connections: u64,
    /// Connections open at once.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// How many of the connections never close (still open when the
    /// capture ends), spread evenly among the others.
    #[arg(long, default_value_t = 0)]
    left_open: u64,
    /// Seed of the pseudo-random choices.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write (- for standard output).
    #[arg(short, long, default_value = "-")]
    output: String,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let workload = Workload::new(WorkloadConfig {
        seed: args.seed,
        connections: args.connections,
        concurrency: args.concurrency,
        left_open: args.left_open,
        ..WorkloadConfig::default()
    });
    let frames = if args.output == "-" {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
        let n = workload.write_pcap(&mut out)?;
        out.flush()?;
        n
    } else {
        let mut out =
            std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&args.output)?);
        let n = workload.write_pcap(&mut out)?;
        out.flush()?;
        n
    };
    eprintln!(
        "{frames} frames, {} connections, {} left open",
        args.connections,
        args.left_open.min(args.connections)
    );
    Ok(())
}
