//! Benchmarks of the warp engine: one alignment step (forward, backward, Adam) for one pair and
//! for a clustering-sized batch, and the step's parts.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use stk_core::{Adam, AdamConfig, AdamState, BilinearSampler, StepWorkspace, Warp, WarpFamily};

const SIDE: usize = 28;
const GRID_SIZE: usize = 6;

/// Returns a uniform float in `[lo, hi)`.
fn uniform(rng: &mut Pcg64Mcg, lo: f32, hi: f32) -> f32 {
    lo + (hi - lo) * ((rng.next_u32() >> 8) as f32 / (1u32 << 24) as f32)
}

/// Returns a digit-like image: a smooth stroke through four random points.
fn stroke_image(rng: &mut Pcg64Mcg) -> Vec<f32> {
    let points: Vec<(f32, f32)> = (0..4)
        .map(|_| (uniform(rng, 6.0, 22.0), uniform(rng, 6.0, 22.0)))
        .collect();
    let mut image = vec![0.0f32; SIDE * SIDE];
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        for t in 0..16 {
            let s = t as f32 / 15.0;
            let (cx, cy) = (x0 + s * (x1 - x0), y0 + s * (y1 - y0));
            for (p, value) in image.iter_mut().enumerate() {
                let (x, y) = ((p % SIDE) as f32, (p / SIDE) as f32);
                let d2 = (x - cx).powi(2) + (y - cy).powi(2);
                *value = value.max((-d2 / 3.0).exp());
            }
        }
    }
    image
}

/// Returns `n` small random TPS displacements (normalised units, about a pixel).
fn random_params(rng: &mut Pcg64Mcg, n: usize) -> Vec<f32> {
    (0..n).map(|_| uniform(rng, -0.05, 0.05)).collect()
}

fn step_benches(c: &mut Criterion) {
    let mut rng = Pcg64Mcg::seed_from_u64(20_220_215);
    let warp = Warp::new(
        WarpFamily::Tps {
            grid_size: GRID_SIZE,
        },
        SIDE,
        SIDE,
    )
    .expect("valid warp");
    let adam = Adam::new(AdamConfig::default()).expect("valid config");
    let n_params = warp.n_params();

    // One pair.
    {
        let datum = stroke_image(&mut rng);
        let target = stroke_image(&mut rng);
        let start = random_params(&mut rng, n_params);
        let mut params = start.clone();
        let mut states = vec![AdamState::new(n_params)];
        let mut workspace = StepWorkspace::new(&warp, 1).expect("valid batch");
        let mut group = c.benchmark_group("warp/step");
        group.throughput(Throughput::Elements(1));
        group.bench_function(BenchmarkId::from_parameter("28x28_g6_pairs1"), |b| {
            b.iter(|| {
                // Restart from the same point so the iterate cannot drift off the image.
                params.copy_from_slice(&start);
                let losses = workspace
                    .step(
                        &warp,
                        &adam,
                        &[&datum],
                        &[&target],
                        &mut params,
                        &mut states,
                    )
                    .expect("shapes match");
                black_box(losses[0])
            });
        });
        group.finish();
    }

    // A clustering batch: 64 data against 10 centroids.
    {
        let (n_data, n_centroids) = (64, 10);
        let batch = n_data * n_centroids;
        let data: Vec<Vec<f32>> = (0..n_data).map(|_| stroke_image(&mut rng)).collect();
        let centroids: Vec<Vec<f32>> = (0..n_centroids).map(|_| stroke_image(&mut rng)).collect();
        let pair_data: Vec<&[f32]> = (0..batch)
            .map(|b| data[b / n_centroids].as_slice())
            .collect();
        let pair_targets: Vec<&[f32]> = (0..batch)
            .map(|b| centroids[b % n_centroids].as_slice())
            .collect();
        let start = random_params(&mut rng, batch * n_params);
        let mut params = start.clone();
        let mut states: Vec<AdamState> = (0..batch).map(|_| AdamState::new(n_params)).collect();
        let mut workspace = StepWorkspace::new(&warp, batch).expect("valid batch");
        let mut group = c.benchmark_group("warp/batch_step");
        group.throughput(Throughput::Elements(batch as u64));
        group.sample_size(30);
        group.bench_function(BenchmarkId::from_parameter("28x28_g6_pairs640"), |b| {
            b.iter(|| {
                params.copy_from_slice(&start);
                let losses = workspace
                    .step(
                        &warp,
                        &adam,
                        &pair_data,
                        &pair_targets,
                        &mut params,
                        &mut states,
                    )
                    .expect("shapes match");
                black_box(losses[0])
            });
        });
        group.finish();
    }
}

fn part_benches(c: &mut Criterion) {
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    let warp = Warp::new(
        WarpFamily::Tps {
            grid_size: GRID_SIZE,
        },
        SIDE,
        SIDE,
    )
    .expect("valid warp");
    let n = warp.n_pixels();
    let params = random_params(&mut rng, warp.n_params());
    let datum = stroke_image(&mut rng);
    let target = stroke_image(&mut rng);
    let mut coords = vec![0.0f32; 2 * n];
    warp.coords_into(&params, &mut coords);
    let mut grad_coords = vec![0.0f32; 2 * n];
    let mut warped = vec![0.0f32; n];
    let mut grad_params = vec![0.0f32; warp.n_params()];
    let mut sampler = BilinearSampler::new(SIDE, SIDE).expect("valid size");

    let mut group = c.benchmark_group("warp/coords");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(BenchmarkId::from_parameter("28x28_g6_pairs1"), |b| {
        b.iter(|| warp.coords_into(black_box(&params), &mut coords));
    });
    group.finish();

    let mut group = c.benchmark_group("sampler/loss_grad");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(BenchmarkId::from_parameter("28x28"), |b| {
        b.iter(|| {
            black_box(sampler.warp_loss_grad_into(
                &datum,
                &target,
                black_box(&coords),
                &mut warped,
                &mut grad_coords,
            ))
        });
    });
    group.finish();

    let mut group = c.benchmark_group("warp/grad_params");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(BenchmarkId::from_parameter("28x28_g6_pairs1"), |b| {
        b.iter(|| warp.grad_params_into(black_box(&grad_coords), &mut grad_params));
    });
    group.finish();
}

criterion_group!(benches, step_benches, part_benches);
criterion_main!(benches);
