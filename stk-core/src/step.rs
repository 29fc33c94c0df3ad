//! The batched alignment step: forward, backward and Adam for many (datum, target) pairs in
//! buffers sized once.
//!
//! For pair b with parameters ν_b (the loss of Eq. 3 plus the optional bending term):
//!
//! ```text
//! f_b(ν_b) = ‖T(x_b, ν_b) − μ_b‖² + λ E(ν_b)
//! coords   = grid + Basis · [ν₁ … ν_B]            one matrix product for the batch
//! ∇coords  = 2 (warped − μ) ∇S                    per pair, in the sampler
//! ∇ν       = Basisᵀ · ∇coords + 2 λ Ω ν           one matrix product (+ one for Ω ν)
//! ```

use alloc::vec;
use alloc::vec::Vec;

use crate::adam::{Adam, AdamState};
use crate::error::Error;
use crate::gemm;
use crate::sampler::BilinearSampler;
use crate::warp::Warp;

/// Pairs per matrix product inside one call. A batch is processed in chunks of this many
/// pairs so that a chunk's coordinates and coordinate gradients (16 KB per 28 × 28 pair)
/// stay in the L2 cache between the product and the sampler; each chunk is still one
/// matrix-matrix product per direction. Measured on 28 × 28, g = 6: 32 pairs per chunk ran
/// a 640-pair step faster than one product over all 640.
pub(crate) const CHUNK: usize = 32;

/// Buffers for one batched step of up to `batch` pairs of one [`Warp`] shape.
///
/// Built once; afterwards [`loss_grad`](Self::loss_grad), [`step`](Self::step) and
/// [`forward`](Self::forward) allocate nothing. One workspace serves one thread; give each
/// thread its own and share the `Warp`.
#[derive(Debug, Clone)]
pub struct StepWorkspace {
    batch: usize,
    n_pixels: usize,
    n_params: usize,
    /// Scratch for the product and the sampler.
    buffers: Buffers,
    /// Gradients of the pairs for [`StepWorkspace::step`].
    grads: Vec<f32>,
    /// Losses of the pairs for [`StepWorkspace::step`].
    losses: Vec<f64>,
}

#[derive(Debug, Clone)]
struct Buffers {
    /// `min(batch, CHUNK) × 2n` sampling coordinates.
    coords: Vec<f32>,
    /// `min(batch, CHUNK) × 2n` coordinate gradients.
    grad_coords: Vec<f32>,
    /// `batch × n` warped data.
    warped: Vec<f32>,
    /// `min(batch, CHUNK) × n_params`, Ω ν for the bending term.
    bending: Vec<f32>,
    sampler: BilinearSampler,
}

impl StepWorkspace {
    /// Sizes a workspace for up to `batch` pairs of `warp`'s shape.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] if `batch` is 0; [`Error::GridTooLarge`] if the buffers
    /// would exceed `usize`.
    pub fn new(warp: &Warp, batch: usize) -> Result<Self, Error> {
        if batch == 0 {
            return Err(Error::InvalidParameter {
                name: "batch",
                reason: "must be at least 1",
            });
        }
        let n = warp.n_pixels();
        let coords_len = batch
            .min(CHUNK)
            .checked_mul(2 * n)
            .ok_or(Error::GridTooLarge {
                what: "batch",
                requested: batch,
                limit: usize::MAX / (2 * n),
            })?;
        let n_params = warp.n_params();
        let bending_len = if warp.bending_matrix().is_empty() {
            0
        } else {
            batch.min(CHUNK) * n_params
        };
        Ok(Self {
            batch,
            n_pixels: n,
            n_params,
            buffers: Buffers {
                coords: vec![0.0; coords_len],
                grad_coords: vec![0.0; coords_len],
                warped: vec![0.0; batch * n],
                bending: vec![0.0; bending_len],
                sampler: BilinearSampler::new(warp.height(), warp.width())?,
            },
            grads: vec![0.0; batch * n_params],
            losses: vec![0.0; batch],
        })
    }

