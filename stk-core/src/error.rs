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
    /// A configuration field is out of its valid range.
    InvalidParameter {
        /// The field's name.
        name: &'static str,
        /// Why the value is rejected.
        reason: &'static str,
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
            Error::InvalidParameter { name, reason } => write!(f, "invalid {name}: {reason}"),
        }
    }
}

impl core::error::Error for Error {}
