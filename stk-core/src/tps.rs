//! The thin-plate-spline (TPS) system of a fixed set of source control points.
//!
//! Per output coordinate the map is (Bookstein 1989)
//!
//! ```text
//! F(p) = a₁ + a_u u + a_v v + Σⱼ wⱼ U(|p − cⱼ|),   U(r) = r² ln r²,  U(0) = 0
//! L [w; a] = [t; 0],   L = [[K, P], [Pᵀ, 0]],   Kᵢⱼ = U(|cᵢ − cⱼ|),   Pᵢ = (1, uᵢ, vᵢ)
//! ```
//!
//! with |.| the Euclidean norm. L depends only on the source control points, so it is inverted
//! once, in `f64`; then F(p) = φ(p) · L⁻¹[:, ..l] · t with φ(p) = [U(|p − c₁|), …, 1, u, v], a
//! fixed linear map of the targets t.

use alloc::vec;
use alloc::vec::Vec;

use nalgebra::DMatrix;

use crate::error::Error;
use crate::math::ln_f64;

/// Largest accepted 1-norm condition number of L; beyond it the solve loses all `f32` digits.
const MAX_CONDITION: f64 = 1e12;

/// Returns the TPS kernel `U = r² ln r²` of a squared distance `r2`, with `U(0) = 0`.
///
/// The limit of `r² ln r²` at 0 is 0; evaluating the formula there would give `0 · −∞ = NaN`.
#[inline]
#[must_use]
pub(crate) fn kernel(r2: f64) -> f64 {
    if r2 > 0.0 { r2 * ln_f64(r2) } else { 0.0 }
}

/// Returns the `g × g` uniform grid over `[-1, 1]²`, corner to corner, row by row: point
/// `row * g + col` is `(u, v) = (2 col / (g − 1) − 1, 2 row / (g − 1) − 1)`.
#[must_use]
pub(crate) fn uniform_grid(grid_size: usize) -> Vec<[f64; 2]> {
    let step = if grid_size > 1 {
        2.0 / (grid_size - 1) as f64
    } else {
        0.0
    };
    let mut points = Vec::with_capacity(grid_size * grid_size);
    for row in 0..grid_size {
        for col in 0..grid_size {
            points.push([col as f64 * step - 1.0, row as f64 * step - 1.0]);
        }
    }
    points
}

/// The inverted TPS system of some source control points.
#[derive(Debug, Clone)]
pub(crate) struct TpsSystem {
    /// Source control points `(u, v)`, normalised.
    control_points: Vec<[f64; 2]>,
    /// L⁻¹, `(l + 3) × (l + 3)`.
    l_inverse: DMatrix<f64>,
}

impl TpsSystem {
    /// Builds and inverts L for the given source control points.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyInput`] without control points, [`Error::NonFinite`] for a non-finite
    /// coordinate, [`Error::SingularSystem`] when L is singular or its condition number exceeds
    /// 10¹² (repeated points, all points on one line, fewer than three points).
    pub(crate) fn new(control_points: Vec<[f64; 2]>) -> Result<Self, Error> {
        let l = control_points.len();
        if l == 0 {
            return Err(Error::EmptyInput);
        }
        if let Some(index) = control_points
            .iter()
            .flatten()
            .position(|value| !value.is_finite())
        {
            return Err(Error::NonFinite { index });
        }

        // L = [[K, P], [Pᵀ, 0]].
        let size = l + 3;
        let mut system = DMatrix::<f64>::zeros(size, size);
        for (i, ci) in control_points.iter().enumerate() {
            for (j, cj) in control_points.iter().enumerate() {
                system[(i, j)] = kernel(squared_distance(*ci, *cj));
            }
            let affine = [1.0, ci[0], ci[1]];
            for (k, value) in affine.into_iter().enumerate() {
                system[(i, l + k)] = value;
                system[(l + k, i)] = value;
            }
        }

        // Invert once; reject what cannot be trusted in f32.
        let singular = Error::SingularSystem;
        let l_inverse = system.clone().try_inverse().ok_or(singular)?;
        let condition = one_norm(&system) * one_norm(&l_inverse);
        if !condition.is_finite() || condition > MAX_CONDITION {
            return Err(singular);
        }
        Ok(Self {
            control_points,
            l_inverse,
        })
    }

    /// Returns the number of control points `l`.
    #[must_use]
    pub(crate) fn n_control_points(&self) -> usize {
        self.control_points.len()
    }

    /// Returns the source control points.
    #[must_use]
    pub(crate) fn control_points(&self) -> &[[f64; 2]] {
        &self.control_points
    }

    /// Writes the weights `m(p)` with `F(p) = Σⱼ m(p)ⱼ tⱼ` for one normalised point `p`,
    /// using `features` (length `l + 3`) as scratch.
    ///
    /// # Panics
    ///
    /// If `features.len() != l + 3` or `weights.len() != l`.
    #[track_caller]
    pub(crate) fn target_weights_into(
        &self,
        point: [f64; 2],
        features: &mut [f64],
        weights: &mut [f64],
    ) {
        let l = self.n_control_points();
        assert_eq!(
            features.len(),
            l + 3,
            "features scratch has the wrong length"
        );
        assert_eq!(weights.len(), l, "weights has the wrong length");
        for (feature, c) in features.iter_mut().zip(&self.control_points) {
            *feature = kernel(squared_distance(point, *c));
        }
        features[l] = 1.0;
        features[l + 1] = point[0];
        features[l + 2] = point[1];
        for (j, weight) in weights.iter_mut().enumerate() {
            let column = self.l_inverse.column(j);
            *weight = features.iter().zip(column.iter()).map(|(f, c)| f * c).sum();
        }
    }

