//! `tcpphase`: where each TCP connection of a capture stands in its life.

use clap::{Args, CommandFactory, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use tcpphase::track::StreamRule;
use tcpphase_cli::annotate::AnnotateOptions;
use tcpphase_cli::color::ColorChoice;
use tcpphase_cli::diagram::DiagramOptions;
use tcpphase_cli::filter::{Filter, PhaseSet};
use tcpphase_cli::input::Source;
use tcpphase_cli::live::{self, LiveOptions};
use tcpphase_cli::prefix::Prefix;
use tcpphase_cli::progress::ProgressMode;
use tcpphase_cli::states::{StatesOptions, Style};
use tcpphase_cli::tracking::Moment;
use tcpphase_cli::{annotate, conns, diagram, states, zeek_log, Failure, Format};

const EXAMPLES: &str = "\
Examples:
  tcpphase annotate capture.pcap
  tcpphase annotate --phase reset,close --port 443 capture.pcapng
  tcpphase conns --json capture.pcap | jq 'select(.close == \"reset\")'
  tcpphase states --at 8 --style ss capture.pcap
  tcpphase diagram --stream 0 capture.pcap
  tcpphase diagram --stream 0 --svg stream0.svg capture.pcap
  tcpdump -i lo -w - port 8080 | tcpphase annotate -
  tcpphase annotate -i eth0 -f 'tcp port 443' --duration 60
  tcpphase conns capture.pcap.gz
  tcpphase annotate ring_00001_*.pcapng ring_00002_*.pcapng

Several files are read as one capture: in the order of their first
timestamps (the rotated files of a dumpcap ring buffer), frame numbers
continuing from one file to the next.

Every command takes --format text|json|csv (--json, --csv for short). What
each phase, step, state, flag and summary field means: docs/labels.md in
the tcpphase repository.

Exit status: 0 when every input was read whole; 1 when an input could not
be read, is damaged or has frames of a link type tcpphase does not read (all
that was readable is still printed), or names a stream the capture lacks;
2 for a usage error.";

#[derive(Parser)]
#[command(
    name = "tcpphase",
    version,
    about = "Where each TCP connection of a capture stands in its life: handshake, data, active/passive close, half-close, reset",
    after_help = EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The capture files every command reads, or the interface it captures on.
#[derive(Args)]
struct Inputs {
    /// pcap or pcapng files (gzip, zstd or lz4 compressed or not), or - for standard input; several are read as one capture.
    #[arg(value_name = "FILE", required_unless_present = "interface")]
    files: Vec<String>,
    /// Capture live on this interface (lo, eth0, any) instead of reading files; Ctrl-C ends.
    #[arg(
        short = 'i',
        long = "interface",
        value_name = "IFACE",
        conflicts_with = "files",
        help_heading = "Live capture"
    )]
    interface: Option<String>,
    /// Capture filter in libpcap syntax, as tcpdump takes it: 'tcp port 443'.
    #[arg(
        short = 'f',
        long = "capture-filter",
        value_name = "FILTER",
        help_heading = "Live capture"
    )]
    capture_filter: Option<String>,
    /// Stop after this many frames.
    #[arg(short = 'c', long = "count", value_name = "COUNT", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Live capture")]
    count: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds, help_heading = "Live capture")]
    duration: Option<u64>,
    /// Number streams as this Wireshark does: 4.4 (and later: a SYN after a RST or FIN always opens a new stream) or 4.0 (only a SYN with a new sequence number does).
    #[arg(long, value_name = "VERSION", default_value = "4.4", value_parser = parse_stream_rule)]
    stream_rule: StreamRule,
}

fn parse_stream_rule(text: &str) -> Result<StreamRule, String> {
    StreamRule::from_name(text).ok_or_else(|| format!("`{text}`: the stream rule is 4.0 or 4.4"))
}

/// `--threads`: how many threads follow the connections.
#[derive(Args)]
struct Threads {
    /// Worker threads following the connections, sharded by 4-tuple (default: the machine's cores); the output is the same for any number. 1: one thread for everything.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
    threads: Option<u64>,
}

