//! Data sets, clustering metrics and experiments for spatial transformer K-means.
#![deny(missing_docs)]

pub mod dataset;
mod error;
pub mod experiment;
pub mod figures;
pub mod metrics;
pub mod model_file;
mod parallel;
pub mod tables;

pub use error::{Error, Result};
pub use parallel::RayonExecutor;
