//! Aligning batches of data onto every centroid: the inner minimisation of each Lloyd pass.
//!
//! A pass splits the data into contiguous ranges ([`Task`]s); each task walks its range in
//! batches of `batch_size` data and aligns all `batch_size × K` pairs at once, so the two
//! products with the warp basis per Adam step are matrix-matrix products. Every pair is
//! computed alone (no result depends on how the data were split), and cluster sums are kept in
//! fixed point, so merging tasks in any order gives identical bits.

use alloc::vec;
use alloc::vec::Vec;

use crate::Error;
use crate::adam::{Adam, AdamConfig, AdamState};
use crate::blur::GaussianBlur;
use crate::images::Images;
use crate::kmeans::config::KMeansConfig;
use crate::kmeans::init::squared_distance;
use crate::math;
use crate::sampler::BilinearSampler;
use crate::step::CHUNK;
use crate::warp::{Warp, WarpFamily};

/// The outcome of aligning one datum onto every centroid.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DatumResult {
    /// The centroid with the smallest objective (ties go to the lower index).
    pub cluster: u32,
    /// The smallest objective: data term plus penalties at the best warp found.
    pub objective: f64,
    /// The data term ‖T(x, ν) − μ‖² of that same warp.
    pub distortion: f64,
}

/// The affine part of a parameter vector and the scale penalty on it.
///
/// θ = G⁻¹ Cᵀ ν is the least-squares affine displacement of ν, where C maps the 6 affine
/// parameters to the family's parameters and G = Cᵀ C (C = I for the affine family).
#[derive(Debug, Clone)]
pub(crate) struct AffineProjection {
    gram_inverse: [[f32; 6]; 6],
}

impl AffineProjection {
    pub(crate) fn new(warp: &Warp) -> Result<Self, Error> {
        let mut gram = nalgebra::Matrix6::<f64>::zeros();
        if warp.family() != WarpFamily::Identity {
            let mut params = vec![0.0f32; warp.n_params()];
            for j in 0..6 {
                let mut unit = [0.0f32; 6];
                unit[j] = 1.0;
                warp.params_from_affine_into(&unit, &mut params);
                let column = warp.affine_grad_from_params(&params);
                for (i, c) in column.iter().enumerate() {
                    gram[(i, j)] = f64::from(*c);
                }
            }
        } else {
            gram = nalgebra::Matrix6::identity();
        }
        let inverse = gram.try_inverse().ok_or(Error::SingularSystem)?;
        let mut gram_inverse = [[0.0f32; 6]; 6];
        for (i, row) in gram_inverse.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = inverse[(i, j)] as f32;
            }
        }
        Ok(Self { gram_inverse })
    }

    fn apply(&self, v: &[f32; 6]) -> [f32; 6] {
        let mut out = [0.0f32; 6];
        for (o, row) in out.iter_mut().zip(&self.gram_inverse) {
            *o = row.iter().zip(v).map(|(a, b)| a * b).sum();
        }
        out
    }
}

/// Read-only inputs of one pass, shared by all its tasks.
#[derive(Debug)]
pub(crate) struct PassInputs<'a> {
    pub warp: &'a Warp,
    pub config: &'a KMeansConfig,
    pub projection: &'a AffineProjection,
    pub data: Images<'a>,
    /// `K × n` centroids.
    pub centroids: &'a [f32],
    /// `K × n` blurred centroids, for the coarse stage (empty when it does not blur).
    pub blurred_centroids: &'a [f32],
    /// Hold the warp at the identity: no alignment runs (the identity warm-up of a fit).
    pub identity_only: bool,
    /// Hold the warp to its affine part in every stage.
    pub affine_only: bool,
    /// Alignment rounds per pair, each warm-starting from the previous round's best.
    pub rounds: usize,
    /// Fixed-point scale of the cluster sums.
    pub fixed_scale: f64,
}

