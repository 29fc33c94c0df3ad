//! Settings of the clustering and of each alignment, validated once.

use crate::Error;
use crate::warp::WarpFamily;

/// Settings of one alignment of a datum onto a centroid: the inner minimisation of
/// `d(x, μ) = min over ν of ‖T(x, ν) − μ‖² + penalties`.
///
/// An alignment runs two stages of Adam, coarse to fine (the paper's Appendix B):
///
/// 1. **coarse**: only the affine part of the warp, on images blurred by a Gaussian of
///    standard deviation `blur_sigma` pixels, for `coarse_steps` steps;
/// 2. **fine**: the whole warp on the original images, for `fine_steps` steps.
///
/// The result is the best iterate evaluated on the original images, starting point included,
/// so an alignment never raises a pair's objective. Adam's moments start from zero at every
/// alignment: they are scratch, not state, and cost no memory between Lloyd iterations.
///
/// Penalties, both 0 for plain K-means:
///
/// ```text
/// bending(ν) = bending_penalty · Σ over x, y of νᵀ Ω ν      (TPS only; U(r) = r² ln r²)
/// scale(ν)   = scale_penalty · (det(I + J) − 1)²
/// ```
///
/// where Ω is the bending-energy matrix of the control-point grid and J the 2 × 2 linear part
/// of the affine displacement closest to ν (exactly ν's linear part for the affine warp), in
/// normalised coordinates. The scale penalty keeps the optimiser from shrinking or blowing up
/// a datum to blank out strokes that do not match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlignConfig {
    /// Adam's learning rate, in normalised units (one pixel of a 28-pixel side is 2/27).
    pub learning_rate: f32,
    /// Adam steps of the coarse (affine, blurred) stage.
    pub coarse_steps: usize,
    /// Adam steps of the fine (full warp, original images) stage.
    pub fine_steps: usize,
    /// Standard deviation of the coarse stage's Gaussian blur, in pixels; 0 disables it.
    pub blur_sigma: f32,
    /// Weight of the TPS bending energy (kernel `U(r) = r² ln r²`).
    pub bending_penalty: f32,
    /// Weight of the affine-scale penalty `(det(I + J) − 1)²`.
    pub scale_penalty: f32,
}

impl Default for AlignConfig {
    /// Returns the defaults, chosen on MNIST digits (28 × 28, a 4 × 4 TPS grid):
    /// learning rate 0.01, 10 coarse and 10 fine steps, blur σ = 1 px, bending penalty 10,
    /// scale penalty 1.
    ///
    /// The bending penalty matters most: on 1000 MNIST-5k digits a single ST K-means run
    /// reached 80 % test accuracy at 0.01, 83 % at 1, 85 % at 10 and fell back to 74 % (AI
    /// K-means' level) at 100, as a stiffer spline stops deforming one digit into another.
    fn default() -> Self {
        Self {
            learning_rate: 0.01,
            coarse_steps: 10,
            fine_steps: 10,
            blur_sigma: 1.0,
            bending_penalty: 10.0,
            scale_penalty: 1.0,
        }
    }
}

/// Settings of a K-means fit: the warp family decides the method.
///
/// | method | `warp` |
/// |---|---|
/// | K-means | [`WarpFamily::Identity`] |
/// | AI K-means | [`WarpFamily::Affine`] |
/// | ST K-means | [`WarpFamily::Tps`] |
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KMeansConfig {
    /// Number of clusters K.
    pub n_clusters: usize,
    /// The warp family T.
    pub warp: WarpFamily,
    /// How each (datum, centroid) pair is aligned.
    pub align: AlignConfig,
    /// Most Lloyd iterations after the identity warm-up (all of them for the identity family).
    pub max_iterations: usize,
    /// Stop once the objective's relative decrease over one iteration falls below this.
    pub tolerance: f64,
    /// Most Lloyd iterations of a warm-up, from the first, during which the warp is held at the
    /// identity: plain K-means on the raw pixels, ending early by the stopping rules of
    /// [`Lloyd`](crate::Lloyd). The partition settles on pixels before a flexible warp can pull
    /// a datum towards the centroid of another class. Not counted by `max_iterations`; without
    /// effect for the identity family.
    pub identity_iterations: usize,
    /// Lloyd iterations, after the identity warm-up, during which a TPS warp is held to its
    /// affine part (one warp family at a time: rigid alignment settles before non-rigid detail).
    pub affine_iterations: usize,
    /// Start each pair's alignment from its result of the previous iteration (else from the
    /// identity). Warm starts are what makes the objective decrease monotonically.
    pub warm_start: bool,
    /// A cluster with fewer members than this share of the data is re-seeded as an empty one
    /// is; 0 re-seeds only empty clusters.
    pub min_cluster_share: f64,
    /// Alignment rounds when assigning data to fixed centroids (`predict`, and the final
    /// assignment of a fit); each round warm-starts from the previous one.
    pub predict_rounds: usize,
    /// Data per batch: each batch aligns `batch_size × K` pairs with matrix-matrix products.
    /// Results do not depend on it. At most [`MAX_BATCH_SIZE`]: every worker holds buffers for
    /// a whole batch.
    pub batch_size: usize,
}

