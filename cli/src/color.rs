//! Colour by phase, in plain ANSI escape codes: on when standard output is
//! a terminal and `NO_COLOR` is not set, unless `--color` says otherwise.

use tcpphase::phase::Phase;

/// `--color`: when to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// When standard output is a terminal (not TERM=dumb) and NO_COLOR is unset or empty.
    #[default]
    Auto,
    /// Always, even into a pipe or a file.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour, given whether the output is a terminal and the
    /// value of `NO_COLOR` (<https://no-color.org>: set and not empty means
    /// no colour; an explicit `--color always` still wins).
    pub fn enabled(self, is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }

    /// [`ColorChoice::enabled`] for standard output and this process's
    /// environment (a `TERM=dumb` terminal counts as none).
    pub fn for_stdout(self) -> bool {
        use std::io::IsTerminal;
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        self.enabled(
            std::io::stdout().is_terminal() && !dumb,
            std::env::var_os("NO_COLOR").as_deref(),
        )
    }
}

/// Ends a coloured stretch.
pub const RESET: &str = "\x1b[0m";

/// The escape code that starts a phase's colour; empty for the data phase,
/// which stays in the terminal's own colour so the others stand out.
pub const fn phase_color(phase: Phase) -> &'static str {
    match phase {
        Phase::Handshake => "\x1b[32m",
        Phase::Data => "",
        Phase::ActiveClose => "\x1b[33m",
        Phase::PassiveClose => "\x1b[35m",
        Phase::HalfClose => "\x1b[36m",
        Phase::Reset => "\x1b[1;31m",
        Phase::Other => "\x1b[90m",
    }
}

/// Writes `text` in `color` (nothing around it when `color` is empty).
pub fn paint(out: &mut String, color: &str, text: &str) {
    if color.is_empty() {
        out.push_str(text);
    } else {
        out.push_str(color);
        out.push_str(text);
        out.push_str(RESET);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn auto_colours_a_terminal_unless_no_color_is_set_and_the_flag_wins() {
        assert!(ColorChoice::Auto.enabled(true, None));
        assert!(ColorChoice::Auto.enabled(true, Some(OsStr::new(""))));
        assert!(!ColorChoice::Auto.enabled(true, Some(OsStr::new("1"))));
        assert!(!ColorChoice::Auto.enabled(false, None));
        assert!(ColorChoice::Always.enabled(false, Some(OsStr::new("1"))));
        assert!(!ColorChoice::Never.enabled(true, None));
    }
}