impl Threads {
    fn count(&self) -> usize {
        match self.threads {
            Some(n) => n as usize,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// `--port`, `--host`, `--phase`: the filters every command has.
#[derive(Args)]
#[command(next_help_heading = "Filters")]
struct Filters {
    /// Only connections with this port on either side (repeat, or separate with commas, for several).
    #[arg(long, value_name = "P", value_delimiter = ',')]
    port: Vec<u16>,
    /// Only connections with this address on either side: IPv4 or IPv6, or a prefix (10.0.0.0/8, 2001:db8::/32); several: repeat or commas.
    #[arg(long, value_name = "ADDR", value_delimiter = ',')]
    host: Vec<Prefix>,
    /// Only these phases, comma-separated: handshake, data, active-close, passive-close, half-close, reset, other; close for both closes.
    #[arg(long, value_name = "LIST", value_parser = PhaseSet::parse)]
    phase: Vec<PhaseSet>,
}

impl Filters {
    fn with_streams(self, streams: Vec<u64>) -> Filter {
        let phases = self
            .phase
            .into_iter()
            .reduce(|a, b| a | b)
            .unwrap_or(PhaseSet::ALL);
        Filter {
            streams,
            ports: self.port,
            hosts: self.host,
            phases,
        }
    }
}

/// `--format`, and its shorthands `--json` and `--csv`: every command has them.
#[derive(Args)]
#[command(next_help_heading = "Output")]
struct Output {
    /// text (aligned, for people), json (JSON Lines; diagram: one object) or csv (a header row, then JSON's keys as columns).
    #[arg(long, value_name = "FORMAT", hide_possible_values = true)]
    format: Option<Format>,
    /// Short for --format json.
    #[arg(long, conflicts_with_all = ["format", "csv"])]
    json: bool,
    /// Short for --format csv.
    #[arg(long, conflicts_with = "format")]
    csv: bool,
}

impl Output {
    fn format(&self) -> Format {
        match (self.format, self.json, self.csv) {
            (Some(format), _, _) => format,
            (None, true, _) => Format::Json,
            (None, _, true) => Format::Csv,
            (None, false, false) => Format::Text,
        }
    }
}

/// The stream filter of the commands that take several streams.
#[derive(Args)]
struct Streams {
    /// Only this Wireshark stream (tcp.stream); several: repeat or commas.
    #[arg(
        long = "stream",
        value_name = "N",
        value_delimiter = ',',
        help_heading = "Filters"
    )]
    list: Vec<u64>,
}

#[derive(Subcommand)]
enum Command {
    /// One line per TCP segment: its phase, step and both endpoints' states.
    #[command(after_help = "\
Columns: frame, seconds since the first frame, source -> destination, TCP
flags, payload length, stream, phase, step, the client's state and the
server's state right after the segment, [anomalies].

With --phase, --port, --host or --stream only the matching segments are
printed. Lines are coloured by phase when standard output is a terminal
(handshake green, active close yellow, passive close magenta, half-close
cyan, reset red); NO_COLOR or --color never turns that off.

Examples:
  tcpphase annotate capture.pcap
  tcpphase annotate --json capture.pcap | jq 'select(.phase == \"reset\")'
  tcpphase annotate --csv capture.pcap > phases.csv
  tcpphase annotate --stream 3 --phase close capture.pcap
  tcpphase annotate --host 10.0.0.7 --port 443 a.pcap b.pcap c.pcap")]
    Annotate {
        #[command(flatten)]
        inputs: Inputs,
        #[command(flatten)]
        output: Output,
        /// Colour the lines by phase: auto (when standard output is a terminal and NO_COLOR is unset), always, never.
        #[arg(
            long,
            value_name = "WHEN",
            default_value = "auto",
            hide_possible_values = true
        )]
        color: ColorChoice,
        #[command(flatten)]
        streams: Streams,
        #[command(flatten)]
        filters: Filters,
        #[command(flatten)]
        threads: Threads,
    },
    /// One line per connection: handshake, close, final states, Zeek's conn_state and history.
    #[command(after_help = "\