/// The largest [`KMeansConfig::batch_size`]. Larger batches stop paying off long before it
/// (the default is 64), and it keeps a worker's buffers, `batch_size × K` pairs, sizeable.
pub const MAX_BATCH_SIZE: usize = 4096;

impl KMeansConfig {
    /// Returns the default configuration for `n_clusters` clusters with warp family `warp`:
    /// [`AlignConfig::default`], at most 30 iterations after at most 50 of identity warm-up,
    /// tolerance 1e-4, 3 affine-only iterations, warm starts, no minimum cluster share, 3 predict rounds, batches of 64.
    #[must_use]
    pub fn new(n_clusters: usize, warp: WarpFamily) -> Self {
        Self {
            n_clusters,
            warp,
            align: AlignConfig::default(),
            max_iterations: 30,
            tolerance: 1e-4,
            identity_iterations: 50,
            affine_iterations: 3,
            warm_start: true,
            min_cluster_share: 0.0,
            predict_rounds: 3,
            batch_size: 64,
        }
    }

    /// Checks every field's range.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        let invalid = |name, reason| Err(Error::InvalidParameter { name, reason });
        let a = &self.align;
        if self.n_clusters == 0 {
            return invalid("n_clusters", "must be at least 1");
        }
        if self.max_iterations == 0 {
            return invalid("max_iterations", "must be at least 1");
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return invalid("tolerance", "must be finite and non-negative");
        }
        if !(self.min_cluster_share.is_finite() && (0.0..1.0).contains(&self.min_cluster_share)) {
            return invalid("min_cluster_share", "must lie in [0, 1)");
        }
        if self.predict_rounds == 0 {
            return invalid("predict_rounds", "must be at least 1");
        }
        if self.batch_size == 0 {
            return invalid("batch_size", "must be at least 1");
        }
        if self.batch_size > MAX_BATCH_SIZE {
            return invalid("batch_size", "must be at most MAX_BATCH_SIZE (4096)");
        }
        if !(a.learning_rate.is_finite() && a.learning_rate > 0.0) {
            return invalid("learning_rate", "must be finite and positive");
        }
        if !(a.blur_sigma.is_finite() && a.blur_sigma >= 0.0) {
            return invalid("blur_sigma", "must be finite and non-negative");
        }
        if !(a.bending_penalty.is_finite() && a.bending_penalty >= 0.0) {
            return invalid("bending_penalty", "must be finite and non-negative");
        }
        if !(a.scale_penalty.is_finite() && a.scale_penalty >= 0.0) {
            return invalid("scale_penalty", "must be finite and non-negative");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> KMeansConfig {
        KMeansConfig::new(3, WarpFamily::Tps { grid_size: 4 })
    }

    fn rejected_field(config: KMeansConfig) -> &'static str {
        match config.validate() {
            Err(Error::InvalidParameter { name, .. }) => name,
            other => panic!("expected an invalid parameter, got {other:?}"),
        }
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(base().validate(), Ok(()));
    }

    #[test]
    fn n_clusters_cannot_be_zero() {
        let config = KMeansConfig {
            n_clusters: 0,
            ..base()
        };
        assert_eq!(rejected_field(config), "n_clusters");
    }

    #[test]
    fn learning_rate_must_be_positive_and_finite() {
        for lr in [0.0, -1.0, f32::NAN, f32::INFINITY] {
            let mut config = base();
            config.align.learning_rate = lr;
            assert_eq!(rejected_field(config), "learning_rate");
        }
    }

    #[test]
    fn penalties_and_blur_must_be_non_negative() {
        let mut config = base();
        config.align.bending_penalty = -0.1;
        assert_eq!(rejected_field(config), "bending_penalty");
        let mut config = base();
        config.align.scale_penalty = f32::NAN;
        assert_eq!(rejected_field(config), "scale_penalty");
        let mut config = base();
        config.align.blur_sigma = -1.0;
        assert_eq!(rejected_field(config), "blur_sigma");
    }

    #[test]
    fn iteration_and_batch_counts_must_be_positive() {
        let config = KMeansConfig {
            max_iterations: 0,
            ..base()
        };
        assert_eq!(rejected_field(config), "max_iterations");
        let config = KMeansConfig {
            batch_size: 0,
            ..base()
        };
        assert_eq!(rejected_field(config), "batch_size");
        let config = KMeansConfig {
            batch_size: MAX_BATCH_SIZE + 1,
            ..base()
        };
        assert_eq!(rejected_field(config), "batch_size");
        let config = KMeansConfig {
            predict_rounds: 0,
            ..base()
        };
        assert_eq!(rejected_field(config), "predict_rounds");
    }

    #[test]
    fn tolerance_and_share_have_ranges() {
        let config = KMeansConfig {
            tolerance: -1e-3,
            ..base()
        };
        assert_eq!(rejected_field(config), "tolerance");
        let config = KMeansConfig {
            min_cluster_share: 1.0,
            ..base()
        };
        assert_eq!(rejected_field(config), "min_cluster_share");
    }
}
