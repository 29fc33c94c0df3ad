//! After set-up, a full alignment step (forward, backward, bending term, Adam) allocates
//! nothing, for every warp family and for a batch of pairs.

use stk_core::{
    Adam, AdamConfig, AdamState, GaussianBlur, Minimizer, StepWorkspace, TpsConfig, Warp,
    WarpFamily,
};

const SIDE: usize = 28;
const BATCH: usize = 12;

/// A smooth image that differs per `seed`.
fn image(seed: usize) -> Vec<f32> {
    let (cx, cy) = (10.0 + (seed % 5) as f32, 12.0 + (seed % 3) as f32);
    (0..SIDE * SIDE)
        .map(|p| {
            let (x, y) = ((p % SIDE) as f32, (p / SIDE) as f32);
            (-((x - cx).powi(2) + (y - cy).powi(2)) / 10.0).exp()
        })
        .collect()
}

#[test]
fn the_counter_sees_allocations() {
    let info = allocation_counter::measure(|| {
        std::hint::black_box(vec![0u8; 16]);
    });
    assert_eq!(info.count_total, 1);
}

#[test]
fn a_batched_step_allocates_nothing_after_set_up() {
    let families = [
        WarpFamily::Identity,
        WarpFamily::Affine,
        WarpFamily::Tps { grid_size: 6 },
    ];
    let images: Vec<Vec<f32>> = (0..BATCH + 1).map(image).collect();
    let data: Vec<&[f32]> = images[..BATCH].iter().map(Vec::as_slice).collect();
    let targets: Vec<&[f32]> = vec![images[BATCH].as_slice(); BATCH];
    let adam = Adam::new(AdamConfig::default()).unwrap();
    for family in families {
        // Set-up: everything sized once.
        let config = TpsConfig {
            bending_penalty: 0.1,
        };
        let warp = Warp::with_config(family, SIDE, SIDE, config).unwrap();
        let n_params = warp.n_params();
        let mut workspace = StepWorkspace::new(&warp, BATCH).unwrap();
        let mut params = vec![0.01f32; BATCH * n_params];
        let mut states: Vec<AdamState> = (0..BATCH).map(|_| AdamState::new(n_params)).collect();
        let mut grads = vec![0.0f32; BATCH * n_params];
        let mut losses = [0.0f64; BATCH];
        let mut total = 0.0f64;

        let info = allocation_counter::measure(|| {
            for _ in 0..3 {
                let step_losses = workspace
                    .step(&warp, &adam, &data, &targets, &mut params, &mut states)
                    .unwrap();
                total += step_losses.iter().sum::<f64>();
                // A smaller batch through the same workspace, and the other entry points.
                workspace
                    .loss_grad(
                        &warp,
                        &data[..3],
                        &targets[..3],
                        &params[..3 * n_params],
                        &mut grads[..3 * n_params],
                        &mut losses[..3],
                    )
                    .unwrap();
                workspace.forward(&warp, &data, &params).unwrap();
            }
        });
        assert_eq!(info.count_total, 0, "{family:?}: {info:?}");
        assert!(total > 0.0 && losses.iter().take(3).all(|l| *l > 0.0));
    }
}

#[test]
fn a_single_pair_minimisation_and_blur_allocate_nothing_after_set_up() {
    let warp = Warp::new(WarpFamily::Tps { grid_size: 4 }, SIDE, SIDE).unwrap();
    let adam = Adam::new(AdamConfig::default()).unwrap();
    let datum = image(1);
    let target = image(2);
    let mut workspace = StepWorkspace::new(&warp, 1).unwrap();
    let mut minimizer = Minimizer::new(warp.n_params());
    let mut blur = GaussianBlur::new(1.5, SIDE, SIDE).unwrap();
    let mut blurred = vec![0.0f32; SIDE * SIDE];
    let mut params = vec![0.0f32; warp.n_params()];
    let mut losses = [0.0f64];

    let mut best = 0.0;
    let info = allocation_counter::measure(|| {
        blur.blur_into(&datum, &mut blurred).unwrap();
        best = minimizer
            .minimize(&adam, &mut params, 20, |p, g| {
                workspace
                    .loss_grad(&warp, &[&blurred], &[&target], p, g, &mut losses)
                    .unwrap();
                losses[0]
            })
            .best_loss;
    });
    assert_eq!(info.count_total, 0, "{info:?}");
    assert!(best > 0.0);
}
