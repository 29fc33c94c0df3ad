//! The adjusted Rand index (Hubert and Arabie, 1985).

use super::contingency::Contingency;
use crate::Result;

/// Returns the adjusted Rand index of `assignments` against `truth`: at most 1, near 0 for
/// chance agreement, negative when agreement is worse than chance.
///
/// Over all pairs of points, let `together` count the pairs in one label and one cluster,
/// `split` the pairs in different labels and different clusters, `only_truth` the pairs that
/// share a label but not a cluster and `only_assignments` the reverse. Then
///
/// ```text
/// ARI = 2 (together·split − only_truth·only_assignments)
///       / ((together + only_truth)(only_truth + split)
///          + (together + only_assignments)(only_assignments + split))
/// ```
///
/// which equals Hubert and Arabie's `(index − expected) / (max − expected)`. Pair counts and
/// products are exact integers (`u128`), so 70,000 points cannot overflow and identical
/// partitions score exactly 1.
///
/// Degenerate labellings follow scikit-learn (`adjusted_rand_score`), except for empty input:
///
/// - the same partition on both sides (up to renaming ids), including a single point, both a
///   single cluster and both all singletons: exactly 1;
/// - one side a single cluster and the other not: 0;
/// - the denominator is non-zero in every other case, so the value is never NaN.
///
/// # Errors
///
/// [`Error::EmptyInput`](crate::Error::EmptyInput) if there are no points (scikit-learn
/// returns 1 there; we refuse) and [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if
/// the lengths differ.
pub fn ari(truth: &[u32], assignments: &[u32]) -> Result<f64> {
    let table = Contingency::new(truth, assignments)?;
    Ok(ari_of_table(&table))
}

/// Returns the ARI for an already built contingency table.
pub(crate) fn ari_of_table(table: &Contingency) -> f64 {
    // No pair disagrees: the partitions are the same (this also covers n <= 1).
    if table.is_identical_partition() {
        return 1.0;
    }

    let total = pairs(table.n_samples());
    let together = table.cells().iter().map(|c| pairs(c.count)).sum::<u128>();
    let same_label = table.label_totals().iter().map(|&c| pairs(c)).sum::<u128>();
    let same_cluster = table
        .cluster_totals()
        .iter()
        .map(|&c| pairs(c))
        .sum::<u128>();
    let only_truth = same_label - together;
    let only_assignments = same_cluster - together;
    let split = total - together - only_truth - only_assignments;

    // Signed, because disagreeing pairs can outweigh agreeing ones.
    let numerator = to_i128(together * split) - to_i128(only_truth * only_assignments);
    let denominator = same_label * (only_truth + split) + same_cluster * (only_assignments + split);

    // The denominator is zero only if both terms are: each needs one side to have no pairs
    // together or none apart, and every such combination that is not caught above is a
    // single-point or identical labelling. Keep the guard anyway.
    if denominator == 0 {
        return 1.0;
    }
    2.0 * numerator as f64 / denominator as f64
}

/// Returns the number of unordered pairs among `count` points.
fn pairs(count: u64) -> u128 {
    let count = u128::from(count);
    count * count.saturating_sub(1) / 2
}

/// Converts a pair-count product to `i128` (lossless: products of two counts of pairs of at
/// most 2⁶⁴ points stay below 2¹²⁶).
fn to_i128(value: u128) -> i128 {
    i128::try_from(value).unwrap_or(i128::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use approx::assert_abs_diff_eq;

    #[test]
    fn known_value_three_clusters_two_classes() {
        let value = ari(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2]).unwrap();
        assert_abs_diff_eq!(value, 0.2424, epsilon = 5e-5);
    }

    #[test]
    fn swapped_ids_give_one() {
        assert_eq!(ari(&[0, 0, 1, 1], &[1, 1, 0, 0]).unwrap(), 1.0);
    }

    #[test]
    fn crossed_halves_give_minus_one_half() {
        assert_eq!(ari(&[0, 0, 1, 1], &[0, 1, 0, 1]).unwrap(), -0.5);
    }

    #[test]
    fn pairs_against_singletons_give_zero() {
        assert_eq!(ari(&[0, 0, 1, 1], &[0, 1, 2, 3]).unwrap(), 0.0);
    }

    #[test]
    fn both_single_clusters_give_one() {
        assert_eq!(ari(&[2; 6], &[9; 6]).unwrap(), 1.0);
    }

    #[test]
    fn both_all_singletons_give_one() {
        assert_eq!(ari(&[0, 1, 2, 3, 4], &[4, 0, 3, 1, 2]).unwrap(), 1.0);
    }

    #[test]
    fn one_point_labellings_give_one() {
        assert_eq!(ari(&[0], &[1]).unwrap(), 1.0);
    }

    #[test]
    fn one_side_single_gives_zero() {
        assert_eq!(ari(&[0, 0, 0, 0], &[0, 1, 2, 2]).unwrap(), 0.0);
        assert_eq!(ari(&[0, 1, 1, 2], &[3, 3, 3, 3]).unwrap(), 0.0);
    }

    #[test]
    fn twenty_two_points_with_one_stray_gives_zero() {
        let truth = [0; 22];
        let mut assignments = [0; 22];
        assignments[20] = 1;
        assert_eq!(ari(&truth, &assignments).unwrap(), 0.0);
    }

    #[test]
    fn seventy_thousand_points_in_ten_clusters_give_exactly_one() {
        let truth: Vec<u32> = (0..70_000).map(|i| i % 10).collect();
        let assignments: Vec<u32> = truth.iter().map(|&l| (l * 7 + 3) % 10 + 100).collect();
        assert_eq!(ari(&truth, &assignments).unwrap(), 1.0);
    }

    #[test]
    fn seventy_thousand_points_with_one_move_stay_finite_and_below_one() {
        // Not an identical partition, so the exact pair arithmetic runs on 2.4e9 pairs.
        let truth: Vec<u32> = (0..70_000).map(|i| i % 10).collect();
        let mut assignments = truth.clone();
        assignments[0] = 1;
        let value = ari(&truth, &assignments).unwrap();
        assert!(value.is_finite() && value < 1.0 && value > 0.999, "{value}");
    }

    #[test]
    fn empty_and_mismatched_inputs_are_errors() {
        assert!(matches!(ari(&[], &[]), Err(Error::EmptyInput(_))));
        assert!(matches!(
            ari(&[0, 1], &[0, 1, 1]),
            Err(Error::ShapeMismatch { .. })
        ));
    }
}
