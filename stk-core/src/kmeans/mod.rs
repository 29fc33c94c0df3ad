//! K-means, AI K-means and ST K-means: one Lloyd loop over a warp family.

pub(crate) mod align;
pub(crate) mod config;
pub(crate) mod executor;
pub(crate) mod init;
pub(crate) mod lloyd;
pub(crate) mod model;
