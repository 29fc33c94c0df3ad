//! Warp families: parameters to dense sampling coordinates and back.
//!
//! A [`Warp`] maps each output pixel p of an H × W image to the source location where the datum
//! is sampled. In normalised coordinates (x_n = 2x / (W − 1) − 1, likewise for y; see the crate
//! docs) every family is the identity grid plus a fixed linear basis times the parameters:
//!
//! ```text
//! source(p) = p + Σⱼ Bⱼ(p) θⱼ        (one θ per coordinate)
//! identity:  no basis, no parameters
//! affine:    B(p) = (1, u, v)          dx = a₀ + a₁u + a₂v,  dy = a₃ + a₄u + a₅v
//! TPS:       B(p) = M(p), n × l        θ = ν, the control-point displacements
//! ```
//!
//! so one forward for a batch of pairs is one matrix product, and so is its gradient.

use alloc::vec;
use alloc::vec::Vec;

use crate::error::Error;
use crate::gemm;
use crate::tps::{self, TpsSystem};

/// Largest accepted TPS grid side (l = 1024 control points).
pub const MAX_GRID_SIZE: usize = 32;

/// Largest accepted number of basis entries n · m (256 MiB of `f32`).
pub const MAX_BASIS_LEN: usize = 1 << 26;

/// Largest accepted image, in pixels.
pub const MAX_PIXELS: usize = 1 << 26;

/// A family of warps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarpFamily {
    /// No warp (plain K-means); no parameters.
    Identity,
    /// Affine warps; 6 parameters (displacement of the identity, normalised units).
    Affine,
    /// Thin-plate splines on a `grid_size × grid_size` grid of control points spanning the
    /// image corner to corner; `2 grid_size²` parameters.
    Tps {
        /// Control points per side, `2 ≤ grid_size ≤ min(H, W)` and at most [`MAX_GRID_SIZE`].
        grid_size: usize,
    },
}

/// Options of a [`Warp`].
///
/// # Defaults
///
/// `bending_penalty = 0` (no regulariser).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TpsConfig {
    /// λ ≥ 0, the weight of the bending energy added to the alignment loss of TPS warps (see
    /// [`Warp::bending_energy_and_grad`]; kernel U(r) = r² ln r²). Ignored by the other
    /// families.
    ///
    /// This penalises the energy of the interpolating spline in the objective; it does not
    /// turn the interpolating spline into the smoothing one (the paper's K + λI form).
    pub bending_penalty: f32,
}

/// A warp family set up for one image size: the fixed basis, identity grid and (TPS) the
/// inverted spline system.
///
/// Immutable once built, so one `Warp` can be shared by reference across threads.
///
/// # Parameter and coordinate layouts
///
/// One parameter vector holds [`n_basis`](Self::n_basis) x-coefficients, then as many
/// y-coefficients, in normalised units. A batch of pairs lays its parameter vectors one after
/// another (pair-major). Coordinates of one pair are [`n_pixels`](Self::n_pixels)
/// x-coordinates (columns), then as many y-coordinates (rows), in pixel units, pixels
/// row-major.
#[derive(Debug, Clone)]
pub struct Warp {
    family: WarpFamily,
    height: usize,
    width: usize,
    n_basis: usize,
    config: TpsConfig,
    /// Basis, column-major `n × m`: column j is basis function j at every pixel.
    basis: Vec<f32>,
    /// Identity coordinates in pixel units: `n` x-coordinates, then `n` y-coordinates.
    grid: Vec<f32>,
    /// Pixels per normalised unit: `((W − 1) / 2, (H − 1) / 2)`.
    scale: [f32; 2],
    /// Normalised control-point coordinates `(u, v)` (TPS only).
    control_points: Vec<[f32; 2]>,
    /// The spline system (TPS only).
    tps: Option<TpsSystem>,
    /// Bending-energy matrix Ω, `l × l`, symmetric (TPS only).
    bending: Vec<f32>,
}

/// Returns the normalised coordinate of pixel index `index` along a side of `len` pixels.
///
/// **Decision**: a side of one pixel has the single normalised coordinate 0 (the formula would
/// divide by zero); displacements along it then move nothing, since its scale is 0.
#[inline]
fn normalised(index: usize, len: usize) -> f64 {
    if len > 1 {
        2.0 * index as f64 / (len - 1) as f64 - 1.0
    } else {
        0.0
    }
}

