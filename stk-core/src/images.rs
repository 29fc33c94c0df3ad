//! A validated, borrowed view of N images of the same size.

use crate::Error;

/// N row-major images of `height` × `width` `f32` values, stored back to back.
///
/// Construction checks everything the algorithms assume, so code that receives an `Images`
/// never meets an empty set, a ragged length or a non-finite value.
#[derive(Debug, Clone, Copy)]
pub struct Images<'a> {
    pixels: &'a [f32],
    height: usize,
    width: usize,
}

impl<'a> Images<'a> {
    /// Wraps `pixels`, which holds `pixels.len() / (height * width)` images.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] if `height` or `width` is 0;
    /// - [`Error::EmptyInput`] if `pixels` is empty;
    /// - [`Error::ShapeMismatch`] if `pixels.len()` is not a multiple of `height * width`;
    /// - [`Error::NonFinite`] with the flattened index of the first NaN or infinity.
    pub fn new(pixels: &'a [f32], height: usize, width: usize) -> Result<Self, Error> {
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
        if pixels.is_empty() {
            return Err(Error::EmptyInput);
        }
        let n_pixels = height * width;
        if !pixels.len().is_multiple_of(n_pixels) {
            return Err(Error::ShapeMismatch {
                what: "pixel buffer (a multiple of height × width)",
                expected: (pixels.len() / n_pixels + 1) * n_pixels,
                found: pixels.len(),
            });
        }
        if let Some(index) = pixels.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite { index });
        }
        Ok(Self {
            pixels,
            height,
            width,
        })
    }

    /// Returns the number of images.
    #[must_use]
    pub fn n_samples(&self) -> usize {
        self.pixels.len() / self.n_pixels()
    }

    /// Returns the image height in pixels (rows).
    #[must_use]
    pub fn height(&self) -> usize {
        self.height
    }

    /// Returns the image width in pixels (columns).
    #[must_use]
    pub fn width(&self) -> usize {
        self.width
    }

    /// Returns the number of pixels of one image.
    #[must_use]
    pub fn n_pixels(&self) -> usize {
        self.height * self.width
    }

    /// Returns image `idx`.
    ///
    /// # Panics
    ///
    /// Panics if `idx >= self.n_samples()`.
    #[must_use]
    #[track_caller]
    pub fn image(&self, idx: usize) -> &'a [f32] {
        let n = self.n_pixels();
        &self.pixels[idx * n..(idx + 1) * n]
    }

    /// Returns all pixels, image after image.
    #[must_use]
    pub fn pixels(&self) -> &'a [f32] {
        self.pixels
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_images_and_hands_them_out() {
        let pixels = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let images = Images::new(&pixels, 1, 3).unwrap();
        assert_eq!(images.n_samples(), 2);
        assert_eq!(images.image(1), &[3.0, 4.0, 5.0]);
    }

    #[test]
    fn empty_pixels_are_rejected() {
        assert_eq!(Images::new(&[], 2, 2).unwrap_err(), Error::EmptyInput);
    }

    #[test]
    fn ragged_length_is_rejected() {
        let err = Images::new(&[0.0; 5], 2, 2).unwrap_err();
        assert!(matches!(err, Error::ShapeMismatch { found: 5, .. }));
    }

    #[test]
    fn zero_sizes_are_rejected() {
        assert!(matches!(
            Images::new(&[0.0], 0, 1).unwrap_err(),
            Error::InvalidParameter { name: "height", .. }
        ));
        assert!(matches!(
            Images::new(&[0.0], 1, 0).unwrap_err(),
            Error::InvalidParameter { name: "width", .. }
        ));
    }

    #[test]
    fn nan_and_infinity_are_rejected_with_their_index() {
        assert_eq!(
            Images::new(&[0.0, f32::NAN, 1.0, 2.0], 2, 2).unwrap_err(),
            Error::NonFinite { index: 1 }
        );
        assert_eq!(
            Images::new(&[0.0, 1.0, 1.0, f32::NEG_INFINITY], 2, 2).unwrap_err(),
            Error::NonFinite { index: 3 }
        );
    }
}
