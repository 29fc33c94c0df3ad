//! Clustering metrics (accuracy with Hungarian matching, NMI, ARI), the run-selection protocol
//! and a reader for label files.
//!
//! Every metric takes the ground truth `truth` and the predicted `assignments` as slices of
//! `u32` ids of equal length. Ids need not be `0..K`; they are mapped to dense indices in
//! increasing order of value, so no result depends on hashing or on the order of first
//! appearance. Counts are `u64` and pair counts exact integers, so data sets of any size
//! that fits in memory score without overflow.
//!
//! Degenerate inputs follow scikit-learn's conventions (see [`nmi`] and [`ari`]), with one
//! exception: an empty labelling is refused with [`Error::EmptyInput`](crate::Error::EmptyInput)
//! where scikit-learn returns 1.

mod accuracy;
mod ari;
mod contingency;
mod labels_file;
mod nmi;
mod protocol;

pub use accuracy::{Accuracy, ClusterMatch, accuracy};
pub use ari::ari;
pub use contingency::{Cell, Contingency};
pub use labels_file::read_labels;
pub use nmi::{Normalizer, nmi};
pub use protocol::{MeanStd, RunScores, RunSummary, SelectedRun, summarize_runs};

use crate::Result;

/// The three scores of one clustering against the ground truth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// Clustering accuracy under the best one-to-one cluster-to-label map, in `[0, 1]`.
    pub accuracy: f64,
    /// Normalised mutual information, arithmetic-mean normaliser, in `[0, 1]`.
    pub nmi: f64,
    /// Adjusted Rand index: at most 1, about 0 for chance agreement.
    pub ari: f64,
}

/// Returns accuracy, NMI (arithmetic normaliser) and ARI of `assignments` against `truth`,
/// building the contingency table once.
///
/// # Examples
///
/// ```
/// let scores = stk_harness::metrics::score(&[0, 0, 1, 1], &[5, 5, 3, 3])?;
/// assert_eq!((scores.accuracy, scores.nmi, scores.ari), (1.0, 1.0, 1.0));
/// # Ok::<(), stk_harness::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::EmptyInput`](crate::Error::EmptyInput) if there are no points and
/// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if the lengths differ.
pub fn score(truth: &[u32], assignments: &[u32]) -> Result<Scores> {
    let table = Contingency::new(truth, assignments)?;
    Ok(Scores {
        accuracy: accuracy::accuracy_of_table(&table).value,
        nmi: nmi::nmi_of_table(&table, Normalizer::Arithmetic),
        ari: ari::ari_of_table(&table),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn score_agrees_with_the_separate_metrics() {
        let truth = [0, 0, 0, 1, 1, 1];
        let assignments = [0, 0, 1, 1, 2, 2];
        let scores = score(&truth, &assignments).unwrap();
        assert_abs_diff_eq!(scores.accuracy, 4.0 / 6.0, epsilon = 1e-12);
        assert_abs_diff_eq!(scores.nmi, 0.5158, epsilon = 5e-5);
        assert_abs_diff_eq!(scores.ari, 0.2424, epsilon = 5e-5);
        assert_eq!(
            scores.accuracy,
            accuracy(&truth, &assignments).unwrap().value
        );
        assert_eq!(
            scores.nmi,
            nmi(&truth, &assignments, Normalizer::Arithmetic).unwrap()
        );
        assert_eq!(scores.ari, ari(&truth, &assignments).unwrap());
    }

    #[test]
    fn score_refuses_bad_input() {
        assert!(matches!(score(&[], &[]), Err(crate::Error::EmptyInput(_))));
        assert!(matches!(
            score(&[1], &[1, 2]),
            Err(crate::Error::ShapeMismatch { .. })
        ));
    }
}
