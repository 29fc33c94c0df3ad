//! Generated images: smooth strokes under random rigid motions, for clustering tests.

use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// Side of the generated toy images, in pixels.
pub const TOY_SIDE: usize = 20;

/// A uniform float in `[lo, hi)` from the top 24 bits of one draw.
fn uniform(rng: &mut Pcg64Mcg, lo: f32, hi: f32) -> f32 {
    let unit = (rng.next_u32() >> 8) as f32 / (1u32 << 24) as f32;
    lo + (hi - lo) * unit
}

/// Points along the strokes of toy shape `class` (0: cross, 1: ring, 2: corner), in
/// normalised coordinates `[-1, 1]²`.
fn strokes(class: usize) -> Vec<[f32; 2]> {
    let steps = 24;
    let t = |i: usize| i as f32 / (steps - 1) as f32;
    match class {
        0 => (0..steps)
            .flat_map(|i| {
                let s = -0.5 + t(i);
                [[s, 0.0], [0.0, s]]
            })
            .collect(),
        1 => (0..2 * steps)
            .map(|i| {
                let a = core::f32::consts::TAU * i as f32 / (2 * steps) as f32;
                [0.45 * a.cos(), 0.45 * a.sin()]
            })
            .collect(),
        _ => (0..steps)
            .flat_map(|i| {
                let s = -0.5 + t(i);
                [[-0.5, s], [s, 0.5]]
            })
            .collect(),
    }
}

/// Renders stroke points rotated by `angle` and shifted by `shift` (pixels) as a `side ×
/// side` image of Gaussian strokes (σ = 0.9 px, peak 1).
#[must_use]
pub fn render(points: &[[f32; 2]], side: usize, angle: f32, shift: [f32; 2]) -> Vec<f32> {
    let half = (side - 1) as f32 / 2.0;
    let (sin, cos) = angle.sin_cos();
    let placed: Vec<[f32; 2]> = points
        .iter()
        .map(|&[u, v]| {
            let (ru, rv) = (cos * u - sin * v, sin * u + cos * v);
            [half + ru * half + shift[0], half + rv * half + shift[1]]
        })
        .collect();
    let sigma2 = 2.0 * 0.9f32 * 0.9;
    (0..side * side)
        .map(|p| {
            let (x, y) = ((p % side) as f32, (p / side) as f32);
            placed
                .iter()
                .map(|&[px, py]| (-((x - px).powi(2) + (y - py).powi(2)) / sigma2).exp())
                .fold(0.0f32, f32::max)
        })
        .collect()
}

/// Returns `n_per_class` images of each of three shapes (cross, ring, corner), each rotated by
/// up to `max_angle` radians and shifted by up to `max_shift` pixels, with their labels.
/// Classes are interleaved (label of image i is i mod 3).
#[must_use]
pub fn toy_shapes(
    n_per_class: usize,
    max_angle: f32,
    max_shift: f32,
    seed: u64,
) -> (Vec<f32>, Vec<u32>) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut pixels = Vec::with_capacity(3 * n_per_class * TOY_SIDE * TOY_SIDE);
    let mut labels = Vec::with_capacity(3 * n_per_class);
    let shapes: Vec<Vec<[f32; 2]>> = (0..3).map(strokes).collect();
    for _ in 0..n_per_class {
        for (class, shape) in shapes.iter().enumerate() {
            let angle = uniform(&mut rng, -max_angle, max_angle);
            let shift = [
                uniform(&mut rng, -max_shift, max_shift),
                uniform(&mut rng, -max_shift, max_shift),
            ];
            pixels.extend(render(shape, TOY_SIDE, angle, shift));
            labels.push(class as u32);
        }
    }
    (pixels, labels)
}

/// Returns the fraction of data whose cluster maps to their label under the best one-to-one
/// map of clusters to labels, by brute force over the permutations of `n_classes` (≤ 8).
#[must_use]
pub fn brute_force_accuracy(labels: &[u32], assignments: &[u32], n_classes: usize) -> f64 {
    fn permutations(n: usize) -> Vec<Vec<usize>> {
        if n == 0 {
            return vec![Vec::new()];
        }
        let mut out = Vec::new();
        for p in permutations(n - 1) {
            for pos in 0..=p.len() {
                let mut q = p.clone();
                q.insert(pos, n - 1);
                out.push(q);
            }
        }
        out
    }
    permutations(n_classes)
        .iter()
        .map(|perm| {
            labels
                .iter()
                .zip(assignments)
                .filter(|&(&l, &a)| perm.get(a as usize) == Some(&(l as usize)))
                .count()
        })
        .max()
        .unwrap_or(0) as f64
        / labels.len() as f64
}

/// Side of the images of [`small_dataset`].
pub const SMALL_SIDE: usize = 10;

/// Returns `n` random stroke images of [`SMALL_SIDE`]² pixels drawn from `seed`: each a stroke
/// through three points, so data differ in shape and position.
#[must_use]
pub fn random_strokes(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    (0..n)
        .flat_map(|_| {
            let points: Vec<[f32; 2]> = (0..3)
                .map(|_| [uniform(&mut rng, -0.6, 0.6), uniform(&mut rng, -0.6, 0.6)])
                .collect();
            let dense: Vec<[f32; 2]> = points
                .windows(2)
                .flat_map(|w| {
                    (0..8).map(move |i| {
                        let s = i as f32 / 7.0;
                        [
                            w[0][0] + s * (w[1][0] - w[0][0]),
                            w[0][1] + s * (w[1][1] - w[0][1]),
                        ]
                    })
                })
                .collect();
            render(&dense, SMALL_SIDE, 0.0, [0.0, 0.0])
        })
        .collect()
}

/// Yields `(n_samples, n_clusters, seed)` for small clustering problems: 3 to 8 images and
/// 1 to 3 clusters.
pub fn small_dataset() -> impl proptest::strategy::Strategy<Value = (usize, usize, u64)> {
    use proptest::prelude::*;
    (3usize..=8, 1usize..=3, any::<u64>())
}
