//! Data sets, clustering metrics and experiments for spatial transformer K-means.
