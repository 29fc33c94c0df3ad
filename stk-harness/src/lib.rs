//! Data sets, clustering metrics and experiments for spatial transformer K-means.
#![deny(missing_docs)]

mod error;
pub mod metrics;

pub use error::{Error, Result};
