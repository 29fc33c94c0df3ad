//! Clustering accuracy: the best one-to-one map of clusters to labels (Hungarian matching).

use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;

use super::contingency::Contingency;
use crate::Result;

/// The accuracy of a clustering, with the cluster-to-label map that achieves it.
#[derive(Debug, Clone, PartialEq)]
pub struct Accuracy {
    /// The fraction of points whose cluster is mapped to their label, in `[0, 1]`.
    pub value: f64,
    /// The number of points whose cluster is mapped to their label.
    pub n_correct: u64,
    /// The number of points scored.
    pub n_samples: u64,
    /// One entry per distinct cluster id in the assignments, in increasing order of id.
    pub mapping: Vec<ClusterMatch>,
}

/// Where one cluster goes under the best one-to-one map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterMatch {
    /// The cluster id, as it appears in the assignments.
    pub cluster: u32,
    /// The label the cluster is mapped to, or `None` if the map leaves it unmatched (there are
    /// more clusters than labels, or every label it contains is taken by a larger overlap).
    pub label: Option<u32>,
    /// How many points of the cluster carry the mapped label (zero when unmatched).
    pub n_matched: u64,
}

impl Accuracy {
    /// Returns the label that `cluster` is mapped to, or `None` if it is unmatched or does not
    /// occur in the assignments (an empty cluster).
    #[must_use]
    pub fn label_of(&self, cluster: u32) -> Option<u32> {
        self.mapping
            .binary_search_by_key(&cluster, |m| m.cluster)
            .ok()
            .and_then(|idx| self.mapping[idx].label)
    }
}

/// Returns the clustering accuracy of `assignments` against `truth`: the largest fraction of
/// points that any one-to-one map from cluster ids to labels gets right.
///
/// ```text
/// ACC = max over injective m of (1/n) Σᵢ [truthᵢ = m(assignmentsᵢ)]
/// ```
///
/// The numbers of clusters and labels may differ: clusters beyond the number of labels stay
/// unmatched and their points count as wrong. Ids may be any `u32` values; clusters that
/// receive no point simply do not occur. Only pairs that share at least one point are put in
/// the map, so [`ClusterMatch::label`] is `None` rather than an arbitrary zero-overlap label.
///
/// # Examples
///
/// ```
/// let acc = stk_harness::metrics::accuracy(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2])?;
/// assert_eq!(acc.n_correct, 4);
/// assert_eq!(acc.label_of(2), Some(1));
/// assert_eq!(acc.label_of(1), None);
/// # Ok::<(), stk_harness::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::EmptyInput`](crate::Error::EmptyInput) if there are no points and
/// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if the lengths differ.
///
/// # Limitations
///
/// The matching is solved separately on each connected block of the contingency table (labels
/// and clusters linked by shared points), in time about r²·c for a block of r labels and c
/// clusters with r ≤ c, so scoring hundreds of classes against tens of thousands of clusters
/// that all mix with one another is slow.
pub fn accuracy(truth: &[u32], assignments: &[u32]) -> Result<Accuracy> {
    let table = Contingency::new(truth, assignments)?;
    Ok(accuracy_of_table(&table))
}

/// Returns the accuracy for an already built contingency table.
pub(crate) fn accuracy_of_table(table: &Contingency) -> Accuracy {
    let n_clusters = table.clusters().len();

    // Blocks: labels and clusters joined by a shared point. A matched pair that shares no point
    // adds nothing, so the best map is the union of the best maps of the blocks. This keeps the
    // Hungarian problems small, for example one 1×1 problem per point when both labellings are
    // singletons.
    let blocks = Blocks::new(table);

    let mut label_of_cluster: Vec<Option<usize>> = vec![None; n_clusters];
    for block in &blocks.members {
        match_block(block, &mut label_of_cluster);
    }

    // Read the matched counts back from the table.
    let mut n_matched = vec![0_u64; n_clusters];
    for cell in table.cells() {
        if label_of_cluster[cell.cluster_idx] == Some(cell.label_idx) {
            n_matched[cell.cluster_idx] = cell.count;
        }
    }
    let mapping: Vec<ClusterMatch> = (0..n_clusters)
        .map(|cluster_idx| {
            let label = label_of_cluster[cluster_idx].filter(|_| n_matched[cluster_idx] > 0);
            ClusterMatch {
                cluster: table.clusters()[cluster_idx],
                label: label.map(|label_idx| table.labels()[label_idx]),
                n_matched: n_matched[cluster_idx],
            }
        })
        .collect();

    let n_correct: u64 = n_matched.iter().sum();
    Accuracy {
        value: n_correct as f64 / table.n_samples() as f64,
        n_correct,
        n_samples: table.n_samples(),
        mapping,
    }
}

