//! Saving and loading fitted models: a versioned JSON file.
//!
//! A model file holds everything [`Model::predict`] needs and everything needed to refit it:
//! the centroids, the warp family and grid, the whole configuration, the seed, the image size
//! and, for spectrograms, the value scaling fitted on the training data. Loading refuses a file
//! of another format version, and [`ModelFile::check_images`] refuses data of another picture
//! size, each with an error that says what differs.
//!
//! Floats are written by `serde_json` in their shortest round-trip form, so a saved and loaded
//! model has bit-identical centroids and assigns data exactly as the model that was saved.

use std::path::Path;

use serde::{Deserialize, Serialize};
use stk_core::{AlignConfig, KMeansConfig, Model, WarpFamily};

use crate::dataset::MinMaxScaling;
use crate::{Error, Result};

/// The `format` field of every model file.
pub const MODEL_FORMAT: &str = "stk-model";

/// The format version this build writes and reads.
pub const MODEL_FORMAT_VERSION: u32 = 1;

/// A warp family as stored in files (`{"family": "tps", "grid_size": 4}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "lowercase", deny_unknown_fields)]
pub enum WarpSpec {
    /// No warp (K-means).
    Identity,
    /// Affine warps (AI K-means).
    Affine,
    /// Thin-plate splines on a `grid_size × grid_size` grid (ST K-means).
    Tps {
        /// Control points per side.
        grid_size: usize,
    },
}

impl From<WarpFamily> for WarpSpec {
    fn from(family: WarpFamily) -> Self {
        match family {
            WarpFamily::Identity => WarpSpec::Identity,
            WarpFamily::Affine => WarpSpec::Affine,
            WarpFamily::Tps { grid_size } => WarpSpec::Tps { grid_size },
        }
    }
}

impl From<WarpSpec> for WarpFamily {
    fn from(spec: WarpSpec) -> Self {
        match spec {
            WarpSpec::Identity => WarpFamily::Identity,
            WarpSpec::Affine => WarpFamily::Affine,
            WarpSpec::Tps { grid_size } => WarpFamily::Tps { grid_size },
        }
    }
}

/// Every field of a [`KMeansConfig`], flat, as stored in model files and experiment results.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigRecord {
    /// Number of clusters K.
    pub n_clusters: usize,
    /// The warp family.
    pub warp: WarpSpec,
    /// Adam's learning rate.
    pub learning_rate: f32,
    /// Adam steps of the coarse stage.
    pub coarse_steps: usize,
    /// Adam steps of the fine stage.
    pub fine_steps: usize,
    /// Blur of the coarse stage, pixels.
    pub blur_sigma: f32,
    /// Weight of the TPS bending energy.
    pub bending_penalty: f32,
    /// Weight of the affine-scale penalty.
    pub scale_penalty: f32,
    /// Most Lloyd iterations.
    pub max_iterations: usize,
    /// Relative-decrease stopping tolerance.
    pub tolerance: f64,
    /// Most iterations of the identity warm-up (files written before it existed: 0).
    #[serde(default)]
    pub identity_iterations: usize,
    /// Iterations after the warm-up with the TPS held to its affine part.
    pub affine_iterations: usize,
    /// Whether alignments warm-start.
    pub warm_start: bool,
    /// Re-seeding threshold, a share of the data.
    pub min_cluster_share: f64,
    /// Alignment rounds when assigning to fixed centroids.
    pub predict_rounds: usize,
    /// Data per batch.
    pub batch_size: usize,
}

impl From<&KMeansConfig> for ConfigRecord {
    fn from(config: &KMeansConfig) -> Self {
        // Destructured so that a new field of the core config fails to compile here.
        let KMeansConfig {
            n_clusters,
            warp,
            align:
                AlignConfig {
                    learning_rate,
                    coarse_steps,
                    fine_steps,
                    blur_sigma,
                    bending_penalty,
                    scale_penalty,
                },
            max_iterations,
            tolerance,
            identity_iterations,
            affine_iterations,
            warm_start,
            min_cluster_share,
            predict_rounds,
            batch_size,
        } = *config;
        ConfigRecord {
            n_clusters,
            warp: warp.into(),
            learning_rate,
            coarse_steps,
            fine_steps,
            blur_sigma,
            bending_penalty,
            scale_penalty,
            max_iterations,
            tolerance,
            identity_iterations,
            affine_iterations,
            warm_start,
            min_cluster_share,
            predict_rounds,
            batch_size,
        }
    }
}

