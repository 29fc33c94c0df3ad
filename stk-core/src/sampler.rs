//! Bilinear sampling of `f32` images with zero padding, and its coordinate gradient.
//!
//! For a point (x, y) in pixel units (x the column, y the row, pixel centres at integers), with
//! x₀ = ⌊x⌋, f = x − x₀, y₀ = ⌊y⌋, e = y − y₀ and I zero outside the image:
//!
//! ```text
//! S(x, y) = (1 − e) [(1 − f) I(x₀, y₀) + f I(x₀+1, y₀)] + e [(1 − f) I(x₀, y₀+1) + f I(x₀+1, y₀+1)]
//! ∂S/∂x  = (1 − e) [I(x₀+1, y₀) − I(x₀, y₀)] + e [I(x₀+1, y₀+1) − I(x₀, y₀+1)]
//! ∂S/∂y  = (1 − f) [I(x₀, y₀+1) − I(x₀, y₀)] + f [I(x₀+1, y₀+1) − I(x₀+1, y₀)]
//! ```
//!
//! **Decision (derivative at integers)**: S has kinks on integer lines; there the derivative is
//! the one-sided derivative from the right (of the cell [x₀, x₀ + 1) the point lies in).
//!
//! Outside: the image is zero beyond its pixels, so S ramps linearly to 0 over the last cell and
//! is 0 (gradient 0) for x ≤ −1, x ≥ W, y ≤ −1 or y ≥ H. A point exactly on the last row or
//! column keeps that pixel's value (its far neighbour has weight 0). Non-finite coordinates
//! count as outside.

use alloc::vec;
use alloc::vec::Vec;

use crate::error::Error;
use crate::math::floor_f32;

/// A bilinear sample and its gradient with respect to the sampling point.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sample {
    /// The interpolated value.
    pub value: f32,
    /// ∂value/∂x (per pixel).
    pub grad_x: f32,
    /// ∂value/∂y (per pixel).
    pub grad_y: f32,
}

/// Bilinear sampler for `height × width` row-major images, zero outside.
///
/// The batched methods copy the image once into an owned zero-bordered buffer (sized at
/// construction), so the per-pixel loop reads four neighbours without edge cases.
#[derive(Debug, Clone)]
pub struct BilinearSampler {
    height: usize,
    width: usize,
    /// `(height + 2) × (width + 2)`, the image surrounded by one ring of zeros.
    padded: Vec<f32>,
}

impl BilinearSampler {
    /// Builds a sampler for `height × width` images.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] for a zero side; [`Error::GridTooLarge`] beyond
    /// [`MAX_PIXELS`](crate::MAX_PIXELS) pixels.
    pub fn new(height: usize, width: usize) -> Result<Self, Error> {
        if height == 0 || width == 0 {
            return Err(Error::InvalidParameter {
                name: if height == 0 { "height" } else { "width" },
                reason: "must be at least 1",
            });
        }
        let n = height.saturating_mul(width);
        if n > crate::warp::MAX_PIXELS {
            return Err(Error::GridTooLarge {
                what: "n_pixels",
                requested: n,
                limit: crate::warp::MAX_PIXELS,
            });
        }
        Ok(Self {
            height,
            width,
            padded: vec![0.0; (height + 2) * (width + 2)],
        })
    }

    /// Returns the image height.
    #[must_use]
    pub fn height(&self) -> usize {
        self.height
    }

    /// Returns the image width.
    #[must_use]
    pub fn width(&self) -> usize {
        self.width
    }

    /// Returns the bilinear value of `image` at `(x, y)` (pixel units), 0 outside.
    ///
    /// # Panics
    ///
    /// If `image.len() != height · width`.
    #[track_caller]
    #[must_use]
    pub fn sample(&self, image: &[f32], x: f32, y: f32) -> f32 {
        self.sample_with_grad(image, x, y).value
    }

