//! What a fit returns: the model, the training data's assignments and the report.

use alloc::vec::Vec;

use crate::Error;
use crate::images::Images;
use crate::kmeans::config::KMeansConfig;
use crate::kmeans::executor::Executor;
use crate::kmeans::lloyd;
use crate::warp::Warp;

/// Fitted centroids with the configuration that made them; assigns new data.
#[derive(Debug, Clone)]
pub struct Model {
    config: KMeansConfig,
    warp: Warp,
    centroids: Vec<f32>,
}

impl Model {
    /// Builds a model from `n_clusters` centroids of `height × width` pixels, for example ones
    /// loaded from a file.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] for an invalid `config` or image size;
    /// - [`Error::ShapeMismatch`] if `centroids.len() != n_clusters · height · width`;
    /// - [`Error::NonFinite`] for a NaN or infinite centroid value;
    /// - the errors of [`Warp::new`] for the warp family and size.
    pub fn from_centroids(
        config: KMeansConfig,
        height: usize,
        width: usize,
        centroids: Vec<f32>,
    ) -> Result<Self, Error> {
        config.validate()?;
        let warp = Warp::new(config.warp, height, width)?;
        lloyd::check_centroids(&config, &warp, &centroids)?;
        Ok(Self {
            config,
            warp,
            centroids,
        })
    }

    pub(crate) fn from_parts(config: KMeansConfig, warp: Warp, centroids: Vec<f32>) -> Self {
        Self {
            config,
            warp,
            centroids,
        }
    }

    /// Returns the configuration the model was fitted with.
    #[must_use]
    pub fn config(&self) -> &KMeansConfig {
        &self.config
    }

    /// Returns the warp (family, image size, basis).
    #[must_use]
    pub fn warp(&self) -> &Warp {
        &self.warp
    }

    /// Returns the number of clusters.
    #[must_use]
    pub fn n_clusters(&self) -> usize {
        self.config.n_clusters
    }

    /// Returns all centroids, `K × height × width`, centroid after centroid.
    #[must_use]
    pub fn centroids(&self) -> &[f32] {
        &self.centroids
    }

    /// Returns centroid `idx`.
    ///
    /// # Panics
    ///
    /// Panics if `idx >= self.n_clusters()`.
    #[must_use]
    #[track_caller]
    pub fn centroid(&self, idx: usize) -> &[f32] {
        let n = self.warp.n_pixels();
        &self.centroids[idx * n..(idx + 1) * n]
    }

    /// Assigns each datum to the centroid at the smallest distance, centroids fixed (the
    /// paper's test phase): every pair is aligned from the identity for
    /// [`predict_rounds`](KMeansConfig::predict_rounds) rounds.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] if the images are not of the model's size.
    pub fn predict(&self, data: &Images<'_>, executor: &dyn Executor) -> Result<Prediction, Error> {
        lloyd::predict(&self.config, &self.warp, &self.centroids, data, executor)
    }
}

/// Per-datum outputs of assigning data to fixed centroids.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// The cluster of each datum.
    pub assignments: Vec<u32>,
    /// Each datum's distance to its cluster: data term plus penalties at the best warp found.
    pub objectives: Vec<f64>,
    /// The data term ‖T(x, ν) − μ‖² of that warp.
    pub distortions: Vec<f64>,
    /// Each datum's warp parameters onto its centroid, [`Warp::n_params`] per datum (render
    /// the aligned datum with [`Warp::coords_into`] and a sampler).
    pub params: Vec<f32>,
}

impl Prediction {
    /// Returns the distortion: the sum of the data terms (Eq. 2).
    #[must_use]
    pub fn distortion(&self) -> f64 {
        self.distortions.iter().sum()
    }

    /// Returns the objective: the sum of the distances, penalties included.
    #[must_use]
    pub fn objective(&self) -> f64 {
        self.objectives.iter().sum()
    }
}

/// One Lloyd iteration, measured at its assignment step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IterationRecord {
    /// The minimised objective: Σ over data of the distance to the assigned centroid,
    /// penalties included. It never increases from one iteration to the next (as long as no
    /// nearly empty cluster is re-seeded).
    pub objective: f64,
    /// The data term of the same sum: the distortion of Eq. 2.
    pub distortion: f64,
    /// Data whose cluster changed at this assignment step (all of them at the first).
    pub n_changed: usize,
    /// Clusters re-seeded with a datum at this step because they were empty or too small.
    pub n_reseeded: usize,
}

/// How a fit went.
#[derive(Debug, Clone, PartialEq)]
pub struct FitReport {
    /// Lloyd iterations run, identity warm-up included.
    pub iterations: usize,
    /// The first this many iterations were the identity warm-up (plain K-means).
    pub warmup_iterations: usize,
    /// Whether a stopping rule fired before the iteration limit.
    pub converged: bool,
    /// The objective of the last assignment step.
    pub objective: f64,
    /// The distortion of the last assignment step.
    pub distortion: f64,
    /// Clusters re-seeded over the whole fit.
    pub n_reseeded: usize,
    /// Every iteration, in order.
    pub history: Vec<IterationRecord>,
}

/// The result of [`fit`](crate::fit).
#[derive(Debug, Clone)]
pub struct Fit {
    /// The fitted model.
    pub model: Model,
    /// The training data assigned by [`Model::predict`] with the final centroids, so that
    /// predicting the training data again reproduces it.
    pub training: Prediction,
    /// The Lloyd iterations.
    pub report: FitReport,
}

/// Progress of a fit, reported after every Lloyd iteration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Iterations done (1 after the first), identity warm-up included.
    pub iteration: usize,
    /// The iteration limit, identity warm-up included (see [`Lloyd::iteration_limit`]).
    ///
    /// [`Lloyd::iteration_limit`]: crate::Lloyd::iteration_limit
    pub max_iterations: usize,
    /// Iterations of the identity warm-up among the iterations done; warm-up iterations cost
    /// far less than aligned ones.
    pub warmup_iterations: usize,
    /// That iteration's record.
    pub record: IterationRecord,
}
