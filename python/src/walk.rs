//! The CLI's reading loop, pulled one frame at a time so that a Python
//! iterator can stop between frames: frames into one tracker, what each
//! was, how far the read went, and the problems met on the way (damage,
//! link types tcpphase does not read), told at the end as the CLI tells them.

use crate::source::Capture;
use tcpphase::track::{Annotation, Config, FrameOutcome, Tracker};
use tcpphase::wire::WireError;
use tcpphase_cli::input::Source;
use tcpphase_cli::tracking::Reached;
use tcpphase_cli::CommandError;

/// What one frame was.
pub enum Event {
    /// A TCP segment and its annotation.
    Segment(Annotation),
    /// A frame that does not parse.
    Malformed {
        /// Frame number.
        frame: u64,
        /// Capture time, ns since the epoch.
        ts_ns: u64,
        /// What is wrong and where.
        error: WireError,
    },
    /// Not TCP, or a link type tcpphase does not read.
    Other,
    /// No more frames.
    End,
}

/// Frames of one link type tcpphase does not read.
struct Skipped {
    linktype: u32,
    first_frame: u64,
    first_offset: u64,
    count: u64,
}

/// One pass over a capture.
pub struct Walk {
    capture: Capture,
    /// The tracker the frames go into.
    pub tracker: Tracker,
    /// How far the read went.
    pub reached: Reached,
    skipped: Vec<Skipped>,
    damage: Option<CommandError>,
    ended: bool,
}

impl Walk {
    /// A pass over `capture` with the CLI's tracker configuration.
    pub fn new(capture: Capture) -> Walk {
        Walk {
            capture,
            tracker: Tracker::new(Config::default()),
            reached: Reached::default(),
            skipped: Vec::new(),
            damage: None,
            ended: false,
        }
    }

    /// The next frame's event; [`Event::End`] at the end or at damage.
    pub fn next_event(&mut self) -> Event {
        if self.ended {
            return Event::End;
        }
        let frame = match self.capture.reader.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => {
                self.ended = true;
                return Event::End;
            }
            Err(e) => {
                self.ended = true;
                self.damage = Some(self.capture.damaged(&e, self.reached.frames));
                return Event::End;
            }
        };
        let reached = &mut self.reached;
        reached.first_ts.get_or_insert(frame.ts_ns);
        reached.frames = frame.number;
        reached.last_ts = frame.ts_ns;
        match self.tracker.feed(frame.linktype, frame.data, frame.ts_ns) {
            FrameOutcome::Segment(a) => {
                reached.streams = reached.streams.max(a.stream + 1);
                Event::Segment(a)
            }
            FrameOutcome::NotTcp => Event::Other,
            FrameOutcome::Malformed(WireError::UnsupportedLinkType { linktype }) => {
                match self.skipped.iter_mut().find(|s| s.linktype == linktype) {
                    Some(s) => s.count += 1,
                    None => self.skipped.push(Skipped {
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
                error,
            },
        }
    }

    /// The capture as the CLI's helpers name it.
    pub fn source(&self) -> Source {
        Source::file(&self.capture.name)
    }

    /// The problems met, in the CLI's order: damage, then link types
    /// skipped.
    pub fn problems(&mut self) -> Vec<CommandError> {
        let mut problems: Vec<CommandError> = self.damage.take().into_iter().collect();
        problems.extend(self.skipped.drain(..).map(|s| {
            let more = match s.count {
                1 => "1 frame skipped".to_string(),
                n => format!("{n} frames skipped"),
            };
            CommandError::input(
                &self.capture.name,
                format!(
                    "unsupported link type {} from frame {} (byte {}): {more}; tcpphase reads Ethernet, Linux cooked capture (v1, v2), BSD loopback and raw IPv4/IPv6",
                    s.linktype, s.first_frame, s.first_offset,
                ),
            )
        }));
        problems
    }
}