    /// Returns the bilinear value of `image` at `(x, y)` and its gradient (see the module
    /// docs for the derivative on integer lines and outside the image).
    ///
    /// # Panics
    ///
    /// If `image.len() != height · width`.
    #[track_caller]
    #[must_use]
    pub fn sample_with_grad(&self, image: &[f32], x: f32, y: f32) -> Sample {
        let (h, w) = (self.height, self.width);
        assert_eq!(image.len(), h * w, "image has the wrong length");

        // NaN fails every comparison, so it lands here too.
        let inside = x > -1.0 && x < w as f32 && y > -1.0 && y < h as f32;
        if !inside {
            return Sample::default();
        }
        let x0 = floor_f32(x);
        let y0 = floor_f32(y);
        let fx = x - x0;
        let fy = y - y0;
        let (x0, y0) = (x0 as isize, y0 as isize);
        let pixel = |col: isize, row: isize| -> f32 {
            if col >= 0 && row >= 0 && (col as usize) < w && (row as usize) < h {
                image[row as usize * w + col as usize]
            } else {
                0.0
            }
        };
        let v00 = pixel(x0, y0);
        let v10 = pixel(x0 + 1, y0);
        let v01 = pixel(x0, y0 + 1);
        let v11 = pixel(x0 + 1, y0 + 1);
        bilinear(v00, v10, v01, v11, fx, fy)
    }

    /// Copies `image` into the zero-bordered buffer.
    fn load(&mut self, image: &[f32]) {
        let wp = self.width + 2;
        for (row, src) in image.chunks_exact(self.width).enumerate() {
            let start = (row + 1) * wp + 1;
            self.padded[start..start + self.width].copy_from_slice(src);
        }
    }

    /// Writes `warped[p]` = the sample of `image` at pixel p's coordinates (`coords` holds n
    /// x-coordinates, then n y-coordinates, pixel units).
    ///
    /// # Panics
    ///
    /// If `image` or `warped` is not `n` long or `coords` not `2 n`.
    #[track_caller]
    pub fn warp_into(&mut self, image: &[f32], coords: &[f32], warped: &mut [f32]) {
        let n = self.height * self.width;
        assert_eq!(image.len(), n, "image has the wrong length");
        assert_eq!(coords.len(), 2 * n, "coords has the wrong length");
        assert_eq!(warped.len(), n, "warped has the wrong length");
        self.load(image);
        let (xs, ys) = coords.split_at(n);
        let limits = self.limits();
        let wp = self.width + 2;
        for ((out, &x), &y) in warped.iter_mut().zip(xs).zip(ys) {
            *out = match locate(x, y, limits, wp) {
                Some(cell) => self.sample_cell(cell).value,
                None => 0.0,
            };
        }
    }

    /// Forward and backward pass of the squared error of one pair:
    ///
    /// ```text
    /// warped[p] = S(datum, coords_p),   loss = Σₚ (warped[p] − target[p])²   (f64 sum of f32 sums of 8)
    /// grad_coords_p = 2 (warped[p] − target[p]) ∇S(datum, coords_p)
    /// ```
    ///
    /// Writes `warped` and `grad_coords` (same layout as `coords`) and returns the loss.
    ///
    /// # Panics
    ///
    /// If `datum`, `target` or `warped` is not `n` long, or `coords` or `grad_coords` not `2 n`.
    #[track_caller]
    pub fn warp_loss_grad_into(
        &mut self,
        datum: &[f32],
        target: &[f32],
        coords: &[f32],
        warped: &mut [f32],
        grad_coords: &mut [f32],
    ) -> f64 {
        let n = self.height * self.width;
        assert_eq!(datum.len(), n, "datum has the wrong length");
        assert_eq!(target.len(), n, "target has the wrong length");
        assert_eq!(coords.len(), 2 * n, "coords has the wrong length");
        assert_eq!(warped.len(), n, "warped has the wrong length");
        assert_eq!(grad_coords.len(), 2 * n, "grad_coords has the wrong length");
        self.load(datum);
        pulp::Arch::new().dispatch(LossGrad {
            padded: &self.padded,
            wp: self.width + 2,
            limits: self.limits(),
            target,
            coords,
            warped,
            grad_coords,
        })
    }

    /// Returns the exclusive upper limits of shifted coordinates, `(W + 1, H + 1)`.
    #[inline]
    fn limits(&self) -> [f32; 2] {
        [(self.width + 1) as f32, (self.height + 1) as f32]
    }

    /// Returns the sample of the loaded image in `cell`.
    #[inline(always)]
    fn sample_cell(&self, cell: Cell) -> Sample {
        let wp = self.width + 2;
        let top = &self.padded[cell.index..cell.index + 2];
        let bottom = &self.padded[cell.index + wp..cell.index + wp + 2];
        bilinear(top[0], top[1], bottom[0], bottom[1], cell.fx, cell.fy)
    }
}

