//! Adam (Kingma and Ba 2015, Algorithm 1) in `f32`, and a loop that keeps the best iterate.
//!
//! ```text
//! m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²
//! m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
//! θ ← θ − α m̂ / (√v̂ + ε)
//! ```
//!
//! ε is added after the bias correction, as in the paper's Algorithm 1; adding it before (to
//! √v, as in the paper's "efficient" rewrite) changes steps where gradients are tiny.

use alloc::vec;
use alloc::vec::Vec;

use crate::error::Error;
use crate::math::{powi_f64, sqrt_f32};

/// Adam's step size and decay rates.
///
/// # Defaults
///
/// `learning_rate = 1e-3`, `beta1 = 0.9`, `beta2 = 0.999`, `epsilon = 1e-8` (Kingma and Ba).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamConfig {
    /// Step size α > 0.
    pub learning_rate: f32,
    /// Decay of the first-moment estimate, in `[0, 1)`.
    pub beta1: f32,
    /// Decay of the second-moment estimate, in `[0, 1)`.
    pub beta2: f32,
    /// ε > 0, added to √v̂.
    pub epsilon: f32,
}

impl Default for AdamConfig {
    fn default() -> Self {
        Self {
            learning_rate: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }
}

/// A validated Adam optimiser; the moments live in an [`AdamState`] per parameter slice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adam {
    config: AdamConfig,
}

/// Adam's moment estimates and step count for one parameter slice, sized once.
#[derive(Debug, Clone, PartialEq)]
pub struct AdamState {
    /// Biased first-moment estimate m.
    first_moment: Vec<f32>,
    /// Biased second-moment estimate v.
    second_moment: Vec<f32>,
    /// Steps taken, t.
    step: u32,
}

impl AdamState {
    /// Returns a zeroed state for `n_params` parameters.
    #[must_use]
    pub fn new(n_params: usize) -> Self {
        Self {
            first_moment: vec![0.0; n_params],
            second_moment: vec![0.0; n_params],
            step: 0,
        }
    }

    /// Returns the number of parameters the state is sized for.
    #[must_use]
    pub fn len(&self) -> usize {
        self.first_moment.len()
    }

    /// Returns `true` for a state of no parameters.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.first_moment.is_empty()
    }

    /// Returns the number of steps taken since the last reset.
    #[must_use]
    pub fn step(&self) -> u32 {
        self.step
    }

    /// Returns the first-moment estimate m.
    #[must_use]
    pub fn first_moment(&self) -> &[f32] {
        &self.first_moment
    }

    /// Returns the second-moment estimate v.
    #[must_use]
    pub fn second_moment(&self) -> &[f32] {
        &self.second_moment
    }

    /// Zeroes the moments and the step count, keeping the buffers.
    pub fn reset(&mut self) {
        self.first_moment.fill(0.0);
        self.second_moment.fill(0.0);
        self.step = 0;
    }
}

impl Adam {
    /// Validates `config`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] naming the field when `learning_rate` or `epsilon` is not
    /// finite and positive, or `beta1` or `beta2` is outside `[0, 1)`.
    pub fn new(config: AdamConfig) -> Result<Self, Error> {
        let positive = |value: f32| value.is_finite() && value > 0.0;
        let decay = |value: f32| (0.0..1.0).contains(&value);
        if !positive(config.learning_rate) {
            return Err(Error::InvalidParameter {
                name: "learning_rate",
                reason: "must be finite and positive",
            });
        }
        if !decay(config.beta1) {
            return Err(Error::InvalidParameter {
                name: "beta1",
                reason: "must be in [0, 1)",
            });
        }
        if !decay(config.beta2) {
            return Err(Error::InvalidParameter {
                name: "beta2",
                reason: "must be in [0, 1)",
            });
        }
        if !positive(config.epsilon) {
            return Err(Error::InvalidParameter {
                name: "epsilon",
                reason: "must be finite and positive",
            });
        }
        Ok(Self { config })
    }

