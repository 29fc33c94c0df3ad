//! Thin wrappers over `libm` for the float functions `core` lacks.
//!
//! `core` has `abs` but not `floor`, `sqrt`, `ln` or `exp`; every call goes through here so the
//! crate builds without `std`.

/// Returns the square root of `x`.
#[inline]
#[must_use]
pub(crate) fn sqrt_f32(x: f32) -> f32 {
    libm::sqrtf(x)
}

/// Returns the natural logarithm of `x`.
#[inline]
#[must_use]
pub(crate) fn ln_f64(x: f64) -> f64 {
    libm::log(x)
}

/// Returns `e^x`.
#[inline]
#[must_use]
pub(crate) fn exp_f64(x: f64) -> f64 {
    libm::exp(x)
}

/// Returns `base^exponent`.
#[inline]
#[must_use]
pub(crate) fn powi_f64(base: f64, exponent: u32) -> f64 {
    libm::pow(base, f64::from(exponent))
}

/// Returns the largest integer not greater than `x`.
#[inline]
#[must_use]
pub(crate) fn floor_f32(x: f32) -> f32 {
    libm::floorf(x)
}

/// Returns the smallest integer not less than `x`.
#[inline]
#[must_use]
pub(crate) fn ceil_f64(x: f64) -> f64 {
    libm::ceil(x)
}

/// Returns `x` rounded to the nearest integer, halves away from zero.
#[inline]
#[must_use]
pub(crate) fn round_f64(x: f64) -> f64 {
    libm::round(x)
}

/// Returns the base-2 logarithm of `x`.
#[inline]
#[must_use]
pub(crate) fn log2_f64(x: f64) -> f64 {
    libm::log2(x)
}

/// Returns `2^x`.
#[inline]
#[must_use]
pub(crate) fn exp2_f64(x: f64) -> f64 {
    libm::exp2(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_match_known_values() {
        assert_eq!(sqrt_f32(9.0), 3.0);
        assert!((ln_f64(core::f64::consts::E) - 1.0).abs() < 1e-15);
        assert!((exp_f64(1.0) - core::f64::consts::E).abs() < 1e-15);
        assert_eq!(powi_f64(0.5, 3), 0.125);
        assert_eq!(floor_f32(-0.5), -1.0);
        assert_eq!(ceil_f64(2.1), 3.0);
    }
}