/// The connected blocks of a contingency table.
struct Blocks {
    /// Each block's label and cluster indices, both increasing; blocks are ordered by their
    /// smallest label index.
    members: Vec<BlockMembers>,
}

/// One connected block of a contingency table.
#[derive(Default)]
struct BlockMembers {
    /// Label indices, increasing.
    labels: Vec<usize>,
    /// Cluster indices, increasing.
    clusters: Vec<usize>,
    /// The block's cells as (position in `labels`, position in `clusters`, count).
    cells: Vec<(usize, usize, u64)>,
}

impl Blocks {
    fn new(table: &Contingency) -> Self {
        let n_labels = table.labels().len();
        let n_clusters = table.clusters().len();

        // Union-find over labels (0..n_labels) and clusters (n_labels..), linked by cells.
        let mut parent: Vec<usize> = (0..n_labels + n_clusters).collect();
        for cell in table.cells() {
            let a = find(&mut parent, cell.label_idx);
            let b = find(&mut parent, n_labels + cell.cluster_idx);
            // The smaller root wins, so the result does not depend on the order of the cells.
            let (low, high) = if a < b { (a, b) } else { (b, a) };
            parent[high] = low;
        }

        // Every cluster holds a point, so it shares a block with some label: the root of each
        // block is a label index, and numbering blocks by label order is deterministic.
        let mut block_of_root = vec![usize::MAX; n_labels];
        let mut members: Vec<BlockMembers> = Vec::new();
        let mut block_of_label = vec![0; n_labels];
        let mut local_label = vec![0; n_labels];
        for label_idx in 0..n_labels {
            let root = find(&mut parent, label_idx);
            if block_of_root[root] == usize::MAX {
                block_of_root[root] = members.len();
                members.push(BlockMembers::default());
            }
            let block = block_of_root[root];
            block_of_label[label_idx] = block;
            local_label[label_idx] = members[block].labels.len();
            members[block].labels.push(label_idx);
        }
        let mut local_cluster = vec![0; n_clusters];
        for (cluster_idx, local) in local_cluster.iter_mut().enumerate() {
            let root = find(&mut parent, n_labels + cluster_idx);
            let block = block_of_root[root];
            *local = members[block].clusters.len();
            members[block].clusters.push(cluster_idx);
        }
        for cell in table.cells() {
            let block = block_of_label[cell.label_idx];
            members[block].cells.push((
                local_label[cell.label_idx],
                local_cluster[cell.cluster_idx],
                cell.count,
            ));
        }

        Self { members }
    }
}

/// Returns the root of `node`, halving the path on the way.
fn find(parent: &mut [usize], mut node: usize) -> usize {
    while parent[node] != node {
        parent[node] = parent[parent[node]];
        node = parent[node];
    }
    node
}

/// Solves the assignment problem of one block and records the matched pairs.
fn match_block(block: &BlockMembers, label_of_cluster: &mut [Option<usize>]) {
    let n_rows = block.labels.len();
    let n_columns = block.clusters.len();

    // `kuhn_munkres` needs rows <= columns, so the smaller side goes on the rows.
    let transpose = n_rows > n_columns;
    let (rows, columns) = if transpose {
        (n_columns, n_rows)
    } else {
        (n_rows, n_columns)
    };
    let mut weights = Matrix::new(rows, columns, 0_i64);
    for &(row, column, count) in &block.cells {
        let at = if transpose {
            (column, row)
        } else {
            (row, column)
        };
        weights[at] = weight(count);
    }

    let (_, column_of_row) = kuhn_munkres(&weights);
    for (row, &column) in column_of_row.iter().enumerate() {
        let (label_local, cluster_local) = if transpose {
            (column, row)
        } else {
            (row, column)
        };
        label_of_cluster[block.clusters[cluster_local]] = Some(block.labels[label_local]);
    }
}

