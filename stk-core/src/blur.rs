//! Separable Gaussian low-pass filter, for the coarse stage of alignment.
//!
//! ```text
//! k(d) ∝ exp(−d² / (2σ²)),  d = −r..=r,  r = ⌈3σ⌉,  Σ k = 1
//! ```
//!
//! applied along rows, then along columns. The image is zero outside its pixels, as for the
//! sampler, so mass near the border leaks out rather than being reflected back.

use alloc::vec;
use alloc::vec::Vec;

use crate::error::Error;
use crate::math::{ceil_f64, exp_f64};

/// Largest accepted kernel radius, in pixels.
pub const MAX_BLUR_RADIUS: usize = 1024;

/// A Gaussian blur for `height × width` row-major images with its scratch buffer.
#[derive(Debug, Clone)]
pub struct GaussianBlur {
    sigma: f32,
    height: usize,
    width: usize,
    /// Weights for offsets `−r..=r`.
    kernel: Vec<f32>,
    /// The row-blurred image.
    scratch: Vec<f32>,
}

impl GaussianBlur {
    /// Builds a blur of standard deviation `sigma` pixels (0 copies the image).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] for a negative or non-finite `sigma` or a zero side;
    /// [`Error::GridTooLarge`] if the radius ⌈3σ⌉ exceeds [`MAX_BLUR_RADIUS`].
    pub fn new(sigma: f32, height: usize, width: usize) -> Result<Self, Error> {
        if !(sigma.is_finite() && sigma >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "sigma",
                reason: "must be finite and non-negative",
            });
        }
        if height == 0 || width == 0 {
            return Err(Error::InvalidParameter {
                name: if height == 0 { "height" } else { "width" },
                reason: "must be at least 1",
            });
        }
        let radius_f = ceil_f64(3.0 * f64::from(sigma));
        if radius_f > MAX_BLUR_RADIUS as f64 {
            return Err(Error::GridTooLarge {
                what: "blur radius",
                requested: radius_f as usize,
                limit: MAX_BLUR_RADIUS,
            });
        }
        let radius = radius_f as usize;
        let kernel = if radius == 0 {
            vec![1.0]
        } else {
            let two_var = 2.0 * f64::from(sigma) * f64::from(sigma);
            let raw: Vec<f64> = (0..=2 * radius)
                .map(|i| {
                    let d = i as f64 - radius as f64;
                    exp_f64(-d * d / two_var)
                })
                .collect();
            let total: f64 = raw.iter().sum();
            raw.iter().map(|w| (w / total) as f32).collect()
        };
        Ok(Self {
            sigma,
            height,
            width,
            kernel,
            scratch: vec![0.0; height * width],
        })
    }

    /// Returns σ in pixels.
    #[must_use]
    pub fn sigma(&self) -> f32 {
        self.sigma
    }

    /// Returns the kernel weights for offsets `−r..=r` (they sum to 1).
    #[must_use]
    pub fn kernel(&self) -> &[f32] {
        &self.kernel
    }

    /// Writes the blurred `src` into `dst`.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] if `src` or `dst` is not `height · width` long.
    pub fn blur_into(&mut self, src: &[f32], dst: &mut [f32]) -> Result<(), Error> {
        let n = self.height * self.width;
        for (what, len) in [("blur source", src.len()), ("blur destination", dst.len())] {
            if len != n {
                return Err(Error::ShapeMismatch {
                    what,
                    expected: n,
                    found: len,
                });
            }
        }
        if self.kernel.len() == 1 {
            dst.copy_from_slice(src);
            return Ok(());
        }
        let radius = self.kernel.len() / 2;
        let (h, w) = (self.height, self.width);

        // Along rows.
        for (src_row, out_row) in src.chunks_exact(w).zip(self.scratch.chunks_exact_mut(w)) {
            for (x, out) in out_row.iter_mut().enumerate() {
                let lo = x.saturating_sub(radius);
                let hi = (x + radius).min(w - 1);
                let k0 = lo + radius - x;
                *out = src_row[lo..=hi]
                    .iter()
                    .zip(&self.kernel[k0..])
                    .map(|(v, k)| v * k)
                    .sum();
            }
        }

        // Along columns.
        for y in 0..h {
            let lo = y.saturating_sub(radius);
            let hi = (y + radius).min(h - 1);
            let out_row = &mut dst[y * w..(y + 1) * w];
            out_row.fill(0.0);
            for yy in lo..=hi {
                let k = self.kernel[yy + radius - y];
                let in_row = &self.scratch[yy * w..(yy + 1) * w];
                for (out, v) in out_row.iter_mut().zip(in_row) {
                    *out += k * v;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigma_zero_copies() {
        let mut blur = GaussianBlur::new(0.0, 2, 3).unwrap();
        let src = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut dst = [0.0; 6];
        blur.blur_into(&src, &mut dst).unwrap();
        assert_eq!(dst, src);
    }

    #[test]
    fn kernel_is_normalised_and_symmetric() {
        let blur = GaussianBlur::new(1.5, 10, 10).unwrap();
        let k = blur.kernel();
        assert_eq!(k.len(), 2 * 5 + 1);
        assert!((k.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        for i in 0..k.len() {
            assert_eq!(k[i], k[k.len() - 1 - i]);
        }
    }

    #[test]
    fn interior_mass_is_preserved_and_a_point_spreads_symmetrically() {
        let (h, w) = (21, 21);
        let mut src = vec![0.0f32; h * w];
        src[10 * w + 10] = 1.0;
        let mut blur = GaussianBlur::new(1.0, h, w).unwrap();
        let mut dst = vec![0.0f32; h * w];
        blur.blur_into(&src, &mut dst).unwrap();
        assert!((dst.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert_eq!(dst[10 * w + 9], dst[10 * w + 11]);
        assert_eq!(dst[9 * w + 10], dst[10 * w + 9]);
        assert!(dst[10 * w + 10] > dst[10 * w + 11]);
    }

    #[test]
    fn bad_sigma_and_shapes_are_rejected() {
        for sigma in [-1.0, f32::NAN, f32::INFINITY] {
            assert!(matches!(
                GaussianBlur::new(sigma, 3, 3).unwrap_err(),
                Error::InvalidParameter { name: "sigma", .. }
            ));
        }
        assert!(matches!(
            GaussianBlur::new(1e6, 3, 3).unwrap_err(),
            Error::GridTooLarge { .. }
        ));
        let mut blur = GaussianBlur::new(1.0, 3, 3).unwrap();
        assert_eq!(
            blur.blur_into(&[0.0; 8], &mut [0.0; 9]).unwrap_err(),
            Error::ShapeMismatch {
                what: "blur source",
                expected: 9,
                found: 8
            }
        );
    }
}