    /// Returns the TPS map of targets `targets` evaluated at `point` (allocates scratch).
    #[must_use]
    pub(crate) fn evaluate(&self, targets: &[[f64; 2]], point: [f64; 2]) -> [f64; 2] {
        let l = self.n_control_points();
        let mut features = vec![0.0; l + 3];
        let mut weights = vec![0.0; l];
        self.target_weights_into(point, &mut features, &mut weights);
        let mut mapped = [0.0; 2];
        for (weight, target) in weights.iter().zip(targets) {
            mapped[0] += weight * target[0];
            mapped[1] += weight * target[1];
        }
        mapped
    }

    /// Returns the bending-energy matrix Ω, the top-left `l × l` block of L⁻¹, row-major (it
    /// is symmetric). For targets t, Σ over both coordinates of tᵀ Ω t equals wᵀ K w, the
    /// bending energy of the interpolating spline for this kernel; Ω annihilates affine
    /// targets.
    #[must_use]
    pub(crate) fn bending_matrix(&self) -> Vec<f64> {
        let l = self.n_control_points();
        let mut omega = Vec::with_capacity(l * l);
        for i in 0..l {
            for j in 0..l {
                omega.push(self.l_inverse[(i, j)]);
            }
        }
        omega
    }
}

/// Returns `|a − b|²`.
#[inline]
fn squared_distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    let du = a[0] - b[0];
    let dv = a[1] - b[1];
    du * du + dv * dv
}

/// Returns the 1-norm (largest absolute column sum) of a matrix.
fn one_norm(matrix: &DMatrix<f64>) -> f64 {
    matrix
        .column_iter()
        .map(|column| column.iter().map(|value| value.abs()).sum::<f64>())
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_is_zero_at_zero_and_finite_near_it() {
        assert_eq!(kernel(0.0), 0.0);
        assert_eq!(kernel(1.0), 0.0);
        let tiny = kernel(1e-300);
        assert!(tiny.is_finite() && tiny <= 0.0);
        assert!((kernel(4.0) - 4.0 * 4.0f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn uniform_grid_spans_the_square_corner_to_corner() {
        let grid = uniform_grid(3);
        assert_eq!(grid.len(), 9);
        assert_eq!(grid[0], [-1.0, -1.0]);
        assert_eq!(grid[1], [0.0, -1.0]);
        assert_eq!(grid[3], [-1.0, 0.0]);
        assert_eq!(grid[8], [1.0, 1.0]);
    }

    #[test]
    fn spline_interpolates_its_control_points() {
        let system = TpsSystem::new(uniform_grid(4)).unwrap();
        let targets: Vec<[f64; 2]> = system
            .control_points()
            .iter()
            .enumerate()
            .map(|(j, c)| [c[0] + 0.01 * j as f64, c[1] - 0.02 * (j % 3) as f64])
            .collect();
        for (c, t) in system.control_points().iter().zip(&targets) {
            let mapped = system.evaluate(&targets, *c);
            assert!((mapped[0] - t[0]).abs() < 1e-10 && (mapped[1] - t[1]).abs() < 1e-10);
        }
    }

    #[test]
    fn bending_matrix_annihilates_affine_targets() {
        let system = TpsSystem::new(uniform_grid(5)).unwrap();
        let l = system.n_control_points();
        let omega = system.bending_matrix();
        let affine: Vec<f64> = system
            .control_points()
            .iter()
            .map(|c| 0.3 + 0.7 * c[0] - 0.2 * c[1])
            .collect();
        for i in 0..l {
            let row: f64 = (0..l).map(|j| omega[i * l + j] * affine[j]).sum();
            assert!(row.abs() < 1e-9, "row {i}: {row}");
        }
    }

    #[test]
    fn repeated_control_points_are_a_singular_system() {
        let mut points = uniform_grid(3);
        points[4] = points[0];
        assert_eq!(TpsSystem::new(points).unwrap_err(), Error::SingularSystem);
    }

    #[test]
    fn collinear_control_points_are_a_singular_system() {
        let points: Vec<[f64; 2]> = (0..5).map(|i| [i as f64 * 0.5 - 1.0, 0.25]).collect();
        assert_eq!(TpsSystem::new(points).unwrap_err(), Error::SingularSystem);
    }

    #[test]
    fn non_finite_or_missing_control_points_are_rejected() {
        assert_eq!(TpsSystem::new(Vec::new()).unwrap_err(), Error::EmptyInput);
        let mut points = uniform_grid(2);
        points[1][1] = f64::NAN;
        assert_eq!(
            TpsSystem::new(points).unwrap_err(),
            Error::NonFinite { index: 3 }
        );
    }
}
