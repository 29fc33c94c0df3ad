//! Spatial transformer K-means: K-means whose distance forgives shape.
#![no_std]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;
