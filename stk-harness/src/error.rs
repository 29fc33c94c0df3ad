//! The error type of the harness library.

use std::path::PathBuf;

/// Everything that can go wrong while loading data, scoring or running experiments.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An error from the clustering core.
    #[error(transparent)]
    Core(#[from] stk_core::Error),
    /// Reading or writing a file failed.
    #[error("cannot read or write {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file's contents are not what its format requires.
    #[error("{}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the offending record where possible.
        message: String,
    },
    /// Two shapes or lengths that must agree do not.
    #[error("shape mismatch: expected {expected}, found {found}")]
    ShapeMismatch {
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
    },
    /// A thread pool could not be started.
    #[error("cannot start worker threads: {0}")]
    Thread(String),
    /// A command-line argument or experiment setting is invalid; the message says which and
    /// why.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Input that must not be empty is empty.
    #[error("empty input: {0}")]
    EmptyInput(&'static str),
    /// The data at a path do not have the form of the named data set (picture size or
    /// number of classes), so its defaults and published values would not apply.
    #[error(
        "{}: not {dataset} data: expected {expected}, found {found} (--dataset custom \
         clusters it without the {dataset} defaults and published values)",
        path.display()
    )]
    DatasetMismatch {
        /// The data set named on the command line.
        dataset: &'static str,
        /// The data's path.
        path: PathBuf,
        /// What that data set has.
        expected: String,
        /// What the data have.
        found: String,
    },
    /// A value that must be finite is NaN or infinite.
    #[error("non-finite {what} at index {index}")]
    NonFinite {
        /// What the value is (for example `"run score or distortion"`).
        what: &'static str,
        /// Index of the first non-finite value.
        index: usize,
    },
}

/// The harness's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
