//! Opening captures: files or `-` for standard input, gzip, zstd or lz4
//! compressed or not, or a live interface (see [`crate::live`]). Several
//! inputs are read as one capture: rotated files (dumpcap ring buffers) in
//! the order of their first timestamps, frame numbers continuing from one
//! to the next.

use crate::error::CommandError;
use crate::live::{interrupted, read_live, LiveOptions};
use crate::progress::{Progress, ProgressMode};
use std::io::Read;
use tcpphase::capture::{CaptureError, CaptureReader, SharedCapture};
use tcpphase::track::{Config, StreamRule};

/// Where a command reads from, and whether it shows its progress.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// Capture files, `-` for standard input (at most once).
    pub paths: Vec<String>,
    /// Progress bar on standard error.
    pub progress: ProgressMode,
    /// Capture on an interface instead of reading `paths`.
    pub interface: Option<LiveOptions>,
    /// Which Wireshark's rule numbers streams (`--stream-rule`).
    pub stream_rule: StreamRule,
    /// Worker threads for `annotate` and `conns` (`--threads`); 0 or 1:
    /// one thread, the plain path.
    pub threads: usize,
}

impl Source {
    /// One file (or `-`), no progress bar.
    pub fn file(path: &str) -> Self {
        Source {
            paths: vec![path.to_string()],
            progress: ProgressMode::Off,
            interface: None,
            stream_rule: StreamRule::default(),
            threads: 1,
        }
    }

    /// The tracker settings for these inputs.
    pub fn tracker_config(&self) -> Config {
        Config {
            stream_rule: self.stream_rule,
            ..Config::default()
        }
    }

    /// Whether records arrive as they happen: an interface, or standard
    /// input that is a pipe, socket or terminal rather than a file. The
    /// commands then write each line as soon as it is decoded.
    pub fn is_live(&self) -> bool {
        self.interface.is_some() || (self.paths.iter().any(|p| p == "-") && !stdin_is_file())
    }

    /// The inputs' names as error messages give them: `a.pcap` or
    /// `a.pcap, b.pcap`.
    pub fn name(&self) -> String {
        match &self.interface {
            Some(live) => live.interface.clone(),
            None => self.paths.join(", "),
        }
    }
}

/// One frame of the inputs, numbered across all of them.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based frame number, continuing across files.
    pub number: u64,
    /// pcap LINKTYPE of the frame's interface.
    pub linktype: u32,
    /// Capture time, ns since the epoch.
    pub ts_ns: u64,
    /// The captured bytes.
    pub data: &'a [u8],
    /// Byte offset of the frame's record in its file.
    pub file_offset: u64,
    /// The file the frame is in, as named on the command line.
    pub input: &'a str,
}

/// Whether to go on reading after a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next frame.
    Continue,
    /// Stop here: the command has what it needs.
    Stop,
}

/// Opens `path` (or standard input for `-`) as a capture.
pub fn open_capture(path: &str) -> Result<CaptureReader<'static>, CommandError> {
    let fail = |message: String| CommandError::input(path, message);
    let reader = if path == "-" {
        CaptureReader::new(Box::new(std::io::stdin()) as Box<dyn Read + Send>)
    } else {
        let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot open: {e}")))?;
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(fail("is a directory, not a capture file".into()));
        }
        // A regular file is mapped into memory, anything else streamed.
        CaptureReader::from_file(file)
    };
    reader.map_err(|e| fail(describe(&e)))
}