impl From<&ConfigRecord> for KMeansConfig {
    fn from(record: &ConfigRecord) -> Self {
        KMeansConfig {
            n_clusters: record.n_clusters,
            warp: record.warp.into(),
            align: AlignConfig {
                learning_rate: record.learning_rate,
                coarse_steps: record.coarse_steps,
                fine_steps: record.fine_steps,
                blur_sigma: record.blur_sigma,
                bending_penalty: record.bending_penalty,
                scale_penalty: record.scale_penalty,
            },
            max_iterations: record.max_iterations,
            tolerance: record.tolerance,
            identity_iterations: record.identity_iterations,
            affine_iterations: record.affine_iterations,
            warm_start: record.warm_start,
            min_cluster_share: record.min_cluster_share,
            predict_rounds: record.predict_rounds,
            batch_size: record.batch_size,
        }
    }
}

/// The contents of a model file (format [`MODEL_FORMAT`], version [`MODEL_FORMAT_VERSION`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFile {
    /// Always [`MODEL_FORMAT`].
    pub format: String,
    /// Always [`MODEL_FORMAT_VERSION`] for files this build reads.
    pub format_version: u32,
    /// Picture height the model assigns.
    pub height: usize,
    /// Picture width the model assigns.
    pub width: usize,
    /// The configuration the model was fitted with (its warp family and grid included).
    pub config: ConfigRecord,
    /// The seed of the fit's k-means++ initialisation.
    pub seed: u64,
    /// The data set the model was fitted on, when known.
    pub dataset: Option<String>,
    /// The min-max value scaling `[low, high] → [0, 1]` fitted on the training data and
    /// applied to any data before assignment (spectrograms); `None` for pictures.
    pub scaling: Option<[f32; 2]>,
    /// The centroids, `n_clusters × height × width`, row-major, centroid after centroid.
    pub centroids: Vec<f32>,
}

impl ModelFile {
    /// Returns the file contents of `model`, fitted with k-means++ seed `seed` on `dataset`,
    /// with the data scaled by `scaling` first (if any).
    #[must_use]
    pub fn new(
        model: &Model,
        seed: u64,
        dataset: Option<String>,
        scaling: Option<MinMaxScaling>,
    ) -> Self {
        ModelFile {
            format: MODEL_FORMAT.to_owned(),
            format_version: MODEL_FORMAT_VERSION,
            height: model.warp().height(),
            width: model.warp().width(),
            config: ConfigRecord::from(model.config()),
            seed,
            dataset,
            scaling: scaling.map(|s| [s.low, s.high]),
            centroids: model.centroids().to_vec(),
        }
    }

    /// Rebuilds the model.
    ///
    /// # Errors
    ///
    /// [`Error::Core`] with the errors of [`Model::from_centroids`]: an invalid configuration,
    /// image size or warp, centroids of the wrong length or a non-finite centroid value.
    pub fn to_model(&self) -> Result<Model> {
        Ok(Model::from_centroids(
            KMeansConfig::from(&self.config),
            self.height,
            self.width,
            self.centroids.clone(),
        )?)
    }

    /// Returns the stored scaling, if any.
    #[must_use]
    pub fn scaling(&self) -> Option<MinMaxScaling> {
        self.scaling.map(|[low, high]| MinMaxScaling { low, high })
    }

    /// Checks that pictures of `height × width` can be assigned by this model.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] naming both sizes when they differ.
    pub fn check_images(&self, height: usize, width: usize) -> Result<()> {
        if (height, width) == (self.height, self.width) {
            return Ok(());
        }
        Err(Error::ShapeMismatch {
            expected: format!(
                "pictures of {} x {} (the model's size)",
                self.height, self.width
            ),
            found: format!("pictures of {height} x {width}"),
        })
    }
}

/// Writes `file` as pretty JSON to `path`.
///
/// # Errors
///
/// [`Error::Io`] if the file cannot be written.
pub fn save_model(path: &Path, file: &ModelFile) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let text = serde_json::to_string_pretty(file).map_err(|e| io(e.into()))?;
    std::fs::write(path, text + "\n").map_err(io)
}

