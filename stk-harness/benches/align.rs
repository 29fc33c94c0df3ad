//! Benchmarks of the clustering: batched alignment throughput and one Lloyd iteration on real
//! MNIST digits.
//!
//! A pair-step is one forward and backward pass of one (datum, centroid) pair; the alignment
//! below runs `FINE_STEPS` Adam steps per pair plus three extra evaluations (the warm start,
//! the end of the stage, and the final assignment's), all counted.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use stk_core::{Images, KMeansConfig, Lloyd, SerialExecutor, WarpFamily, fit};
use stk_harness::RayonExecutor;
use stk_harness::dataset::embedded_mnist_5k;

const GRID_SIZE: usize = 6;
const N_CLUSTERS: usize = 10;

/// ST K-means with only the fine stage, so every step is a full pair-step of the TPS warp.
fn tps_config(fine_steps: usize) -> KMeansConfig {
    let mut config = KMeansConfig::new(
        N_CLUSTERS,
        WarpFamily::Tps {
            grid_size: GRID_SIZE,
        },
    );
    config.align.coarse_steps = 0;
    config.align.fine_steps = fine_steps;
    config.affine_iterations = 0;
    config.max_iterations = 1;
    config.predict_rounds = 1;
    config
}

fn benches(c: &mut Criterion) {
    let mnist = embedded_mnist_5k().expect("embedded data set loads");
    let (h, w) = (mnist.height, mnist.width);

    // align/batch: 64 data against 10 centroids, one thread, one Lloyd iteration plus the
    // final assignment: 2 × (FINE_STEPS + 2) pair-steps per pair.
    const FINE_STEPS: usize = 20;
    let data = Images::new(&mnist.images[..64 * h * w], h, w).expect("valid images");
    let centroids: Vec<f32> = (0..N_CLUSTERS)
        .flat_map(|k| mnist.image(k * 500 + 100).to_vec())
        .collect();
    let config = tps_config(FINE_STEPS);
    let pair_steps = (64 * N_CLUSTERS * 2 * (FINE_STEPS + 2)) as u64;
    let mut group = c.benchmark_group("align/batch");
    group.throughput(Throughput::Elements(pair_steps));
    group.sample_size(10);
    group.bench_function(BenchmarkId::from_parameter("28x28_g6_64x10"), |b| {
        b.iter(|| {
            let fit = fit(&config, &data, &centroids, &SerialExecutor, &mut |_| {}).unwrap();
            black_box(fit.report.objective)
        });
    });
    group.finish();

    // lloyd/iteration: 1000 digits, 10 centroids, 5 Adam steps per pair, both cores.
    let data = Images::new(&mnist.images[..1000 * h * w], h, w).expect("valid images");
    let executor = RayonExecutor::new(2).expect("threads start");
    let config = tps_config(5);
    let mut group = c.benchmark_group("lloyd/iteration");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(1000));
    group.bench_function(
        BenchmarkId::from_parameter("mnist1000_k10_g6_steps5"),
        |b| {
            b.iter_batched(
                || Lloyd::new(&config, &data, &centroids, &executor).unwrap(),
                |mut lloyd| black_box(lloyd.iterate()),
                criterion::BatchSize::LargeInput,
            );
        },
    );
    group.finish();
}

criterion_group!(align, benches);
criterion_main!(align);
