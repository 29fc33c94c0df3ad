//! Lloyd's algorithm with warped distances (the paper's Algorithm 2).

use alloc::vec;
use alloc::vec::Vec;

use crate::Error;
use crate::blur::GaussianBlur;
use crate::images::Images;
use crate::kmeans::align::{
    AffineProjection, DatumResult, PassInputs, Task, TaskKind, Worker, fixed_mean, fixed_scale,
};
use crate::kmeans::config::KMeansConfig;
use crate::kmeans::executor::Executor;
use crate::kmeans::model::{Fit, FitReport, IterationRecord, Model, Prediction, Progress};
use crate::warp::{Warp, WarpFamily};

/// Fits K-means with the warp family of `config` from `initial_centroids` (`K × n`, for
/// example from [`kmeans_plus_plus`](crate::kmeans_plus_plus)), calling `progress` after
/// every iteration.
///
/// This runs a [`Lloyd`] to the end: see there for the steps and the memory.
///
/// # Errors
///
/// As [`Lloyd::new`].
pub fn fit(
    config: &KMeansConfig,
    data: &Images<'_>,
    initial_centroids: &[f32],
    executor: &dyn Executor,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Fit, Error> {
    let mut lloyd = Lloyd::new(config, data, initial_centroids, executor)?;
    while !lloyd.is_done() {
        let record = lloyd.iterate();
        progress(&Progress {
            iteration: lloyd.iterations(),
            max_iterations: lloyd.iteration_limit(),
            warmup_iterations: lloyd.warmup_iterations(),
            record,
        });
    }
    lloyd.finish()
}

/// Lloyd's algorithm one iteration at a time, for callers that drive the loop themselves.
///
/// A fit with a warp starts with an identity warm-up: up to
/// [`identity_iterations`](KMeansConfig::identity_iterations) iterations of plain K-means,
/// until a stopping rule below fires; then up to `max_iterations` iterations with the warp,
/// the first [`affine_iterations`](KMeansConfig::affine_iterations) of them holding a TPS warp
/// to its affine part.
///
/// Each [`iterate`](Lloyd::iterate):
///
/// 1. **assign**: aligns every (datum, centroid) pair, warm-starting from the pair's previous
///    warp, and assigns each datum to the centroid with the smallest distance;
/// 2. **re-seed**: an empty cluster (or one below `min_cluster_share`) takes the worst-served
///    datum, the one with the largest distance to its own centroid (ties to the lower index),
///    from a cluster that keeps at least one member; an empty cluster's centroid becomes that
///    datum;
/// 3. **update**: each centroid becomes the mean of its members warped onto it (Eq. 4);
/// 4. **converged?**: done when no assignment changed, when the objective's relative decrease
///    fell below `tolerance`, when the objective is 0, or at `max_iterations`.
///
/// [`finish`](Lloyd::finish) then assigns the training data to the final centroids exactly as
/// [`Model::predict`] assigns new data.
///
/// # Memory
///
/// Beyond the data: one warp per (datum, centroid) pair, `N · K · P` floats (P = 0, 6 or
/// 2 g² parameters), a few values per datum, and per worker the scratch described at
/// [`Worker`](crate::Worker).
pub struct Lloyd<'a> {
    config: KMeansConfig,
    data: Images<'a>,
    executor: &'a dyn Executor,
    warp: Warp,
    projection: AffineProjection,
    workers: Vec<Worker>,
    centroid_blur: Option<GaussianBlur>,
    fixed_scale: f64,
    centroids: Vec<f32>,
    blurred_centroids: Vec<f32>,
    warm: Vec<f32>,
    results: Vec<DatumResult>,
    previous: Vec<u32>,
    history: Vec<IterationRecord>,
    /// Iterations of the identity warm-up run so far.
    warmup_iterations: usize,
    /// Whether the next iteration belongs to the identity warm-up.
    in_warmup: bool,
    converged: bool,
}