/// Reads a model file and checks its format, version and shapes.
///
/// # Errors
///
/// - [`Error::Io`] if the file cannot be read;
/// - [`Error::Format`] if it is not JSON, not a model file, of another format version (the
///   message names both versions), misses or has unknown fields, its centroids do not hold
///   `n_clusters × height × width` values, its alignment budget exceeds 100,000 Adam steps
///   per stage or 100 predict rounds, its scaling is not an increasing finite range, or its
///   configuration is invalid ([`ModelFile::to_model`] is run once to check).
pub fn load_model(path: &Path) -> Result<ModelFile> {
    let format_error = |message: String| Error::Format {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;

    // Format and version first, so that a file of another version says so rather than
    // failing on a field it has or lacks.
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format_error(format!("not a JSON model file: {e}")))?;
    let format = value.get("format").and_then(serde_json::Value::as_str);
    if format != Some(MODEL_FORMAT) {
        return Err(format_error(format!(
            "not a model file (format {}, expected {MODEL_FORMAT:?})",
            format.map_or("missing".to_owned(), |f| format!("{f:?}"))
        )));
    }
    let version = value
        .get("format_version")
        .and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(MODEL_FORMAT_VERSION)) {
        return Err(format_error(format!(
            "model format version {}, but this build reads version {MODEL_FORMAT_VERSION} \
             only; refit the model with this build",
            version.map_or("missing".to_owned(), |v| v.to_string())
        )));
    }

    let file: ModelFile = serde_json::from_value(value)
        .map_err(|e| format_error(format!("invalid model file: {e}")))?;
    let expected = file
        .config
        .n_clusters
        .checked_mul(file.height)
        .and_then(|v| v.checked_mul(file.width));
    if expected != Some(file.centroids.len()) {
        return Err(format_error(format!(
            "{} centroid values, expected {} clusters of {} x {}",
            file.centroids.len(),
            file.config.n_clusters,
            file.height,
            file.width
        )));
    }
    let budget = [
        ("coarse_steps", file.config.coarse_steps, MAX_STAGE_STEPS),
        ("fine_steps", file.config.fine_steps, MAX_STAGE_STEPS),
        (
            "predict_rounds",
            file.config.predict_rounds,
            MAX_PREDICT_ROUNDS,
        ),
    ];
    if let Some((name, value, most)) = budget.into_iter().find(|&(_, v, most)| v > most) {
        return Err(format_error(format!(
            "{name} is {value}, more than the {most} a model file may ask of predict"
        )));
    }
    if let Some([low, high]) = file.scaling
        && !(low.is_finite() && high.is_finite() && low < high)
    {
        return Err(format_error(format!(
            "scaling [{low}, {high}] is not a range of finite values from low to high"
        )));
    }
    file.to_model()
        .map_err(|e| format_error(format!("invalid model: {e}")))?;
    Ok(file)
}

/// The most Adam steps per alignment stage a model file may hold: `predict` runs them for
/// every datum and cluster, so an edited file could otherwise make it run for days.
const MAX_STAGE_STEPS: usize = 100_000;

