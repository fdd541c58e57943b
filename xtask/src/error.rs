//! The one error type of the xtask crate.

use std::path::PathBuf;

/// Everything that can go wrong while loading, normalizing or generating.
///
/// Each variant names the file it concerns and, where it applies, the JSON
/// pointer inside the document, so that a user can find the problem at once.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The document is not valid YAML or JSON.
    #[error("{path}: not a valid {format} document: {message}")]
    Parse {
        path: PathBuf,
        format: &'static str,
        message: String,
    },
    /// The document parsed, but something in it is wrong or unsupported.
    #[error("{path}: at {pointer}: {problem}")]
    Spec {
        path: PathBuf,
        pointer: String,
        problem: String,
    },
    /// progenitor refused the (normalized) document.
    #[error("{path}: code generation failed: {message}")]
    Generate { path: PathBuf, message: String },
    /// Generated Rust did not parse or could not be formatted.
    #[error("formatting {what}: {message}")]
    Format { what: String, message: String },
    /// `--check` found generated files that differ from what the spec produces.
    #[error(
        "{count} generated file(s) are stale; run `cargo xtask generate` and commit the result"
    )]
    Stale { count: usize },
    /// A command the xtask runs (rustfmt, cargo, ...) failed.
    #[error("`{command}` failed: {message}")]
    Command { command: String, message: String },
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Builds an [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
