//! Strategies and fixtures for the warp-engine properties: smooth test images, affine maps and
//! warp parameters whose samples stay away from integer coordinates (where bilinear sampling
//! has kinks and finite differences are meaningless).

use proptest::prelude::*;
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// Side of the square test images.
pub const SIDE: usize = 28;

/// Returns `SIDE × SIDE` pixels of a digit-like image: a smooth stroke (Gaussian profile, σ
/// about 1.2 pixels) through four points drawn from `seed`, values in `[0, 1]`.
#[must_use]
pub fn stroke_image(seed: u64) -> Vec<f32> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut uniform = |lo: f32, hi: f32| -> f32 {
        lo + (hi - lo) * ((rng.next_u32() >> 8) as f32 / (1u32 << 24) as f32)
    };
    let points: Vec<(f32, f32)> = (0..4)
        .map(|_| (uniform(7.0, 21.0), uniform(7.0, 21.0)))
        .collect();
    render_stroke(&points, 0.0, 0.0)
}

/// Returns the stroke through `points` rendered with its content moved by `(dx, dy)` pixels.
#[must_use]
pub fn render_stroke(points: &[(f32, f32)], dx: f32, dy: f32) -> Vec<f32> {
    let mut image = vec![0.0f32; SIDE * SIDE];
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        for t in 0..24 {
            let s = t as f32 / 23.0;
            let (cx, cy) = (x0 + s * (x1 - x0) + dx, y0 + s * (y1 - y0) + dy);
            for (p, value) in image.iter_mut().enumerate() {
                let (x, y) = ((p % SIDE) as f32, (p / SIDE) as f32);
                let d2 = (x - cx).powi(2) + (y - cy).powi(2);
                *value = value.max((-d2 / 3.0).exp());
            }
        }
    }
    image
}

/// Yields image seeds.
pub fn image_seed() -> impl Strategy<Value = u64> {
    any::<u64>()
}

/// Yields an affine displacement `[a₀, …, a₅]` (normalised units, the affine-family
/// convention): translations up to ±0.2 and linear parts up to ±0.15.
pub fn affine_displacement() -> impl Strategy<Value = [f32; 6]> {
    (
        -0.2f32..0.2,
        -0.15f32..0.15,
        -0.15f32..0.15,
        -0.2f32..0.2,
        -0.15f32..0.15,
        -0.15f32..0.15,
    )
        .prop_map(|(a0, a1, a2, a3, a4, a5)| [a0, a1, a2, a3, a4, a5])
}

/// Yields an affine displacement for `SIDE × SIDE` images whose samples all lie at least 0.15
/// pixel from integer coordinates: a translation of an integer (−3..=3) plus a fraction in
/// `0.35..0.65` pixels per axis, and linear parts of at most ±0.004 (0.054 pixel at the
/// border).
pub fn off_integer_affine() -> impl Strategy<Value = [f32; 6]> {
    let scale = (SIDE - 1) as f32 / 2.0;
    let shift = (-3i32..=3, 0.35f32..0.65).prop_map(move |(k, f)| (k as f32 + f) / scale);
    let linear = -0.004f32..0.004;
    (
        shift.clone(),
        linear.clone(),
        linear.clone(),
        shift,
        linear.clone(),
        linear,
    )
        .prop_map(|(a0, a1, a2, a3, a4, a5)| [a0, a1, a2, a3, a4, a5])
}

/// Yields `len` small non-rigid displacements, at most ±`amplitude` each (normalised).
pub fn small_displacements(len: usize, amplitude: f32) -> impl Strategy<Value = Vec<f32>> {
    proptest::collection::vec(-amplitude..amplitude, len)
}