/// The most alignment rounds of `predict` a model file may hold.
const MAX_PREDICT_ROUNDS: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;
    use stk_core::{Images, SerialExecutor};

    fn model(warp: WarpFamily) -> Model {
        let (h, w) = (6, 5);
        let centroids: Vec<f32> = (0..2 * h * w)
            .map(|i| ((i * 37) % 11) as f32 / 10.0 + 1.0 / 3.0)
            .collect();
        let mut config = KMeansConfig::new(2, warp);
        config.align.learning_rate = 0.0123;
        config.max_iterations = 7;
        Model::from_centroids(config, h, w, centroids).unwrap()
    }

    fn save(file: &ModelFile) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.json");
        save_model(&path, file).unwrap();
        (dir, path)
    }

    #[test]
    fn a_saved_model_loads_bit_for_bit_and_assigns_the_same() {
        let original = model(WarpFamily::Tps { grid_size: 3 });
        let scaling = MinMaxScaling {
            low: -0.1,
            high: 2.7,
        };
        let file = ModelFile::new(&original, 42, Some("toy".to_owned()), Some(scaling));
        let (_dir, path) = save(&file);
        let loaded = load_model(&path).unwrap();
        assert_eq!(loaded, file);
        assert_eq!(loaded.scaling(), Some(scaling));
        let rebuilt = loaded.to_model().unwrap();
        assert_eq!(rebuilt.config(), original.config());
        let bits = |m: &Model| {
            m.centroids()
                .iter()
                .map(|v| v.to_bits())
                .collect::<Vec<_>>()
        };
        assert_eq!(bits(&rebuilt), bits(&original));

        let data: Vec<f32> = (0..3 * 30).map(|i| ((i * 13) % 7) as f32 / 7.0).collect();
        let images = Images::new(&data, 6, 5).unwrap();
        let a = original.predict(&images, &SerialExecutor).unwrap();
        let b = rebuilt.predict(&images, &SerialExecutor).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn every_warp_family_round_trips() {
        for family in [
            WarpFamily::Identity,
            WarpFamily::Affine,
            WarpFamily::Tps { grid_size: 2 },
        ] {
            let file = ModelFile::new(&model(family), 1, None, None);
            let (_dir, path) = save(&file);
            let loaded = load_model(&path).unwrap();
            assert_eq!(WarpFamily::from(loaded.config.warp), family);
            assert_eq!(loaded.scaling(), None);
        }
    }

    fn rewrite(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
        let mut value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        edit(&mut value);
        std::fs::write(path, value.to_string()).unwrap();
    }

    fn format_message(path: &Path) -> String {
        match load_model(path) {
            Err(Error::Format { message, .. }) => message,
            other => panic!("expected a format error, got {other:?}"),
        }
    }

    #[test]
    fn another_version_is_refused_naming_both_versions() {
        let file = ModelFile::new(&model(WarpFamily::Affine), 1, None, None);
        let (_dir, path) = save(&file);
        rewrite(&path, |v| {
            v["format_version"] = 2.into();
            // A later version may add fields: the version is still what is reported.
            v["new_field"] = true.into();
        });
        let message = format_message(&path);
        assert!(
            message.contains("version 2") && message.contains("version 1"),
            "{message}"
        );

        rewrite(&path, |v| {
            v.as_object_mut().unwrap().remove("format_version");
        });
        assert!(format_message(&path).contains("missing"));
    }

    #[test]
    fn other_files_and_broken_models_are_refused() {
        let file = ModelFile::new(&model(WarpFamily::Affine), 1, None, None);
        let (dir, path) = save(&file);

        let other = dir.path().join("other.json");
        std::fs::write(
            &other,
            r#"{"format": "something-else", "format_version": 1}"#,
        )
        .unwrap();
        assert!(format_message(&other).contains("not a model file"));
        std::fs::write(&other, "not json").unwrap();
        assert!(format_message(&other).contains("not a JSON model file"));
        assert!(matches!(
            load_model(&dir.path().join("absent.json")),
            Err(Error::Io { .. })
        ));

        rewrite(&path, |v| {
            v["centroids"].as_array_mut().unwrap().pop();
        });
        assert!(format_message(&path).contains("centroid values"));

        let (_dir2, path) = save(&file);
        rewrite(&path, |v| v["config"]["learning_rate"] = (-1.0).into());
        let message = format_message(&path);
        assert!(message.contains("learning_rate"), "{message}");
    }

    #[test]
    fn budgets_that_would_stall_predict_and_empty_scalings_are_refused() {
        let file = ModelFile::new(&model(WarpFamily::Affine), 1, None, None);
        for (field, value) in [
            ("fine_steps", MAX_STAGE_STEPS + 1),
            ("coarse_steps", 1_000_000_000_000),
            ("predict_rounds", MAX_PREDICT_ROUNDS + 1),
        ] {
            let (_dir, path) = save(&file);
            rewrite(&path, |v| v["config"][field] = value.into());
            let message = format_message(&path);
            assert!(message.contains(field), "{message}");
        }
        let (_dir, path) = save(&file);
        rewrite(&path, |v| {
            v["config"]["fine_steps"] = MAX_STAGE_STEPS.into()
        });
        load_model(&path).unwrap();
        for scaling in [[0.5, 0.5], [1.0, -1.0]] {
            let (_dir, path) = save(&file);
            rewrite(&path, |v| v["scaling"] = serde_json::json!(scaling));
            assert!(format_message(&path).contains("scaling"));
        }
    }

    #[test]
    fn pictures_of_another_size_are_refused() {
        let file = ModelFile::new(&model(WarpFamily::Identity), 1, None, None);
        assert!(file.check_images(6, 5).is_ok());
        match file.check_images(5, 6) {
            Err(Error::ShapeMismatch { expected, found }) => {
                assert!(expected.contains("6 x 5"), "{expected}");
                assert!(found.contains("5 x 6"), "{found}");
            }
            other => panic!("expected a shape mismatch, got {other:?}"),
        }
    }
}