impl PassInputs<'_> {
    fn n_clusters(&self) -> usize {
        self.config.n_clusters
    }

    /// Whether the coarse stage runs on blurred images.
    pub(crate) fn blurs(config: &KMeansConfig) -> bool {
        config.warp != WarpFamily::Identity
            && config.align.coarse_steps > 0
            && config.align.blur_sigma > 0.0
    }
}

/// One unit of a pass: a contiguous range of data and the scratch it runs in.
///
/// Created by the clustering and handed to an [`Executor`](crate::Executor), which calls
/// [`run`](Task::run) once on each.
#[derive(Debug)]
pub struct Task<'a> {
    kind: TaskKind<'a>,
}

#[derive(Debug)]
pub(crate) enum TaskKind<'a> {
    /// Align every datum of the range onto every centroid.
    Align {
        inputs: &'a PassInputs<'a>,
        start: usize,
        /// `range × K × P` warm starts, read and overwritten with the best warps (fits).
        warm: Option<&'a mut [f32]>,
        /// `range × P`: the best warp onto the chosen centroid (predictions).
        chosen: Option<&'a mut [f32]>,
        results: &'a mut [DatumResult],
        worker: &'a mut Worker,
    },
    /// Add every datum of the range, warped onto its cluster's centroid, to the worker's sums.
    Accumulate {
        inputs: &'a PassInputs<'a>,
        start: usize,
        /// `range × K × P` warps.
        warm: &'a [f32],
        results: &'a [DatumResult],
        worker: &'a mut Worker,
    },
}

impl<'a> Task<'a> {
    pub(crate) fn new(kind: TaskKind<'a>) -> Self {
        Self { kind }
    }

    /// Runs the task.
    pub fn run(&mut self) {
        match &mut self.kind {
            TaskKind::Align {
                inputs,
                start,
                warm,
                chosen,
                results,
                worker,
            } => worker.align_range(
                inputs,
                *start,
                warm.as_deref_mut(),
                chosen.as_deref_mut(),
                results,
            ),
            TaskKind::Accumulate {
                inputs,
                start,
                warm,
                results,
                worker,
            } => worker.accumulate_range(inputs, *start, warm, results),
        }
    }
}

/// Scratch of one task, sized once from (image size, warp, K, batch size).
///
/// Memory, in 4-byte floats unless said: `batch_size · K · (6 P + 16)` for the parameters,
/// Adam moments and losses of one batch's pairs, `5 n` per pair of one cache-sized chunk
/// (32 pairs), `batch_size · n` for blurred data, and `K · n` 8-byte fixed-point sums (n pixels,
/// P parameters). For 28 × 28 digits, K = 10, a 4 × 4 grid and batches of 64: about 2 MiB.
#[derive(Debug)]
pub struct Worker {
    sampler: BilinearSampler,
    blur: Option<GaussianBlur>,
    adam: Adam,
    full_moments: Vec<AdamState>,
    affine_moments: Vec<AdamState>,
    /// Current parameters, `pairs × P`.
    params: Vec<f32>,
    /// Parameters at the start of an affine-only stage, `pairs × P`.
    stage_start: Vec<f32>,
    /// Affine displacement of an affine-only stage, `pairs × 6`.
    theta: Vec<f32>,
    best: Vec<f32>,
    best_objective: Vec<f64>,
    best_distortion: Vec<f64>,
    objective: Vec<f64>,
    distortion: Vec<f64>,
    grad: Vec<f32>,
    coords: Vec<f32>,
    grad_coords: Vec<f32>,
    warped: Vec<f32>,
    blurred: Vec<f32>,
    affine_scratch: Vec<f32>,
    /// Fixed-point sums of warped members, `K × n`, and member counts.
    pub(crate) sums: Vec<i64>,
    pub(crate) counts: Vec<u64>,
}

