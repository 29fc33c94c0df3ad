//! The contingency table of a ground-truth labelling against a clustering.

use crate::{Error, Result};

/// One non-zero cell of a [`Contingency`] table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// Dense index of the label, into [`Contingency::labels`].
    pub label_idx: usize,
    /// Dense index of the cluster, into [`Contingency::clusters`].
    pub cluster_idx: usize,
    /// How many points carry this label and were assigned to this cluster (never zero).
    pub count: u64,
}

/// The sparse contingency table of ground-truth labels (rows) against cluster assignments
/// (columns).
///
/// Label and cluster ids may be any `u32` values. They are mapped to dense indices in
/// increasing order of their value, so the table, and every metric computed from it, does not
/// depend on the order in which ids first appear. Only non-zero cells are stored, so a
/// clustering into singletons costs memory linear in the number of points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contingency {
    labels: Vec<u32>,
    clusters: Vec<u32>,
    label_totals: Vec<u64>,
    cluster_totals: Vec<u64>,
    cells: Vec<Cell>,
    n_samples: u64,
}

impl Contingency {
    /// Builds the table of `truth` (one label per point) against `assignments` (one cluster id
    /// per point).
    ///
    /// # Errors
    ///
    /// - [`Error::EmptyInput`] if there are no points. (scikit-learn scores an empty pair of
    ///   labellings as a perfect match; we refuse, because a score of nothing is a bug.)
    /// - [`Error::ShapeMismatch`] if the two slices differ in length.
    pub fn new(truth: &[u32], assignments: &[u32]) -> Result<Self> {
        if truth.len() != assignments.len() {
            return Err(Error::ShapeMismatch {
                expected: format!("{} cluster assignments (one per label)", truth.len()),
                found: format!("{} cluster assignments", assignments.len()),
            });
        }
        if truth.is_empty() {
            return Err(Error::EmptyInput("labels and cluster assignments"));
        }

        let labels = sorted_distinct(truth);
        let clusters = sorted_distinct(assignments);

        // Sort the (label, cluster) pairs: equal pairs become runs, and the runs come out in
        // (label, cluster) order with no hashing involved.
        let mut pairs: Vec<(usize, usize)> = truth
            .iter()
            .zip(assignments)
            .map(|(&label, &cluster)| {
                (dense_index(&labels, label), dense_index(&clusters, cluster))
            })
            .collect();
        pairs.sort_unstable();

        let mut label_totals = vec![0_u64; labels.len()];
        let mut cluster_totals = vec![0_u64; clusters.len()];
        let mut cells: Vec<Cell> = Vec::new();
        for run in pairs.chunk_by(|a, b| a == b) {
            let (label_idx, cluster_idx) = run[0];
            let count = to_u64(run.len());
            label_totals[label_idx] += count;
            cluster_totals[cluster_idx] += count;
            cells.push(Cell {
                label_idx,
                cluster_idx,
                count,
            });
        }

        Ok(Self {
            labels,
            clusters,
            label_totals,
            cluster_totals,
            cells,
            n_samples: to_u64(truth.len()),
        })
    }

    /// Returns the distinct label values, in increasing order; a label's position here is its
    /// dense index.
    #[must_use]
    pub fn labels(&self) -> &[u32] {
        &self.labels
    }

    /// Returns the distinct cluster ids, in increasing order; a cluster's position here is its
    /// dense index.
    #[must_use]
    pub fn clusters(&self) -> &[u32] {
        &self.clusters
    }

    /// Returns the number of points with each label (row sums), by dense label index.
    #[must_use]
    pub fn label_totals(&self) -> &[u64] {
        &self.label_totals
    }

    /// Returns the number of points in each cluster (column sums), by dense cluster index.
    #[must_use]
    pub fn cluster_totals(&self) -> &[u64] {
        &self.cluster_totals
    }

    /// Returns the non-zero cells, sorted by label index, then cluster index.
    #[must_use]
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// Returns the number of points.
    #[must_use]
    pub fn n_samples(&self) -> u64 {
        self.n_samples
    }

    /// Returns `true` if the two labellings are the same partition up to a renaming of ids:
    /// every label meets exactly one cluster and every cluster exactly one label.
    #[must_use]
    pub fn is_identical_partition(&self) -> bool {
        self.cells.len() == self.labels.len() && self.cells.len() == self.clusters.len()
    }
}

/// Returns the distinct values of `values`, sorted.
fn sorted_distinct(values: &[u32]) -> Vec<u32> {
    let mut distinct = values.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    distinct
}

/// Returns the position of `value` in `sorted`, which is known to contain it.
fn dense_index(sorted: &[u32], value: u32) -> usize {
    // Every value was collected into `sorted` from the same slice, so the search cannot miss;
    // `unwrap_or_else` keeps this free of a panic path all the same.
    sorted.binary_search(&value).unwrap_or_else(|idx| idx)
}

/// Widens a count or index to `u64` (lossless: `usize` has at most 64 bits on every target
/// Rust supports).
fn to_u64(value: usize) -> u64 {
    value as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_mapped_in_increasing_order() {
        let table = Contingency::new(&[7, 3, 7, 3], &[100, 100, 5, 5]).unwrap();
        assert_eq!(table.labels(), &[3, 7]);
        assert_eq!(table.clusters(), &[5, 100]);
        assert_eq!(table.label_totals(), &[2, 2]);
        assert_eq!(table.cluster_totals(), &[2, 2]);
        let cells: Vec<(usize, usize, u64)> = table
            .cells()
            .iter()
            .map(|c| (c.label_idx, c.cluster_idx, c.count))
            .collect();
        assert_eq!(cells, vec![(0, 0, 1), (0, 1, 1), (1, 0, 1), (1, 1, 1)]);
        assert_eq!(table.n_samples(), 4);
        assert!(!table.is_identical_partition());
    }

    #[test]
    fn only_non_zero_cells_are_stored() {
        let table = Contingency::new(&[0, 0, 1, 1, 1], &[2, 2, 9, 9, 9]).unwrap();
        assert_eq!(table.cells().len(), 2);
        assert_eq!(table.cells()[1].count, 3);
        assert!(table.is_identical_partition());
    }

    #[test]
    fn empty_input_is_refused() {
        let err = Contingency::new(&[], &[]).unwrap_err();
        assert!(matches!(err, Error::EmptyInput(_)), "{err}");
    }

    #[test]
    fn different_lengths_are_refused() {
        let err = Contingency::new(&[0, 1, 2], &[0, 1]).unwrap_err();
        assert!(matches!(err, Error::ShapeMismatch { .. }), "{err}");
        assert!(err.to_string().contains('3'), "{err}");
    }
}