impl core::fmt::Debug for Lloyd<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Lloyd")
            .field("config", &self.config)
            .field("iterations", &self.history.len())
            .field("converged", &self.converged)
            .finish_non_exhaustive()
    }
}

impl<'a> Lloyd<'a> {
    /// Validates everything and sizes every buffer; no alignment runs yet.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] for an invalid `config`;
    /// - [`Error::TooManyClusters`] if K exceeds the number of data;
    /// - [`Error::ShapeMismatch`] if `initial_centroids` is not `K × n` long;
    /// - [`Error::NonFinite`] if a centroid value is NaN or infinite;
    /// - the errors of [`Warp::new`] (for example a TPS grid larger than the image).
    pub fn new(
        config: &KMeansConfig,
        data: &Images<'a>,
        initial_centroids: &[f32],
        executor: &'a dyn Executor,
    ) -> Result<Self, Error> {
        config.validate()?;
        let n_samples = data.n_samples();
        let k = config.n_clusters;
        if k > n_samples {
            return Err(Error::TooManyClusters {
                n_clusters: k,
                n_samples,
            });
        }
        let warp = Warp::new(config.warp, data.height(), data.width())?;
        check_centroids(config, &warp, initial_centroids)?;
        let n = warp.n_pixels();
        let p = warp.n_params();
        let centroid_blur = make_blur(config, &warp)?;
        Ok(Self {
            projection: AffineProjection::new(&warp)?,
            workers: make_workers(&warp, config, executor.n_workers(), n_samples)?,
            blurred_centroids: vec![0.0; if centroid_blur.is_some() { k * n } else { 0 }],
            centroid_blur,
            fixed_scale: fixed_scale(max_abs(data.pixels()), n_samples),
            centroids: initial_centroids.to_vec(),
            warm: vec![0.0; n_samples * k * p],
            results: vec![DatumResult::default(); n_samples],
            previous: vec![u32::MAX; n_samples],
            history: Vec::new(),
            warmup_iterations: 0,
            in_warmup: config.warp != WarpFamily::Identity && config.identity_iterations > 0,
            converged: false,
            config: *config,
            data: *data,
            executor,
            warp,
        })
    }

