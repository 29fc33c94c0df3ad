//! Data sets, clustering metrics and experiments for spatial transformer K-means.
#![deny(missing_docs)]

pub mod dataset;
mod error;
pub mod metrics;
mod parallel;

pub use error::{Error, Result};
pub use parallel::RayonExecutor;