    /// Returns the configuration.
    #[must_use]
    pub fn config(&self) -> AdamConfig {
        self.config
    }

    /// Takes one Adam step on `params` with gradient `grad`, updating `state`.
    ///
    /// # Panics
    ///
    /// If `params`, `grad` and `state` differ in length.
    #[track_caller]
    pub fn step(&self, state: &mut AdamState, params: &mut [f32], grad: &[f32]) {
        assert_eq!(
            params.len(),
            state.len(),
            "params and state differ in length"
        );
        assert_eq!(grad.len(), state.len(), "grad and state differ in length");
        let AdamConfig { beta1, beta2, .. } = self.config;
        state.step = state.step.saturating_add(1);

        // Bias corrections 1 − βᵗ, in f64 so that large t does not round them to 0 or 1 early.
        let correction1 = (1.0 - powi_f64(f64::from(beta1), state.step)) as f32;
        let correction2 = (1.0 - powi_f64(f64::from(beta2), state.step)) as f32;
        pulp::Arch::new().dispatch(AdamUpdate {
            params,
            grad,
            first_moment: &mut state.first_moment,
            second_moment: &mut state.second_moment,
            config: self.config,
            inv_correction1: 1.0 / correction1,
            inv_correction2: 1.0 / correction2,
        });
    }
}

/// Arguments of one Adam update, run in SIMD vectors.
struct AdamUpdate<'a> {
    params: &'a mut [f32],
    grad: &'a [f32],
    first_moment: &'a mut [f32],
    second_moment: &'a mut [f32],
    config: AdamConfig,
    inv_correction1: f32,
    inv_correction2: f32,
}

impl pulp::WithSimd for AdamUpdate<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) {
        let AdamConfig {
            learning_rate,
            beta1,
            beta2,
            epsilon,
        } = self.config;
        let (params, params_tail) = S::as_mut_simd_f32s(self.params);
        let (grad, grad_tail) = S::as_simd_f32s(self.grad);
        let (m, m_tail) = S::as_mut_simd_f32s(self.first_moment);
        let (v, v_tail) = S::as_mut_simd_f32s(self.second_moment);

        let splat = |value: f32| simd.splat_f32s(value);
        let (b1, b2) = (splat(beta1), splat(beta2));
        let (one_minus_b1, one_minus_b2) = (splat(1.0 - beta1), splat(1.0 - beta2));
        let (inv_c1, inv_c2) = (splat(self.inv_correction1), splat(self.inv_correction2));
        let (lr, eps) = (splat(learning_rate), splat(epsilon));
        for (((theta, &g), m), v) in params.iter_mut().zip(grad).zip(m).zip(v) {
            // Moments.
            *m = simd.mul_add_e_f32s(b1, *m, simd.mul_f32s(one_minus_b1, g));
            *v = simd.mul_add_e_f32s(b2, *v, simd.mul_f32s(one_minus_b2, simd.mul_f32s(g, g)));

            // Bias correction, then ε (Algorithm 1 order).
            let m_hat = simd.mul_f32s(*m, inv_c1);
            let v_hat = simd.mul_f32s(*v, inv_c2);

            // Update.
            let denominator = simd.add_f32s(simd.sqrt_f32s(v_hat), eps);
            let step = simd.div_f32s(simd.mul_f32s(lr, m_hat), denominator);
            *theta = simd.sub_f32s(*theta, step);
        }

        // The same for the elements past the last full vector.
        let tail = params_tail
            .iter_mut()
            .zip(grad_tail)
            .zip(m_tail)
            .zip(v_tail);
        for (((theta, &g), m), v) in tail {
            *m = beta1 * *m + (1.0 - beta1) * g;
            *v = beta2 * *v + (1.0 - beta2) * g * g;
            let m_hat = *m * self.inv_correction1;
            let v_hat = *v * self.inv_correction2;
            *theta -= learning_rate * m_hat / (sqrt_f32(v_hat) + epsilon);
        }
    }
}