    /// Returns the largest number of pairs per call.
    #[must_use]
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// Returns the warped datum of pair `pair_idx` from the last call (for
    /// [`step`](Self::step), at the parameters before the update).
    ///
    /// # Panics
    ///
    /// If `pair_idx >= batch`.
    #[track_caller]
    #[must_use]
    pub fn warped(&self, pair_idx: usize) -> &[f32] {
        assert!(pair_idx < self.batch, "pair_idx out of the batch");
        let n = self.n_pixels;
        &self.buffers.warped[pair_idx * n..(pair_idx + 1) * n]
    }

    /// Warps `data[b]` by parameter vector b of `params` for every pair (read them back with
    /// [`warped`](Self::warped)).
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] if `warp` has another shape than the workspace, there are more
    /// pairs than `batch`, a datum is not `n` long or `params` is not `n_pairs · n_params`.
    pub fn forward(&mut self, warp: &Warp, data: &[&[f32]], params: &[f32]) -> Result<(), Error> {
        self.check(warp, data, data, params.len())?;
        let n = self.n_pixels;
        let n_params = self.n_params;
        let buffers = &mut self.buffers;
        let mut start = 0;
        while start < data.len() {
            let end = (start + CHUNK).min(data.len());
            let coords = &mut buffers.coords[..(end - start) * 2 * n];
            warp.coords_into(&params[start * n_params..end * n_params], coords);
            for ((datum, coords), warped) in data[start..end]
                .iter()
                .zip(coords.chunks_exact(2 * n))
                .zip(buffers.warped[start * n..end * n].chunks_exact_mut(n))
            {
                buffers.sampler.warp_into(datum, coords, warped);
            }
            start = end;
        }
        Ok(())
    }

    /// Writes each pair's loss f_b (see the module docs; λ is `warp`'s
    /// [`bending_penalty`](Warp::bending_penalty)) into `losses[b]` and its gradient into
    /// parameter slot b of `grads`.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] if `warp` has another shape than the workspace, `data` and
    /// `targets` differ in count or exceed `batch`, an image is not `n` long, or `params`,
    /// `grads` or `losses` do not match the number of pairs.
    pub fn loss_grad(
        &mut self,
        warp: &Warp,
        data: &[&[f32]],
        targets: &[&[f32]],
        params: &[f32],
        grads: &mut [f32],
        losses: &mut [f64],
    ) -> Result<(), Error> {
        self.check(warp, data, targets, params.len())?;
        check_len("grads", params.len(), grads.len())?;
        check_len("losses", data.len(), losses.len())?;
        self.buffers
            .loss_grad(warp, data, targets, params, grads, losses);
        Ok(())
    }

    /// One Adam step per pair: evaluates [`loss_grad`](Self::loss_grad) at `params`, then
    /// updates parameter slot b of `params` with `states[b]`. Returns the losses evaluated
    /// before the update, one per pair (kept in the workspace).
    ///
    /// # Errors
    ///
    /// As [`loss_grad`](Self::loss_grad), and [`Error::ShapeMismatch`] if `states` does not
    /// hold one state of `n_params` per pair.
    pub fn step(
        &mut self,
        warp: &Warp,
        adam: &Adam,
        data: &[&[f32]],
        targets: &[&[f32]],
        params: &mut [f32],
        states: &mut [AdamState],
    ) -> Result<&[f64], Error> {
        self.check(warp, data, targets, params.len())?;
        check_len("adam states", data.len(), states.len())?;
        if let Some(state) = states.iter().find(|s| s.len() != self.n_params) {
            return Err(Error::ShapeMismatch {
                what: "adam state",
                expected: self.n_params,
                found: state.len(),
            });
        }
        let n_pairs = data.len();
        let grads = &mut self.grads[..n_pairs * self.n_params];
        let losses = &mut self.losses[..n_pairs];
        self.buffers
            .loss_grad(warp, data, targets, params, grads, losses);
        if self.n_params > 0 {
            for ((pair_params, grad), state) in params
                .chunks_exact_mut(self.n_params)
                .zip(grads.chunks_exact(self.n_params))
                .zip(states.iter_mut())
            {
                adam.step(state, pair_params, grad);
            }
        }
        Ok(&self.losses[..n_pairs])
    }

    /// Checks the warp shape, pair counts and image and parameter lengths.
    fn check(
        &self,
        warp: &Warp,
        data: &[&[f32]],
        targets: &[&[f32]],
        params_len: usize,
    ) -> Result<(), Error> {
        check_len("warp pixels", self.n_pixels, warp.n_pixels())?;
        check_len("warp parameters", self.n_params, warp.n_params())?;
        if data.len() > self.batch {
            return Err(Error::ShapeMismatch {
                what: "pairs (at most the batch)",
                expected: self.batch,
                found: data.len(),
            });
        }
        check_len("targets", data.len(), targets.len())?;
        for (datum, target) in data.iter().zip(targets) {
            check_len("datum", self.n_pixels, datum.len())?;
            check_len("target", self.n_pixels, target.len())?;
        }
        check_len("params", data.len() * self.n_params, params_len)
    }
}

