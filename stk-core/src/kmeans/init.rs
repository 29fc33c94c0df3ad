//! k-means++ seeding on raw pixels (Arthur and Vassilvitskii, 2006).

use alloc::vec;
use alloc::vec::Vec;

use rand_core::Rng;

use crate::images::Images;
use crate::{Error, math, uniform};

/// Chooses `n_clusters` data as initial centroids by greedy k-means++ and returns their indices
/// in the order they were chosen.
///
/// The first centroid is a datum drawn uniformly. Each further one is the best of
/// `2 + ⌊ln K⌋` candidates drawn with probability proportional to D², the squared Euclidean
/// distance of a datum to its nearest chosen centroid; "best" means the candidate that leaves
/// the smallest total D² (ties go to the earlier candidate). This greedy form is what the
/// common libraries run by default.
///
/// When every remaining D² is zero (the data hold fewer than `n_clusters` distinct images),
/// the next centroid is the lowest-index datum not chosen yet, so the result is still
/// `n_clusters` distinct indices and nothing divides by zero.
///
/// Distances are exact on raw pixels; no warp is involved, so K-means, AI K-means and ST
/// K-means can start from the very same centroids.
///
/// # Errors
///
/// - [`Error::InvalidParameter`] if `n_clusters` is 0;
/// - [`Error::TooManyClusters`] if `n_clusters` exceeds the number of images.
pub fn kmeans_plus_plus<R: Rng + ?Sized>(
    images: &Images<'_>,
    n_clusters: usize,
    rng: &mut R,
) -> Result<Vec<usize>, Error> {
    let n_samples = images.n_samples();
    if n_clusters == 0 {
        return Err(Error::InvalidParameter {
            name: "n_clusters",
            reason: "must be at least 1",
        });
    }
    if n_clusters > n_samples {
        return Err(Error::TooManyClusters {
            n_clusters,
            n_samples,
        });
    }

    let n_trials = 2 + math::ln_f64(n_clusters as f64) as usize;
    let mut chosen = Vec::with_capacity(n_clusters);
    let mut is_chosen = vec![false; n_samples];
    let mut closest = vec![0.0f64; n_samples];
    let mut candidate = vec![0.0f64; n_samples];
    let mut best_candidate = vec![0.0f64; n_samples];

    // First centroid: uniform over the data.
    let first = ((uniform::unit_f64(rng) * n_samples as f64) as usize).min(n_samples - 1);
    chosen.push(first);
    is_chosen[first] = true;
    squared_distances_into(images, first, &mut closest);

    while chosen.len() < n_clusters {
        let total: f64 = closest.iter().sum();
        let next = if total > 0.0 {
            let mut best_idx = usize::MAX;
            let mut best_potential = f64::INFINITY;
            for _ in 0..n_trials {
                let idx = draw_weighted(&closest, total, rng);
                squared_distances_into(images, idx, &mut candidate);
                let potential: f64 = closest
                    .iter()
                    .zip(&candidate)
                    .map(|(&c, &d)| c.min(d))
                    .sum();
                if potential < best_potential {
                    best_potential = potential;
                    best_idx = idx;
                    core::mem::swap(&mut candidate, &mut best_candidate);
                }
            }
            for (c, &d) in closest.iter_mut().zip(&best_candidate) {
                *c = c.min(d);
            }
            best_idx
        } else {
            // All data coincide with chosen centroids: take the first datum not chosen.
            // n_clusters <= n_samples guarantees an unchosen datum exists.
            let idx = is_chosen.iter().position(|&c| !c).unwrap_or(0);
            squared_distances_into(images, idx, &mut candidate);
            for (c, &d) in closest.iter_mut().zip(&candidate) {
                *c = c.min(d);
            }
            idx
        };
        chosen.push(next);
        is_chosen[next] = true;
    }
    Ok(chosen)
}

/// Copies the images at `indices` into one buffer, image after image.
#[must_use]
pub fn gather(images: &Images<'_>, indices: &[usize]) -> Vec<f32> {
    let mut out = Vec::with_capacity(indices.len() * images.n_pixels());
    for &idx in indices {
        out.extend_from_slice(images.image(idx));
    }
    out
}

