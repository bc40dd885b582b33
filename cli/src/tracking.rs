//! The loop every command shares: frames from the inputs into one
//! [`Tracker`], up to a moment, and what each frame turned out to be out to
//! the command. Frames of a link type tcpphase does not read are counted
//! and told once per file and link type, not once per frame.

use crate::error::{CommandError, ErrorKind};
use crate::filter::Filter;
use crate::input::{read_frames, Flow, Frame, Source};
use tcpphase::track::{Annotation, FrameOutcome, Tracker};
use tcpphase::wire::{LinkType, WireError};

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
    let mut tally = Tally::default();
    let problems = read_frames(source, |frame| {
        if let (Moment::Time(limit), Some(t0)) = (until, tally.reached.first_ts) {
            if frame.ts_ns.saturating_sub(t0) > limit {
                tally.reached.stopped_early = true;
                return Ok(Flow::Stop);
            }
        }
        let outcome = tracker.feed(frame.linktype, frame.data, frame.ts_ns);
        let t0 = tally.frame(&frame, Kind::of(&outcome));
        let event = match &outcome {
            FrameOutcome::Segment(a) => {
                tally.reached.streams = tally.reached.streams.max(a.stream + 1);
                Event::Segment(a)
            }
            FrameOutcome::NotTcp
            | FrameOutcome::Malformed(WireError::UnsupportedLinkType { .. }) => Event::Other,
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
    tally.finish(source, problems)
}

/// What a frame was, for the tally.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind<'e> {
    /// A TCP segment (or an ICMP error quoting one): a line.
    Segment,
    /// Not TCP, or a fragment waiting for the rest of its packet.
    NotTcp,
    /// A frame that does not parse, or of a link type tcpphase does not read.
    Malformed(&'e WireError),
}

impl<'e> Kind<'e> {
    fn of(outcome: &'e FrameOutcome) -> Self {
        match outcome {
            FrameOutcome::Segment(_) => Kind::Segment,
            FrameOutcome::NotTcp => Kind::NotTcp,
            FrameOutcome::Malformed(e) => Kind::Malformed(e),
        }
    }
}

/// How far a read went and what its frames were: the frames of link
/// types tcpphase does not read, and whether anything was labelled.
#[derive(Default)]
pub(crate) struct Tally {
    /// How far the read went (the caller counts the streams).
    pub(crate) reached: Reached,
    skipped: Vec<Skipped>,
    seen: Seen,
}

impl Tally {
    /// Counts one frame; returns the first frame's time.
    pub(crate) fn frame(&mut self, frame: &Frame<'_>, kind: Kind<'_>) -> u64 {
        let t0 = *self.reached.first_ts.get_or_insert(frame.ts_ns);
        self.reached.frames = frame.number;
        self.reached.last_ts = frame.ts_ns;
        self.seen.frame(frame.linktype, kind);
        if let Kind::Malformed(WireError::UnsupportedLinkType { linktype }) = kind {
            let linktype = *linktype;
            match self
                .skipped
                .iter_mut()
                .find(|s| s.linktype == linktype && s.input == frame.input)
            {
                Some(s) => s.count += 1,
                None => self.skipped.push(Skipped {
                    input: frame.input.to_string(),
                    linktype,
                    first_frame: frame.number,
                    first_offset: frame.file_offset,
                    count: 1,
                }),
            }
        }
        t0
    }

    /// How far the read went, and the reading's `problems` with what the
    /// tally has to say after them.
    pub(crate) fn finish(
        self,
        source: &Source,
        mut problems: Vec<CommandError>,
    ) -> (Reached, Vec<CommandError>) {
        let Tally {
            reached,
            skipped,
            seen,
        } = self;
        let all_skipped = !skipped.is_empty();
        problems.extend(skipped.into_iter().map(|s| {
            let more = match s.count {
                1 => "1 frame skipped".to_string(),
                n => format!("{n} frames skipped"),
            };
            CommandError::input(
                s.input,
                format!(
                    "unsupported link type {}{} from frame {} (byte {}): {more}; tcpphase reads {}",
                    s.linktype,
                    linktype_name(s.linktype).map_or(String::new(), |n| format!(" ({n})")),
                    s.first_frame,
                    s.first_offset,
                    LinkType::supported_list(),
                ),
            )
        }));
        // Frames read, none of them TCP, and no other word about them: say so,
        // rather than leave the output empty without a reason.
        if !all_skipped && seen.labelled == 0 && seen.frames > 0 {
            problems.push(CommandError::notice(source.name(), seen.nothing_to_label()));
        }
        (reached, problems)
    }
}

/// What the frames were, for a capture with nothing to label.
#[derive(Default)]
struct Seen {
    frames: u64,
    /// Segments and malformed frames: lines the commands print.
    labelled: u64,
    /// The link types met and their frame counts (a few at most).
    linktypes: Vec<(u32, u64)>,
}

impl Seen {
    fn frame(&mut self, linktype: u32, kind: Kind<'_>) {
        self.frames += 1;
        if matches!(kind, Kind::Segment)
            || matches!(kind, Kind::Malformed(e) if !matches!(e, WireError::UnsupportedLinkType { .. }))
        {
            self.labelled += 1;
        }
        match self.linktypes.iter().position(|(l, _)| *l == linktype) {
            Some(i) => self.linktypes[i].1 += 1,
            None if self.linktypes.len() < 8 => self.linktypes.push((linktype, 1)),
            None => {}
        }
    }

    /// `nothing to label: 12 frames of link type 1 (Ethernet), none TCP`.
    fn nothing_to_label(&self) -> String {
        let plural = |n: u64| if n == 1 { "" } else { "s" };
        let mut text = format!(
            "nothing to label: {} frame{}",
            self.frames,
            plural(self.frames)
        );
        for (i, (linktype, n)) in self.linktypes.iter().enumerate() {
            let name = linktype_name(*linktype).map_or(String::new(), |n| format!(" ({n})"));
            if self.linktypes.len() == 1 {
                text.push_str(&format!(" of link type {linktype}{name}"));
            } else {
                let sep = if i == 0 { ": " } else { ", " };
                text.push_str(&format!("{sep}{n} of link type {linktype}{name}"));
            }
        }
        text.push_str(", none of them a TCP segment tcpphase decodes (not IP, not TCP, or in an encapsulation it does not open)");
        text
    }
}

/// The names of some link types people meet that tcpphase does not read
/// (those it reads are [`LinkType::ALL`]), for the message.
fn linktype_name(linktype: u32) -> Option<&'static str> {
    Some(match linktype {
        0 => "BSD loopback",
        1 => "Ethernet",
        101 => "raw IP",
        108 => "OpenBSD loopback",
        113 => "Linux cooked capture",
        228 => "raw IPv4",
        229 => "raw IPv6",
        276 => "Linux cooked capture v2",
        6 => "Token Ring",
        10 => "FDDI",
        119 => "Prism monitor mode",
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
    if problems.iter().any(|e| e.kind != ErrorKind::Notice) {
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