    /// Returns whether a stopping rule fired or the iteration limit is reached.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.converged
            || (!self.in_warmup
                && self.history.len() - self.warmup_iterations >= self.config.max_iterations)
    }

    /// Returns the number of iterations run, identity warm-up included.
    #[must_use]
    pub fn iterations(&self) -> usize {
        self.history.len()
    }

    /// Returns the number of identity warm-up iterations run so far.
    #[must_use]
    pub fn warmup_iterations(&self) -> usize {
        self.warmup_iterations
    }

    /// Returns the most iterations the fit can still reach, identity warm-up included: the
    /// warm-up's limit while it runs, the iterations it took once it ended.
    #[must_use]
    pub fn iteration_limit(&self) -> usize {
        let warmup = if self.in_warmup {
            self.config.identity_iterations
        } else {
            self.warmup_iterations
        };
        warmup + self.config.max_iterations
    }

    /// Returns the current centroids, `K × n`.
    #[must_use]
    pub fn centroids(&self) -> &[f32] {
        &self.centroids
    }

    /// Runs one iteration (assign, re-seed, update) and returns its record. Calling it after
    /// [`is_done`](Lloyd::is_done) runs one more iteration all the same.
    pub fn iterate(&mut self) -> IterationRecord {
        let n = self.warp.n_pixels();
        let p = self.warp.n_params();
        let warmup = self.in_warmup;
        let warped_iterations = self.history.len() - self.warmup_iterations;
        if let Some(blur) = self.centroid_blur.as_mut().filter(|_| !warmup) {
            blur_all(blur, &self.centroids, &mut self.blurred_centroids, n);
        }
        let inputs = PassInputs {
            warp: &self.warp,
            config: &self.config,
            projection: &self.projection,
            data: self.data,
            centroids: &self.centroids,
            blurred_centroids: &self.blurred_centroids,
            identity_only: warmup,
            affine_only: warped_iterations < self.config.affine_iterations,
            rounds: 1,
            fixed_scale: self.fixed_scale,
        };

        // Assign.
        run_align(
            &inputs,
            self.executor,
            &mut self.workers,
            Some(&mut self.warm),
            None,
            &mut self.results,
        );
        let objective: f64 = self.results.iter().map(|r| r.objective).sum();
        let distortion: f64 = self.results.iter().map(|r| r.distortion).sum();
        let n_changed = self
            .results
            .iter()
            .zip(&self.previous)
            .filter(|&(r, &prev)| r.cluster != prev)
            .count();

        // Re-seed empty and small clusters.
        let n_reseeded = reseed(&self.config, &mut self.results, &mut self.warm, p);

        // Update: the mean of each cluster's members warped onto it.
        run_accumulate(
            &inputs,
            self.executor,
            &mut self.workers,
            &self.warm,
            &self.results,
        );
        update_centroids(&self.workers, &mut self.centroids, n, self.fixed_scale);

        // Converged?
        for (prev, r) in self.previous.iter_mut().zip(&self.results) {
            *prev = r.cluster;
        }
        let stalled = self.history.last().is_some_and(|last| {
            last.objective - objective <= self.config.tolerance * last.objective.abs()
        });
        let settled = n_changed == 0 || objective == 0.0 || stalled;
        if warmup {
            // The end of the warm-up is not the end of the fit.
            self.warmup_iterations += 1;
            self.in_warmup = !settled && self.warmup_iterations < self.config.identity_iterations;
        } else {
            self.converged = settled;
        }

        let record = IterationRecord {
            objective,
            distortion,
            n_changed,
            n_reseeded,
        };
        self.history.push(record);
        record
    }

    /// Assigns the training data to the final centroids as [`Model::predict`] would and
    /// returns the model, that assignment and the report.
    ///
    /// # Errors
    ///
    /// None in practice (the inputs were validated by [`Lloyd::new`]); the type leaves room
    /// for the checks of [`Model::predict`].
    pub fn finish(mut self) -> Result<Fit, Error> {
        let last = self.history.last().copied().unwrap_or(IterationRecord {
            objective: 0.0,
            distortion: 0.0,
            n_changed: 0,
            n_reseeded: 0,
        });
        self.warm = Vec::new();
        let training = predict_with(
            &self.config,
            &self.warp,
            &self.projection,
            &self.centroids,
            &self.data,
            self.executor,
            &mut self.workers,
        )?;
        let report = FitReport {
            iterations: self.history.len(),
            warmup_iterations: self.warmup_iterations,
            converged: self.converged,
            objective: last.objective,
            distortion: last.distortion,
            n_reseeded: self.history.iter().map(|r| r.n_reseeded).sum(),
            history: self.history,
        };
        Ok(Fit {
            model: Model::from_parts(self.config, self.warp, self.centroids),
            training,
            report,
        })
    }
}

/// Assigns data to fixed centroids; see [`Model::predict`].
pub(crate) fn predict(
    config: &KMeansConfig,
    warp: &Warp,
    centroids: &[f32],
    data: &Images<'_>,
    executor: &dyn Executor,
) -> Result<Prediction, Error> {
    if data.height() != warp.height() || data.width() != warp.width() {
        return Err(Error::ShapeMismatch {
            what: "image (pixels per image)",
            expected: warp.n_pixels(),
            found: data.n_pixels(),
        });
    }
    let projection = AffineProjection::new(warp)?;
    let mut workers = make_workers(warp, config, executor.n_workers(), data.n_samples())?;
    predict_with(
        config,
        warp,
        &projection,
        centroids,
        data,
        executor,
        &mut workers,
    )
}

