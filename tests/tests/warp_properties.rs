//! Properties of the warp engine: identity, affine reproduction, control-point interpolation,
//! the batched sampler against the reference one, and hand-written gradients against central
//! finite differences.

use proptest::prelude::*;
use stk_core::{BilinearSampler, StepWorkspace, TpsConfig, Warp, WarpFamily};
use stk_tests::warp_strategies::{
    SIDE, affine_displacement, image_seed, off_integer_affine, small_displacements, stroke_image,
};

/// Returns the loss and gradient of one pair.
fn loss_grad(warp: &Warp, datum: &[f32], target: &[f32], params: &[f32]) -> (f64, Vec<f32>) {
    let mut workspace = StepWorkspace::new(warp, 1).unwrap();
    let mut grad = vec![0.0f32; warp.n_params()];
    let mut loss = [0.0f64];
    workspace
        .loss_grad(warp, &[datum], &[target], params, &mut grad, &mut loss)
        .unwrap();
    (loss[0], grad)
}

/// Returns ‖g − g_fd‖ / ‖g_fd‖ with g_fd the central differences of the loss, each difference
/// divided by the exact `f32` step taken.
fn relative_gradient_error(warp: &Warp, datum: &[f32], target: &[f32], params: &[f32]) -> f64 {
    // 1e-3 normalised is 0.0135 pixel: small against the 0.15 pixel kept from integers, large
    // against f32 rounding of the loss (about 1e-6 of a loss near 10).
    let h = 1e-3f32;
    let (_, grad) = loss_grad(warp, datum, target, params);
    let mut diff2 = 0.0f64;
    let mut norm2 = 0.0f64;
    for k in 0..params.len() {
        let mut plus = params.to_vec();
        let mut minus = params.to_vec();
        plus[k] += h;
        minus[k] -= h;
        let step = f64::from(plus[k]) - f64::from(minus[k]);
        let fd = (loss_grad(warp, datum, target, &plus).0
            - loss_grad(warp, datum, target, &minus).0)
            / step;
        diff2 += (f64::from(grad[k]) - fd).powi(2);
        norm2 += fd * fd;
    }
    diff2.sqrt() / norm2.sqrt()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn zero_displacement_reproduces_the_image_exactly(seed in image_seed(), g in 2usize..=8) {
        let image = stroke_image(seed);
        for family in [WarpFamily::Identity, WarpFamily::Affine, WarpFamily::Tps { grid_size: g }] {
            let warp = Warp::new(family, SIDE, SIDE).unwrap();
            let mut workspace = StepWorkspace::new(&warp, 1).unwrap();
            workspace.forward(&warp, &[&image], &vec![0.0; warp.n_params()]).unwrap();
            prop_assert_eq!(workspace.warped(0), image.as_slice());
        }
    }

    #[test]
    fn tps_of_affine_targets_is_that_affine_map_at_every_pixel(
        affine in affine_displacement(),
        g in 2usize..=8,
        (h, w) in (8usize..=32, 8usize..=32),
    ) {
        let tps = Warp::new(WarpFamily::Tps { grid_size: g }, h, w).unwrap();
        let affine_warp = Warp::new(WarpFamily::Affine, h, w).unwrap();
        let mut params = vec![0.0; tps.n_params()];
        tps.params_from_affine_into(&affine, &mut params);
        let mut from_tps = vec![0.0; 2 * h * w];
        let mut from_affine = vec![0.0; 2 * h * w];
        tps.coords_into(&params, &mut from_tps);
        affine_warp.coords_into(&affine, &mut from_affine);
        for p in 0..h * w {
            // The affine map written out by hand, in pixel units.
            let (col, row) = ((p % w) as f32, (p / w) as f32);
            let (sx, sy) = ((w - 1) as f32 / 2.0, (h - 1) as f32 / 2.0);
            let (u, v) = (col / sx - 1.0, row / sy - 1.0);
            let x = col + sx * (affine[0] + affine[1] * u + affine[2] * v);
            let y = row + sy * (affine[3] + affine[4] * u + affine[5] * v);
            prop_assert!((from_affine[p] - x).abs() < 1e-4 && (from_affine[h * w + p] - y).abs() < 1e-4);
            prop_assert!((from_tps[p] - x).abs() < 1e-3, "pixel {}: {} vs {}", p, from_tps[p], x);
            prop_assert!((from_tps[h * w + p] - y).abs() < 1e-3, "pixel {}: {} vs {}", p, from_tps[h * w + p], y);
        }
        // And between pixels, through the spline itself.
        for point in [[0.123f32, -0.456], [-0.9, 0.77], [0.5, 0.5]] {
            let mapped = tps.map_point(&params, point);
            let [u, v] = point;
            prop_assert!((mapped[0] - (u + affine[0] + affine[1] * u + affine[2] * v)).abs() < 1e-5);
            prop_assert!((mapped[1] - (v + affine[3] + affine[4] * u + affine[5] * v)).abs() < 1e-5);
        }
    }

    #[test]
    fn tps_lands_each_control_point_on_its_target(
        g in 2usize..=8,
        nu in small_displacements(128, 0.3),
    ) {
        let tps = Warp::new(WarpFamily::Tps { grid_size: g }, 28, 28).unwrap();
        let l = tps.n_basis();
        let params: Vec<f32> = nu.iter().copied().take(2 * l).collect();
        for (j, c) in tps.control_points().iter().enumerate() {
            let mapped = tps.map_point(&params, *c);
            prop_assert!((mapped[0] - (c[0] + params[j])).abs() < 1e-5);
            prop_assert!((mapped[1] - (c[1] + params[l + j])).abs() < 1e-5);
        }
    }

    #[test]
    fn batched_sampler_matches_the_reference_sampler(
        seed in image_seed(),
        coords in proptest::collection::vec(-3.0f32..31.0, 2 * SIDE * SIDE),
    ) {
        let image = stroke_image(seed);
        let target = stroke_image(seed ^ 1);
        let n = SIDE * SIDE;
        let mut sampler = BilinearSampler::new(SIDE, SIDE).unwrap();
        let mut warped = vec![0.0; n];
        let mut grad = vec![0.0; 2 * n];
        let loss = sampler.warp_loss_grad_into(&image, &target, &coords, &mut warped, &mut grad);
        let mut want = 0.0f64;
        for p in 0..n {
            let s = sampler.sample_with_grad(&image, coords[p], coords[n + p]);
            let r = s.value - target[p];
            want += f64::from(r) * f64::from(r);
            prop_assert!((warped[p] - s.value).abs() < 1e-5);
            prop_assert!((grad[p] - 2.0 * r * s.grad_x).abs() < 1e-4);
            prop_assert!((grad[n + p] - 2.0 * r * s.grad_y).abs() < 1e-4);
        }
        prop_assert!((loss - want).abs() < 1e-6 * (1.0 + want));
    }

    #[test]
    fn affine_gradient_matches_central_differences(
        datum_seed in image_seed(),
        target_seed in image_seed(),
        affine in off_integer_affine(),
    ) {
        let warp = Warp::new(WarpFamily::Affine, SIDE, SIDE).unwrap();
        let error = relative_gradient_error(
            &warp, &stroke_image(datum_seed), &stroke_image(target_seed), &affine,
        );
        prop_assert!(error <= 1e-3, "relative error {}", error);
    }

    #[test]
    fn tps_gradient_matches_central_differences(
        datum_seed in image_seed(),
        target_seed in image_seed(),
        affine in off_integer_affine(),
        g in 3usize..=6,
        nu in small_displacements(72, 0.002),
        lambda in prop_oneof![Just(0.0f32), 0.01f32..1.0],
    ) {
        let config = TpsConfig { bending_penalty: lambda };
        let warp = Warp::with_config(WarpFamily::Tps { grid_size: g }, SIDE, SIDE, config).unwrap();
        let mut params = vec![0.0; warp.n_params()];
        warp.params_from_affine_into(&affine, &mut params);
        for (p, d) in params.iter_mut().zip(&nu) {
            *p += d;
        }
        let error = relative_gradient_error(
            &warp, &stroke_image(datum_seed), &stroke_image(target_seed), &params,
        );
        prop_assert!(error <= 1e-3, "relative error {}", error);
    }
}
