//! Spatial transformer K-means: K-means whose distance forgives shape.
#![no_std]
#![deny(missing_docs)]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod error;

pub use error::Error;