impl Buffers {
    /// The step without checks (done by the caller).
    fn loss_grad(
        &mut self,
        warp: &Warp,
        data: &[&[f32]],
        targets: &[&[f32]],
        params: &[f32],
        grads: &mut [f32],
        losses: &mut [f64],
    ) {
        let n_pairs = data.len();
        let n_params = warp.n_params();
        let mut start = 0;
        while start < n_pairs {
            let end = (start + CHUNK).min(n_pairs);
            self.loss_grad_chunk(
                warp,
                &data[start..end],
                &targets[start..end],
                &params[start * n_params..end * n_params],
                &mut grads[start * n_params..end * n_params],
                &mut losses[start..end],
                start,
            );
            start = end;
        }
    }

    /// [`Buffers::loss_grad`] for pairs `first..first + data.len()` of the call, at most
    /// [`CHUNK`] of them.
    #[allow(clippy::too_many_arguments)]
    fn loss_grad_chunk(
        &mut self,
        warp: &Warp,
        data: &[&[f32]],
        targets: &[&[f32]],
        params: &[f32],
        grads: &mut [f32],
        losses: &mut [f64],
        first: usize,
    ) {
        let n = warp.n_pixels();
        let n_pairs = data.len();
        let coords = &mut self.coords[..n_pairs * 2 * n];
        let grad_coords = &mut self.grad_coords[..n_pairs * 2 * n];
        let warped = &mut self.warped[first * n..(first + n_pairs) * n];

        // Forward: the chunk's coordinates in one product.
        warp.coords_into(params, coords);

        // Sample, loss and coordinate gradient per pair.
        let per_pair = data
            .iter()
            .zip(targets)
            .zip(coords.chunks_exact(2 * n))
            .zip(warped.chunks_exact_mut(n))
            .zip(grad_coords.chunks_exact_mut(2 * n))
            .zip(losses.iter_mut());
        for (((((datum, target), coords), warped), grad_coords), loss) in per_pair {
            *loss = self
                .sampler
                .warp_loss_grad_into(datum, target, coords, warped, grad_coords);
        }

        // Backward: the chunk's parameter gradients in one product.
        warp.grad_params_into(grad_coords, grads);

        // Bending energy λ νᵀ Ω ν per coordinate, Ω ν for the chunk in one product.
        let lambda = warp.bending_penalty();
        if lambda > 0.0 {
            let l = warp.n_basis();
            let bending = &mut self.bending[..n_pairs * 2 * l];
            gemm::matmul_nn(warp.bending_matrix(), params, bending, l, l, 2 * n_pairs);
            let pairs = params
                .chunks_exact(2 * l)
                .zip(bending.chunks_exact(2 * l))
                .zip(grads.chunks_exact_mut(2 * l))
                .zip(losses.iter_mut());
            for (((nu, omega_nu), grad), loss) in pairs {
                let mut energy = 0.0f64;
                for ((v, o), g) in nu.iter().zip(omega_nu).zip(grad.iter_mut()) {
                    energy += f64::from(*v) * f64::from(*o);
                    *g += 2.0 * lambda * o;
                }
                *loss += f64::from(lambda) * energy;
            }
        }
    }
}

