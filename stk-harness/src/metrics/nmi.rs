//! Normalised mutual information between a ground-truth labelling and a clustering.

use super::contingency::Contingency;
use crate::Result;

/// How mutual information is normalised by the two entropies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Normalizer {
    /// `(H(truth) + H(assignments)) / 2`, the common default (scikit-learn's since 0.22).
    #[default]
    Arithmetic,
    /// `√(H(truth) · H(assignments))`.
    Geometric,
}

/// Returns the normalised mutual information of `assignments` against `truth`, in `[0, 1]`.
///
/// ```text
/// I = Σᵢⱼ (nᵢⱼ/n) ln(n·nᵢⱼ / (aᵢ·bⱼ)),   H(a) = −Σᵢ (aᵢ/n) ln(aᵢ/n)
/// NMI = I / mean(H(truth), H(assignments))
/// ```
///
/// where nᵢⱼ counts points with label i in cluster j, aᵢ and bⱼ are the row and column sums,
/// and `mean` is chosen by `normalizer`. The value does not depend on the ids used, nor on
/// their order.
///
/// Degenerate labellings follow scikit-learn (`normalized_mutual_info_score`), except for
/// empty input:
///
/// - the same partition on both sides (up to renaming ids), including both a single cluster
///   and both all singletons: exactly 1;
/// - one side a single cluster and the other not: 0 (one entropy is zero, and so is I);
/// - rounding never takes the value below 0 or above 1, and it is never NaN.
///
/// # Errors
///
/// [`Error::EmptyInput`](crate::Error::EmptyInput) if there are no points (scikit-learn
/// returns 1 there; we refuse) and [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if
/// the lengths differ.
pub fn nmi(truth: &[u32], assignments: &[u32], normalizer: Normalizer) -> Result<f64> {
    let table = Contingency::new(truth, assignments)?;
    Ok(nmi_of_table(&table, normalizer))
}

/// Returns the NMI for an already built contingency table.
pub(crate) fn nmi_of_table(table: &Contingency, normalizer: Normalizer) -> f64 {
    if table.is_identical_partition() {
        return 1.0;
    }
    if table.labels().len() == 1 || table.clusters().len() == 1 {
        return 0.0;
    }

    let mutual_information = mutual_information(table);
    if mutual_information <= 0.0 {
        return 0.0;
    }
    let n = table.n_samples();
    let h_truth = entropy(table.label_totals(), n);
    let h_assignments = entropy(table.cluster_totals(), n);
    let mean = match normalizer {
        Normalizer::Arithmetic => 0.5 * (h_truth + h_assignments),
        Normalizer::Geometric => (h_truth * h_assignments).sqrt(),
    };

    // Both entropies are positive here (each side has two or more clusters), so the mean is;
    // the floor only guards against rounding, as scikit-learn's does.
    (mutual_information / mean.max(f64::EPSILON)).min(1.0)
}

/// Returns the mutual information (natural log) of the table.
fn mutual_information(table: &Contingency) -> f64 {
    let n = table.n_samples();
    let label_totals = table.label_totals();
    let cluster_totals = table.cluster_totals();
    let mut sum = 0.0;
    for cell in table.cells() {
        // The ratio of exact integer products: for a cell at its independence value it is
        // exactly 1 and the term exactly 0, with no rounding residue.
        let joint = u128::from(n) * u128::from(cell.count);
        let product =
            u128::from(label_totals[cell.label_idx]) * u128::from(cluster_totals[cell.cluster_idx]);
        let ratio = joint as f64 / product as f64;
        sum += cell.count as f64 / n as f64 * ratio.ln();
    }
    sum
}

/// Returns the entropy (natural log) of the distribution given by `totals`, which sum to `n`.
pub(crate) fn entropy(totals: &[u64], n: u64) -> f64 {
    let n = n as f64;
    let sum: f64 = totals
        .iter()
        .map(|&count| {
            let p = count as f64 / n;
            -p * p.ln()
        })
        .sum();
    sum.max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use approx::assert_abs_diff_eq;

    fn arithmetic(truth: &[u32], assignments: &[u32]) -> f64 {
        nmi(truth, assignments, Normalizer::Arithmetic).unwrap()
    }

    #[test]
    fn known_value_three_clusters_two_classes() {
        let value = arithmetic(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2]);
        assert_abs_diff_eq!(value, 0.5158, epsilon = 5e-5);
    }

    #[test]
    fn swapped_ids_give_one() {
        assert_eq!(arithmetic(&[0, 0, 1, 1], &[1, 1, 0, 0]), 1.0);
    }

    #[test]
    fn both_single_clusters_give_one() {
        assert_eq!(arithmetic(&[3; 5], &[8; 5]), 1.0);
        assert_eq!(arithmetic(&[0], &[1]), 1.0);
    }

    #[test]
    fn one_side_single_gives_zero() {
        assert_eq!(arithmetic(&[0, 0, 0, 0], &[0, 1, 2, 2]), 0.0);
        assert_eq!(arithmetic(&[0, 1, 2, 2], &[5, 5, 5, 5]), 0.0);
        assert_eq!(
            nmi(&[0, 1, 2, 2], &[5, 5, 5, 5], Normalizer::Geometric).unwrap(),
            0.0
        );
    }

    #[test]
    fn twenty_two_points_with_one_stray_gives_zero() {
        let truth = [0; 22];
        let mut assignments = [0; 22];
        assignments[20] = 1;
        assert_eq!(arithmetic(&truth, &assignments), 0.0);
    }

    #[test]
    fn both_all_singletons_give_one() {
        assert_eq!(arithmetic(&[0, 1, 2, 3], &[3, 2, 1, 0]), 1.0);
    }

    #[test]
    fn pairs_against_singletons() {
        // I = ln 2, H(truth) = ln 2, H(assignments) = ln 4: arithmetic 2/3, geometric 1/√2.
        let truth = [0, 0, 1, 1];
        let singletons = [0, 1, 2, 3];
        assert_abs_diff_eq!(arithmetic(&truth, &singletons), 0.6667, epsilon = 5e-5);
        let geometric = nmi(&truth, &singletons, Normalizer::Geometric).unwrap();
        assert_abs_diff_eq!(geometric, std::f64::consts::FRAC_1_SQRT_2, epsilon = 1e-12);
    }

    #[test]
    fn independent_labellings_give_zero() {
        assert_eq!(arithmetic(&[0, 0, 1, 1], &[0, 1, 0, 1]), 0.0);
    }

    #[test]
    fn geometric_differs_from_arithmetic() {
        // I = (2/3) ln 2 ≈ 0.4621, H(truth) = ln 2, H(assignments) = ln 3.
        let truth = [0, 0, 0, 1, 1, 1];
        let assignments = [0, 0, 1, 1, 2, 2];
        let geometric = nmi(&truth, &assignments, Normalizer::Geometric).unwrap();
        assert_abs_diff_eq!(geometric, 0.5295, epsilon = 5e-5);
    }

    #[test]
    fn empty_and_mismatched_inputs_are_errors() {
        assert!(matches!(
            nmi(&[], &[], Normalizer::Arithmetic),
            Err(Error::EmptyInput(_))
        ));
        assert!(matches!(
            nmi(&[0], &[0, 1], Normalizer::Geometric),
            Err(Error::ShapeMismatch { .. })
        ));
    }
}
