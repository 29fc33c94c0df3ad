//! Properties of the clustering: the minimised objective never increases, the distance is
//! invariant to the warp family it models, and threads do not change results.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use rand_core::SeedableRng;
use rand_pcg::Pcg64Mcg;
use stk_core::{
    BilinearSampler, Images, KMeansConfig, Model, SerialExecutor, Warp, WarpFamily, fit, gather,
    kmeans_plus_plus,
};
use stk_harness::RayonExecutor;
use stk_tests::shapes::{SMALL_SIDE, TOY_SIDE, random_strokes, small_dataset, toy_shapes};

const FAMILIES: [WarpFamily; 3] = [
    WarpFamily::Identity,
    WarpFamily::Affine,
    WarpFamily::Tps { grid_size: 3 },
];

fn small_config(n_clusters: usize, warp: WarpFamily) -> KMeansConfig {
    let mut config = KMeansConfig::new(n_clusters, warp);
    config.align.coarse_steps = 3;
    config.align.fine_steps = 3;
    config.max_iterations = 8;
    config.tolerance = 0.0;
    config.affine_iterations = 2;
    config.predict_rounds = 1;
    config.batch_size = 4;
    config
}

proptest! {
    // Integration tests have no lib.rs above them, so the regressions file is named outright
    // (relative to the `tests` crate, where Cargo runs the test).
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/kmeans_properties.txt"
        ))),
        ..ProptestConfig::default()
    })]

    /// Warm starts and best-iterate alignments make every Lloyd iteration's objective at most
    /// the previous one's. The slack is floating-point rounding of the centroid means only:
    /// relative 1e-9.
    #[test]
    fn objective_never_increases((n_samples, n_clusters, seed) in small_dataset()) {
        let n_clusters = n_clusters.min(n_samples);
        let pixels = random_strokes(n_samples, seed);
        let images = Images::new(&pixels, SMALL_SIDE, SMALL_SIDE).unwrap();
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let init = gather(&images, &kmeans_plus_plus(&images, n_clusters, &mut rng).unwrap());
        for warp in FAMILIES {
            let fit = fit(&small_config(n_clusters, warp), &images, &init, &SerialExecutor, &mut |_| {}).unwrap();
            for (t, pair) in fit.report.history.windows(2).enumerate() {
                let (before, after) = (pair[0].objective, pair[1].objective);
                prop_assert!(
                    after <= before * (1.0 + 1e-9) + 1e-12,
                    "{warp:?}: objective rose from {before} to {after} at iteration {}", t + 1
                );
            }
        }
    }

    /// d(T(x, ν₀), x) under the family of ν₀ is at most the error left by undoing ν₀ to
    /// first order, ‖T(T(x, ν₀), −ν₀) − x‖². That error is not zero: each bilinear resampling
    /// smooths the sharp 10-pixel strokes, and two of them lose up to half of what the warp
    /// moved. A bound relative to ‖x‖² is therefore not a property of the alignment.
    #[test]
    fn distance_is_invariant_to_the_modelled_warp(
        seed in any::<u64>(),
        tps in any::<bool>(),
        raw in prop::collection::vec(-1.0f32..1.0, 18),
    ) {
        let (family, params) = if tps {
            // Control-point displacements up to 0.1 (0.45 px on a 10-pixel side).
            (WarpFamily::Tps { grid_size: 3 }, raw.iter().map(|v| 0.1 * v).collect::<Vec<_>>())
        } else {
            // Translation up to 0.1 (0.45 px), linear part up to 0.05.
            let scale = [0.1, 0.05, 0.05, 0.1, 0.05, 0.05];
            (WarpFamily::Affine, raw[..6].iter().zip(scale).map(|(v, s)| v * s).collect())
        };
        let x = random_strokes(1, seed);
        let warp = Warp::new(family, SMALL_SIDE, SMALL_SIDE).unwrap();
        let mut sampler = BilinearSampler::new(SMALL_SIDE, SMALL_SIDE).unwrap();
        let mut coords = vec![0.0; 2 * SMALL_SIDE * SMALL_SIDE];
        let mut resample = |image: &[f32], params: &[f32]| {
            warp.coords_into(params, &mut coords);
            let mut out = vec![0.0; SMALL_SIDE * SMALL_SIDE];
            sampler.warp_into(image, &coords, &mut out);
            out
        };
        let moved = resample(&x, &params);
        let undone = resample(&moved, &params.iter().map(|v| -v).collect::<Vec<_>>());
        let squared_error = |image: &[f32]| -> f64 {
            image.iter().zip(&x).map(|(a, b)| f64::from(a - b).powi(2)).sum()
        };
        let reference = squared_error(&undone);

        let mut config = KMeansConfig::new(1, family);
        config.align.bending_penalty = 0.0;
        config.align.scale_penalty = 0.0;
        config.align.blur_sigma = 0.0;
        config.align.fine_steps = 60;
        config.align.learning_rate = 0.01;
        let model = Model::from_centroids(config, SMALL_SIDE, SMALL_SIDE, x.clone()).unwrap();
        let data = Images::new(&moved, SMALL_SIDE, SMALL_SIDE).unwrap();
        let found = model.predict(&data, &SerialExecutor).unwrap().distortions[0];
        prop_assert!(
            found <= reference * (1.0 + 1e-6),
            "{family:?}: distance {found} against {reference} left by undoing the warp \
             (unaligned {})", squared_error(&moved)
        );
    }
}

#[test]
fn one_and_two_threads_give_identical_fits() {
    let (pixels, _) = toy_shapes(10, 0.3, 2.0, 5);
    let images = Images::new(&pixels, TOY_SIDE, TOY_SIDE).unwrap();
    let mut rng = Pcg64Mcg::seed_from_u64(3);
    let init = gather(&images, &kmeans_plus_plus(&images, 3, &mut rng).unwrap());
    let mut config = KMeansConfig::new(3, WarpFamily::Tps { grid_size: 4 });
    config.max_iterations = 4;
    config.batch_size = 7;
    let one = RayonExecutor::new(1).unwrap();
    let two = RayonExecutor::new(2).unwrap();
    let a = fit(&config, &images, &init, &one, &mut |_| {}).unwrap();
    let b = fit(&config, &images, &init, &two, &mut |_| {}).unwrap();
    let c = fit(&config, &images, &init, &SerialExecutor, &mut |_| {}).unwrap();
    assert_eq!(a.model.centroids(), b.model.centroids());
    assert_eq!(a.training, b.training);
    assert_eq!(a.report, b.report);
    assert_eq!(a.model.centroids(), c.model.centroids());
    assert_eq!(a.training, c.training);
}
