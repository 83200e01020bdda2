//! The one error type of the library's commands, and the exit code each kind maps to:
//! 1 for content that has errors or an output that cannot be written, 2 for usage and
//! configuration errors (an output path `build` refuses among them).

use crate::diagnostics::Diagnostics;
use std::path::PathBuf;

/// Why a command failed.
#[derive(Debug)]
pub enum Error {
    /// A command-line value is wrong (`--base-url`, a missing site folder).
    Usage(String),
    /// `srm-docs.toml` has errors, with their positions.
    Config(Diagnostics),
    /// The output path holds something srm-docs must not replace.
    Refused(String),
    /// The preview cannot listen on its address or watch the site.
    Serve(String),
    /// The content has errors (already printed as they were found); nothing was written.
    Content {
        /// Errors found.
        errors: usize,
        /// Warnings found.
        warnings: usize,
        /// The output folder, left untouched (`build` only).
        untouched: Option<PathBuf>,
    },
    /// A file of the output could not be written.
    Write {
        /// The output folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Config(_) | Error::Refused(_) | Error::Serve(_) => 2,
            Error::Content { .. } | Error::Write { .. } => 1,
        }
    }
}

impl std::fmt::Display for Error {
    /// The last line printed for the error (configuration diagnostics print their own).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Usage(m) | Error::Refused(m) | Error::Serve(m) => write!(f, "error: {m}"),
            Error::Config(d) => write!(f, "{}", d.render(false)),
            Error::Content {
                errors,
                warnings,
                untouched: Some(dir),
            } => write!(
                f,
                "build failed: {errors} error(s), {warnings} warning(s); {} left untouched",
                dir.display()
            ),
            Error::Content {
                errors, warnings, ..
            } => write!(f, "{errors} error(s), {warnings} warning(s)"),
            Error::Write { path, source } => {
                write!(f, "error: cannot write {}: {source}", path.display())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_maps_to_its_exit_code_and_line() {
        assert_eq!(Error::Usage("x".into()).exit_code(), 2);
        assert_eq!(Error::Refused("no".into()).to_string(), "error: no");
        let content = Error::Content {
            errors: 2,
            warnings: 1,
            untouched: Some("public".into()),
        };
        assert_eq!(content.exit_code(), 1);
        assert_eq!(
            content.to_string(),
            "build failed: 2 error(s), 1 warning(s); public left untouched"
        );
    }
}
