//! What can go wrong in a command, and the exit status it gives.

use core::fmt;

/// Which kind of trouble an error is: it decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command line asks for something impossible (exit status 2).
    Usage,
    /// An input cannot be read, or is not what it should be (exit status 1).
    Input,
    /// The output cannot be written (exit status 1).
    Output,
    /// Not an error: something worth a line on standard error, such as a
    /// capture with nothing to label (exit status 0 if nothing else).
    Notice,
    /// The reader of the output went away (`tcpphase ... | head`): not an
    /// error for the person, the command just stops.
    BrokenPipe,
}

/// An error of a command: the file it is about and what is wrong, said in
/// one line.
#[derive(Debug)]
pub struct CommandError {
    /// The input's name (`-` for standard input), or where the output went.
    pub input: String,
    /// What went wrong, and where (byte offset, frame number) when known.
    pub message: String,
    /// The kind of trouble.
    pub kind: ErrorKind,
}

impl CommandError {
    /// Something wrong with the input `input`.
    pub fn input(input: impl Into<String>, message: impl Into<String>) -> Self {
        CommandError {
            input: input.into(),
            message: message.into(),
            kind: ErrorKind::Input,
        }
    }

    /// A remark about `input` that is not an error (exit status 0).
    pub fn notice(input: impl Into<String>, message: impl Into<String>) -> Self {
        CommandError {
            input: input.into(),
            message: message.into(),
            kind: ErrorKind::Notice,
        }
    }

    /// A command line that asks for something impossible.
    pub fn usage(input: impl Into<String>, message: impl Into<String>) -> Self {
        CommandError {
            input: input.into(),
            message: message.into(),
            kind: ErrorKind::Usage,
        }
    }

    /// Writing to `target` failed.
    pub fn output(target: impl Into<String>, e: std::io::Error) -> Self {
        let kind = if e.kind() == std::io::ErrorKind::BrokenPipe {
            ErrorKind::BrokenPipe
        } else {
            ErrorKind::Output
        };
        CommandError {
            input: target.into(),
            message: format!("cannot write: {e}"),
            kind,
        }
    }

    /// Writing to standard output failed.
    pub fn stdout(e: std::io::Error) -> Self {
        CommandError::output("<stdout>", e)
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.input.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.input, self.message)
        }
    }
}

impl std::error::Error for CommandError {}

/// Everything that went wrong in one run of a command, in the order it
/// happened. The output written before (and between) them stays written.
#[derive(Debug)]
pub struct Failure(pub Vec<CommandError>);

impl Failure {
    /// The exit status: 2 for a usage error, else 1; 0 when the only
    /// trouble is a reader that went away, or notices.
    pub fn exit_status(&self) -> u8 {
        let kinds = || self.0.iter().map(|e| e.kind);
        if kinds().any(|k| k == ErrorKind::Usage) {
            2
        } else if kinds().all(|k| matches!(k, ErrorKind::BrokenPipe | ErrorKind::Notice)) {
            0
        } else {
            1
        }
    }

    /// The errors worth telling a person (a broken pipe is not one).
    pub fn to_tell(&self) -> impl Iterator<Item = &CommandError> {
        self.0.iter().filter(|e| e.kind != ErrorKind::BrokenPipe)
    }

    /// The first error, for callers that report one.
    pub fn into_first(self) -> CommandError {
        self.0
            .into_iter()
            .next()
            .unwrap_or_else(|| CommandError::input("", "failed"))
    }
}

impl From<CommandError> for Failure {
    fn from(e: CommandError) -> Self {
        Failure(vec![e])
    }
}

/// `Ok` when nothing went wrong, else the [`Failure`] listing it all.
pub fn outcome(problems: Vec<CommandError>) -> Result<(), Failure> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure(problems))
    }
}