impl Worker {
    /// Sizes every buffer for `config` and `warp`.
    pub(crate) fn new(warp: &Warp, config: &KMeansConfig) -> Result<Self, Error> {
        let n = warp.n_pixels();
        let p = warp.n_params();
        let k = config.n_clusters;
        let pairs = config.batch_size * k;
        let adam = Adam::new(AdamConfig {
            learning_rate: config.align.learning_rate,
            ..AdamConfig::default()
        })?;
        let blur = if PassInputs::blurs(config) {
            Some(GaussianBlur::new(
                config.align.blur_sigma,
                warp.height(),
                warp.width(),
            )?)
        } else {
            None
        };
        Ok(Self {
            sampler: BilinearSampler::new(warp.height(), warp.width())?,
            blur,
            adam,
            full_moments: (0..pairs).map(|_| AdamState::new(p)).collect(),
            affine_moments: (0..pairs).map(|_| AdamState::new(6)).collect(),
            params: vec![0.0; pairs * p],
            stage_start: vec![0.0; pairs * p],
            theta: vec![0.0; pairs * 6],
            best: vec![0.0; pairs * p],
            best_objective: vec![0.0; pairs],
            best_distortion: vec![0.0; pairs],
            objective: vec![0.0; pairs],
            distortion: vec![0.0; pairs],
            grad: vec![0.0; pairs * p],
            coords: vec![0.0; pairs.min(CHUNK) * 2 * n],
            grad_coords: vec![0.0; pairs.min(CHUNK) * 2 * n],
            warped: vec![0.0; pairs.min(CHUNK) * n],
            blurred: if PassInputs::blurs(config) {
                vec![0.0; config.batch_size * n]
            } else {
                Vec::new()
            },
            affine_scratch: vec![0.0; p],
            sums: vec![0; k * n],
            counts: vec![0; k],
        })
    }

    fn align_range(
        &mut self,
        inputs: &PassInputs<'_>,
        start: usize,
        mut warm: Option<&mut [f32]>,
        mut chosen: Option<&mut [f32]>,
        results: &mut [DatumResult],
    ) {
        let k = inputs.n_clusters();
        let p = inputs.warp.n_params();
        let batch = inputs.config.batch_size;
        for (batch_idx, results) in results.chunks_mut(batch).enumerate() {
            let offset = batch_idx * batch;
            let nb = results.len();
            let warm = warm
                .as_deref_mut()
                .map(|w| &mut w[offset * k * p..(offset + nb) * k * p]);
            let chosen = chosen
                .as_deref_mut()
                .map(|c| &mut c[offset * p..(offset + nb) * p]);
            self.align_batch(inputs, start + offset, warm, chosen, results);
        }
    }

    fn accumulate_range(
        &mut self,
        inputs: &PassInputs<'_>,
        start: usize,
        warm: &[f32],
        results: &[DatumResult],
    ) {
        let k = inputs.n_clusters();
        let p = inputs.warp.n_params();
        let n = inputs.warp.n_pixels();
        let batch = inputs.config.batch_size;
        // Without a warp (plain K-means, the identity warm-up) each datum is added as it is.
        let identity = p == 0 || inputs.identity_only;
        for (batch_idx, results) in results.chunks(batch).enumerate() {
            let offset = batch_idx * batch;
            let nb = results.len();

            // The warp of each datum onto its own cluster, a chunk per product.
            for chunk_start in (0..nb).step_by(CHUNK) {
                let len = CHUNK.min(nb - chunk_start);
                let coords = &mut self.coords[..len * 2 * n];
                if !identity {
                    for local in 0..len {
                        let d = chunk_start + local;
                        let pair = (offset + d) * k + results[d].cluster as usize;
                        self.params[local * p..(local + 1) * p]
                            .copy_from_slice(&warm[pair * p..(pair + 1) * p]);
                    }
                    inputs.warp.coords_into(&self.params[..len * p], coords);
                }

                for local in 0..len {
                    let d = chunk_start + local;
                    let datum = inputs.data.image(start + offset + d);
                    let warped = &mut self.warped[..n];
                    if identity {
                        warped.copy_from_slice(datum);
                    } else {
                        self.sampler.warp_into(
                            datum,
                            &coords[local * 2 * n..(local + 1) * 2 * n],
                            warped,
                        );
                    }
                    let cluster = results[d].cluster as usize;
                    let sums = &mut self.sums[cluster * n..(cluster + 1) * n];
                    for (s, &v) in sums.iter_mut().zip(warped.iter()) {
                        *s += to_fixed(v, inputs.fixed_scale);
                    }
                    self.counts[cluster] += 1;
                }
            }
        }
    }