/// Returns a shape mismatch unless `found == expected`.
fn check_len(what: &'static str, expected: usize, found: usize) -> Result<(), Error> {
    if found == expected {
        Ok(())
    } else {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adam::AdamConfig;
    use crate::warp::{TpsConfig, WarpFamily};

    /// A smooth blob image of `h × w`.
    fn blob(h: usize, w: usize, cx: f32, cy: f32) -> Vec<f32> {
        let mut image = vec![0.0; h * w];
        for y in 0..h {
            for x in 0..w {
                let d2 = (x as f32 - cx).powi(2) + (y as f32 - cy).powi(2);
                image[y * w + x] = (-d2 / 8.0).exp();
            }
        }
        image
    }

    #[test]
    fn identity_step_loss_is_the_squared_error() {
        let warp = Warp::new(WarpFamily::Identity, 6, 5).unwrap();
        let mut ws = StepWorkspace::new(&warp, 2).unwrap();
        let a = blob(6, 5, 2.0, 2.0);
        let b = blob(6, 5, 3.0, 2.5);
        let want: f64 = a
            .iter()
            .zip(&b)
            .map(|(x, y)| f64::from(x - y) * f64::from(x - y))
            .sum();
        let mut losses = [0.0; 2];
        ws.loss_grad(&warp, &[&a, &b], &[&b, &b], &[], &mut [], &mut losses)
            .unwrap();
        assert!((losses[0] - want).abs() < 1e-9);
        assert_eq!(losses[1], 0.0);
    }

    #[test]
    fn zero_displacement_reproduces_the_image_exactly() {
        let ramp: [f32; 9] = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        for family in [WarpFamily::Affine, WarpFamily::Tps { grid_size: 3 }] {
            let warp = Warp::new(family, 3, 3).unwrap();
            let mut ws = StepWorkspace::new(&warp, 1).unwrap();
            let params = vec![0.0; warp.n_params()];
            ws.forward(&warp, &[&ramp], &params).unwrap();
            for (got, want) in ws.warped(0).iter().zip(&ramp) {
                assert!((got - want).abs() < 1e-6, "{family:?}: {got} vs {want}");
            }
            // The loss path samples eight pixels at a time in vector code.
            let mut grads = vec![0.0; warp.n_params()];
            let mut losses = [f64::NAN];
            ws.loss_grad(&warp, &[&ramp], &[&ramp], &params, &mut grads, &mut losses)
                .unwrap();
            for (got, want) in ws.warped(0).iter().zip(&ramp) {
                assert!((got - want).abs() < 1e-6, "{family:?}: {got} vs {want}");
            }
            assert!(losses[0] < 1e-10);
        }
    }

    #[test]
    fn batched_gradients_equal_single_pair_gradients() {
        // More pairs than one chunk, and a partial last chunk.
        const N_PAIRS: usize = 2 * CHUNK + 5;
        let warp = Warp::with_config(
            WarpFamily::Tps { grid_size: 4 },
            12,
            14,
            TpsConfig {
                bending_penalty: 0.3,
            },
        )
        .unwrap();
        let np = warp.n_params();
        let images: Vec<Vec<f32>> = (0..N_PAIRS)
            .map(|i| blob(12, 14, 4.0 + (i % 5) as f32, 5.0 + 0.1 * i as f32))
            .collect();
        let target = blob(12, 14, 6.0, 6.0);
        let params: Vec<f32> = (0..N_PAIRS * np)
            .map(|i| 0.05 * (i as f32 * 0.61).sin())
            .collect();
        let data: Vec<&[f32]> = images.iter().map(Vec::as_slice).collect();
        let targets = vec![target.as_slice(); N_PAIRS];
        let mut batched = StepWorkspace::new(&warp, N_PAIRS + 3).unwrap();
        let mut grads = vec![0.0; N_PAIRS * np];
        let mut losses = vec![0.0; N_PAIRS];
        batched
            .loss_grad(&warp, &data, &targets, &params, &mut grads, &mut losses)
            .unwrap();
        let mut single = StepWorkspace::new(&warp, 1).unwrap();
        for b in 0..N_PAIRS {
            let mut g = vec![0.0; np];
            let mut l = [0.0];
            single
                .loss_grad(
                    &warp,
                    &data[b..=b],
                    &targets[b..=b],
                    &params[b * np..(b + 1) * np],
                    &mut g,
                    &mut l,
                )
                .unwrap();
            assert!((l[0] - losses[b]).abs() < 1e-5 * (1.0 + l[0]));
            for (x, y) in g.iter().zip(&grads[b * np..(b + 1) * np]) {
                assert!((x - y).abs() < 1e-4 * (1.0 + x.abs()), "{x} vs {y}");
            }
        }
    }

    #[test]
    fn step_reports_losses_before_the_update_and_moves_downhill() {
        let warp = Warp::new(WarpFamily::Affine, 16, 16).unwrap();
        let adam = Adam::new(AdamConfig {
            learning_rate: 1e-2,
            ..Default::default()
        })
        .unwrap();
        let datum = blob(16, 16, 7.0, 7.0);
        let target = blob(16, 16, 8.0, 7.5);
        let mut ws = StepWorkspace::new(&warp, 1).unwrap();
        let mut params = vec![0.0; 6];
        let mut states = vec![AdamState::new(6)];
        let first = ws
            .step(
                &warp,
                &adam,
                &[&datum],
                &[&target],
                &mut params,
                &mut states,
            )
            .unwrap()[0];
        let mut at_zero = [0.0];
        ws.loss_grad(
            &warp,
            &[&datum],
            &[&target],
            &[0.0; 6],
            &mut [0.0; 6],
            &mut at_zero,
        )
        .unwrap();
        assert_eq!(first, at_zero[0]);
        let mut last = 0.0;
        for _ in 0..50 {
            last = ws
                .step(
                    &warp,
                    &adam,
                    &[&datum],
                    &[&target],
                    &mut params,
                    &mut states,
                )
                .unwrap()[0];
        }
        assert!(last < 0.5 * first, "{last} vs {first}");
        assert_eq!(states[0].step(), 51);
    }

    #[test]
    fn forward_covers_every_pair_of_a_multi_chunk_batch() {
        for family in [WarpFamily::Identity, WarpFamily::Affine] {
            let warp = Warp::new(family, 5, 6).unwrap();
            let n_pairs = CHUNK + 3;
            let images: Vec<Vec<f32>> = (0..n_pairs)
                .map(|i| blob(5, 6, (i % 6) as f32, 2.0))
                .collect();
            let data: Vec<&[f32]> = images.iter().map(Vec::as_slice).collect();
            let mut ws = StepWorkspace::new(&warp, n_pairs).unwrap();
            ws.forward(&warp, &data, &vec![0.0; n_pairs * warp.n_params()])
                .unwrap();
            for (i, image) in images.iter().enumerate() {
                assert_eq!(ws.warped(i), image.as_slice(), "{family:?} pair {i}");
            }
        }
    }

    #[test]
    fn mismatched_shapes_are_typed_errors() {
        let warp = Warp::new(WarpFamily::Affine, 4, 4).unwrap();
        let other = Warp::new(WarpFamily::Affine, 4, 5).unwrap();
        let mut ws = StepWorkspace::new(&warp, 2).unwrap();
        let image = [0.0f32; 16];
        let short = [0.0f32; 15];
        let mut grads = [0.0; 6];
        let mut losses = [0.0];
        let err = ws
            .loss_grad(
                &warp,
                &[&short],
                &[&image],
                &[0.0; 6],
                &mut grads,
                &mut losses,
            )
            .unwrap_err();
        assert_eq!(
            err,
            Error::ShapeMismatch {
                what: "datum",
                expected: 16,
                found: 15
            }
        );
        let err = ws
            .loss_grad(
                &other,
                &[&image],
                &[&image],
                &[0.0; 6],
                &mut grads,
                &mut losses,
            )
            .unwrap_err();
        assert!(matches!(
            err,
            Error::ShapeMismatch {
                what: "warp pixels",
                ..
            }
        ));
        let three: [&[f32]; 3] = [&image; 3];
        let err = ws
            .loss_grad(
                &warp,
                &three,
                &three,
                &[0.0; 18],
                &mut [0.0; 18],
                &mut [0.0; 3],
            )
            .unwrap_err();
        assert!(matches!(
            err,
            Error::ShapeMismatch {
                what: "pairs (at most the batch)",
                ..
            }
        ));
        let err = ws
            .loss_grad(
                &warp,
                &[&image],
                &[&image],
                &[0.0; 5],
                &mut grads,
                &mut losses,
            )
            .unwrap_err();
        assert!(matches!(err, Error::ShapeMismatch { what: "params", .. }));
        assert!(matches!(
            StepWorkspace::new(&warp, 0).unwrap_err(),
            Error::InvalidParameter { name: "batch", .. }
        ));
    }
}