Connections are printed as they leave tcpphase's table (2 x MSL after
their end, or at the end of the capture). With --phase, a connection is
printed when it went through one of the phases.

Examples:
  tcpphase conns capture.pcap
  tcpphase conns --json capture.pcap
  tcpphase conns --csv capture.pcap > conns.csv
  tcpphase conns --phase reset capture.pcap
  tcpphase conns --zeek capture.pcap > conn.log
  tcpphase conns --zeek --zeek-opt tcp_attempt_delay=10 capture.pcap

--zeek writes Zeek's conn.log for the TCP connections only (no UDP, no
ICMP), bounded as Zeek bounds them (its timers, role flips and 4-tuple
reuse); segments with a wrong TCP checksum count only as C/c in the
history, as in Zeek (--zeek-opt ignore_checksums=T is zeek -C); service is
left unset. The columns are those of Zeek 8's conn.log (ending in
ip_proto).")]
    Conns {
        #[command(flatten)]
        inputs: Inputs,
        #[command(flatten)]
        output: Output,
        /// Zeek's conn.log (its TSV format and header lines), TCP connections only, bounded by Zeek's timers.
        #[arg(long, conflicts_with_all = ["format", "json", "csv", "zeek_json", "list", "phase"])]
        zeek: bool,
        /// Zeek's conn.log in Zeek's JSON log format, TCP connections only.
        #[arg(long, conflicts_with_all = ["format", "json", "csv", "list", "phase"])]
        zeek_json: bool,
        /// A Zeek setting for --zeek: tcp_attempt_delay, tcp_close_delay, tcp_reset_delay, tcp_partial_close_delay, tcp_inactivity_timeout, udp_inactivity_timeout, tcp_SYN_timeout, tcp_session_timer, tcp_connection_linger (seconds); tcp_max_initial_window, tcp_max_above_hole_without_any_acks, tcp_excessive_data_without_further_acks (bytes, 0: off); report_gaps_for_partial, ignore_checksums (as zeek -C), connection_partial_close (as if a script handled it), Site::private_address_space_is_local (T/F); likely_server_ports (PORT,..., empty: none); repeat for several.
        #[arg(long, value_name = "NAME=VALUE", value_parser = zeek_log::check_option)]
        zeek_opt: Vec<String>,
        #[command(flatten)]
        streams: Streams,
        #[command(flatten)]
        filters: Filters,
        #[command(flatten)]
        threads: Threads,
    },
    /// Every endpoint's state at one moment, as netstat -tan or ss -tan would have shown it on each host.
    #[command(after_help = "\
Each connection has two endpoints: the client's row has local = client and
peer = server, the server's the reverse. `frame` is the frame that moved the
endpoint into its state; `since` its time in seconds since the first frame.
An endpoint in TIME-WAIT closes 2 x MSL (60 s) of capture time later, with
no frame. CLOSED endpoints are left out, as netstat and ss leave them out,
and so are UNKNOWN ones (nothing in the capture proves they exist, such as
the target of a SYN-ACK whose SYN was not captured), unless --all. With --phase, the phase a connection is in at that moment.

Examples:
  tcpphase states capture.pcap
  tcpphase states --at 8 capture.pcap
  tcpphase states --at-time 0.35 --style netstat capture.pcap
  tcpphase states --style ss --all --json capture.pcap")]
    States {
        #[command(flatten)]
        inputs: Inputs,
        /// Right after this frame (default: the end of the capture).
        #[arg(long, value_name = "FRAME", value_parser = clap::value_parser!(u64).range(1..), conflicts_with = "at_time")]
        at: Option<u64>,
        /// At this many seconds after the first frame.
        #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
        at_time: Option<u64>,
        /// How to spell the states: rfc (FIN-WAIT-2), netstat (FIN_WAIT2, ESTABLISHED), ss (FIN-WAIT-2, ESTAB, SYN-RECV).
        #[arg(
            long,
            value_name = "STYLE",
            default_value = "rfc",
            hide_possible_values = true
        )]
        style: Style,
        /// Also list CLOSED and UNKNOWN endpoints.
        #[arg(long, short = 'a')]
        all: bool,
        #[command(flatten)]
        output: Output,
        #[command(flatten)]
        streams: Streams,
        #[command(flatten)]
        filters: Filters,
    },
    /// The ladder diagram of one stream: both endpoints' states, one arrow per segment, the phases bracketed.
    #[command(after_help = "\
