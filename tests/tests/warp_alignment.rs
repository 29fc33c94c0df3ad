//! End-to-end alignment with the hand-written gradients: recovering a known shift (coarse to
//! fine, as in the paper's Appendix B) and undoing a small random TPS warp.

use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use stk_core::{Adam, AdamConfig, GaussianBlur, Minimizer, StepWorkspace, Warp, WarpFamily};
use stk_tests::warp_strategies::{SIDE, render_stroke, stroke_image};

/// Minimises the pair loss over `params` from where they are; returns the best loss.
fn align(
    warp: &Warp,
    datum: &[f32],
    target: &[f32],
    params: &mut [f32],
    learning_rate: f32,
    n_steps: usize,
) -> f64 {
    let adam = Adam::new(AdamConfig {
        learning_rate,
        ..Default::default()
    })
    .unwrap();
    let mut workspace = StepWorkspace::new(warp, 1).unwrap();
    let mut losses = [0.0f64];
    Minimizer::new(warp.n_params())
        .minimize(&adam, params, n_steps, |p, g| {
            workspace
                .loss_grad(warp, &[datum], &[target], p, g, &mut losses)
                .unwrap();
            losses[0]
        })
        .best_loss
}

/// Returns the squared error of `datum` warped by `params` against `target`.
fn loss_at(warp: &Warp, datum: &[f32], target: &[f32], params: &[f32]) -> f64 {
    let mut workspace = StepWorkspace::new(warp, 1).unwrap();
    let mut losses = [0.0f64];
    let mut grad = vec![0.0; warp.n_params()];
    workspace
        .loss_grad(warp, &[datum], &[target], params, &mut grad, &mut losses)
        .unwrap();
    losses[0]
}

#[test]
fn aligning_onto_a_shifted_copy_recovers_the_shift() {
    // A digit-like "7": a bar and a slanted stem, content moved by (1.5, −2.0) in the target.
    let points = [(8.0, 9.0), (19.0, 9.0), (15.0, 16.0), (12.0, 22.0)];
    let shift = (1.5f32, -2.0f32);
    let datum = render_stroke(&points, 0.0, 0.0);
    let target = render_stroke(&points, shift.0, shift.1);
    let warp = Warp::new(WarpFamily::Affine, SIDE, SIDE).unwrap();
    let mut params = vec![0.0f32; 6];
    let initial = loss_at(&warp, &datum, &target, &params);

    // Coarse: both images low-passed.
    let mut blur = GaussianBlur::new(2.0, SIDE, SIDE).unwrap();
    let mut datum_blurred = vec![0.0; SIDE * SIDE];
    let mut target_blurred = vec![0.0; SIDE * SIDE];
    blur.blur_into(&datum, &mut datum_blurred).unwrap();
    blur.blur_into(&target, &mut target_blurred).unwrap();
    align(
        &warp,
        &datum_blurred,
        &target_blurred,
        &mut params,
        1e-2,
        300,
    );

    // Fine: the images themselves.
    let last = align(&warp, &datum, &target, &mut params, 2e-3, 300);
    assert!(last <= 0.1 * initial, "loss {last} from {initial}");

    // The target at p shows the datum at p − shift, so the sampling displacement is −shift
    // wherever the target has ink.
    let mut coords = vec![0.0; 2 * SIDE * SIDE];
    warp.coords_into(&params, &mut coords);
    let n = SIDE * SIDE;
    let mut checked = 0;
    for p in (0..n).filter(|&p| target[p] > 0.5) {
        let dx = coords[p] - (p % SIDE) as f32;
        let dy = coords[n + p] - (p / SIDE) as f32;
        assert!((dx + shift.0).abs() < 0.25, "pixel {p}: dx {dx}");
        assert!((dy + shift.1).abs() < 0.25, "pixel {p}: dy {dy}");
        checked += 1;
    }
    assert!(checked > 20);
}

#[test]
fn a_small_random_tps_warp_is_undone() {
    let mut rng = Pcg64Mcg::seed_from_u64(2022);
    let warp = Warp::new(WarpFamily::Tps { grid_size: 6 }, SIDE, SIDE).unwrap();
    for case in 0..3 {
        let datum = stroke_image(100 + case);
        // Displacements up to ±0.04 normalised (about half a pixel) at each control point.
        let truth: Vec<f32> = (0..warp.n_params())
            .map(|_| 0.08 * ((rng.next_u32() >> 8) as f32 / (1u32 << 24) as f32 - 0.5))
            .collect();
        let mut workspace = StepWorkspace::new(&warp, 1).unwrap();
        workspace.forward(&warp, &[&datum], &truth).unwrap();
        let target = workspace.warped(0).to_vec();

        let mut params = vec![0.0f32; warp.n_params()];
        let initial = loss_at(&warp, &datum, &target, &params);
        let best = align(&warp, &datum, &target, &mut params, 2e-3, 600);
        assert!(
            best <= 0.1 * initial,
            "case {case}: loss {best} from {initial}"
        );
        assert_eq!(best, loss_at(&warp, &datum, &target, &params));
    }
}
