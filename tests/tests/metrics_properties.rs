//! Properties of the clustering metrics: invariance under renaming ids, perfect and
//! single-cluster labellings, symmetry, ranges, and optimality of the Hungarian matching.

use approx::assert_abs_diff_eq;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use stk_harness::metrics::{Normalizer, accuracy, ari, nmi};
use stk_tests::metrics_strategies::{id_renaming, labelling, labelling_pair, rename};

/// Largest id count the strategies use; brute-force matching below enumerates maps over it.
const N_IDS: u32 = 5;
const MAX_LEN: usize = 40;

/// NMI sums cells in the order of their sorted ids, so renaming can change the last bits.
const NMI_EPSILON: f64 = 1e-12;

/// Returns the most points any one-to-one map of clusters to labels gets right, by trying
/// every map (clusters in `0..N_IDS`, labels in `0..N_IDS`, each label used at most once).
fn brute_force_n_correct(truth: &[u32], assignments: &[u32]) -> u64 {
    let n = N_IDS as usize;
    let mut counts = vec![[0_u64; N_IDS as usize]; n];
    for (&label, &cluster) in truth.iter().zip(assignments) {
        counts[cluster as usize][label as usize] += 1;
    }
    // Each cluster either stays unmatched or takes a label not yet used; recurse over clusters.
    fn best(counts: &[[u64; N_IDS as usize]], cluster: usize, used: &mut [bool]) -> u64 {
        if cluster == counts.len() {
            return 0;
        }
        let mut result = best(counts, cluster + 1, used);
        for label in 0..used.len() {
            if !used[label] {
                used[label] = true;
                result = result.max(counts[cluster][label] + best(counts, cluster + 1, used));
                used[label] = false;
            }
        }
        result
    }
    best(&counts, 0, &mut [false; N_IDS as usize])
}

proptest! {
    // Integration tests have no lib.rs above them, so the regressions file is named outright
    // (relative to the `tests` crate, where Cargo runs the test).
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/metrics_properties.txt"
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn renaming_cluster_ids_changes_nothing(
        (truth, assignments) in labelling_pair(MAX_LEN, N_IDS),
        renaming in id_renaming(N_IDS),
    ) {
        let renamed = rename(&assignments, &renaming);
        let before = accuracy(&truth, &assignments).unwrap();
        let after = accuracy(&truth, &renamed).unwrap();
        prop_assert_eq!(before.n_correct, after.n_correct);
        prop_assert_eq!(before.value, after.value);
        prop_assert_eq!(ari(&truth, &assignments).unwrap(), ari(&truth, &renamed).unwrap());
        for normalizer in [Normalizer::Arithmetic, Normalizer::Geometric] {
            assert_abs_diff_eq!(
                nmi(&truth, &assignments, normalizer).unwrap(),
                nmi(&truth, &renamed, normalizer).unwrap(),
                epsilon = NMI_EPSILON
            );
        }
    }

    #[test]
    fn renaming_label_ids_changes_nothing(
        (truth, assignments) in labelling_pair(MAX_LEN, N_IDS),
        renaming in id_renaming(N_IDS),
    ) {
        let renamed = rename(&truth, &renaming);
        prop_assert_eq!(
            accuracy(&truth, &assignments).unwrap().n_correct,
            accuracy(&renamed, &assignments).unwrap().n_correct
        );
        prop_assert_eq!(ari(&truth, &assignments).unwrap(), ari(&renamed, &assignments).unwrap());
        assert_abs_diff_eq!(
            nmi(&truth, &assignments, Normalizer::Arithmetic).unwrap(),
            nmi(&renamed, &assignments, Normalizer::Arithmetic).unwrap(),
            epsilon = NMI_EPSILON
        );
    }

    #[test]
    fn a_renamed_copy_of_the_truth_scores_exactly_one(
        truth in labelling(MAX_LEN, N_IDS),
        renaming in id_renaming(N_IDS),
    ) {
        let assignments = rename(&truth, &renaming);
        prop_assert_eq!(accuracy(&truth, &assignments).unwrap().value, 1.0);
        prop_assert_eq!(nmi(&truth, &assignments, Normalizer::Arithmetic).unwrap(), 1.0);
        prop_assert_eq!(nmi(&truth, &assignments, Normalizer::Geometric).unwrap(), 1.0);
        prop_assert_eq!(ari(&truth, &assignments).unwrap(), 1.0);
    }

    #[test]
    fn a_single_cluster_scores_the_largest_class_share(
        truth in labelling(MAX_LEN, N_IDS),
        cluster in any::<u32>(),
    ) {
        let assignments = vec![cluster; truth.len()];
        let largest = (0..N_IDS)
            .map(|label| truth.iter().filter(|&&l| l == label).count())
            .max()
            .unwrap();
        let acc = accuracy(&truth, &assignments).unwrap();
        prop_assert_eq!(acc.n_correct, largest as u64);
        prop_assert_eq!(acc.value, largest as f64 / truth.len() as f64);
        let single_class = largest == truth.len();
        let expected = if single_class { 1.0 } else { 0.0 };
        prop_assert_eq!(nmi(&truth, &assignments, Normalizer::Arithmetic).unwrap(), expected);
        prop_assert_eq!(ari(&truth, &assignments).unwrap(), expected);
    }

    #[test]
    fn hungarian_matching_is_optimal((truth, assignments) in labelling_pair(MAX_LEN, N_IDS)) {
        let acc = accuracy(&truth, &assignments).unwrap();
        prop_assert_eq!(acc.n_correct, brute_force_n_correct(&truth, &assignments));

        // The map is one-to-one and its counts are real overlaps.
        let mut labels: Vec<u32> = acc.mapping.iter().filter_map(|m| m.label).collect();
        let n_mapped = labels.len();
        labels.sort_unstable();
        labels.dedup();
        prop_assert_eq!(labels.len(), n_mapped);
        for m in &acc.mapping {
            let overlap = truth
                .iter()
                .zip(&assignments)
                .filter(|&(&l, &c)| c == m.cluster && Some(l) == m.label)
                .count() as u64;
            prop_assert_eq!(m.n_matched, overlap);
        }
    }

    #[test]
    fn metrics_are_symmetric_finite_and_in_range(
        (truth, assignments) in labelling_pair(MAX_LEN, N_IDS),
    ) {
        let acc = accuracy(&truth, &assignments).unwrap();
        prop_assert!((0.0..=1.0).contains(&acc.value));
        prop_assert_eq!(acc.n_correct, accuracy(&assignments, &truth).unwrap().n_correct);

        let forward = ari(&truth, &assignments).unwrap();
        prop_assert!(forward.is_finite() && (-1.0..=1.0).contains(&forward), "ari {}", forward);
        prop_assert_eq!(forward, ari(&assignments, &truth).unwrap());

        for normalizer in [Normalizer::Arithmetic, Normalizer::Geometric] {
            let forward = nmi(&truth, &assignments, normalizer).unwrap();
            prop_assert!((0.0..=1.0).contains(&forward), "nmi {}", forward);
            assert_abs_diff_eq!(
                forward,
                nmi(&assignments, &truth, normalizer).unwrap(),
                epsilon = NMI_EPSILON
            );
        }
    }
}