The client is the left line, the server the right one; each endpoint's
state is written beside its line where it changes. Each arrow is a segment
with its flags, relative seq/ack and payload length, and its phase and step
at the end of the line. Data and half-close phases longer than 8 segments
fold (... 118 data segments ...) unless --full. Times are seconds since the
stream's first segment. With --phase, --port or --host only the matching
segments are drawn.

Examples:
  tcpphase diagram --stream 0 capture.pcap
  tcpphase diagram --stream 2 --ascii --full capture.pcap
  tcpphase diagram --stream 0 --svg stream0.svg capture.pcap
  tcpphase diagram --stream 0 --phase handshake,close capture.pcap")]
    Diagram {
        #[command(flatten)]
        inputs: Inputs,
        /// The Wireshark stream (tcp.stream) to draw: one.
        #[arg(long, value_name = "N", required = true, value_parser = parse_one_stream)]
        stream: u64,
        /// Write the diagram as SVG to this file (- for standard output) instead of text.
        #[arg(long, value_name = "OUT.svg", conflicts_with_all = ["format", "json", "csv"])]
        svg: Option<String>,
        #[command(flatten)]
        output: Output,
        /// Draw with plain ASCII instead of Unicode box drawing.
        #[arg(long)]
        ascii: bool,
        /// Draw every segment; do not fold long data phases.
        #[arg(long)]
        full: bool,
        /// Colour the arrows by phase: auto (when standard output is a terminal and NO_COLOR is unset), always, never.
        #[arg(
            long,
            value_name = "WHEN",
            default_value = "auto",
            hide_possible_values = true
        )]
        color: ColorChoice,
        #[command(flatten)]
        filters: Filters,
    },
}

/// `diagram --stream`: one stream number; a list is told plainly that the
/// diagram draws one stream.
fn parse_one_stream(text: &str) -> Result<u64, String> {
    if text.contains(',') {
        return Err(format!(
            "diagram draws one stream at a time; run it once for each of {text}"
        ));
    }
    text.trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a stream number (0, 1, 2, ... as tcp.stream)"))
}

/// `--at-time`: non-negative seconds, as ns.
fn parse_seconds(text: &str) -> Result<u64, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!("'{text}' is not a time after the first frame"));
    }
    // Beyond u64 ns (584 years) saturates: long after any capture's end,
    // which `states` says.
    Ok((secs * 1e9).round() as u64)
}

/// The inputs, checked: standard input can be read only once.
fn source(inputs: Inputs, prints_at_end: bool, threads: usize) -> Source {
    if inputs.files.iter().filter(|f| *f == "-").count() > 1 {
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "standard input (-) can be read only once",
            )
            .exit();
    }
    if let Some((first, again)) = given_twice(&inputs.files) {
        let how = if first == again {
            String::new()
        } else {
            format!(" (as {first} and {again})")
        };
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("{again} is given twice{how}: its frames would be read twice, time going back and every connection taken for a port reuse; give each file once"),
            )
            .exit();
    }
    if inputs.interface.is_none()
        && (inputs.capture_filter.is_some() || inputs.count.is_some() || inputs.duration.is_some())
    {
        Cli::command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "-f, -c and --duration are for a live capture: they need -i IFACE",
            )
            .exit();
    }
    // A bar on the terminal would tear lines printed to the same terminal
    // while it runs: commands that print as they go show it only when
    // their output goes elsewhere.
    let stderr_tty = std::io::stderr().is_terminal();
    let progress = if stderr_tty
        && inputs.interface.is_none()
        && (prints_at_end || !std::io::stdout().is_terminal())
    {
        ProgressMode::Stderr
    } else {
        ProgressMode::Off
    };
    let source = Source {
        paths: inputs.files,
        progress,
        interface: inputs.interface.map(|interface| LiveOptions {
            interface,
            filter: inputs.capture_filter,
            count: inputs.count,
            duration: inputs.duration.map(std::time::Duration::from_nanos),
        }),
        stream_rule: inputs.stream_rule,
        threads,
    };
    if source.is_live() {
        live::stop_on_ctrl_c();
    }
    source
}

