//! ST K-means and AI K-means separate shapes that plain K-means confuses.

use rand_core::SeedableRng;
use rand_pcg::Pcg64Mcg;
use stk_core::{Images, KMeansConfig, SerialExecutor, WarpFamily, fit, gather, kmeans_plus_plus};
use stk_tests::shapes::{TOY_SIDE, brute_force_accuracy, toy_shapes};

fn accuracy_of(warp: WarpFamily, images: &Images<'_>, labels: &[u32], init: &[f32]) -> f64 {
    let mut config = KMeansConfig::new(3, warp);
    config.align.blur_sigma = 2.0;
    config.align.learning_rate = 0.02;
    config.align.coarse_steps = 20;
    config.align.fine_steps = 20;
    config.max_iterations = 15;
    config.align.bending_penalty = 0.3;
    // What the warped distance separates by itself, from k-means++ seeds: a plain K-means
    // warm-up would start the warped fits from plain K-means's confusion instead.
    config.identity_iterations = 0;
    let fit = fit(&config, images, init, &SerialExecutor, &mut |_| {}).unwrap();
    brute_force_accuracy(labels, &fit.training.assignments, 3)
}

#[test]
fn warped_kmeans_clusters_moved_shapes_perfectly_where_plain_kmeans_does_not() {
    // Rotations up to 0.3 rad (17°), shifts up to 4 px on a 20-pixel side.
    let (pixels, labels) = toy_shapes(30, 0.3, 4.0, 11);
    let images = Images::new(&pixels, TOY_SIDE, TOY_SIDE).unwrap();
    let mut plain_failures = 0;
    for seed in 0..3u64 {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let init = gather(&images, &kmeans_plus_plus(&images, 3, &mut rng).unwrap());
        let plain = accuracy_of(WarpFamily::Identity, &images, &labels, &init);
        let affine = accuracy_of(WarpFamily::Affine, &images, &labels, &init);
        let tps = accuracy_of(WarpFamily::Tps { grid_size: 3 }, &images, &labels, &init);
        eprintln!("seed {seed}: plain {plain:.3} affine {affine:.3} tps {tps:.3}");
        assert_eq!(affine, 1.0, "AI K-means, seed {seed}");
        assert_eq!(tps, 1.0, "ST K-means, seed {seed}");
        if plain < 1.0 {
            plain_failures += 1;
        }
    }
    assert_eq!(
        plain_failures, 3,
        "plain K-means should confuse moved shapes"
    );
}
