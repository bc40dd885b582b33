//! A progress bar on standard error for long reads: bytes read of the
//! inputs' size and frames per second. It appears only when standard error
//! is a terminal and the read has lasted a moment; otherwise nothing is
//! drawn at all.

use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::{Duration, Instant};

/// Whether to show progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProgressMode {
    /// Never (standard error is not a terminal, or tests).
    #[default]
    Off,
    /// On standard error, once a read has lasted [`Progress::DELAY`].
    Stderr,
}

/// Reads shorter than this never show a bar.
const DEFAULT_DELAY: Duration = Duration::from_millis(500);

/// The progress of one command's reading.
pub struct Progress {
    target: Option<Box<dyn FnMut() -> ProgressDrawTarget>>,
    bar: Option<ProgressBar>,
    started: Instant,
    delay: Duration,
    total: Option<u64>,
}

impl Progress {
    /// How long a read lasts before its bar appears.
    pub const DELAY: Duration = DEFAULT_DELAY;

    /// Progress of reading `total` bytes (`None`: unknown, standard input).
    pub fn new(mode: ProgressMode, total: Option<u64>) -> Self {
        let target: Option<Box<dyn FnMut() -> ProgressDrawTarget>> = match mode {
            ProgressMode::Off => None,
            ProgressMode::Stderr => Some(Box::new(|| ProgressDrawTarget::stderr_with_hz(10))),
        };
        // For end-to-end tests on a pseudo-terminal, which read small
        // captures: how long to wait before the bar appears.
        let delay = std::env::var("TCPPHASE_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(DEFAULT_DELAY, Duration::from_millis);
        Progress {
            target,
            bar: None,
            started: Instant::now(),
            delay,
            total,
        }
    }

    /// Progress drawn to `target` (made when the bar first appears) after
    /// `delay`: for tests, with a terminal of their own.
    pub fn to_target(
        target: impl FnMut() -> ProgressDrawTarget + 'static,
        delay: Duration,
        total: Option<u64>,
    ) -> Self {
        Progress {
            target: Some(Box::new(target)),
            bar: None,
            started: Instant::now(),
            delay,
            total,
        }
    }

    /// Reports `bytes` read and `frames` seen so far. Cheap: call it every
    /// few hundred frames, not for each.
    pub fn update(&mut self, bytes: u64, frames: u64) {
        if self.bar.is_none() {
            let Some(make_target) = self.target.as_mut() else {
                return;
            };
            if self.started.elapsed() < self.delay {
                return;
            }
            self.bar = Some(new_bar(make_target(), self.total));
        }
        if let Some(bar) = &self.bar {
            let secs = self.started.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "{} frames, {} frames/s",
                HumanCount(frames),
                HumanCount((frames as f64 / secs) as u64)
            ));
            bar.set_position(bytes);
        }
    }

    /// Whether the bar has appeared.
    pub fn is_shown(&self) -> bool {
        self.bar.is_some()
    }

    /// Takes the bar away: the read is over.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

fn new_bar(target: ProgressDrawTarget, total: Option<u64>) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(total, target);
    let template = if total.is_some() {
        "{spinner} reading [{bar:32}] {bytes}/{total_bytes}, {msg}, {eta} left"
    } else {
        "{spinner} reading {bytes}, {msg}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::TermLike;
    use std::sync::{Arc, Mutex};

    /// A terminal that records what is written to it.
    #[derive(Debug, Clone, Default)]
    struct Recorder(Arc<Mutex<String>>);

    impl TermLike for Recorder {
        fn width(&self) -> u16 {
            120
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)?;
            self.write_str("\n")
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_long_read_shows_bytes_of_the_total_and_frames_per_second() {
        let term = Recorder::default();
        let seen = term.clone();
        let mut progress = Progress::to_target(
            move || ProgressDrawTarget::term_like(Box::new(term.clone())),
            Duration::ZERO,
            Some(2_000_000),
        );
        progress.update(1_000_000, 12_345);
        assert!(progress.is_shown());
        progress.finish();
        let drawn = seen.0.lock().unwrap().clone();
        assert!(drawn.contains("976.56 KiB/1.91 MiB"), "{drawn}");
        assert!(drawn.contains("12,345 frames"), "{drawn}");
        assert!(drawn.contains("frames/s"), "{drawn}");
    }

    #[test]
    fn a_short_read_and_the_off_mode_show_nothing() {
        let mut off = Progress::new(ProgressMode::Off, Some(10));
        off.update(5, 5);
        assert!(!off.is_shown());
        let mut quick =
            Progress::to_target(ProgressDrawTarget::hidden, Duration::from_secs(3600), None);
        quick.update(5, 5);
        assert!(!quick.is_shown());
    }
}