/// The first file named twice, by its two names: the same path, or two
/// paths to the same file (`a.pcap` and `./a.pcap`, a link).
fn given_twice(files: &[String]) -> Option<(&str, &str)> {
    let same_file = |a: &str, b: &str| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    let files: Vec<&str> = files
        .iter()
        .map(String::as_str)
        .filter(|f| *f != "-")
        .collect();
    files.iter().enumerate().find_map(|(i, a)| {
        files[i + 1..]
            .iter()
            .find(|b| same_file(a, b))
            .map(|b| (*a, *b))
    })
}

/// A panic is a bug; it gets one line, not a backtrace.
fn one_line_panics() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("tcpphase: internal error: {what}{at}; this is a bug, please report it");
    }));
}

fn main() -> ExitCode {
    one_line_panics();
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let result: Result<(), Failure> = match cli.command {
        Command::Annotate {
            inputs,
            output,
            color,
            streams,
            filters,
            threads,
        } => {
            let format = output.format();
            let options = AnnotateOptions {
                format,
                color: format == Format::Text && color.for_stdout(),
            };
            let source = source(inputs, false, threads.count());
            annotate::run(
                &source,
                &filters.with_streams(streams.list),
                options,
                &mut out,
            )
        }
        Command::Conns {
            inputs,
            output,
            zeek,
            zeek_json,
            zeek_opt,
            streams,
            filters,
            ..
        } if zeek || zeek_json => {
            let _ = (output, streams);
            let filter = filters.with_streams(vec![]);
            zeek_log::run_cli(
                &source(inputs, false, 1),
                &filter,
                &zeek_opt,
                zeek_json,
                &mut out,
            )
        }
        Command::Conns {
            inputs,
            output,
            streams,
            filters,
            threads,
            ..
        } => {
            let format = output.format();
            let source = source(inputs, false, threads.count());
            conns::run(
                &source,
                &filters.with_streams(streams.list),
                format,
                &mut out,
            )
        }
        Command::States {
            inputs,
            at,
            at_time,
            style,
            all,
            output,
            streams,
            filters,
        } => {
            let at = match (at, at_time) {
                (Some(frame), _) => Moment::Frame(frame),
                (None, Some(ns)) => Moment::Time(ns),
                (None, None) => Moment::End,
            };
            let options = StatesOptions {
                at,
                style,
                all,
                format: output.format(),
            };
            let source = source(inputs, true, 1);
            states::run(
                &source,
                &filters.with_streams(streams.list),
                options,
                &mut out,
            )
        }
        Command::Diagram {
            inputs,
            stream,
            svg,
            output,
            ascii,
            full,
            color,
            filters,
        } => {
            let format = output.format();
            let options = DiagramOptions {
                stream,
                full,
                ascii,
                color: format == Format::Text && svg.is_none() && color.for_stdout(),
                format,
                svg,
            };
            let source = source(inputs, true, 1);
            diagram::run(&source, &filters.with_streams(vec![]), &options, &mut out)
        }
    };
    let flushed = out.flush();
    let failure = match (result, flushed) {
        (Ok(()), Ok(())) => return ExitCode::SUCCESS,
        (Ok(()), Err(e)) => Failure(vec![tcpphase_cli::CommandError::stdout(e)]),
        (Err(failure), _) => failure,
    };
    for e in failure.to_tell() {
        eprintln!("tcpphase: {e}");
    }
    ExitCode::from(failure.exit_status())
}
