//! The process exit code, kept in one enum so every command maps its result the same way.

/// Exit codes fixed by DESIGN: 0 ok, 1 error, 2 bad usage or bad input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Ok = 0,
    Error = 1,
    BadInput = 2,
}

/// An error that should end the process with [`ExitCode::BadInput`] (bad usage or a bad
/// input file) rather than the generic [`ExitCode::Error`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

impl ExitCode {
    /// Classify an error from any command: bad input files and usage give 2, the rest 1.
    pub fn of(err: &anyhow::Error) -> ExitCode {
        if err.chain().any(|e| e.is::<BadInput>()) {
            ExitCode::BadInput
        } else {
            ExitCode::Error
        }
    }
}