/// Converts a cell count to a matching weight.
fn weight(count: u64) -> i64 {
    // A count is at most the length of a slice of `u32`, and the dual sums `kuhn_munkres` forms
    // are bounded by a few times the number of points: all far below `i64::MAX`. The fallback
    // is unreachable.
    i64::try_from(count).unwrap_or(i64::MAX / 4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn value(truth: &[u32], assignments: &[u32]) -> f64 {
        accuracy(truth, assignments).unwrap().value
    }

    #[test]
    fn known_value_three_clusters_two_classes() {
        let acc = accuracy(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2]).unwrap();
        assert_eq!(acc.n_correct, 4);
        approx::assert_abs_diff_eq!(acc.value, 4.0 / 6.0, epsilon = 1e-12);
        assert_eq!(
            acc.mapping,
            vec![
                ClusterMatch {
                    cluster: 0,
                    label: Some(0),
                    n_matched: 2
                },
                ClusterMatch {
                    cluster: 1,
                    label: None,
                    n_matched: 0
                },
                ClusterMatch {
                    cluster: 2,
                    label: Some(1),
                    n_matched: 2
                },
            ]
        );
    }

    #[test]
    fn swapped_ids_are_a_perfect_match() {
        let acc = accuracy(&[0, 0, 1, 1], &[1, 1, 0, 0]).unwrap();
        assert_eq!(acc.value, 1.0);
        assert_eq!(acc.label_of(1), Some(0));
        assert_eq!(acc.label_of(0), Some(1));
    }

    #[test]
    fn four_pairs_against_two_classes_match_one_to_one() {
        // Many-to-one matching would give 1.0; one-to-one leaves two pairs unmatched.
        let truth = [0, 0, 0, 0, 1, 1, 1, 1];
        let assignments = [0, 0, 1, 1, 2, 2, 3, 3];
        assert_eq!(value(&truth, &assignments), 0.5);
    }

    #[test]
    fn single_cluster_scores_the_largest_class_share() {
        let truth = [4, 4, 9, 9, 9, 2];
        assert_eq!(value(&truth, &[7; 6]), 0.5);
    }

    #[test]
    fn more_classes_than_clusters_leaves_classes_unmatched() {
        let truth = [0, 0, 1, 1, 2, 2];
        let acc = accuracy(&truth, &[5, 5, 5, 5, 6, 6]).unwrap();
        assert_eq!(acc.n_correct, 4);
        assert_eq!(acc.label_of(6), Some(2));
        assert!(matches!(acc.label_of(5), Some(0 | 1)));
    }

    #[test]
    fn arbitrary_ids_and_absent_clusters() {
        let truth = [1_000_000, 1_000_000, 3, 3];
        let acc = accuracy(&truth, &[u32::MAX, u32::MAX, 0, 0]).unwrap();
        assert_eq!(acc.value, 1.0);
        assert_eq!(acc.label_of(u32::MAX), Some(1_000_000));
        assert_eq!(acc.label_of(0), Some(3));
        assert_eq!(acc.label_of(42), None);
    }

    #[test]
    fn hungarian_beats_greedy() {
        // Greedy takes cluster 0 -> label 0 (5 points) and then gets 1 more; the best
        // one-to-one map takes 0 -> 1 and 1 -> 0 for 4 + 4 points.
        let mut truth = Vec::new();
        let mut assignments = Vec::new();
        for (label, cluster, count) in [(0, 0, 5), (1, 0, 4), (0, 1, 4), (1, 1, 1)] {
            truth.extend(std::iter::repeat_n(label, count));
            assignments.extend(std::iter::repeat_n(cluster, count));
        }
        let acc = accuracy(&truth, &assignments).unwrap();
        assert_eq!(acc.n_correct, 8);
        assert_eq!(acc.label_of(0), Some(1));
    }

    #[test]
    fn all_singletons_match_perfectly_without_a_dense_table() {
        let ids: Vec<u32> = (0..20_000).collect();
        let shifted: Vec<u32> = ids.iter().map(|id| id + 7).collect();
        assert_eq!(value(&ids, &shifted), 1.0);
    }

    #[test]
    fn singleton_clusters_against_two_classes() {
        let truth = [0, 0, 0, 1, 1];
        assert_eq!(value(&truth, &[0, 1, 2, 3, 4]), 0.4);
    }

    #[test]
    fn empty_and_mismatched_inputs_are_errors() {
        assert!(matches!(accuracy(&[], &[]), Err(Error::EmptyInput(_))));
        assert!(matches!(
            accuracy(&[0, 1], &[0]),
            Err(Error::ShapeMismatch { .. })
        ));
    }
}