/// Pixels per group of the batched loop: one AVX vector of `f32`.
const GROUP: usize = 8;

/// Largest padded image for the vector path, whose cell indices are computed exactly in `f32`.
const MAX_VECTOR_PADDED: usize = 1 << 22;

/// 2²³: adding it to a float in `[0, 2²²)` rounds the float to an integer held in the low
/// mantissa bits.
const MAGIC: f32 = 8_388_608.0;

/// Arguments of the batched loss and gradient loop.
struct LossGrad<'a> {
    padded: &'a [f32],
    wp: usize,
    limits: [f32; 2],
    target: &'a [f32],
    coords: &'a [f32],
    warped: &'a mut [f32],
    grad_coords: &'a mut [f32],
}

impl pulp::WithSimd for LossGrad<'_> {
    type Output = f64;

    // Groups of eight pixels in SIMD vectors: cell, offsets and the interpolation are vector
    // code; only the four neighbour reads per pixel are scalar.
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) -> f64 {
        let n = self.target.len();
        let (xs, ys) = self.coords.split_at(n);
        let (grad_xs, grad_ys) = self.grad_coords.split_at_mut(n);
        let n_grouped = if self.padded.len() <= MAX_VECTOR_PADDED {
            n - n % GROUP
        } else {
            0
        };
        let wp = self.wp;
        let mut loss = 0.0f64;

        let zero = simd.splat_f32s(0.0);
        let one = simd.splat_f32s(1.0);
        let two = simd.splat_f32s(2.0);
        let magic = simd.splat_f32s(MAGIC);
        let magic_bits = simd.transmute_u32s_f32s(magic);
        let limit_x = simd.splat_f32s(self.limits[0]);
        let limit_y = simd.splat_f32s(self.limits[1]);
        let wp_f = simd.splat_f32s(wp as f32);
        // ⌊v⌋ for v in [0, 2²²): round to nearest through MAGIC, then step down if it rounded up.
        let floor = |v: S::f32s| {
            let rounded = simd.sub_f32s(simd.add_f32s(v, magic), magic);
            let rounded_up = simd.greater_than_f32s(rounded, v);
            simd.sub_f32s(rounded, simd.select_f32s(rounded_up, one, zero))
        };

        let groups = self.target[..n_grouped]
            .chunks_exact(GROUP)
            .zip(xs[..n_grouped].chunks_exact(GROUP))
            .zip(ys[..n_grouped].chunks_exact(GROUP))
            .zip(self.warped[..n_grouped].chunks_exact_mut(GROUP))
            .zip(grad_xs[..n_grouped].chunks_exact_mut(GROUP))
            .zip(grad_ys[..n_grouped].chunks_exact_mut(GROUP));
        for (((((target, x), y), out), gx), gy) in groups {
            // Where: cell index, offsets, and 1 inside / 0 outside the support. Shifted by
            // one pixel into the padded buffer; NaN fails the comparisons.
            let mut index = [0u32; GROUP];
            let mut fx = [0.0f32; GROUP];
            let mut fy = [0.0f32; GROUP];
            let mut inside = [0.0f32; GROUP];
            {
                let (x, _) = S::as_simd_f32s(x);
                let (y, _) = S::as_simd_f32s(y);
                let (index, _) = S::as_mut_simd_u32s(&mut index);
                let (fx, _) = S::as_mut_simd_f32s(&mut fx);
                let (fy, _) = S::as_mut_simd_f32s(&mut fy);
                let (inside, _) = S::as_mut_simd_f32s(&mut inside);
                for v in 0..x.len() {
                    let xs = simd.add_f32s(x[v], one);
                    let ys = simd.add_f32s(y[v], one);
                    let ok_x = simd.and_m32s(
                        simd.greater_than_f32s(xs, zero),
                        simd.less_than_f32s(xs, limit_x),
                    );
                    let ok_y = simd.and_m32s(
                        simd.greater_than_f32s(ys, zero),
                        simd.less_than_f32s(ys, limit_y),
                    );
                    let ok = simd.and_m32s(ok_x, ok_y);
                    // Outside points read cell 0 (padding and pixel (0, 0)) with weight 0.
                    let xs = simd.select_f32s(ok, xs, zero);
                    let ys = simd.select_f32s(ok, ys, zero);
                    let col = floor(xs);
                    let row = floor(ys);
                    fx[v] = simd.sub_f32s(xs, col);
                    fy[v] = simd.sub_f32s(ys, row);
                    // row · wp + col < 2²² is an exact integer; its bits above MAGIC's are it.
                    let cell = simd.add_f32s(simd.mul_add_e_f32s(row, wp_f, col), magic);
                    index[v] = simd.sub_u32s(simd.transmute_u32s_f32s(cell), magic_bits);
                    inside[v] = simd.select_f32s(ok, one, zero);
                }
            }

            // Gather the four neighbours.
            let mut v00 = [0.0f32; GROUP];
            let mut v10 = [0.0f32; GROUP];
            let mut v01 = [0.0f32; GROUP];
            let mut v11 = [0.0f32; GROUP];
            for l in 0..GROUP {
                let start = index[l] as usize;
                let cell = &self.padded[start..start + wp + 2];
                v00[l] = cell[0];
                v10[l] = cell[1];
                v01[l] = cell[wp];
                v11[l] = cell[wp + 1];
            }

            // Interpolate, compare, differentiate (the formulas of `bilinear`, fused).
            let (v00, _) = S::as_simd_f32s(&v00);
            let (v10, _) = S::as_simd_f32s(&v10);
            let (v01, _) = S::as_simd_f32s(&v01);
            let (v11, _) = S::as_simd_f32s(&v11);
            let (fx, _) = S::as_simd_f32s(&fx);
            let (fy, _) = S::as_simd_f32s(&fy);
            let (inside, _) = S::as_simd_f32s(&inside);
            let (target, _) = S::as_simd_f32s(target);
            let (out, _) = S::as_mut_simd_f32s(out);
            let (gx, _) = S::as_mut_simd_f32s(gx);
            let (gy, _) = S::as_mut_simd_f32s(gy);
            let mut squares = zero;
            for v in 0..v00.len() {
                let d_top = simd.sub_f32s(v10[v], v00[v]);
                let d_bottom = simd.sub_f32s(v11[v], v01[v]);
                let d_left = simd.sub_f32s(v01[v], v00[v]);
                let d_right = simd.sub_f32s(v11[v], v10[v]);
                let top = simd.mul_add_e_f32s(fx[v], d_top, v00[v]);
                let bottom = simd.mul_add_e_f32s(fx[v], d_bottom, v01[v]);
                let value = simd.mul_add_e_f32s(fy[v], simd.sub_f32s(bottom, top), top);
                let value = simd.mul_f32s(inside[v], value);
                let grad_x = simd.mul_add_e_f32s(fy[v], simd.sub_f32s(d_bottom, d_top), d_top);
                let grad_y = simd.mul_add_e_f32s(fx[v], simd.sub_f32s(d_right, d_left), d_left);
                let residual = simd.sub_f32s(value, target[v]);
                let scale = simd.mul_f32s(simd.mul_f32s(two, residual), inside[v]);
                out[v] = value;
                gx[v] = simd.mul_f32s(scale, grad_x);
                gy[v] = simd.mul_f32s(scale, grad_y);
                squares = simd.mul_add_e_f32s(residual, residual, squares);
            }
            // f32 within a group of eight, f64 across groups.
            loss += f64::from(simd.reduce_sum_f32s(squares));
        }

        // The last n mod 8 pixels (all of them for huge images).
        let rest = self.target[n_grouped..]
            .iter()
            .zip(&xs[n_grouped..])
            .zip(&ys[n_grouped..])
            .zip(&mut self.warped[n_grouped..])
            .zip(
                grad_xs[n_grouped..]
                    .iter_mut()
                    .zip(&mut grad_ys[n_grouped..]),
            );
        for ((((&t, &x), &y), out), (gx, gy)) in rest {
            let sample = match locate(x, y, self.limits, wp) {
                Some(cell) => {
                    let top = &self.padded[cell.index..cell.index + 2];
                    let bottom = &self.padded[cell.index + wp..cell.index + wp + 2];
                    bilinear(top[0], top[1], bottom[0], bottom[1], cell.fx, cell.fy)
                }
                None => Sample::default(),
            };
            let residual = sample.value - t;
            *out = sample.value;
            *gx = 2.0 * residual * sample.grad_x;
            *gy = 2.0 * residual * sample.grad_y;
            loss += f64::from(residual) * f64::from(residual);
        }
        loss
    }
}

