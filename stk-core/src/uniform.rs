//! Uniform floats from random words.
//!
//! The only place where random bits become floats: the top 53 bits of a 64-bit word, times
//! 2⁻⁵³, give every multiple of 2⁻⁵³ in `[0, 1)` with equal probability (the low bits of some
//! generators are weaker, and 53 bits is exactly what an `f64` mantissa holds). The `f32`
//! form would take the top 24 bits of a 32-bit word in the same way.

use rand_core::Rng;

/// Returns a uniform `f64` in `[0, 1)` from the top 53 bits of one `next_u64`.
#[inline]
#[must_use]
pub(crate) fn unit_f64<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    const SCALE: f64 = 1.0 / (1u64 << 53) as f64;
    (rng.next_u64() >> 11) as f64 * SCALE
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    #[test]
    fn unit_floats_stay_in_the_half_open_unit_interval() {
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let mut sum = 0.0f64;
        for _ in 0..10_000 {
            let u = unit_f64(&mut rng);
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        // Mean of 10 000 uniforms: 0.5 with standard error 0.003.
        assert!((sum / 10_000.0 - 0.5).abs() < 0.012);
    }
}
