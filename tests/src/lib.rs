//! Shared proptest strategies for the integration and property tests.

pub mod shapes;
pub mod warp_strategies;

/// Strategies for the clustering-metric properties: labellings and renamings of their ids.
pub mod metrics_strategies {
    use proptest::collection::{btree_set, vec};
    use proptest::prelude::*;

    /// Yields a ground-truth labelling and cluster assignments of one common length in
    /// `1..=max_len`, each id in `0..n_ids`.
    pub fn labelling_pair(
        max_len: usize,
        n_ids: u32,
    ) -> impl Strategy<Value = (Vec<u32>, Vec<u32>)> {
        (1..=max_len).prop_flat_map(move |len| (vec(0..n_ids, len), vec(0..n_ids, len)))
    }

    /// Yields a labelling of length `1..=max_len` with ids in `0..n_ids`.
    pub fn labelling(max_len: usize, n_ids: u32) -> impl Strategy<Value = Vec<u32>> {
        vec(0..n_ids, 1..=max_len)
    }

    /// Yields an injective renaming of the ids `0..n_ids`: entry `i` is the new id of `i`. The
    /// new ids are arbitrary distinct `u32` values in random order, so a renaming changes both
    /// the values and their sorted order.
    pub fn id_renaming(n_ids: u32) -> impl Strategy<Value = Vec<u32>> {
        btree_set(any::<u32>(), n_ids as usize)
            .prop_map(|ids| ids.into_iter().collect::<Vec<u32>>())
            .prop_shuffle()
    }

    /// Applies `renaming` (from [`id_renaming`]) to every id of `labelling`.
    #[must_use]
    pub fn rename(labelling: &[u32], renaming: &[u32]) -> Vec<u32> {
        labelling.iter().map(|&id| renaming[id as usize]).collect()
    }
}