/// The one capture file of `source` mapped for a reader and `consumers`
/// other threads that read its frames in place, with its reader; `None`
/// when it is not one regular, uncompressed file (it is then opened and
/// read as usual, errors and all).
pub(crate) fn open_shared(
    source: &Source,
    consumers: usize,
) -> Option<(SharedCapture, CaptureReader<'static>)> {
    let [path] = source.paths.as_slice() else {
        return None;
    };
    if source.interface.is_some() || path == "-" {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let shared = SharedCapture::map(&file, consumers)?;
    let reader = CaptureReader::from_shared(shared.clone()).ok()?;
    Some((shared, reader))
}

/// A capture error in words, for a person.
fn describe(e: &CaptureError) -> String {
    match e {
        CaptureError::Io(io) => format!("cannot read: {io}"),
        other => other.to_string(),
    }
}

/// A frame read ahead of time, while ordering the inputs.
struct HeldFrame {
    linktype: u32,
    ts_ns: u64,
    data: Vec<u8>,
    file_offset: u64,
}

/// An input waiting for its turn.
enum Pending {
    /// A file to open when its turn comes.
    Path(String),
    /// Standard input, already open (it cannot be opened twice), with the
    /// frame read to learn its first timestamp.
    Open {
        name: String,
        reader: CaptureReader<'static>,
        held: Option<HeldFrame>,
    },
}

/// Reads every frame of `source`, in order, and calls `visit` with each;
/// returns the problems met on the way. A damaged input stops that input
/// only (its good frames are delivered first) and reading goes on with the
/// next; an error from `visit` (the output) stops everything.
pub fn read_frames(
    source: &Source,
    visit: impl FnMut(Frame<'_>) -> Result<Flow, CommandError>,
) -> Vec<CommandError> {
    read_frames_from(source, None, visit)
}

/// [`read_frames`], with the one input of `source` already opened as
/// `reader` when given (a map other threads read too).
pub(crate) fn read_frames_from(
    source: &Source,
    reader: Option<CaptureReader<'static>>,
    mut visit: impl FnMut(Frame<'_>) -> Result<Flow, CommandError>,
) -> Vec<CommandError> {
    if let Some(live) = &source.interface {
        return read_live(live, visit);
    }
    let mut problems = Vec::new();
    let total = total_size(&source.paths);
    let mut progress = Progress::new(source.progress, total);
    let order = if let (Some(reader), [path]) = (reader, source.paths.as_slice()) {
        vec![Pending::Open {
            name: path.clone(),
            reader,
            held: None,
        }]
    } else if source.paths.len() == 1 {
        vec![Pending::Path(source.paths[0].clone())]
    } else {
        by_first_timestamp(&source.paths, &mut problems)
    };
    let mut number = 0u64;
    let mut bytes_done = 0u64;
    for pending in order {
        let (name, mut reader, held) = match pending {
            Pending::Path(path) => match open_capture(&path) {
                Ok(reader) => (path, reader, None),
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            },
            Pending::Open { name, reader, held } => (name, reader, held),
        };
        let first_number = number + 1;
        if let Some(held) = held {
            number += 1;
            let frame = Frame {
                number,
                linktype: held.linktype,
                ts_ns: held.ts_ns,
                data: &held.data,
                file_offset: held.file_offset,
                input: &name,
            };
            match visit(frame) {
                Ok(Flow::Continue) => {}
                Ok(Flow::Stop) => return problems,
                Err(e) => {
                    problems.push(e);
                    return problems;
                }
            }
        }
        loop {
            if interrupted() {
                // Ctrl-C on a live pipe: end here, the command prints
                // what it owes.
                return problems;
            }
            match reader.next_frame() {
                Ok(Some(f)) => {
                    number += 1;
                    if number % 256 == 0 {
                        progress.update(bytes_done + f.file_offset, number);
                    }
                    let frame = Frame {
                        number,
                        linktype: f.linktype,
                        ts_ns: f.ts_ns,
                        data: f.data,
                        file_offset: f.file_offset,
                        input: &name,
                    };
                    match visit(frame) {
                        Ok(Flow::Continue) => {}
                        Ok(Flow::Stop) => return problems,
                        Err(e) => {
                            problems.push(e);
                            return problems;
                        }
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    let mut message = describe(&e);
                    if number >= first_number {
                        message.push_str(&format!(" (after frame {number})"));
                    }
                    problems.push(CommandError::input(&name, message));
                    break;
                }
            }
        }
        bytes_done += reader.bytes_read();
    }
    progress.finish();
    problems
}

/// Whether standard input is a regular file (`< capture.pcap`).
fn stdin_is_file() -> bool {
    use std::os::fd::AsFd;
    std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|f| f.metadata())
        .is_ok_and(|m| m.is_file())
}

/// The sum of the inputs' sizes, when every one is a regular file.
fn total_size(paths: &[String]) -> Option<u64> {
    paths
        .iter()
        .map(|p| {
            if p == "-" {
                return None;
            }
            std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len())
        })
        .sum()
}

/// Opens each input to read its first frame's time, and returns them in
/// that order (stable: equal times keep the command line's order). Inputs
/// that cannot be read are reported and left out; so are empty ones.
fn by_first_timestamp(paths: &[String], problems: &mut Vec<CommandError>) -> Vec<Pending> {
    let mut timed: Vec<(u64, Pending)> = Vec::with_capacity(paths.len());
    for path in paths {
        let mut reader = match open_capture(path) {
            Ok(reader) => reader,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let held = match reader.next_frame() {
            Ok(Some(f)) => HeldFrame {
                linktype: f.linktype,
                ts_ns: f.ts_ns,
                data: f.data.to_vec(),
                file_offset: f.file_offset,
            },
            Ok(None) => continue,
            Err(e) => {
                problems.push(CommandError::input(path, describe(&e)));
                continue;
            }
        };
        let ts = held.ts_ns;
        let pending = if path == "-" {
            Pending::Open {
                name: path.clone(),
                reader,
                held: Some(held),
            }
        } else {
            // Files are opened again when their turn comes: one open file
            // at a time, however many a ring buffer has.
            Pending::Path(path.clone())
        };
        timed.push((ts, pending));
    }
    timed.sort_by_key(|(ts, _)| *ts);
    timed.into_iter().map(|(_, p)| p).collect()
}