    /// Aligns data `first..first + nb` onto every centroid and writes each datum's result.
    fn align_batch(
        &mut self,
        inputs: &PassInputs<'_>,
        first: usize,
        warm: Option<&mut [f32]>,
        chosen: Option<&mut [f32]>,
        results: &mut [DatumResult],
    ) {
        let config = inputs.config;
        let k = inputs.n_clusters();
        let p = inputs.warp.n_params();
        let n = inputs.warp.n_pixels();
        let nb = results.len();
        let pairs = nb * k;

        // Starting warps: the previous iteration's (warm start) or the identity.
        match &warm {
            Some(w) if config.warm_start => self.params[..pairs * p].copy_from_slice(w),
            _ => self.params[..pairs * p].fill(0.0),
        }

        if p == 0 || inputs.identity_only {
            // Plain K-means, or a warp held at the identity (whose penalties are 0): the
            // distance is exact, nothing to optimise.
            self.best[..pairs * p].fill(0.0);
            for (pair, (obj, dist)) in self.best_objective[..pairs]
                .iter_mut()
                .zip(&mut self.best_distortion[..pairs])
                .enumerate()
            {
                let datum = inputs.data.image(first + pair / k);
                let centroid = &inputs.centroids[(pair % k) * n..(pair % k + 1) * n];
                *dist = squared_distance(datum, centroid);
                *obj = *dist;
            }
        } else {
            if let Some(blur) = &mut self.blur {
                for d in 0..nb {
                    let blurred = blur.blur_into(
                        inputs.data.image(first + d),
                        &mut self.blurred[d * n..(d + 1) * n],
                    );
                    debug_assert!(blurred.is_ok(), "buffers are sized for the warp");
                }
            }
            self.best[..pairs * p].copy_from_slice(&self.params[..pairs * p]);
            self.evaluate(inputs, first, pairs, false);
            self.best_objective[..pairs].copy_from_slice(&self.objective[..pairs]);
            self.best_distortion[..pairs].copy_from_slice(&self.distortion[..pairs]);
            for round in 0..inputs.rounds {
                if round > 0 {
                    self.params[..pairs * p].copy_from_slice(&self.best[..pairs * p]);
                }
                self.run_stages(inputs, first, pairs);
            }
        }

        // Keep every pair's best warp, then pick each datum's cluster.
        if let Some(w) = warm {
            w.copy_from_slice(&self.best[..pairs * p]);
        }
        for (d, r) in results.iter_mut().enumerate() {
            let objectives = &self.best_objective[d * k..(d + 1) * k];
            let mut best_k = 0;
            for (c, &o) in objectives.iter().enumerate() {
                if o < objectives[best_k] {
                    best_k = c;
                }
            }
            *r = DatumResult {
                cluster: best_k as u32,
                objective: objectives[best_k],
                distortion: self.best_distortion[d * k + best_k],
            };
        }
        if let Some(c) = chosen {
            for (d, r) in results.iter().enumerate() {
                let pair = d * k + r.cluster as usize;
                c[d * p..(d + 1) * p].copy_from_slice(&self.best[pair * p..(pair + 1) * p]);
            }
        }
    }