/// A point's top-left neighbour in the padded buffer and its fractional offsets.
#[derive(Debug, Clone, Copy)]
struct Cell {
    index: usize,
    fx: f32,
    fy: f32,
}

/// Locates `(x, y)` in the padded buffer (row length `wp`), or `None` outside the support.
///
/// Shifting by one pixel makes every inside coordinate positive, so truncation is the floor.
/// The test is done on the shifted values, so `x + 1` rounding up to `W + 1` cannot slip past
/// it; NaN fails the comparisons.
#[inline(always)]
fn locate(x: f32, y: f32, limits: [f32; 2], wp: usize) -> Option<Cell> {
    let xs = x + 1.0;
    let ys = y + 1.0;
    if xs > 0.0 && xs < limits[0] && ys > 0.0 && ys < limits[1] {
        let col = xs as usize;
        let row = ys as usize;
        Some(Cell {
            index: row * wp + col,
            fx: xs - col as f32,
            fy: ys - row as f32,
        })
    } else {
        None
    }
}

/// Returns the bilinear value and gradient from four neighbours and the offsets.
#[inline(always)]
fn bilinear(v00: f32, v10: f32, v01: f32, v11: f32, fx: f32, fy: f32) -> Sample {
    let top = v00 + fx * (v10 - v00);
    let bottom = v01 + fx * (v11 - v01);
    let left = v01 - v00;
    let right = v11 - v10;
    Sample {
        value: top + fy * (bottom - top),
        grad_x: (v10 - v00) + fy * ((v11 - v01) - (v10 - v00)),
        grad_y: left + fx * (right - left),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 3 × 3 image with rows [0, 1, 2], [3, 4, 5], [6, 7, 8].
    const RAMP: [f32; 9] = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];

    #[test]
    fn three_by_three_samples_match_known_values() {
        let sampler = BilinearSampler::new(3, 3).unwrap();
        assert_eq!(sampler.sample(&RAMP, 2.0, 2.0), 8.0);
        assert_eq!(sampler.sample(&RAMP, 2.0, 1.5), 6.5);
        assert_eq!(sampler.sample(&RAMP, 1.5, 1.5), 6.0);
    }

    #[test]
    fn samples_on_the_last_row_and_column_keep_their_value() {
        let sampler = BilinearSampler::new(3, 3).unwrap();
        let mut batched = BilinearSampler::new(3, 3).unwrap();
        let mut coords = [0.0f32; 18];
        for (p, &value) in RAMP.iter().enumerate() {
            let (x, y) = ((p % 3) as f32, (p / 3) as f32);
            assert_eq!(sampler.sample(&RAMP, x, y), value, "pixel ({x}, {y})");
            coords[p] = x;
            coords[9 + p] = y;
        }
        let mut warped = [f32::NAN; 9];
        batched.warp_into(&RAMP, &coords, &mut warped);
        assert_eq!(warped, RAMP);
    }

    #[test]
    fn outside_and_non_finite_points_read_zero_with_zero_gradient() {
        let sampler = BilinearSampler::new(3, 3).unwrap();
        let points = [
            (-1.0, 1.0),
            (3.0, 1.0),
            (1.0, -1.5),
            (1.0, 3.0),
            (f32::NAN, 1.0),
            (1.0, f32::INFINITY),
            (f32::NEG_INFINITY, 0.0),
            (f32::MAX, 0.5),
        ];
        for (x, y) in points {
            assert_eq!(
                sampler.sample_with_grad(&RAMP, x, y),
                Sample::default(),
                "({x}, {y})"
            );
        }
        let mut batched = BilinearSampler::new(3, 3).unwrap();
        let mut coords = [0.0f32; 18];
        for (p, (x, y)) in points.iter().enumerate() {
            coords[p] = *x;
            coords[9 + p] = *y;
        }
        // The ninth pixel samples (0, 0) = 0 itself.
        let mut warped = [f32::NAN; 9];
        let mut grad = [f32::NAN; 18];
        let target = [1.0f32; 9];
        let loss = batched.warp_loss_grad_into(&RAMP, &target, &coords, &mut warped, &mut grad);
        assert_eq!(warped, [0.0; 9]);
        assert_eq!(loss, 9.0);
        assert!(grad[..8].iter().chain(&grad[9..17]).all(|g| *g == 0.0));
    }

    #[test]
    fn values_ramp_to_zero_across_the_border_cell() {
        let sampler = BilinearSampler::new(3, 3).unwrap();
        // Halfway between pixel (2, 1) = 5 and the zero beyond it.
        assert_eq!(sampler.sample(&RAMP, 2.5, 1.0), 2.5);
        assert_eq!(sampler.sample(&RAMP, -0.5, 1.0), 1.5);
        let s = sampler.sample_with_grad(&RAMP, 2.5, 1.0);
        assert_eq!(s.grad_x, -5.0);
    }

    #[test]
    fn derivative_at_integers_is_taken_from_the_right() {
        let sampler = BilinearSampler::new(3, 3).unwrap();
        // A kink at x = 1 along row 0 of [0, 1, 2]: both sides have slope 1 here, so use a
        // column where they differ: row 1 of a V-shaped image.
        let v = [0.0, 0.0, 0.0, 4.0, 0.0, 4.0, 0.0, 0.0, 0.0];
        let at = sampler.sample_with_grad(&v, 1.0, 1.0);
        assert_eq!(at.value, 0.0);
        assert_eq!(at.grad_x, 4.0);
        assert_eq!(at.grad_y, 0.0);
    }

    #[test]
    fn gradient_matches_central_differences_inside_cells() {
        let image: Vec<f32> = (0..20).map(|i| ((i * 7) % 11) as f32 * 0.3).collect();
        let sampler = BilinearSampler::new(4, 5).unwrap();
        for &(x, y) in &[(0.3, 0.7), (2.6, 1.2), (-0.4, 2.5), (4.2, 3.3), (1.1, -0.6)] {
            let s = sampler.sample_with_grad(&image, x, y);
            let h = 1e-2;
            let dx =
                (sampler.sample(&image, x + h, y) - sampler.sample(&image, x - h, y)) / (2.0 * h);
            let dy =
                (sampler.sample(&image, x, y + h) - sampler.sample(&image, x, y - h)) / (2.0 * h);
            assert!(
                (dx - s.grad_x).abs() < 1e-3,
                "({x}, {y}): {dx} vs {}",
                s.grad_x
            );
            assert!(
                (dy - s.grad_y).abs() < 1e-3,
                "({x}, {y}): {dy} vs {}",
                s.grad_y
            );
        }
    }

    #[test]
    fn batched_loss_gradient_matches_the_single_point_sampler() {
        let (h, w) = (4, 5);
        let n = h * w;
        let image: Vec<f32> = (0..n).map(|i| ((i * 5) % 7) as f32 * 0.25).collect();
        let target: Vec<f32> = (0..n).map(|i| ((i * 3) % 4) as f32 * 0.5).collect();
        let mut coords = vec![0.0f32; 2 * n];
        for p in 0..n {
            coords[p] = (p % w) as f32 * 1.13 - 0.8;
            coords[n + p] = (p / w) as f32 * 1.21 - 0.6;
        }
        coords[3] = f32::NAN;
        let mut sampler = BilinearSampler::new(h, w).unwrap();
        let mut warped = vec![0.0; n];
        let mut grad = vec![0.0; 2 * n];
        let loss = sampler.warp_loss_grad_into(&image, &target, &coords, &mut warped, &mut grad);
        let mut want_loss = 0.0f64;
        for p in 0..n {
            let s = sampler.sample_with_grad(&image, coords[p], coords[n + p]);
            let r = s.value - target[p];
            want_loss += f64::from(r * r);
            assert!((warped[p] - s.value).abs() < 1e-5);
            assert!((grad[p] - 2.0 * r * s.grad_x).abs() < 1e-4);
            assert!((grad[n + p] - 2.0 * r * s.grad_y).abs() < 1e-4);
        }
        assert!((loss - want_loss).abs() < 1e-4);
    }

    #[test]
    fn zero_sides_are_rejected() {
        assert!(matches!(
            BilinearSampler::new(0, 3).unwrap_err(),
            Error::InvalidParameter { name: "height", .. }
        ));
        assert!(matches!(
            BilinearSampler::new(3, 0).unwrap_err(),
            Error::InvalidParameter { name: "width", .. }
        ));
    }
}