impl Warp {
    /// Builds a warp of `family` for `height × width` images with the default [`TpsConfig`].
    ///
    /// # Errors
    ///
    /// As [`Warp::with_config`].
    pub fn new(family: WarpFamily, height: usize, width: usize) -> Result<Self, Error> {
        Self::with_config(family, height, width, TpsConfig::default())
    }

    /// Builds a warp of `family` for `height × width` images.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] for a zero side, a TPS `grid_size` below 2 or above
    ///   `min(height, width)`, or a negative or non-finite `bending_penalty`;
    /// - [`Error::GridTooLarge`] for more than [`MAX_PIXELS`] pixels, a `grid_size` above
    ///   [`MAX_GRID_SIZE`] or a basis of more than [`MAX_BASIS_LEN`] entries;
    /// - [`Error::SingularSystem`] if the spline system cannot be inverted reliably.
    pub fn with_config(
        family: WarpFamily,
        height: usize,
        width: usize,
        config: TpsConfig,
    ) -> Result<Self, Error> {
        // Validate sizes and options.
        if height == 0 {
            return Err(Error::InvalidParameter {
                name: "height",
                reason: "must be at least 1",
            });
        }
        if width == 0 {
            return Err(Error::InvalidParameter {
                name: "width",
                reason: "must be at least 1",
            });
        }
        let n = height
            .checked_mul(width)
            .filter(|&n| n <= MAX_PIXELS)
            .ok_or(Error::GridTooLarge {
                what: "n_pixels",
                requested: height.saturating_mul(width),
                limit: MAX_PIXELS,
            })?;
        if !(config.bending_penalty.is_finite() && config.bending_penalty >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "bending_penalty",
                reason: "must be finite and non-negative",
            });
        }
        let n_basis = match family {
            WarpFamily::Identity => 0,
            WarpFamily::Affine => 3,
            WarpFamily::Tps { grid_size } => {
                if grid_size < 2 {
                    return Err(Error::InvalidParameter {
                        name: "grid_size",
                        reason: "must be at least 2",
                    });
                }
                if grid_size > height.min(width) {
                    return Err(Error::InvalidParameter {
                        name: "grid_size",
                        reason: "must not exceed the image's smaller side",
                    });
                }
                if grid_size > MAX_GRID_SIZE {
                    return Err(Error::GridTooLarge {
                        what: "grid_size",
                        requested: grid_size,
                        limit: MAX_GRID_SIZE,
                    });
                }
                grid_size * grid_size
            }
        };
        if n.saturating_mul(n_basis) > MAX_BASIS_LEN {
            return Err(Error::GridTooLarge {
                what: "basis entries",
                requested: n.saturating_mul(n_basis),
                limit: MAX_BASIS_LEN,
            });
        }

        // Identity grid in pixel units.
        let mut grid = vec![0.0f32; 2 * n];
        for row in 0..height {
            for col in 0..width {
                grid[row * width + col] = col as f32;
                grid[n + row * width + col] = row as f32;
            }
        }
        let scale = [(width - 1) as f32 / 2.0, (height - 1) as f32 / 2.0];

        // Basis, and for TPS the inverted system.
        let mut basis = vec![0.0f32; n * n_basis];
        let mut tps_system = None;
        let mut control_points = Vec::new();
        let mut bending = Vec::new();
        match family {
            WarpFamily::Identity => {}
            WarpFamily::Affine => {
                for row in 0..height {
                    for col in 0..width {
                        let p = row * width + col;
                        basis[p] = 1.0;
                        basis[n + p] = normalised(col, width) as f32;
                        basis[2 * n + p] = normalised(row, height) as f32;
                    }
                }
            }
            WarpFamily::Tps { grid_size } => {
                let system = TpsSystem::new(tps::uniform_grid(grid_size))?;
                let l = n_basis;
                let mut features = vec![0.0f64; l + 3];
                let mut weights = vec![0.0f64; l];
                for row in 0..height {
                    for col in 0..width {
                        let p = row * width + col;
                        let point = [normalised(col, width), normalised(row, height)];
                        system.target_weights_into(point, &mut features, &mut weights);
                        for (j, weight) in weights.iter().enumerate() {
                            basis[j * n + p] = *weight as f32;
                        }
                    }
                }
                control_points = system
                    .control_points()
                    .iter()
                    .map(|c| [c[0] as f32, c[1] as f32])
                    .collect();
                bending = system
                    .bending_matrix()
                    .into_iter()
                    .map(|value| value as f32)
                    .collect();
                tps_system = Some(system);
            }
        }

        Ok(Self {
            family,
            height,
            width,
            n_basis,
            config,
            basis,
            grid,
            scale,
            control_points,
            tps: tps_system,
            bending,
        })
    }

    /// Returns the warp family.
    #[must_use]
    pub fn family(&self) -> WarpFamily {
        self.family
    }

    /// Returns the options the warp was built with.
    #[must_use]
    pub fn config(&self) -> TpsConfig {
        self.config
    }

    /// Returns the bending penalty λ of TPS warps, 0 for the other families.
    #[must_use]
    pub fn bending_penalty(&self) -> f32 {
        if self.tps.is_some() {
            self.config.bending_penalty
        } else {
            0.0
        }
    }

    /// Returns the image height H (rows).
    #[must_use]
    pub fn height(&self) -> usize {
        self.height
    }

    /// Returns the image width W (columns).
    #[must_use]
    pub fn width(&self) -> usize {
        self.width
    }

    /// Returns the number of pixels n = H · W.
    #[must_use]
    pub fn n_pixels(&self) -> usize {
        self.height * self.width
    }

    /// Returns the number of basis functions m per coordinate: 0 (identity), 3 (affine) or
    /// g² (TPS).
    #[must_use]
    pub fn n_basis(&self) -> usize {
        self.n_basis
    }

    /// Returns the length 2m of one parameter vector.
    #[must_use]
    pub fn n_params(&self) -> usize {
        2 * self.n_basis
    }

    /// Returns the normalised source control points `(u, v)` of a TPS warp, row by row of the
    /// grid (empty for the other families).
    #[must_use]
    pub fn control_points(&self) -> &[[f32; 2]] {
        &self.control_points
    }

    /// Returns the bending-energy matrix Ω (`l × l`, symmetric; empty unless TPS).
    #[must_use]
    pub(crate) fn bending_matrix(&self) -> &[f32] {
        &self.bending
    }

    /// Writes the sampling coordinates of a batch of pairs: identity grid + basis × params,
    /// in pixel units, for all pairs in one matrix product.
    ///
    /// The number of pairs is `coords.len() / (2 n)`; `params` holds that many parameter
    /// vectors (see the [layouts](Warp#parameter-and-coordinate-layouts)).
    ///
    /// # Panics
    ///
    /// If `coords.len()` is not a multiple of `2 n` or `params.len()` is not the number of
    /// pairs times [`n_params`](Self::n_params).
    #[track_caller]
    pub fn coords_into(&self, params: &[f32], coords: &mut [f32]) {
        let n = self.n_pixels();
        let m = self.n_basis;
        assert_eq!(
            coords.len() % (2 * n),
            0,
            "coords length is not a multiple of 2 n_pixels"
        );
        let n_pairs = coords.len() / (2 * n);
        assert_eq!(
            params.len(),
            n_pairs * 2 * m,
            "params length does not match the coords' number of pairs"
        );

        // Displacements in normalised units, all pairs at once.
        if m > 0 {
            gemm::matmul_nn(&self.basis, params, coords, n, m, 2 * n_pairs);
        } else {
            coords.fill(0.0);
        }

        // To pixel units, around the identity grid.
        let (grid_x, grid_y) = self.grid.split_at(n);
        let [scale_x, scale_y] = self.scale;
        for pair in coords.chunks_exact_mut(2 * n) {
            let (xs, ys) = pair.split_at_mut(n);
            for (c, g) in xs.iter_mut().zip(grid_x) {
                *c = g + scale_x * *c;
            }
            for (c, g) in ys.iter_mut().zip(grid_y) {
                *c = g + scale_y * *c;
            }
        }
    }

    /// Writes the parameter gradient of a batch from its coordinate gradient (pixel units):
    /// `grad_params = scale · Basisᵀ · grad_coords`, one matrix product for all pairs.
    ///
    /// # Panics
    ///
    /// If `grad_coords.len()` is not a multiple of `2 n` or `grad_params.len()` is not the
    /// number of pairs times [`n_params`](Self::n_params).
    #[track_caller]
    pub fn grad_params_into(&self, grad_coords: &[f32], grad_params: &mut [f32]) {
        let n = self.n_pixels();
        let m = self.n_basis;
        assert_eq!(
            grad_coords.len() % (2 * n),
            0,
            "grad_coords length is not a multiple of 2 n_pixels"
        );
        let n_pairs = grad_coords.len() / (2 * n);
        assert_eq!(
            grad_params.len(),
            n_pairs * 2 * m,
            "grad_params length does not match the grad_coords' number of pairs"
        );
        if m == 0 {
            return;
        }
        gemm::matmul_tn(&self.basis, grad_coords, grad_params, n, m, 2 * n_pairs);

        // Chain rule through pixel = grid + scale · normalised displacement.
        let [scale_x, scale_y] = self.scale;
        for pair in grad_params.chunks_exact_mut(2 * m) {
            let (gx, gy) = pair.split_at_mut(m);
            gx.iter_mut().for_each(|g| *g *= scale_x);
            gy.iter_mut().for_each(|g| *g *= scale_y);
        }
    }

    /// Writes this family's parameters for the affine displacement `affine` (the
    /// [`WarpFamily::Affine`] convention): a copy for affine, for TPS the displacement at each
    /// control point (exact, since a TPS reproduces affine maps), nothing for identity.
    ///
    /// # Panics
    ///
    /// If `params.len() != n_params()`.
    #[track_caller]
    pub fn params_from_affine_into(&self, affine: &[f32; 6], params: &mut [f32]) {
        assert_eq!(params.len(), self.n_params(), "params has the wrong length");
        match self.family {
            WarpFamily::Identity => {}
            WarpFamily::Affine => params.copy_from_slice(affine),
            WarpFamily::Tps { .. } => {
                let (px, py) = params.split_at_mut(self.n_basis);
                for ((x, y), c) in px.iter_mut().zip(py).zip(&self.control_points) {
                    *x = affine[0] + affine[1] * c[0] + affine[2] * c[1];
                    *y = affine[3] + affine[4] * c[0] + affine[5] * c[1];
                }
            }
        }
    }

    /// Returns the gradient with respect to the 6 affine parameters of
    /// [`params_from_affine_into`](Self::params_from_affine_into), given the gradient with
    /// respect to this family's parameters (the transpose of that linear map).
    ///
    /// # Panics
    ///
    /// If `grad_params.len() != n_params()`.
    #[track_caller]
    #[must_use]
    pub fn affine_grad_from_params(&self, grad_params: &[f32]) -> [f32; 6] {
        assert_eq!(
            grad_params.len(),
            self.n_params(),
            "grad_params has the wrong length"
        );
        match self.family {
            WarpFamily::Identity => [0.0; 6],
            WarpFamily::Affine => {
                let mut grad = [0.0; 6];
                grad.copy_from_slice(grad_params);
                grad
            }
            WarpFamily::Tps { .. } => {
                let (gx, gy) = grad_params.split_at(self.n_basis);
                let mut grad = [0.0f32; 6];
                for ((x, y), c) in gx.iter().zip(gy).zip(&self.control_points) {
                    grad[0] += x;
                    grad[1] += x * c[0];
                    grad[2] += x * c[1];
                    grad[3] += y;
                    grad[4] += y * c[0];
                    grad[5] += y * c[1];
                }
                grad
            }
        }
    }

    /// Returns the bending energy of one TPS parameter vector and adds its gradient to `grad`:
    ///
    /// ```text
    /// E(ν) = λ (ν_xᵀ Ω ν_x + ν_yᵀ Ω ν_y),   ∇E = 2 λ Ω ν,   kernel U(r) = r² ln r²
    /// ```
    ///
    /// with Ω the top-left l × l block of L⁻¹, so that νᵀ Ω ν = wᵀ K w for the spline's kernel
    /// weights w (Ω ignores the affine part of ν). With U = r² ln r², a given λ weighs half as
    /// much as with the kernel r² ln r. Returns 0 and leaves `grad` alone for the other
    /// families or λ = 0.
    ///
    /// # Panics
    ///
    /// If `params.len()` or `grad.len()` differs from [`n_params`](Self::n_params).
    #[track_caller]
    pub fn bending_energy_and_grad(&self, lambda: f32, params: &[f32], grad: &mut [f32]) -> f32 {
        assert_eq!(params.len(), self.n_params(), "params has the wrong length");
        assert_eq!(grad.len(), self.n_params(), "grad has the wrong length");
        if self.tps.is_none() || lambda == 0.0 {
            return 0.0;
        }
        let l = self.n_basis;
        let mut energy = 0.0f64;
        for (nu, g) in params.chunks_exact(l).zip(grad.chunks_exact_mut(l)) {
            for ((row, g), nu_i) in self.bending.chunks_exact(l).zip(g).zip(nu) {
                let omega_nu: f32 = row.iter().zip(nu).map(|(o, v)| o * v).sum();
                energy += f64::from(*nu_i) * f64::from(omega_nu);
                *g += 2.0 * lambda * omega_nu;
            }
        }
        lambda * energy as f32
    }

    /// Returns the normalised source location that the output point `point` (normalised
    /// `(u, v)`, any point, not only pixels) samples under `params`: `point + displacement`.
    ///
    /// For TPS this evaluates the spline F itself in `f64` from the inverted system (through
    /// the targets t = c + ν), so it checks the basis independently; it allocates scratch and
    /// is meant for tests and pictures, not inner loops.
    ///
    /// # Panics
    ///
    /// If `params.len() != n_params()`.
    #[track_caller]
    #[must_use]
    pub fn map_point(&self, params: &[f32], point: [f32; 2]) -> [f32; 2] {
        assert_eq!(params.len(), self.n_params(), "params has the wrong length");
        let [u, v] = point;
        match (&self.tps, self.family) {
            (Some(system), _) => {
                let l = self.n_basis;
                let targets: Vec<[f64; 2]> = system
                    .control_points()
                    .iter()
                    .enumerate()
                    .map(|(j, c)| [c[0] + f64::from(params[j]), c[1] + f64::from(params[l + j])])
                    .collect();
                let mapped = system.evaluate(&targets, [f64::from(u), f64::from(v)]);
                [mapped[0] as f32, mapped[1] as f32]
            }
            (None, WarpFamily::Affine) => [
                u + params[0] + params[1] * u + params[2] * v,
                v + params[3] + params[4] * u + params[5] * v,
            ],
            (None, _) => point,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warps_can_be_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Warp>();
    }

    #[test]
    fn families_have_the_documented_parameter_counts() {
        let identity = Warp::new(WarpFamily::Identity, 5, 7).unwrap();
        let affine = Warp::new(WarpFamily::Affine, 5, 7).unwrap();
        let tps = Warp::new(WarpFamily::Tps { grid_size: 4 }, 5, 7).unwrap();
        assert_eq!((identity.n_basis(), identity.n_params()), (0, 0));
        assert_eq!((affine.n_basis(), affine.n_params()), (3, 6));
        assert_eq!((tps.n_basis(), tps.n_params()), (16, 32));
        assert_eq!(tps.n_pixels(), 35);
        assert_eq!(tps.control_points().len(), 16);
    }

    #[test]
    fn grid_size_must_fit_the_image() {
        let too_small = Warp::new(WarpFamily::Tps { grid_size: 1 }, 8, 8).unwrap_err();
        assert!(matches!(
            too_small,
            Error::InvalidParameter {
                name: "grid_size",
                ..
            }
        ));
        let too_big = Warp::new(WarpFamily::Tps { grid_size: 6 }, 5, 28).unwrap_err();
        assert!(matches!(
            too_big,
            Error::InvalidParameter {
                name: "grid_size",
                ..
            }
        ));
        let huge = Warp::new(WarpFamily::Tps { grid_size: 40 }, 64, 64).unwrap_err();
        assert!(matches!(
            huge,
            Error::GridTooLarge {
                what: "grid_size",
                ..
            }
        ));
        assert!(Warp::new(WarpFamily::Tps { grid_size: 5 }, 5, 28).is_ok());
    }

    #[test]
    fn zero_sides_and_bad_penalties_are_rejected() {
        assert!(matches!(
            Warp::new(WarpFamily::Affine, 0, 4).unwrap_err(),
            Error::InvalidParameter { name: "height", .. }
        ));
        assert!(matches!(
            Warp::new(WarpFamily::Identity, 4, 0).unwrap_err(),
            Error::InvalidParameter { name: "width", .. }
        ));
        for bad in [-1.0, f32::NAN, f32::INFINITY] {
            let config = TpsConfig {
                bending_penalty: bad,
            };
            assert!(matches!(
                Warp::with_config(WarpFamily::Tps { grid_size: 3 }, 6, 6, config).unwrap_err(),
                Error::InvalidParameter {
                    name: "bending_penalty",
                    ..
                }
            ));
        }
    }

    #[test]
    fn zero_parameters_give_the_identity_grid_exactly() {
        for family in [
            WarpFamily::Identity,
            WarpFamily::Affine,
            WarpFamily::Tps { grid_size: 6 },
        ] {
            let warp = Warp::new(family, 28, 28).unwrap();
            let params = vec![0.0; 2 * warp.n_params()];
            let mut coords = vec![f32::NAN; 2 * 2 * warp.n_pixels()];
            warp.coords_into(&params, &mut coords);
            for pair in coords.chunks_exact(2 * warp.n_pixels()) {
                for p in 0..warp.n_pixels() {
                    assert_eq!(pair[p], (p % 28) as f32);
                    assert_eq!(pair[warp.n_pixels() + p], (p / 28) as f32);
                }
            }
        }
    }

    #[test]
    fn one_pixel_wide_images_have_normalised_coordinate_zero() {
        let warp = Warp::new(WarpFamily::Affine, 4, 1).unwrap();
        // dx = 0.5 + 1 · u: along a one-pixel side u = 0 and the scale is 0, so x stays 0.
        let params = [0.5, 1.0, 0.0, 0.0, 0.0, 2.0 / 3.0];
        let mut coords = vec![0.0; 8];
        warp.coords_into(&params, &mut coords);
        assert_eq!(&coords[..4], &[0.0; 4]);
        // dy = (2/3) v in normalised units, times (H − 1) / 2 = 1.5 pixels per unit: v pixels.
        let want = [-1.0f32, 2.0 / 3.0, 7.0 / 3.0, 4.0];
        for (got, want) in coords[4..].iter().zip(want) {
            assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        }
    }

    #[test]
    fn affine_translation_moves_every_pixel_by_the_same_amount() {
        let warp = Warp::new(WarpFamily::Affine, 28, 28).unwrap();
        let shift = 2.0 / 27.0;
        let params = [shift, 0.0, 0.0, -shift, 0.0, 0.0];
        let mut coords = vec![0.0; 2 * warp.n_pixels()];
        warp.coords_into(&params, &mut coords);
        for p in 0..warp.n_pixels() {
            assert!((coords[p] - ((p % 28) as f32 + 1.0)).abs() < 1e-5);
            assert!((coords[784 + p] - ((p / 28) as f32 - 1.0)).abs() < 1e-5);
        }
    }

    #[test]
    fn tps_params_from_affine_reproduce_the_affine_warp() {
        let affine = [0.05, 0.1, -0.07, -0.03, 0.02, 0.12];
        let tps = Warp::new(WarpFamily::Tps { grid_size: 5 }, 20, 24).unwrap();
        let affine_warp = Warp::new(WarpFamily::Affine, 20, 24).unwrap();
        let mut params = vec![0.0; tps.n_params()];
        tps.params_from_affine_into(&affine, &mut params);
        let mut from_tps = vec![0.0; 2 * tps.n_pixels()];
        let mut from_affine = vec![0.0; 2 * tps.n_pixels()];
        tps.coords_into(&params, &mut from_tps);
        affine_warp.coords_into(&affine, &mut from_affine);
        for (a, b) in from_tps.iter().zip(&from_affine) {
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
        }
    }

    #[test]
    fn affine_gradient_map_is_the_transpose_of_the_parameter_map() {
        let tps = Warp::new(WarpFamily::Tps { grid_size: 4 }, 9, 9).unwrap();
        let grad: Vec<f32> = (0..tps.n_params())
            .map(|i| (i as f32 * 0.37).sin())
            .collect();
        let affine_grad = tps.affine_grad_from_params(&grad);
        // ⟨grad, A e_k⟩ must equal (Aᵀ grad)_k for every unit vector e_k.
        for k in 0..6 {
            let mut unit = [0.0f32; 6];
            unit[k] = 1.0;
            let mut params = vec![0.0; tps.n_params()];
            tps.params_from_affine_into(&unit, &mut params);
            let inner: f32 = grad.iter().zip(&params).map(|(g, p)| g * p).sum();
            assert!((inner - affine_grad[k]).abs() < 1e-4);
        }
    }

    #[test]
    fn bending_energy_is_zero_for_affine_displacements_and_positive_otherwise() {
        let tps = Warp::new(WarpFamily::Tps { grid_size: 4 }, 12, 12).unwrap();
        let mut params = vec![0.0; tps.n_params()];
        tps.params_from_affine_into(&[0.1, 0.2, -0.1, 0.05, -0.2, 0.1], &mut params);
        let mut grad = vec![0.0; tps.n_params()];
        let energy = tps.bending_energy_and_grad(1.0, &params, &mut grad);
        assert!(energy.abs() < 1e-5, "{energy}");
        assert!(grad.iter().all(|g| g.abs() < 1e-4));

        params[5] += 0.1;
        let energy = tps.bending_energy_and_grad(0.5, &params, &mut grad);
        assert!(energy > 0.0);
        let affine = Warp::new(WarpFamily::Affine, 12, 12).unwrap();
        assert_eq!(
            affine.bending_energy_and_grad(1.0, &[1.0; 6], &mut [0.0; 6]),
            0.0
        );
    }

    #[test]
    fn bending_gradient_matches_finite_differences() {
        let tps = Warp::new(WarpFamily::Tps { grid_size: 3 }, 9, 9).unwrap();
        let params: Vec<f32> = (0..tps.n_params())
            .map(|i| 0.05 * (i as f32 * 1.3).cos())
            .collect();
        let mut grad = vec![0.0; tps.n_params()];
        tps.bending_energy_and_grad(0.7, &params, &mut grad);
        for k in 0..params.len() {
            let h = 1e-3;
            let mut plus = params.clone();
            let mut minus = params.clone();
            plus[k] += h;
            minus[k] -= h;
            let mut scratch = vec![0.0; params.len()];
            let fd = (tps.bending_energy_and_grad(0.7, &plus, &mut scratch)
                - tps.bending_energy_and_grad(0.7, &minus, &mut scratch))
                / (2.0 * h);
            assert!(
                (fd - grad[k]).abs() < 1e-2 * (1.0 + grad[k].abs()),
                "{k}: {fd} vs {}",
                grad[k]
            );
        }
    }

    #[test]
    fn map_point_lands_control_points_on_their_targets() {
        let tps = Warp::new(WarpFamily::Tps { grid_size: 6 }, 28, 28).unwrap();
        let params: Vec<f32> = (0..tps.n_params())
            .map(|i| 0.1 * (i as f32 * 0.7).sin())
            .collect();
        let l = tps.n_basis();
        for (j, c) in tps.control_points().iter().enumerate() {
            let mapped = tps.map_point(&params, *c);
            assert!((mapped[0] - (c[0] + params[j])).abs() < 1e-5);
            assert!((mapped[1] - (c[1] + params[l + j])).abs() < 1e-5);
        }
    }

    #[test]
    fn map_point_agrees_with_the_dense_basis_at_pixels() {
        let tps = Warp::new(WarpFamily::Tps { grid_size: 4 }, 10, 13).unwrap();
        let params: Vec<f32> = (0..tps.n_params())
            .map(|i| 0.08 * (i as f32 * 0.9).cos())
            .collect();
        let mut coords = vec![0.0; 2 * tps.n_pixels()];
        tps.coords_into(&params, &mut coords);
        for p in [0, 7, 64, 129] {
            let (row, col) = (p / 13, p % 13);
            let point = [normalised(col, 13) as f32, normalised(row, 10) as f32];
            let mapped = tps.map_point(&params, point);
            let pixel = [(mapped[0] + 1.0) * 6.0, (mapped[1] + 1.0) * 4.5];
            assert!((pixel[0] - coords[p]).abs() < 1e-4);
            assert!((pixel[1] - coords[130 + p]).abs() < 1e-4);
        }
    }
}
