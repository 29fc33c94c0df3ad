//! Spatial transformer K-means: K-means whose distance forgives shape.
//!
//! The numerical engine of the method of Cosentino et al. (2022): the distance from a datum x
//! to a centroid μ is the squared error left after warping x onto μ,
//!
//! ```text
//! d(x, μ) = min over ν of ‖T(x, ν) − μ‖²
//! ```
//!
//! with T a thin-plate-spline (TPS), affine or identity warp followed by bilinear sampling. The
//! crate provides the warps ([`Warp`], [`WarpFamily`]), the sampler with its coordinate
//! gradient ([`BilinearSampler`]), Adam ([`Adam`], [`Minimizer`]), a Gaussian low-pass filter
//! for coarse-to-fine alignment ([`GaussianBlur`]) and a batched forward/backward/Adam step in
//! buffers sized once ([`StepWorkspace`]). Gradients are written by hand.
//!
//! On top of them sits the clustering of the paper, one code path for three methods chosen by
//! the warp family: K-means (identity), AI K-means (affine) and ST K-means (TPS). Seed with
//! [`kmeans_plus_plus`], run [`fit`] (or drive a [`Lloyd`] yourself), and assign new data with
//! [`Model::predict`]. A fit with a warp starts with a plain K-means warm-up on the raw pixels
//! ([`KMeansConfig::identity_iterations`]) and only then aligns, so that the partition settles
//! before a flexible warp can pull a datum towards another class's centroid. The core is
//! single-threaded; an [`Executor`] lets a caller run the
//! independent tasks of each pass on threads, with bit-identical results for any number of
//! them.
//!
//! # Example
//!
//! Cluster rings and bars drawn at different places with ST K-means, then assign a new ring.
//! To run this example in a crate of your own, its Cargo.toml needs `stk-core`,
//! `rand_core = "0.10"` (for `SeedableRng`) and `rand_pcg = "0.10"` (for the seeded
//! generator; any `rand_core` 0.10 generator will do for [`kmeans_plus_plus`]):
//!
//! ```
//! use rand_core::SeedableRng;
//! use stk_core::{Images, KMeansConfig, SerialExecutor, WarpFamily, fit, gather, kmeans_plus_plus};
//!
//! const SIDE: usize = 16;
//! // A ring (radius 4) or a vertical bar centred at (cx, cy), strokes about one pixel wide.
//! let draw = |ring: bool, cx: f32, cy: f32| -> Vec<f32> {
//!     (0..SIDE * SIDE)
//!         .map(|p| {
//!             let (x, y) = ((p % SIDE) as f32 - cx, (p / SIDE) as f32 - cy);
//!             let d = if ring {
//!                 ((x * x + y * y).sqrt() - 4.0).abs()
//!             } else {
//!                 x.abs() + (y.abs() - 4.0).max(0.0)
//!             };
//!             (-d * d).exp()
//!         })
//!         .collect()
//! };
//! let pixels: Vec<f32> = (0..8)
//!     .flat_map(|i| draw(i % 2 == 0, 6.5 + (i / 2) as f32 * 0.7, 8.5 - (i / 2) as f32 * 0.5))
//!     .collect();
//! let images = Images::new(&pixels, SIDE, SIDE)?;
//!
//! let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
//! let initial = gather(&images, &kmeans_plus_plus(&images, 2, &mut rng)?);
//! let config = KMeansConfig::new(2, WarpFamily::Tps { grid_size: 4 });
//! let fit = fit(&config, &images, &initial, &SerialExecutor, &mut |_| {})?;
//!
//! // Rings in one cluster, bars in the other.
//! let rings = fit.training.assignments[0];
//! for (i, &cluster) in fit.training.assignments.iter().enumerate() {
//!     assert_eq!(cluster == rings, i % 2 == 0);
//! }
//!
//! // A ring at a place none of the data had goes with the rings.
//! let new_ring = draw(true, 8.0, 7.0);
//! let prediction = fit.model.predict(&Images::new(&new_ring, SIDE, SIDE)?, &SerialExecutor)?;
//! assert_eq!(prediction.assignments, [rings]);
//! # Ok::<(), stk_core::Error>(())
//! ```
//!
//! # Conventions
//!
//! - Pixels and parameters are `f32`; long sums (losses) are `f64`, as is the TPS solve.
//! - Images are H × W, row-major. A point is (x, y) with x the column and y the row; pixel
//!   centres sit at integer coordinates.
//! - Warp parameters are in normalised coordinates, x_n = 2x / (W − 1) − 1 (likewise y), so
//!   the image spans [−1, 1]² with the corner pixel centres at ±1 (corners aligned). A side of
//!   one pixel has the single normalised coordinate 0.
//! - A warp maps each output pixel to the source location where the datum is sampled
//!   (backward mapping): warped(p) = x(source(p)). Outside the image the datum is 0.
//!
//! # Features
//!
//! The crate is always `no_std` + `alloc`. The warp's matrix products and the sampler's pixel
//! loop run through `pulp`, which picks AVX2 + FMA code at run time when the CPU has it and
//! portable code otherwise, so no `target-cpu` flag is needed.
//!
//! - `std` (default): lets `pulp` use std's cached CPU-feature detection (without it, `pulp`
//!   reads CPUID itself) and enables nalgebra's `std`.
//!
//! # Aligning one pair
//!
//! Align a blob onto a copy of itself shifted one pixel right with an affine warp:
//!
//! ```
//! use stk_core::{Adam, AdamConfig, Minimizer, StepWorkspace, Warp, WarpFamily};
//!
//! let (h, w) = (16, 16);
//! let blob = |cx: f32, cy: f32| -> Vec<f32> {
//!     (0..h * w)
//!         .map(|p| {
//!             let (x, y) = ((p % w) as f32, (p / w) as f32);
//!             (-((x - cx).powi(2) + (y - cy).powi(2)) / 8.0).exp()
//!         })
//!         .collect()
//! };
//! let datum = blob(7.0, 8.0);
//! let target = blob(8.0, 8.0);
//!
//! let warp = Warp::new(WarpFamily::Affine, h, w)?;
//! let mut workspace = StepWorkspace::new(&warp, 1)?;
//! let adam = Adam::new(AdamConfig { learning_rate: 1e-2, ..Default::default() })?;
//! let mut params = vec![0.0; warp.n_params()];
//! let mut losses = [0.0];
//! let report = Minimizer::new(warp.n_params()).minimize(&adam, &mut params, 300, |p, g| {
//!     workspace
//!         .loss_grad(&warp, &[&datum], &[&target], p, g, &mut losses)
//!         .expect("shapes match");
//!     losses[0]
//! });
//!
//! // The target at x samples the datum at x − 1: a displacement of −1 pixel, −2/15 normalised.
//! assert!((params[0] + 2.0 / 15.0).abs() < 0.01);
//! assert!(report.best_loss < 1e-3);
//! # Ok::<(), stk_core::Error>(())
//! ```
#![no_std]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod adam;
mod blur;
mod error;
mod gemm;
mod images;
mod kmeans;
mod math;
mod sampler;
mod step;
mod tps;
mod uniform;
mod warp;

pub use adam::{Adam, AdamConfig, AdamState, MinimizeReport, Minimizer};
pub use blur::{GaussianBlur, MAX_BLUR_RADIUS};
pub use error::Error;
pub use images::Images;
pub use kmeans::align::{DatumResult, Task, Worker};
pub use kmeans::config::{AlignConfig, KMeansConfig, MAX_BATCH_SIZE};
pub use kmeans::executor::{Executor, SerialExecutor};
pub use kmeans::init::{gather, kmeans_plus_plus};
pub use kmeans::lloyd::{Lloyd, fit};
pub use kmeans::model::{Fit, FitReport, IterationRecord, Model, Prediction, Progress};
pub use sampler::{BilinearSampler, Sample};
pub use step::StepWorkspace;
pub use warp::{MAX_BASIS_LEN, MAX_GRID_SIZE, MAX_PIXELS, TpsConfig, Warp, WarpFamily};