/// What [`Minimizer::minimize`] found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinimizeReport {
    /// The lowest loss evaluated.
    pub best_loss: f64,
    /// Which evaluation gave it (0 is the starting point).
    pub best_evaluation: usize,
    /// Evaluations made (Adam steps + 1, fewer if a loss was not finite).
    pub n_evaluations: usize,
}

/// An Adam loop over one parameter vector that returns the best iterate it evaluated, not the
/// last, with its buffers sized once.
#[derive(Debug, Clone)]
pub struct Minimizer {
    state: AdamState,
    grad: Vec<f32>,
    best: Vec<f32>,
}

impl Minimizer {
    /// Returns a minimiser for `n_params` parameters.
    #[must_use]
    pub fn new(n_params: usize) -> Self {
        Self {
            state: AdamState::new(n_params),
            grad: vec![0.0; n_params],
            best: vec![0.0; n_params],
        }
    }

    /// Runs a fresh Adam (moments reset) for `n_steps` steps from `params`, evaluating
    /// `loss_grad(params, grad) -> loss` (which writes the gradient) before each step and once
    /// after the last, then leaves in `params` the iterate with the lowest loss.
    ///
    /// It stops early, keeping the best iterate so far, at the first non-finite loss. Ties keep
    /// the earlier iterate.
    ///
    /// # Panics
    ///
    /// If `params.len()` differs from the size given to [`Minimizer::new`].
    #[track_caller]
    pub fn minimize<F>(
        &mut self,
        adam: &Adam,
        params: &mut [f32],
        n_steps: usize,
        mut loss_grad: F,
    ) -> MinimizeReport
    where
        F: FnMut(&[f32], &mut [f32]) -> f64,
    {
        assert_eq!(
            params.len(),
            self.state.len(),
            "params has the wrong length"
        );
        self.state.reset();
        let mut report = MinimizeReport {
            best_loss: f64::INFINITY,
            best_evaluation: 0,
            n_evaluations: 0,
        };
        self.best.copy_from_slice(params);
        for evaluation in 0..=n_steps {
            let loss = loss_grad(params, &mut self.grad);
            report.n_evaluations += 1;
            if !loss.is_finite() {
                break;
            }
            if loss < report.best_loss {
                report.best_loss = loss;
                report.best_evaluation = evaluation;
                self.best.copy_from_slice(params);
            }
            if evaluation < n_steps {
                adam.step(&mut self.state, params, &self.grad);
            }
        }
        params.copy_from_slice(&self.best);
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adam_matches_the_reference_sequence() {
        let adam = Adam::new(AdamConfig::default()).unwrap();
        let mut state = AdamState::new(1);
        let mut theta = [1.0f32];
        let want = [0.999f32, 0.998_733_7, 0.998_075_6];
        for (g, want) in [0.5f32, -0.25, 1.0].into_iter().zip(want) {
            adam.step(&mut state, &mut theta, &[g]);
            assert!((theta[0] - want).abs() < 1e-6, "{} vs {want}", theta[0]);
        }
        assert_eq!(state.step(), 3);
    }

    #[test]
    fn epsilon_is_added_after_the_bias_correction() {
        let adam = Adam::new(AdamConfig::default()).unwrap();
        let mut state = AdamState::new(1);
        let mut theta = [1.0f32];
        adam.step(&mut state, &mut theta, &[1e-8]);
        // Before the correction would give 0.99997; no correction at all 0.99990.
        assert!((theta[0] - 0.9995).abs() < 1e-6, "{}", theta[0]);
    }

    #[test]
    fn reset_restarts_the_sequence() {
        let adam = Adam::new(AdamConfig::default()).unwrap();
        let mut state = AdamState::new(2);
        let mut theta = [1.0f32, 2.0];
        adam.step(&mut state, &mut theta, &[0.3, -0.1]);
        state.reset();
        assert_eq!(state, AdamState::new(2));
        let mut again = [1.0f32];
        let mut fresh = AdamState::new(1);
        adam.step(&mut fresh, &mut again, &[0.5]);
        assert!((again[0] - 0.999).abs() < 1e-6);
    }

    #[test]
    fn invalid_configs_name_their_field() {
        let cases = [
            (
                "learning_rate",
                AdamConfig {
                    learning_rate: 0.0,
                    ..Default::default()
                },
            ),
            (
                "learning_rate",
                AdamConfig {
                    learning_rate: f32::NAN,
                    ..Default::default()
                },
            ),
            (
                "beta1",
                AdamConfig {
                    beta1: 1.0,
                    ..Default::default()
                },
            ),
            (
                "beta2",
                AdamConfig {
                    beta2: -0.1,
                    ..Default::default()
                },
            ),
            (
                "epsilon",
                AdamConfig {
                    epsilon: 0.0,
                    ..Default::default()
                },
            ),
        ];
        for (field, config) in cases {
            assert!(matches!(
                Adam::new(config).unwrap_err(),
                Error::InvalidParameter { name, .. } if name == field
            ));
        }
    }

    #[test]
    fn adam_reaches_the_minimum_of_a_convex_quadratic() {
        // f(θ) = Σ cᵢ (θᵢ − aᵢ)², minimum at a.
        let centre = [0.7f32, -1.2, 0.05, 2.0];
        let curvature = [1.0f32, 3.0, 0.5, 10.0];
        let adam = Adam::new(AdamConfig {
            learning_rate: 1e-2,
            ..Default::default()
        })
        .unwrap();
        let mut minimizer = Minimizer::new(4);
        let mut theta = [0.0f32; 4];
        let report = minimizer.minimize(&adam, &mut theta, 5000, |theta, grad| {
            let mut loss = 0.0f64;
            for i in 0..4 {
                let d = theta[i] - centre[i];
                grad[i] = 2.0 * curvature[i] * d;
                loss += f64::from(curvature[i] * d * d);
            }
            loss
        });
        for (t, c) in theta.iter().zip(&centre) {
            assert!((t - c).abs() < 1e-4, "{t} vs {c}");
        }
        assert!(report.best_loss < 1e-7);
        assert_eq!(report.n_evaluations, 5001);
    }

    #[test]
    fn minimize_returns_the_best_iterate_not_the_last() {
        // A loss that gets worse after the third evaluation.
        let adam = Adam::new(AdamConfig {
            learning_rate: 0.1,
            ..Default::default()
        })
        .unwrap();
        let mut minimizer = Minimizer::new(1);
        let mut theta = [0.0f32];
        let mut seen = Vec::new();
        let mut calls = 0usize;
        let report = minimizer.minimize(&adam, &mut theta, 6, |theta, grad| {
            calls += 1;
            seen.push(theta[0]);
            grad[0] = -1.0;
            if calls <= 3 {
                10.0 - calls as f64
            } else {
                100.0
            }
        });
        assert_eq!(report.best_evaluation, 2);
        assert_eq!(report.best_loss, 7.0);
        assert_eq!(theta[0], seen[2]);
        assert_ne!(theta[0], *seen.last().unwrap());
    }

    #[test]
    fn minimize_stops_at_a_non_finite_loss() {
        let adam = Adam::new(AdamConfig::default()).unwrap();
        let mut minimizer = Minimizer::new(1);
        let mut theta = [3.0f32];
        let report = minimizer.minimize(&adam, &mut theta, 10, |theta, grad| {
            grad[0] = 1.0;
            if theta[0] < 3.0 { f64::NAN } else { 1.0 }
        });
        assert_eq!(report.n_evaluations, 2);
        assert_eq!(theta[0], 3.0);
    }
}
