//! The loop every command shares: frames from the inputs into one
//! [`Tracker`], up to a moment, and what each frame turned out to be out to
//! the command. Frames of a link type tcpphase does not read are counted
//! and told once per file and link type, not once per frame.

use crate::error::CommandError;
use crate::filter::Filter;
use crate::input::{read_frames, Flow, Source};
use tcpphase::track::{Annotation, FrameOutcome, Tracker};
use tcpphase::wire::WireError;

/// Up to when a command reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Moment {
    /// To the end of the capture.
    #[default]
    End,
    /// Up to and including this frame.
    Frame(u64),
    /// Up to this many ns after the first frame, included.
    Time(u64),
}

/// What one frame was, for a command.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A TCP segment and its annotation.
    Segment(&'a Annotation),
    /// A frame that does not parse.
    Malformed {
        /// Frame number.
        frame: u64,
        /// Capture time, ns since the epoch.
        ts_ns: u64,
        /// What is wrong and where.
        error: WireError,
    },
    /// Anything else: not TCP, or a link type tcpphase does not read.
    Other,
}

/// How far a read went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reached {
    /// Frames read (the number of the last one).
    pub frames: u64,
    /// Time of the first frame, ns since the epoch.
    pub first_ts: Option<u64>,
    /// Time of the last frame read, ns since the epoch.
    pub last_ts: u64,
    /// Streams seen (they are numbered from 0 in order).
    pub streams: u64,
    /// A read up to a time stopped at a frame past it: the capture goes on.
    pub stopped_early: bool,
}

impl Reached {
    /// The time of the first frame, or 0 in an empty capture.
    pub fn t0(&self) -> u64 {
        self.first_ts.unwrap_or(0)
    }
}

/// Frames of one link type tcpphase does not read, in one file.
struct Skipped {
    input: String,
    linktype: u32,
    first_frame: u64,
    first_offset: u64,
    count: u64,
}

/// Runs `tracker` over `source` up to `until`, calling `visit` after each
/// frame with the tracker, what the frame was, and the first frame's time.
/// Returns how far it got and the problems met (inputs that cannot be
/// read, unsupported link types, an output that failed).
pub fn track(
    source: &Source,
    tracker: &mut Tracker,
    until: Moment,
    mut visit: impl FnMut(&mut Tracker, Event<'_>, u64) -> Result<(), CommandError>,
) -> (Reached, Vec<CommandError>) {
    let mut reached = Reached::default();
    let mut skipped: Vec<Skipped> = Vec::new();
    let mut problems = read_frames(source, |frame| {
        if let (Moment::Time(limit), Some(t0)) = (until, reached.first_ts) {
            if frame.ts_ns.saturating_sub(t0) > limit {
                reached.stopped_early = true;
                return Ok(Flow::Stop);
            }
        }
        let t0 = *reached.first_ts.get_or_insert(frame.ts_ns);
        reached.frames = frame.number;
        reached.last_ts = frame.ts_ns;
        let outcome = tracker.feed(frame.linktype, frame.data, frame.ts_ns);
        let event = match &outcome {
            FrameOutcome::Segment(a) => {
                reached.streams = reached.streams.max(a.stream + 1);
                Event::Segment(a)
            }
            FrameOutcome::NotTcp => Event::Other,
            FrameOutcome::Malformed(WireError::UnsupportedLinkType { linktype }) => {
                let linktype = *linktype;
                match skipped
                    .iter_mut()
                    .find(|s| s.linktype == linktype && s.input == frame.input)
                {
                    Some(s) => s.count += 1,
                    None => skipped.push(Skipped {
                        input: frame.input.to_string(),
                        linktype,
                        first_frame: frame.number,
                        first_offset: frame.file_offset,
                        count: 1,
                    }),
                }
                Event::Other
            }
            FrameOutcome::Malformed(error) => Event::Malformed {
                frame: frame.number,
                ts_ns: frame.ts_ns,
                error: *error,
            },
        };
        visit(tracker, event, t0)?;
        Ok(match until {
            Moment::Frame(n) if frame.number >= n => Flow::Stop,
            _ => Flow::Continue,
        })
    });
    problems.extend(skipped.into_iter().map(|s| {
        let more = match s.count {
            1 => "1 frame skipped".to_string(),
            n => format!("{n} frames skipped"),
        };
        CommandError::input(
            s.input,
            format!(
                "unsupported link type {}{} from frame {} (byte {}): {more}; tcpphase reads Ethernet, Linux cooked capture (v1, v2), BSD loopback and raw IPv4/IPv6",
                s.linktype,
                linktype_name(s.linktype).map_or(String::new(), |n| format!(" ({n})")),
                s.first_frame,
                s.first_offset,
            ),
        )
    }));
    (reached, problems)
}

/// The names of some link types people meet, for the message.
fn linktype_name(linktype: u32) -> Option<&'static str> {
    Some(match linktype {
        6 => "Token Ring",
        9 => "PPP",
        10 => "FDDI",
        50 => "PPP in HDLC framing",
        104 => "Cisco HDLC",
        105 => "IEEE 802.11",
        119 => "Prism monitor mode",
        127 => "IEEE 802.11 radiotap",
        147..=162 => "DLT_USER, private use",
        189 | 220 => "Linux USB",
        195 | 215 | 230 | 283 => "IEEE 802.15.4",
        201 => "Bluetooth HCI",
        253 => "Linux netlink",
        _ => return None,
    })
}

/// The error for `--stream N` naming a stream the capture does not have
/// (up to the moment read), if any. None when reading met `problems`
/// already: those say why.
pub fn unknown_stream(
    source: &Source,
    filter: &Filter,
    reached: &Reached,
    until: Moment,
    problems: &[CommandError],
) -> Option<CommandError> {
    if !problems.is_empty() {
        return None;
    }
    let missing = filter
        .streams
        .iter()
        .find(|&&n| n >= reached.streams)
        .copied()?;
    let has = match reached.streams {
        0 => "no TCP stream".to_string(),
        1 => "only stream 0".to_string(),
        n => format!("streams 0 to {}", n - 1),
    };
    let by = match until {
        Moment::End => String::new(),
        _ => format!(" up to frame {}", reached.frames),
    };
    Some(CommandError::input(
        source.name(),
        format!("no stream {missing}: the capture has {has}{by}"),
    ))
}