/// Writes ‖x_i − x_center‖² for every datum i (f32 differences summed in f64).
fn squared_distances_into(images: &Images<'_>, center: usize, out: &mut [f64]) {
    let center = images.image(center);
    for (idx, d) in out.iter_mut().enumerate() {
        *d = squared_distance(images.image(idx), center);
    }
}

/// Returns ‖a − b‖², summed in f64.
pub(crate) fn squared_distance(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| {
            let d = f64::from(x - y);
            d * d
        })
        .sum()
}

/// Draws an index with probability proportional to `weights` (non-negative, summing to
/// `total` > 0). Only an index of positive weight can be returned.
fn draw_weighted<R: Rng + ?Sized>(weights: &[f64], total: f64, rng: &mut R) -> usize {
    let target = uniform::unit_f64(rng) * total;
    let mut cumulative = 0.0;
    let mut last_positive = 0;
    for (idx, &w) in weights.iter().enumerate() {
        if w > 0.0 {
            cumulative += w;
            last_positive = idx;
            if cumulative > target {
                return idx;
            }
        }
    }
    // Rounding left the target at the very top of the total: the last positive weight.
    last_positive
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    fn rng() -> Pcg64Mcg {
        Pcg64Mcg::seed_from_u64(7)
    }

    #[test]
    fn picks_one_datum_from_each_far_apart_group() {
        // Three tight groups on a line, far apart: any sane seeding takes one of each.
        let pixels: Vec<f32> = [0.0, 0.1, 0.2, 50.0, 50.1, 50.2, 100.0, 100.1, 100.2].to_vec();
        let images = Images::new(&pixels, 1, 1).unwrap();
        for seed in 0..20 {
            let mut rng = Pcg64Mcg::seed_from_u64(seed);
            let mut groups: Vec<usize> = kmeans_plus_plus(&images, 3, &mut rng)
                .unwrap()
                .into_iter()
                .map(|i| i / 3)
                .collect();
            groups.sort_unstable();
            assert_eq!(groups, [0, 1, 2], "seed {seed}");
        }
    }

    #[test]
    fn same_seed_gives_same_centroids() {
        let pixels: Vec<f32> = (0..40).map(|i| ((i * 37) % 11) as f32).collect();
        let images = Images::new(&pixels, 2, 2).unwrap();
        let a = kmeans_plus_plus(&images, 4, &mut rng()).unwrap();
        let b = kmeans_plus_plus(&images, 4, &mut rng()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn fewer_distinct_data_than_clusters_still_gives_distinct_indices() {
        let pixels = [3.0f32; 5];
        let images = Images::new(&pixels, 1, 1).unwrap();
        let mut chosen = kmeans_plus_plus(&images, 5, &mut rng()).unwrap();
        chosen.sort_unstable();
        assert_eq!(chosen, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn k_equal_to_n_chooses_every_datum() {
        let pixels = [1.0f32, 2.0, 3.0, 4.0];
        let images = Images::new(&pixels, 1, 1).unwrap();
        let mut chosen = kmeans_plus_plus(&images, 4, &mut rng()).unwrap();
        chosen.sort_unstable();
        assert_eq!(chosen, [0, 1, 2, 3]);
    }

    #[test]
    fn zero_clusters_is_an_error() {
        let images = Images::new(&[1.0], 1, 1).unwrap();
        assert!(matches!(
            kmeans_plus_plus(&images, 0, &mut rng()).unwrap_err(),
            Error::InvalidParameter {
                name: "n_clusters",
                ..
            }
        ));
    }

    #[test]
    fn more_clusters_than_data_is_an_error() {
        let images = Images::new(&[1.0, 2.0, 3.0], 1, 1).unwrap();
        assert_eq!(
            kmeans_plus_plus(&images, 5, &mut rng()).unwrap_err(),
            Error::TooManyClusters {
                n_clusters: 5,
                n_samples: 3
            }
        );
    }

    #[test]
    fn weighted_draw_never_returns_a_zero_weight() {
        let weights = [0.0, 2.0, 0.0, 1.0, 0.0];
        let mut rng = rng();
        for _ in 0..200 {
            let idx = draw_weighted(&weights, 3.0, &mut rng);
            assert!(idx == 1 || idx == 3);
        }
    }
}