    /// Runs the coarse and fine stages from the current parameters, keeping the best iterate
    /// judged on the original images.
    fn run_stages(&mut self, inputs: &PassInputs<'_>, first: usize, pairs: usize) {
        let align = &inputs.config.align;
        let tps = matches!(inputs.warp.family(), WarpFamily::Tps { .. });

        // Coarse: the affine part, on blurred images when a blur is set.
        if align.coarse_steps > 0 {
            let blurred = self.blur.is_some();
            self.stage(inputs, first, pairs, align.coarse_steps, blurred, tps);
            self.evaluate(inputs, first, pairs, false);
            self.keep_best(pairs, inputs.warp.n_params());
        }

        // Fine: the whole warp (or still only its affine part), on the original images.
        if align.fine_steps > 0 {
            let affine_only = tps && inputs.affine_only;
            self.stage(inputs, first, pairs, align.fine_steps, false, affine_only);
            self.evaluate(inputs, first, pairs, false);
            self.keep_best(pairs, inputs.warp.n_params());
        }
    }

    /// Runs `steps` Adam steps on every pair. Each step evaluates the current parameters
    /// first; on the original images that evaluation also competes for the best iterate.
    fn stage(
        &mut self,
        inputs: &PassInputs<'_>,
        first: usize,
        pairs: usize,
        steps: usize,
        blurred: bool,
        affine_only: bool,
    ) {
        let p = inputs.warp.n_params();
        if affine_only {
            self.stage_start[..pairs * p].copy_from_slice(&self.params[..pairs * p]);
            self.theta[..pairs * 6].fill(0.0);
            self.affine_moments[..pairs]
                .iter_mut()
                .for_each(AdamState::reset);
        } else {
            self.full_moments[..pairs]
                .iter_mut()
                .for_each(AdamState::reset);
        }
        for _ in 0..steps {
            self.evaluate(inputs, first, pairs, blurred);
            if !blurred {
                self.keep_best(pairs, p);
            }

            // Update: Adam on every pair, in the full or the affine parameters.
            for pair in 0..pairs {
                let params = &mut self.params[pair * p..(pair + 1) * p];
                let grad = &self.grad[pair * p..(pair + 1) * p];
                if affine_only {
                    let grad6 = inputs.warp.affine_grad_from_params(grad);
                    let theta = &mut self.theta[pair * 6..(pair + 1) * 6];
                    self.adam
                        .step(&mut self.affine_moments[pair], theta, &grad6);
                    let mut affine = [0.0f32; 6];
                    affine.copy_from_slice(theta);
                    inputs
                        .warp
                        .params_from_affine_into(&affine, &mut self.affine_scratch);
                    let start = &self.stage_start[pair * p..(pair + 1) * p];
                    for ((v, s), d) in params.iter_mut().zip(start).zip(&self.affine_scratch) {
                        *v = s + d;
                    }
                } else {
                    self.adam.step(&mut self.full_moments[pair], params, grad);
                }
            }
        }
    }

    /// Replaces each pair's best iterate by the current parameters where they did better.
    fn keep_best(&mut self, pairs: usize, p: usize) {
        for pair in 0..pairs {
            if self.objective[pair] < self.best_objective[pair] {
                self.best_objective[pair] = self.objective[pair];
                self.best_distortion[pair] = self.distortion[pair];
                self.best[pair * p..(pair + 1) * p]
                    .copy_from_slice(&self.params[pair * p..(pair + 1) * p]);
            }
        }
    }