fn predict_with(
    config: &KMeansConfig,
    warp: &Warp,
    projection: &AffineProjection,
    centroids: &[f32],
    data: &Images<'_>,
    executor: &dyn Executor,
    workers: &mut [Worker],
) -> Result<Prediction, Error> {
    let n = warp.n_pixels();
    let p = warp.n_params();
    let n_samples = data.n_samples();
    let mut blurred_centroids = Vec::new();
    if let Some(mut blur) = make_blur(config, warp)? {
        blurred_centroids = vec![0.0; centroids.len()];
        blur_all(&mut blur, centroids, &mut blurred_centroids, n);
    }
    let inputs = PassInputs {
        warp,
        config,
        projection,
        data: *data,
        centroids,
        blurred_centroids: &blurred_centroids,
        identity_only: false,
        affine_only: false,
        rounds: config.predict_rounds,
        fixed_scale: 1.0,
    };
    let mut results = vec![DatumResult::default(); n_samples];
    let mut params = vec![0.0f32; n_samples * p];
    run_align(
        &inputs,
        executor,
        workers,
        None,
        Some(&mut params),
        &mut results,
    );
    Ok(Prediction {
        assignments: results.iter().map(|r| r.cluster).collect(),
        objectives: results.iter().map(|r| r.objective).collect(),
        distortions: results.iter().map(|r| r.distortion).collect(),
        params,
    })
}

/// Checks that `centroids` holds K finite images of the warp's size.
pub(crate) fn check_centroids(
    config: &KMeansConfig,
    warp: &Warp,
    centroids: &[f32],
) -> Result<(), Error> {
    let expected = config.n_clusters * warp.n_pixels();
    if centroids.len() != expected {
        return Err(Error::ShapeMismatch {
            what: "centroids (K × pixels per image)",
            expected,
            found: centroids.len(),
        });
    }
    if let Some(index) = centroids.iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFinite { index });
    }
    Ok(())
}

fn make_workers(
    warp: &Warp,
    config: &KMeansConfig,
    n_workers: usize,
    n_samples: usize,
) -> Result<Vec<Worker>, Error> {
    let n_workers = n_workers.clamp(1, n_samples.max(1));
    (0..n_workers).map(|_| Worker::new(warp, config)).collect()
}

fn make_blur(config: &KMeansConfig, warp: &Warp) -> Result<Option<GaussianBlur>, Error> {
    if PassInputs::blurs(config) {
        Ok(Some(GaussianBlur::new(
            config.align.blur_sigma,
            warp.height(),
            warp.width(),
        )?))
    } else {
        Ok(None)
    }
}

fn blur_all(blur: &mut GaussianBlur, images: &[f32], out: &mut [f32], n: usize) {
    for (src, dst) in images.chunks_exact(n).zip(out.chunks_exact_mut(n)) {
        let blurred = blur.blur_into(src, dst);
        debug_assert!(blurred.is_ok(), "buffers are sized for the warp");
    }
}

