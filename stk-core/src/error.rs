//! The error type of every fallible operation in the crate.

use core::fmt;

/// Everything that can go wrong in `stk-core`.
///
/// Variants carry plain `Copy` data (indices, counts, field names) so the type works without
/// `std` and never allocates.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// A set of data or a buffer that must not be empty is empty.
    EmptyInput,
    /// A value at `index` (flattened) is NaN or infinite.
    NonFinite {
        /// Flattened index of the first non-finite value.
        index: usize,
    },
    /// A length or size does not match what was expected.
    ShapeMismatch {
        /// What the length means (for example `"image"`).
        what: &'static str,
        /// The expected length.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// More clusters were requested than there are data.
    TooManyClusters {
        /// The number of clusters requested.
        n_clusters: usize,
        /// The number of data.
        n_samples: usize,
    },
    /// A configuration field is out of its valid range.
    InvalidParameter {
        /// The field's name.
        name: &'static str,
        /// Why the value is rejected.
        reason: &'static str,
    },
    /// A linear system (the thin-plate-spline system matrix, for example) is singular or too
    /// ill-conditioned to invert: repeated or collinear control points.
    SingularSystem,
    /// A warp grid or dense basis would be too large to build.
    GridTooLarge {
        /// What is too large (for example `"grid_size"`).
        what: &'static str,
        /// The requested size.
        requested: usize,
        /// The largest size accepted.
        limit: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::EmptyInput => write!(f, "empty input"),
            Error::NonFinite { index } => write!(f, "non-finite value at index {index}"),
            Error::ShapeMismatch {
                what,
                expected,
                found,
            } => write!(f, "{what} has length {found}, expected {expected}"),
            Error::TooManyClusters {
                n_clusters,
                n_samples,
            } => write!(
                f,
                "{n_clusters} clusters requested but only {n_samples} data given"
            ),
            Error::InvalidParameter { name, reason } => write!(f, "invalid {name}: {reason}"),
            Error::SingularSystem => write!(f, "linear system is singular or ill-conditioned"),
            Error::GridTooLarge {
                what,
                requested,
                limit,
            } => write!(f, "{what} {requested} is too large (limit {limit})"),
        }
    }
}

impl core::error::Error for Error {}