    /// Forward and backward pass of every pair at the current parameters: writes the
    /// objective, its data term and the parameter gradient (penalties included).
    fn evaluate(&mut self, inputs: &PassInputs<'_>, first: usize, pairs: usize, blurred: bool) {
        let warp = inputs.warp;
        let k = inputs.n_clusters();
        let n = warp.n_pixels();
        let p = warp.n_params();
        let align = &inputs.config.align;

        // Pairs go through in chunks whose coordinates stay in cache; within a chunk the
        // forward and the backward are one matrix product each.
        for chunk_start in (0..pairs).step_by(CHUNK) {
            let len = CHUNK.min(pairs - chunk_start);
            let coords = &mut self.coords[..len * 2 * n];
            let grad_coords = &mut self.grad_coords[..len * 2 * n];
            warp.coords_into(
                &self.params[chunk_start * p..(chunk_start + len) * p],
                coords,
            );

            // Data term and its coordinate gradient, pair by pair.
            for local in 0..len {
                let pair = chunk_start + local;
                let (d, c) = (pair / k, pair % k);
                let (datum, target) = if blurred {
                    (
                        &self.blurred[d * n..(d + 1) * n],
                        &inputs.blurred_centroids[c * n..(c + 1) * n],
                    )
                } else {
                    (
                        inputs.data.image(first + d),
                        &inputs.centroids[c * n..(c + 1) * n],
                    )
                };
                self.distortion[pair] = self.sampler.warp_loss_grad_into(
                    datum,
                    target,
                    &coords[local * 2 * n..(local + 1) * 2 * n],
                    &mut self.warped[local * n..(local + 1) * n],
                    &mut grad_coords[local * 2 * n..(local + 1) * 2 * n],
                );
            }

            warp.grad_params_into(
                grad_coords,
                &mut self.grad[chunk_start * p..(chunk_start + len) * p],
            );
        }

        // Penalties.
        for pair in 0..pairs {
            let params = &self.params[pair * p..(pair + 1) * p];
            let grad = &mut self.grad[pair * p..(pair + 1) * p];
            let mut penalty = 0.0f64;
            if align.bending_penalty > 0.0 {
                penalty +=
                    f64::from(warp.bending_energy_and_grad(align.bending_penalty, params, grad));
            }
            if align.scale_penalty > 0.0 {
                penalty += scale_penalty_and_grad(
                    warp,
                    inputs.projection,
                    align.scale_penalty,
                    params,
                    grad,
                    &mut self.affine_scratch,
                );
            }
            self.objective[pair] = self.distortion[pair] + penalty;
        }
    }
}

/// Returns `s (det(I + J) − 1)²` for the affine part θ of `params` and adds its gradient.
fn scale_penalty_and_grad(
    warp: &Warp,
    projection: &AffineProjection,
    weight: f32,
    params: &[f32],
    grad: &mut [f32],
    scratch: &mut [f32],
) -> f64 {
    let theta = projection.apply(&warp.affine_grad_from_params(params));
    let (a1, a2, a4, a5) = (theta[1], theta[2], theta[4], theta[5]);
    let excess = (1.0 + a1) * (1.0 + a5) - a2 * a4 - 1.0;
    let factor = 2.0 * weight * excess;
    let grad_theta = [
        0.0,
        factor * (1.0 + a5),
        -factor * a4,
        0.0,
        -factor * a2,
        factor * (1.0 + a1),
    ];
    // θ = G⁻¹ Cᵀ ν, so ∂/∂ν = C G⁻¹ ∂/∂θ (G is symmetric).
    warp.params_from_affine_into(&projection.apply(&grad_theta), scratch);
    for (g, s) in grad.iter_mut().zip(scratch.iter()) {
        *g += s;
    }
    f64::from(weight) * f64::from(excess) * f64::from(excess)
}

/// Converts a value to the fixed point of the cluster sums.
#[inline]
fn to_fixed(v: f32, scale: f64) -> i64 {
    math::round_f64(f64::from(v) * scale) as i64
}

/// Returns the fixed-point scale for sums of up to `n_samples` values of magnitude at most
/// `max_abs`: a power of two that keeps every sum below 2⁶² in magnitude.
pub(crate) fn fixed_scale(max_abs: f32, n_samples: usize) -> f64 {
    let bound = f64::from(max_abs) * n_samples as f64;
    if bound <= 0.0 {
        return 1.0;
    }
    math::exp2_f64(61.0 - math::ceil_f64(math::log2_f64(bound)))
}

/// Converts a fixed-point sum of `count` values back to their mean.
#[inline]
pub(crate) fn fixed_mean(sum: i64, count: u64, scale: f64) -> f32 {
    (sum as f64 / scale / count as f64) as f32
}