fn max_abs(values: &[f32]) -> f32 {
    values.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

/// Returns the first datum of each of `n_parts` near-equal contiguous ranges, and the end.
fn range_bounds(n_samples: usize, n_parts: usize) -> Vec<usize> {
    (0..=n_parts).map(|i| i * n_samples / n_parts).collect()
}

fn run_align(
    inputs: &PassInputs<'_>,
    executor: &dyn Executor,
    workers: &mut [Worker],
    mut warm: Option<&mut [f32]>,
    mut chosen: Option<&mut [f32]>,
    results: &mut [DatumResult],
) {
    let k = inputs.config.n_clusters;
    let p = inputs.warp.n_params();
    let bounds = range_bounds(results.len(), workers.len());
    let mut tasks = Vec::with_capacity(workers.len());
    let mut results_rest = results;
    for (w, worker) in workers.iter_mut().enumerate() {
        let len = bounds[w + 1] - bounds[w];
        let (results_part, rest) = results_rest.split_at_mut(len);
        results_rest = rest;
        let warm_part = warm.take().map(|all| {
            let (part, rest) = all.split_at_mut(len * k * p);
            warm = Some(rest);
            part
        });
        let chosen_part = chosen.take().map(|all| {
            let (part, rest) = all.split_at_mut(len * p);
            chosen = Some(rest);
            part
        });
        tasks.push(Task::new(TaskKind::Align {
            inputs,
            start: bounds[w],
            warm: warm_part,
            chosen: chosen_part,
            results: results_part,
            worker,
        }));
    }
    executor.run(&mut tasks);
}

fn run_accumulate(
    inputs: &PassInputs<'_>,
    executor: &dyn Executor,
    workers: &mut [Worker],
    warm: &[f32],
    results: &[DatumResult],
) {
    let k = inputs.config.n_clusters;
    let p = inputs.warp.n_params();
    let bounds = range_bounds(results.len(), workers.len());
    let tasks: Vec<Task<'_>> = workers
        .iter_mut()
        .enumerate()
        .map(|(w, worker)| {
            worker.sums.fill(0);
            worker.counts.fill(0);
            let (start, end) = (bounds[w], bounds[w + 1]);
            Task::new(TaskKind::Accumulate {
                inputs,
                start,
                warm: &warm[start * k * p..end * k * p],
                results: &results[start..end],
                worker,
            })
        })
        .collect();
    let mut tasks = tasks;
    executor.run(&mut tasks);
}

/// Sets each centroid with members to their mean; integer sums merge exactly in any order.
fn update_centroids(workers: &[Worker], centroids: &mut [f32], n: usize, scale: f64) {
    for (cluster, centroid) in centroids.chunks_exact_mut(n).enumerate() {
        let count: u64 = workers.iter().map(|w| w.counts[cluster]).sum();
        if count == 0 {
            continue;
        }
        for (px, value) in centroid.iter_mut().enumerate() {
            let sum: i64 = workers.iter().map(|w| w.sums[cluster * n + px]).sum();
            *value = fixed_mean(sum, count, scale);
        }
    }
}

/// Re-seeds empty clusters and clusters below the minimum share; returns how many.
///
/// Each such cluster, in index order, takes the worst-served datum (largest distance to its
/// own centroid, ties to the lower index) among the clusters that keep at least one member and
/// the data not moved yet. An empty cluster's centroid becomes that datum (its warp is reset
/// to the identity); a small cluster keeps its centroid and gains the datum with the warp
/// found for it in the assignment step.
fn reseed(config: &KMeansConfig, results: &mut [DatumResult], warm: &mut [f32], p: usize) -> usize {
    let k = config.n_clusters;
    let n_samples = results.len();
    let mut counts = vec![0usize; k];
    for r in results.iter() {
        counts[r.cluster as usize] += 1;
    }
    let min_count = ((config.min_cluster_share * n_samples as f64) as usize).max(1);
    let mut moved = vec![false; n_samples];
    let mut n_reseeded = 0;
    for cluster in 0..k {
        if counts[cluster] >= min_count {
            continue;
        }
        let mut worst: Option<usize> = None;
        for (idx, r) in results.iter().enumerate() {
            let donor = r.cluster as usize;
            if moved[idx] || donor == cluster || counts[donor] <= 1 {
                continue;
            }
            if worst.is_none_or(|w| r.objective > results[w].objective) {
                worst = Some(idx);
            }
        }
        let Some(idx) = worst else { break };
        let was_empty = counts[cluster] == 0;
        counts[results[idx].cluster as usize] -= 1;
        counts[cluster] += 1;
        moved[idx] = true;
        results[idx].cluster = cluster as u32;
        if was_empty {
            let pair = idx * k + cluster;
            warm[pair * p..(pair + 1) * p].fill(0.0);
        }
        n_reseeded += 1;
    }
    n_reseeded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kmeans::executor::SerialExecutor;

    fn plain(n_clusters: usize) -> KMeansConfig {
        KMeansConfig::new(n_clusters, WarpFamily::Identity)
    }

    /// `n_images` 4 × 4 images of values scattered over [0, 1).
    fn scattered_pixels(n_images: usize) -> Vec<f32> {
        (0..n_images * 16)
            .map(|i| (((i * 7919) % 23) as f32) / 23.0)
            .collect()
    }

    fn fit_plain(pixels: &[f32], n_clusters: usize, init: &[f32]) -> Result<Fit, Error> {
        let images = Images::new(pixels, 1, 1)?;
        fit(
            &plain(n_clusters),
            &images,
            init,
            &SerialExecutor,
            &mut |_| {},
        )
    }

    #[test]
    fn an_emptied_cluster_takes_the_worst_served_datum() {
        let fit = fit_plain(&[0.0, 1.0, 10.0, 11.0], 2, &[0.5, 100.0]).unwrap();
        assert_eq!(fit.model.centroids(), &[0.5, 10.5]);
        assert_eq!(fit.training.assignments, [0, 0, 1, 1]);
        assert!((fit.training.distortion() - 1.0).abs() < 1e-12);
        // The first assignment step left centroid 100 empty; datum 11 re-seeded it.
        assert_eq!(fit.report.history[0].n_reseeded, 1);
        assert_eq!(fit.report.n_reseeded, 1);
        assert!(fit.report.converged);
    }

    #[test]
    fn identical_data_give_finite_centroids_and_zero_distortion() {
        let fit = fit_plain(&[2.0, 2.0, 2.0], 2, &[2.0, 2.0]).unwrap();
        assert!(fit.model.centroids().iter().all(|c| c.is_finite()));
        assert_eq!(fit.training.distortion(), 0.0);
        assert_eq!(fit.report.distortion, 0.0);
    }

    #[test]
    fn more_clusters_than_data_is_a_typed_error() {
        let err = fit_plain(&[0.0, 1.0, 2.0], 5, &[0.0; 5]).unwrap_err();
        assert_eq!(
            err,
            Error::TooManyClusters {
                n_clusters: 5,
                n_samples: 3
            }
        );
    }

    #[test]
    fn non_finite_data_or_centroids_are_typed_errors() {
        assert_eq!(
            fit_plain(&[0.0, f32::NAN], 1, &[0.0]).unwrap_err(),
            Error::NonFinite { index: 1 }
        );
        assert_eq!(
            fit_plain(&[f32::INFINITY, 0.0], 1, &[0.0]).unwrap_err(),
            Error::NonFinite { index: 0 }
        );
        assert_eq!(
            fit_plain(&[0.0, 1.0], 1, &[f32::NAN]).unwrap_err(),
            Error::NonFinite { index: 0 }
        );
    }

    #[test]
    fn wrong_number_of_initial_centroids_is_a_shape_error() {
        let err = fit_plain(&[0.0, 1.0, 2.0], 2, &[0.0]).unwrap_err();
        assert!(matches!(
            err,
            Error::ShapeMismatch {
                expected: 2,
                found: 1,
                ..
            }
        ));
    }

    #[test]
    fn one_cluster_is_the_mean() {
        let fit = fit_plain(&[1.0, 2.0, 6.0], 1, &[0.0]).unwrap();
        assert!((fit.model.centroids()[0] - 3.0).abs() < 1e-6);
        assert_eq!(fit.training.assignments, [0, 0, 0]);
    }

    #[test]
    fn as_many_clusters_as_data_gives_zero_distortion() {
        let data = [1.0, 5.0, 9.0, 20.0];
        let fit = fit_plain(&data, 4, &[20.0, 9.0, 5.0, 1.0]).unwrap();
        assert_eq!(fit.training.distortion(), 0.0);
        let mut seen = fit.training.assignments.clone();
        seen.sort_unstable();
        assert_eq!(seen, [0, 1, 2, 3]);
    }

    #[test]
    fn duplicate_data_share_a_cluster() {
        let data = [1.0, 1.0, 1.0, 7.0, 7.0];
        let fit = fit_plain(&data, 2, &[0.0, 8.0]).unwrap();
        assert_eq!(fit.training.assignments, [0, 0, 0, 1, 1]);
        assert_eq!(fit.model.centroids(), &[1.0, 7.0]);
    }

    #[test]
    fn predicting_the_training_data_reproduces_the_fit() {
        let pixels = scattered_pixels(6);
        let images = Images::new(&pixels, 4, 4).unwrap();
        for warp in [
            WarpFamily::Identity,
            WarpFamily::Affine,
            WarpFamily::Tps { grid_size: 3 },
        ] {
            let config = KMeansConfig::new(2, warp);
            let init = [images.image(0), images.image(3)].concat();
            let fit = fit(&config, &images, &init, &SerialExecutor, &mut |_| {}).unwrap();
            let again = fit.model.predict(&images, &SerialExecutor).unwrap();
            assert_eq!(again, fit.training, "{warp:?}");
        }
    }

    #[test]
    fn a_warped_fit_starts_by_replaying_plain_kmeans() {
        let pixels = scattered_pixels(12);
        let images = Images::new(&pixels, 4, 4).unwrap();
        let init = [images.image(0), images.image(5), images.image(9)].concat();
        let plain = fit(&plain(3), &images, &init, &SerialExecutor, &mut |_| {}).unwrap();
        assert!(plain.report.converged);
        let warmup = plain.report.iterations;
        assert!(
            warmup >= 2,
            "the toy data settle at once; the test needs a longer warm-up"
        );
        for warp in [WarpFamily::Affine, WarpFamily::Tps { grid_size: 3 }] {
            let mut config = KMeansConfig::new(3, warp);
            config.max_iterations = 2;
            config.tolerance = 0.0;
            let mut limits = Vec::new();
            let warped = fit(&config, &images, &init, &SerialExecutor, &mut |p| {
                limits.push(p.max_iterations);
            })
            .unwrap();
            let history = &warped.report.history;
            assert_eq!(history[..warmup], plain.report.history[..], "{warp:?}");
            assert!(history.len() <= warmup + 2, "{warp:?}");
            assert!(history.len() > warmup, "{warp:?}: no warped iteration ran");
            assert_eq!(limits[0], config.identity_iterations + 2);
            assert_eq!(limits.last(), Some(&(warmup + 2)));
            assert_eq!(warped.report.warmup_iterations, warmup);
        }
    }

    #[test]
    fn without_warm_up_the_first_iteration_is_warped() {
        let pixels = scattered_pixels(12);
        let images = Images::new(&pixels, 4, 4).unwrap();
        let init = [images.image(0), images.image(5), images.image(9)].concat();
        let plain = fit(&plain(3), &images, &init, &SerialExecutor, &mut |_| {}).unwrap();
        let mut config = KMeansConfig::new(3, WarpFamily::Affine);
        config.identity_iterations = 0;
        config.max_iterations = 1;
        let warped = fit(&config, &images, &init, &SerialExecutor, &mut |_| {}).unwrap();
        assert_eq!(warped.report.iterations, 1);
        assert_eq!(warped.report.warmup_iterations, 0);
        assert!(warped.report.history[0].objective < plain.report.history[0].objective);
    }

    #[test]
    fn predict_rejects_images_of_another_size() {
        let pixels = [0.0f32; 8];
        let images = Images::new(&pixels, 2, 2).unwrap();
        let fit = fit(&plain(1), &images, &[0.0; 4], &SerialExecutor, &mut |_| {}).unwrap();
        let other = Images::new(&pixels, 1, 4).unwrap();
        assert!(matches!(
            fit.model.predict(&other, &SerialExecutor).unwrap_err(),
            Error::ShapeMismatch { .. }
        ));
    }

    #[test]
    fn objective_never_increases_for_plain_kmeans() {
        let pixels: Vec<f32> = (0..40).map(|i| ((i * 37 % 17) as f32).sqrt()).collect();
        let images = Images::new(&pixels, 1, 1).unwrap();
        let fit = fit(
            &plain(4),
            &images,
            &pixels[..4],
            &SerialExecutor,
            &mut |_| {},
        )
        .unwrap();
        for pair in fit.report.history.windows(2) {
            assert!(pair[1].objective <= pair[0].objective);
        }
    }
}
