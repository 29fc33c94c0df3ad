//! Embedding `stk-core`: the caller owns the pixel buffer and the random generator, runs the
//! Lloyd loop itself and reads the results back.
//!
//! Run with `cargo run -p stk-core --example embed`.

use rand_core::SeedableRng;
use rand_pcg::Lcg64Xsh32;
use stk_core::{Images, KMeansConfig, Lloyd, SerialExecutor, WarpFamily, gather, kmeans_plus_plus};

const SIDE: usize = 16;

/// Writes a ring (`ring = true`) or a bar centred at `(cx, cy)` into `out`.
fn draw(out: &mut [f32], ring: bool, cx: f32, cy: f32) {
    for (p, value) in out.iter_mut().enumerate() {
        let (x, y) = ((p % SIDE) as f32 - cx, (p / SIDE) as f32 - cy);
        let d = if ring {
            ((x * x + y * y).sqrt() - 4.0).abs()
        } else {
            x.abs() + (y.abs() - 4.0).max(0.0)
        };
        *value = (-d * d).exp();
    }
}

fn main() -> Result<(), stk_core::Error> {
    // The caller's own buffer: 12 images, rings and bars at different places.
    let n_pixels = SIDE * SIDE;
    let mut pixels = vec![0.0f32; 12 * n_pixels];
    for (i, image) in pixels.chunks_exact_mut(n_pixels).enumerate() {
        let shift = (i / 2) as f32 * 0.5 - 1.5;
        draw(image, i % 2 == 0, 7.5 + shift, 7.5 - shift);
    }
    let images = Images::new(&pixels, SIDE, SIDE)?;

    // The caller's own generator seeds k-means++.
    let mut rng = Lcg64Xsh32::seed_from_u64(2022);
    let initial = gather(&images, &kmeans_plus_plus(&images, 2, &mut rng)?);

    // Drive Lloyd's loop by hand.
    let config = KMeansConfig::new(2, WarpFamily::Tps { grid_size: 4 });
    let mut lloyd = Lloyd::new(&config, &images, &initial, &SerialExecutor)?;
    while !lloyd.is_done() {
        let record = lloyd.iterate();
        println!(
            "iteration {}: objective {:.4}, {} assignments changed",
            lloyd.iterations(),
            record.objective,
            record.n_changed
        );
    }
    let fit = lloyd.finish()?;
    println!("clusters: {:?}", fit.training.assignments);

    // Assign a new, shifted ring with the centroids fixed.
    let mut new_ring = vec![0.0f32; n_pixels];
    draw(&mut new_ring, true, 8.5, 6.5);
    let prediction = fit
        .model
        .predict(&Images::new(&new_ring, SIDE, SIDE)?, &SerialExecutor)?;
    println!(
        "a new ring goes to cluster {} (distance {:.4}); the rings are in cluster {}",
        prediction.assignments[0], prediction.objectives[0], fit.training.assignments[0]
    );
    Ok(())
}
