//! The paper's experiment: K-means, AI K-means and ST K-means on each data set, repeated runs,
//! the test protocol and the defaults of every data set.
//!
//! [`method_config`] is the one place that holds the per-data-set settings of each method
//! (grid size, learning rate, steps, iterations); [`n_runs`] and [`sample_limit`] hold the
//! per-data-set budgets. Command-line [`Options`] override them.
//!
//! # Protocol (PAPER.md section 3)
//!
//! For each data set: the data are subsampled (`--limit`, stratified, seeded) and split as the
//! paper splits them, both seeded with the base seed. Run `r` seeds an
//! [`ExperimentRng`](crate::dataset::ExperimentRng) with `base_seed.wrapping_add(r)` and draws
//! k-means++ centroids on the training split; the three methods of the run start from those
//! same centroids. Each method is fitted on the training split and the test split is assigned
//! with the centroids fixed ([`Model::predict`](stk_core::Model::predict)). The tables report
//! the run with the best test accuracy (the paper's report), the mean ± population standard
//! deviation over the runs, and the run with the lowest training objective (no labels needed).

mod run;
mod user;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;
use stk_core::{KMeansConfig, WarpFamily};

use crate::dataset::{self, Dataset, Format, LoadOptions, Split, SyntheticConfig, SyntheticKind};
use crate::tables::PaperColumn;
use crate::{Error, Result};

pub use run::{
    DatasetResult, Event, GridObjective, LearningRateCandidate, MeanStdRecord, MethodResult,
    PickedRun, RESULTS_FORMAT_VERSION, RunRecord, ScoreRecord, Selection, SelectionReport,
    SummaryRecord, TableReport, TableSpec, run_dataset, run_table,
};
pub use user::{FitOutcome, FitSpec, PredictOutcome, PredictSpec, fit_command, predict_command};

/// The base seed when none is given.
pub const DEFAULT_BASE_SEED: u64 = 0;

/// The learning rates `--select distortion` tries when none are given.
pub const DEFAULT_SELECT_LEARNING_RATES: [f32; 4] = [1e-3, 5e-3, 1e-2, 5e-2];

/// One of the three clustering methods of the paper's Table 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Method {
    /// Plain K-means: the identity warp.
    #[serde(rename = "kmeans")]
    KMeans,
    /// Affine-invariant K-means: affine warps.
    #[serde(rename = "ai")]
    AffineKMeans,
    /// Spatial transformer K-means: thin-plate-spline warps.
    #[serde(rename = "st")]
    SpatialTransformerKMeans,
}

impl Method {
    /// The three methods in the order of the paper's table.
    pub const ALL: [Method; 3] = [
        Method::KMeans,
        Method::AffineKMeans,
        Method::SpatialTransformerKMeans,
    ];

    /// Returns the name used in tables (`K-means`, `AI K-means`, `ST K-means`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Method::KMeans => "K-means",
            Method::AffineKMeans => "AI K-means",
            Method::SpatialTransformerKMeans => "ST K-means",
        }
    }

    /// Returns the short name used on the command line and in files (`kmeans`, `ai`, `st`).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Method::KMeans => "kmeans",
            Method::AffineKMeans => "ai",
            Method::SpatialTransformerKMeans => "st",
        }
    }

    /// Returns whether the method aligns with Adam (so the learning rate matters).
    #[must_use]
    pub fn aligns(self) -> bool {
        !matches!(self, Method::KMeans)
    }
}

impl FromStr for Method {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match normalise_name(s).as_str() {
            "kmeans" | "k-means" => Ok(Method::KMeans),
            "ai" | "ai-kmeans" | "ai-k-means" | "affine" => Ok(Method::AffineKMeans),
            "st" | "st-kmeans" | "st-k-means" | "tps" => Ok(Method::SpatialTransformerKMeans),
            _ => Err(format!("unknown method {s:?} (expected kmeans, ai or st)")),
        }
    }
}

/// The data sets the harness knows, which decide the defaults and the paper's column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DatasetKind {
    /// Rigid MNIST, made from the embedded MNIST-5k.
    RigidMnist,
    /// Non-rigid MNIST, made from the embedded MNIST-5k.
    NonRigidMnist,
    /// The embedded 5000-digit subset of MNIST (or a file of the same form).
    Mnist5k,
    /// Full MNIST (IDX files).
    Mnist,
    /// E-MNIST letters (IDX files).
    EMnist,
    /// AudioMNIST recordings as spectrograms.
    AudioMnist,
    /// The Free Spoken Digit Dataset as spectrograms (reported beside AudioMNIST).
    Fsdd,
    /// Rock-Paper-Scissors photographs.
    RockPaperScissors,
    /// Face-10 (Pointing'04) head poses.
    Face10,
    /// Arabic handwritten characters.
    Arabic,
    /// Any other data set (generic defaults, no published column).
    Custom,
}

impl DatasetKind {
    /// Every named kind, in the order of the paper's columns.
    pub const NAMED: [DatasetKind; 10] = [
        DatasetKind::RigidMnist,
        DatasetKind::NonRigidMnist,
        DatasetKind::Mnist5k,
        DatasetKind::Mnist,
        DatasetKind::AudioMnist,
        DatasetKind::Fsdd,
        DatasetKind::EMnist,
        DatasetKind::RockPaperScissors,
        DatasetKind::Face10,
        DatasetKind::Arabic,
    ];

    /// The embedded default of the `table` command.
    pub const EMBEDDED_DEFAULT: [DatasetKind; 3] = [
        DatasetKind::RigidMnist,
        DatasetKind::NonRigidMnist,
        DatasetKind::Mnist5k,
    ];

    /// Returns the command-line name (`rigid-mnist`, `mnist-5k`, `fsdd`, ...).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            DatasetKind::RigidMnist => "rigid-mnist",
            DatasetKind::NonRigidMnist => "non-rigid-mnist",
            DatasetKind::Mnist5k => "mnist-5k",
            DatasetKind::Mnist => "mnist",
            DatasetKind::EMnist => "emnist",
            DatasetKind::AudioMnist => "audio-mnist",
            DatasetKind::Fsdd => "fsdd",
            DatasetKind::RockPaperScissors => "rps",
            DatasetKind::Face10 => "face-10",
            DatasetKind::Arabic => "arabic",
            DatasetKind::Custom => "custom",
        }
    }

    /// Returns the name used in tables.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            DatasetKind::RigidMnist => "Rigid MNIST",
            DatasetKind::NonRigidMnist => "Non-rigid MNIST",
            DatasetKind::Mnist5k => "MNIST-5k",
            DatasetKind::Mnist => "MNIST",
            DatasetKind::EMnist => "E-MNIST",
            DatasetKind::AudioMnist => "AudioMNIST",
            DatasetKind::Fsdd => "FSDD",
            DatasetKind::RockPaperScissors => "Rock-Paper-Scissors",
            DatasetKind::Face10 => "Face-10",
            DatasetKind::Arabic => "Arabic",
            DatasetKind::Custom => "custom",
        }
    }

    /// Returns the column of the paper's Table 1 our row is compared with (MNIST-5k with
    /// MNIST, FSDD with AudioMNIST); `None` for custom data.
    #[must_use]
    pub fn paper_column(self) -> Option<PaperColumn> {
        match self {
            DatasetKind::RigidMnist => Some(PaperColumn::Rigid),
            DatasetKind::NonRigidMnist => Some(PaperColumn::NonRigid),
            DatasetKind::Mnist5k | DatasetKind::Mnist => Some(PaperColumn::Mnist),
            DatasetKind::AudioMnist | DatasetKind::Fsdd => Some(PaperColumn::Audio),
            DatasetKind::EMnist => Some(PaperColumn::EMnist),
            DatasetKind::RockPaperScissors => Some(PaperColumn::Rps),
            DatasetKind::Face10 => Some(PaperColumn::Face10),
            DatasetKind::Arabic => Some(PaperColumn::Arabic),
            DatasetKind::Custom => None,
        }
    }

    /// Returns the picture size (height, width) every copy of the data set has, if fixed.
    /// Rock-Paper-Scissors and Face-10 photographs are usually resized with `--size`, so their
    /// size is not fixed.
    #[must_use]
    pub fn picture_size(self) -> Option<(usize, usize)> {
        match self {
            DatasetKind::RigidMnist
            | DatasetKind::NonRigidMnist
            | DatasetKind::Mnist5k
            | DatasetKind::Mnist
            | DatasetKind::EMnist => Some((28, 28)),
            DatasetKind::AudioMnist | DatasetKind::Fsdd => {
                Some((dataset::N_BANDS, dataset::N_FRAMES))
            }
            DatasetKind::Arabic => Some((32, 32)),
            DatasetKind::RockPaperScissors | DatasetKind::Face10 | DatasetKind::Custom => None,
        }
    }

    /// Returns the number of classes of the data set, if fixed (Face-10's poses depend on how
    /// the photographs were sorted).
    #[must_use]
    pub fn n_classes(self) -> Option<usize> {
        match self {
            DatasetKind::RigidMnist
            | DatasetKind::NonRigidMnist
            | DatasetKind::Mnist5k
            | DatasetKind::Mnist
            | DatasetKind::AudioMnist
            | DatasetKind::Fsdd => Some(10),
            DatasetKind::EMnist => Some(26),
            DatasetKind::RockPaperScissors => Some(3),
            DatasetKind::Arabic => Some(28),
            DatasetKind::Face10 | DatasetKind::Custom => None,
        }
    }

    /// Checks that `data`, loaded from `path`, has this data set's picture size and number of
    /// classes.
    ///
    /// # Errors
    ///
    /// [`Error::DatasetMismatch`] naming the first that differs.
    pub fn check(self, data: &Dataset, path: &Path) -> Result<()> {
        let mismatch = |expected: String, found: String| Error::DatasetMismatch {
            dataset: self.key(),
            path: path.to_path_buf(),
            expected,
            found,
        };
        if let Some((h, w)) = self.picture_size()
            && (data.height, data.width) != (h, w)
        {
            return Err(mismatch(
                format!("pictures of {h} x {w}"),
                format!("{} x {}", data.height, data.width),
            ));
        }
        if let Some(n) = self.n_classes()
            && data.n_classes() != n
        {
            return Err(mismatch(
                format!("{n} classes"),
                data.n_classes().to_string(),
            ));
        }
        Ok(())
    }

    /// Returns whether the data set is available without a path (built from the embedded
    /// MNIST-5k).
    #[must_use]
    pub fn is_embedded(self) -> bool {
        matches!(
            self,
            DatasetKind::RigidMnist | DatasetKind::NonRigidMnist | DatasetKind::Mnist5k
        )
    }

    /// Returns whether the data set can only be built from the embedded data (a path makes no
    /// sense for it).
    #[must_use]
    pub fn is_synthetic(self) -> bool {
        matches!(self, DatasetKind::RigidMnist | DatasetKind::NonRigidMnist)
    }
}

impl FromStr for DatasetKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let kind = match normalise_name(s).as_str() {
            "rigid-mnist" | "rigid" | "affine-mnist" => DatasetKind::RigidMnist,
            "non-rigid-mnist" | "nonrigid-mnist" | "non-rigid" | "nonrigid" => {
                DatasetKind::NonRigidMnist
            }
            "mnist-5k" | "mnist5k" => DatasetKind::Mnist5k,
            "mnist" => DatasetKind::Mnist,
            "emnist" | "e-mnist" | "emnist-letters" => DatasetKind::EMnist,
            "audio-mnist" | "audiomnist" | "audio" => DatasetKind::AudioMnist,
            "fsdd" | "free-spoken-digit-dataset" => DatasetKind::Fsdd,
            "rps" | "rock-paper-scissors" => DatasetKind::RockPaperScissors,
            "face-10" | "face10" | "pointing04" => DatasetKind::Face10,
            "arabic" | "arabic-chars" | "arabic-characters" => DatasetKind::Arabic,
            "custom" => DatasetKind::Custom,
            _ => {
                let known: Vec<&str> = DatasetKind::NAMED.iter().map(|k| k.key()).collect();
                return Err(format!(
                    "unknown data set {s:?} (expected one of {}, or custom)",
                    known.join(", ")
                ));
            }
        };
        Ok(kind)
    }
}

/// Lower-cases a name and writes `_` and spaces as `-`.
fn normalise_name(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace(['_', ' '], "-")
}

/// Adam steps of an alignment: the coarse (affine, blurred) and the fine (full warp) stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Steps {
    /// Steps of the coarse stage.
    pub coarse: usize,
    /// Steps of the fine stage.
    pub fine: usize,
}

impl FromStr for Steps {
    type Err = String;

    /// Parses `N` (both stages N steps) or `C,F` / `C+F` (coarse C, fine F).
    fn from_str(s: &str) -> Result<Self, String> {
        let parse = |part: &str| {
            part.trim()
                .parse::<usize>()
                .map_err(|_| format!("invalid step count {part:?} in {s:?} (expected N or C,F)"))
        };
        match s.split_once([',', '+']) {
            Some((coarse, fine)) => Ok(Steps {
                coarse: parse(coarse)?,
                fine: parse(fine)?,
            }),
            None => {
                let n = parse(s)?;
                Ok(Steps { coarse: n, fine: n })
            }
        }
    }
}

/// Command-line overrides of the defaults; `None` keeps the data set's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Options {
    /// Control points per side of the TPS grid (ST K-means).
    pub grid_size: Option<usize>,
    /// Adam's learning rate (AI and ST K-means).
    pub learning_rate: Option<f32>,
    /// Adam steps per alignment.
    pub steps: Option<Steps>,
    /// Lloyd iterations (all methods; AI and ST K-means after their warm-up).
    pub max_iterations: Option<usize>,
    /// Most iterations of the plain K-means warm-up of AI and ST K-means (0: none).
    pub identity_iterations: Option<usize>,
    /// Blur of the coarse stage, in pixels.
    pub blur_sigma: Option<f32>,
    /// Runs per method.
    pub n_runs: Option<usize>,
    /// Subsample each data set to about this many pictures (stratified, seeded).
    pub limit: Option<usize>,
    /// The small smoke-test budget (a few runs, images, iterations and steps).
    pub quick: bool,
}

/// The settings one data set gives one method, before command-line overrides.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Defaults {
    grid_size: usize,
    learning_rate: f32,
    steps: Steps,
    max_iterations: usize,
    affine_iterations: usize,
}

/// Returns the configuration of `method` on `dataset` with `n_clusters` clusters: the data
/// set's defaults, the `--quick` budget if set, then each override of `options`.
///
/// Defaults (every data set; chosen on MNIST-5k and the synthetic sets):
///
/// | method | warp | learning rate | steps (coarse + fine) | iterations |
/// |---|---|---|---|---|
/// | K-means | identity | — | — | 50 |
/// | AI K-means | affine | 0.01 | 10 + 10 | 15 |
/// | ST K-means | TPS, 4 x 4 grid, bending penalty 10 | 0.01 | 10 + 10 | 12 (3 affine-only) |
///
/// AI and ST K-means start with [`KMeansConfig::new`]'s identity warm-up (plain K-means, at
/// most 50 iterations, not counted above). Test data are assigned with 2 alignment rounds. `--quick` uses 3 iterations (1
/// affine-only) and 3 + 3 steps. The other fields keep [`KMeansConfig::new`]'s values.
#[must_use]
pub fn method_config(
    dataset: DatasetKind,
    method: Method,
    n_clusters: usize,
    options: &Options,
) -> KMeansConfig {
    // Every data set shares these values, chosen on MNIST-5k and the synthetic sets;
    // `dataset` selects nothing yet.
    let _ = dataset;
    let mut defaults = match method {
        Method::KMeans => Defaults {
            grid_size: 4,
            learning_rate: 0.01,
            steps: Steps {
                coarse: 10,
                fine: 10,
            },
            max_iterations: 50,
            affine_iterations: 0,
        },
        Method::AffineKMeans => Defaults {
            grid_size: 4,
            learning_rate: 0.01,
            steps: Steps {
                coarse: 10,
                fine: 10,
            },
            max_iterations: 15,
            affine_iterations: 0,
        },
        Method::SpatialTransformerKMeans => Defaults {
            grid_size: 4,
            learning_rate: 0.01,
            steps: Steps {
                coarse: 10,
                fine: 10,
            },
            max_iterations: 12,
            affine_iterations: 3,
        },
    };
    if options.quick {
        defaults.max_iterations = 3;
        defaults.affine_iterations = defaults.affine_iterations.min(1);
        defaults.steps = Steps { coarse: 3, fine: 3 };
    }

    let grid_size = options.grid_size.unwrap_or(defaults.grid_size);
    let warp = match method {
        Method::KMeans => WarpFamily::Identity,
        Method::AffineKMeans => WarpFamily::Affine,
        Method::SpatialTransformerKMeans => WarpFamily::Tps { grid_size },
    };
    let mut config = KMeansConfig::new(n_clusters, warp);
    config.predict_rounds = 2;
    let steps = options.steps.unwrap_or(defaults.steps);
    config.align.learning_rate = options.learning_rate.unwrap_or(defaults.learning_rate);
    config.align.coarse_steps = steps.coarse;
    config.align.fine_steps = steps.fine;
    if let Some(blur_sigma) = options.blur_sigma {
        config.align.blur_sigma = blur_sigma;
    }
    config.max_iterations = options.max_iterations.unwrap_or(defaults.max_iterations);
    if let Some(identity_iterations) = options.identity_iterations {
        config.identity_iterations = identity_iterations;
    }
    config.affine_iterations = defaults.affine_iterations.min(config.max_iterations);
    if method.aligns() && config.align.coarse_steps + config.align.fine_steps == 0 {
        log::warn!(
            "{}: with 0 Adam steps per alignment no warp is fitted, so this is plain K-means",
            method.name()
        );
    }
    config
}

/// Returns the number of runs per method on `dataset`: `--runs`, else 2 with `--quick`, else
/// the paper's 10, except 6 on MNIST-5k, where 10 runs of AI and ST K-means on 4000 digits
/// (about 40,000 pairs per step, some 85 s per run of both on two cores) would break the
/// default run's 15-minute budget.
#[must_use]
pub fn n_runs(dataset: DatasetKind, options: &Options) -> usize {
    match (options.n_runs, options.quick, dataset) {
        (Some(n), _, _) => n,
        (None, true, _) => 2,
        (None, false, DatasetKind::Mnist5k) => 6,
        (None, false, _) => 10,
    }
}

/// Returns how many pictures of `dataset` to keep (a stratified, seeded subsample), or `None`
/// for all: `--limit`, else 300 with `--quick`, else all.
#[must_use]
pub fn sample_limit(_dataset: DatasetKind, options: &Options) -> Option<usize> {
    // No default cap: the paper's protocol uses whole data sets, and the progress bars' ETA
    // tells a user early when a large one (full MNIST, E-MNIST) needs `--limit`.
    match (options.limit, options.quick) {
        (Some(n), _) => Some(n),
        (None, true) => Some(300),
        (None, false) => None,
    }
}

/// Where a data set of the table comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetSource {
    /// Which data set it is (defaults and paper column).
    pub kind: DatasetKind,
    /// The file or folder to load; `None` for the embedded ones.
    pub path: Option<PathBuf>,
    /// The format; `None` detects it.
    #[serde(skip)]
    pub format: Option<Format>,
    /// The picture size, for flat data that is not square (see [`LoadOptions::image_size`]).
    #[serde(skip)]
    pub image_size: Option<(usize, usize)>,
}

impl DatasetSource {
    /// Returns the source of `kind` at `path`, format and size detected.
    #[must_use]
    pub fn new(kind: DatasetKind, path: Option<PathBuf>) -> Self {
        DatasetSource {
            kind,
            path,
            format: None,
            image_size: None,
        }
    }
}

/// Pairs `--dataset` names with `--data` paths.
///
/// A name may carry its path as `NAME=PATH`. Otherwise, with no `--data` at all every data set
/// must be embedded; with as many paths as names they pair in order; with fewer, they pair in
/// order with the data sets that are not embedded. No names means the embedded default.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an unknown name, a data set that needs a path and has none,
/// a synthetic data set given a path, or paths left over.
pub fn pair_sources(names: &[String], paths: &[PathBuf]) -> Result<Vec<DatasetSource>> {
    if names.is_empty() {
        if !paths.is_empty() {
            return Err(Error::InvalidArgument(
                "--data needs a --dataset NAME to say which data set it is".to_owned(),
            ));
        }
        return Ok(DatasetKind::EMBEDDED_DEFAULT
            .iter()
            .map(|&kind| DatasetSource::new(kind, None))
            .collect());
    }

    let mut parsed = Vec::with_capacity(names.len());
    for name in names {
        let (name, inline) = match name.split_once('=') {
            Some((n, p)) => (n, Some(PathBuf::from(p))),
            None => (name.as_str(), None),
        };
        let kind = DatasetKind::from_str(name).map_err(Error::InvalidArgument)?;
        parsed.push((kind, inline));
    }
    let without_path = parsed.iter().filter(|(_, p)| p.is_none()).count();
    let needing_path = parsed
        .iter()
        .filter(|(k, p)| p.is_none() && !k.is_embedded())
        .count();
    let mut paths = paths.iter().cloned();
    let mut sources = Vec::with_capacity(parsed.len());
    let pair_all = paths.len() == without_path && paths.len() > 0;
    if !pair_all && paths.len() != needing_path {
        return Err(Error::InvalidArgument(format!(
            "{} --data path(s) for {} data set(s) that need one (and {} without a path in \
             all); give one --data per --dataset, in order, or write --dataset NAME=PATH",
            paths.len(),
            needing_path,
            without_path
        )));
    }
    for (kind, inline) in parsed {
        let path = match inline {
            Some(p) => Some(p),
            None if pair_all || !kind.is_embedded() => paths.next(),
            None => None,
        };
        if kind.is_synthetic() && path.is_some() {
            return Err(Error::InvalidArgument(format!(
                "{} is made from the embedded MNIST-5k and takes no --data path",
                kind.key()
            )));
        }
        if kind == DatasetKind::Custom && path.is_none() {
            return Err(Error::InvalidArgument(
                "the custom data set needs a --data path".to_owned(),
            ));
        }
        sources.push(DatasetSource::new(kind, path));
    }
    Ok(sources)
}

/// Loads (or builds) the data set of `source`; the synthetic sets are drawn with `data_seed`.
///
/// # Errors
///
/// The loaders' errors ([`Error::Io`], [`Error::Format`], [`Error::ShapeMismatch`]), and
/// [`Error::InvalidArgument`] when a data set that needs a path has none.
pub fn load_source(source: &DatasetSource, data_seed: u64) -> Result<Dataset> {
    use rand_core::SeedableRng;

    let mut loaded = match (&source.path, source.kind) {
        (Some(path), _) => dataset::load_with(
            path,
            &LoadOptions {
                format: source.format,
                image_size: source.image_size,
                ..LoadOptions::default()
            },
        )?,
        (None, DatasetKind::Mnist5k) => dataset::embedded_mnist_5k()?,
        (None, DatasetKind::RigidMnist | DatasetKind::NonRigidMnist) => {
            let kind = if source.kind == DatasetKind::RigidMnist {
                SyntheticKind::Rigid
            } else {
                SyntheticKind::NonRigid
            };
            let mnist = dataset::embedded_mnist_5k()?;
            let mut rng = dataset::ExperimentRng::seed_from_u64(data_seed);
            dataset::generate_synthetic(&mnist, kind, &SyntheticConfig::default(), &mut rng)?
        }
        (None, kind) => {
            return Err(Error::InvalidArgument(format!(
                "{} needs a --data path",
                kind.key()
            )));
        }
    };
    if let Some(path) = &source.path {
        source.kind.check(&loaded, path)?;
    }
    if source.kind != DatasetKind::Custom {
        source.kind.key().clone_into(&mut loaded.name);
    }
    Ok(loaded)
}

/// Keeps about `limit` pictures of `dataset`, the same share of every class, chosen with a
/// seeded shuffle; the data set is returned whole when `limit` is `None` or not below its size.
///
/// A predefined train/test protocol becomes a stratified one with the same test fraction (see
/// [`Dataset::subset`]).
///
/// # Errors
///
/// [`Error::InvalidArgument`] when `limit` is below the number of classes.
pub fn subsample(dataset: Dataset, limit: Option<usize>, seed: u64) -> Result<Dataset> {
    let n = dataset.n_samples();
    let Some(limit) = limit.filter(|&l| l < n) else {
        return Ok(dataset);
    };
    if limit < dataset.n_classes().max(2) {
        return Err(Error::InvalidArgument(format!(
            "--limit {limit} is below the {} classes of {}",
            dataset.n_classes(),
            dataset.name
        )));
    }
    // The stratified "test" part of a split with that fraction is the subsample.
    let kept = dataset::stratified_split(&dataset, limit as f64 / n as f64, seed)?.test;
    log::info!(
        "{}: kept {} of {n} pictures (stratified, seed {seed})",
        dataset.name,
        kept.n_samples()
    );
    Ok(kept)
}

/// Loads, subsamples and splits a data set as the table does: all three seeded with
/// `data_seed`.
///
/// # Errors
///
/// As [`load_source`], [`subsample`] and [`Dataset::paper_split`].
pub fn prepare_split(
    source: &DatasetSource,
    limit: Option<usize>,
    data_seed: u64,
) -> Result<Split> {
    let loaded = load_source(source, data_seed)?;
    let kept = subsample(loaded, limit, data_seed)?;
    kept.paper_split(data_seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(options: &Options) -> KMeansConfig {
        method_config(
            DatasetKind::Mnist5k,
            Method::SpatialTransformerKMeans,
            10,
            options,
        )
    }

    #[test]
    fn a_named_data_set_must_have_its_size_and_classes() {
        let digits = dataset::embedded_mnist_5k().unwrap();
        let path = Path::new("digits.csv");
        for kind in [
            DatasetKind::Mnist,
            DatasetKind::Mnist5k,
            DatasetKind::Custom,
        ] {
            kind.check(&digits, path).unwrap();
        }
        // MNIST's size, but not its classes (and the other way round for RPS photographs,
        // whose size is free).
        for (kind, expected, found) in [
            (DatasetKind::Arabic, "pictures of 32 x 32", "28 x 28"),
            (DatasetKind::Fsdd, "pictures of 64 x 24", "28 x 28"),
            (DatasetKind::EMnist, "26 classes", "10"),
            (DatasetKind::RockPaperScissors, "3 classes", "10"),
        ] {
            match kind.check(&digits, path) {
                Err(Error::DatasetMismatch {
                    dataset,
                    expected: e,
                    found: f,
                    ..
                }) => assert_eq!(
                    (dataset, e.as_str(), f.as_str()),
                    (kind.key(), expected, found)
                ),
                other => panic!("{kind:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn defaults_give_each_method_its_warp() {
        let options = Options::default();
        let kmeans = method_config(DatasetKind::Mnist5k, Method::KMeans, 10, &options);
        let ai = method_config(DatasetKind::Mnist5k, Method::AffineKMeans, 10, &options);
        let st = st(&options);
        assert_eq!(kmeans.warp, WarpFamily::Identity);
        assert_eq!(ai.warp, WarpFamily::Affine);
        assert_eq!(st.warp, WarpFamily::Tps { grid_size: 4 });
        assert_eq!(kmeans.max_iterations, 50);
        assert_eq!(st.max_iterations, 12);
        assert_eq!((st.align.coarse_steps, st.align.fine_steps), (10, 10));
        assert_eq!(st.n_clusters, 10);
    }

    #[test]
    fn every_override_reaches_the_config() {
        let options = Options {
            grid_size: Some(6),
            learning_rate: Some(0.05),
            steps: Some(Steps { coarse: 7, fine: 9 }),
            max_iterations: Some(4),
            blur_sigma: Some(2.5),
            identity_iterations: Some(0),
            ..Options::default()
        };
        assert_ne!(st(&Options::default()).identity_iterations, 0);
        let config = st(&options);
        assert_eq!(config.warp, WarpFamily::Tps { grid_size: 6 });
        assert_eq!(config.align.learning_rate, 0.05);
        assert_eq!((config.align.coarse_steps, config.align.fine_steps), (7, 9));
        assert_eq!(config.max_iterations, 4);
        assert_eq!(config.align.blur_sigma, 2.5);
        assert_eq!(config.identity_iterations, 0);
        // The affine-only phase never outlasts the fit.
        assert!(config.affine_iterations <= 4);
        let kmeans = method_config(DatasetKind::Mnist5k, Method::KMeans, 10, &options);
        assert_eq!(kmeans.warp, WarpFamily::Identity);
        assert_eq!(kmeans.max_iterations, 4);
    }

    #[test]
    fn quick_shrinks_the_budget_and_overrides_still_win() {
        let quick = Options {
            quick: true,
            ..Options::default()
        };
        let config = st(&quick);
        let full = st(&Options::default());
        assert!(config.max_iterations < full.max_iterations);
        assert!(config.align.fine_steps < full.align.fine_steps);
        assert!(config.affine_iterations < config.max_iterations);
        assert_eq!(n_runs(DatasetKind::Mnist5k, &quick), 2);
        assert_eq!(sample_limit(DatasetKind::Mnist5k, &quick), Some(300));

        let overridden = Options {
            quick: true,
            max_iterations: Some(8),
            n_runs: Some(5),
            limit: Some(1000),
            ..Options::default()
        };
        assert_eq!(st(&overridden).max_iterations, 8);
        assert_eq!(n_runs(DatasetKind::Mnist5k, &overridden), 5);
        assert_eq!(sample_limit(DatasetKind::Mnist5k, &overridden), Some(1000));
        assert_eq!(n_runs(DatasetKind::Mnist5k, &Options::default()), 6);
        assert_eq!(n_runs(DatasetKind::RigidMnist, &Options::default()), 10);
        assert_eq!(
            sample_limit(DatasetKind::Mnist5k, &Options::default()),
            None
        );
    }

    #[test]
    fn steps_parse_one_or_two_counts() {
        assert_eq!(
            "12".parse::<Steps>(),
            Ok(Steps {
                coarse: 12,
                fine: 12
            })
        );
        assert_eq!("3,8".parse::<Steps>(), Ok(Steps { coarse: 3, fine: 8 }));
        assert_eq!("3+8".parse::<Steps>(), Ok(Steps { coarse: 3, fine: 8 }));
        assert!("x".parse::<Steps>().is_err());
        assert!("3,".parse::<Steps>().is_err());
    }

    #[test]
    fn names_parse_with_aliases_and_unknown_ones_are_refused() {
        assert_eq!("MNIST_5k".parse(), Ok(DatasetKind::Mnist5k));
        assert_eq!("arabic-chars".parse(), Ok(DatasetKind::Arabic));
        assert_eq!("Non-rigid MNIST".parse(), Ok(DatasetKind::NonRigidMnist));
        let err = "cifar".parse::<DatasetKind>().unwrap_err();
        assert!(err.contains("cifar") && err.contains("fsdd"), "{err}");
        assert_eq!("ST".parse(), Ok(Method::SpatialTransformerKMeans));
        assert!("dec".parse::<Method>().is_err());
    }

    #[test]
    fn sources_pair_names_with_paths() {
        let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let paths = |v: &[&str]| v.iter().map(PathBuf::from).collect::<Vec<_>>();

        let default = pair_sources(&[], &[]).unwrap();
        let kinds: Vec<_> = default.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, DatasetKind::EMBEDDED_DEFAULT);

        let one = pair_sources(&names(&["fsdd"]), &paths(&["a"])).unwrap();
        assert_eq!(one[0].path, Some(PathBuf::from("a")));

        // Paths go to the data sets that need them; the embedded ones keep theirs.
        let mixed =
            pair_sources(&names(&["rigid", "fsdd", "arabic"]), &paths(&["a", "b"])).unwrap();
        assert_eq!(mixed[0].path, None);
        assert_eq!(mixed[1].path, Some(PathBuf::from("a")));
        assert_eq!(mixed[2].path, Some(PathBuf::from("b")));

        let inline = pair_sources(&names(&["mnist-5k=x.csv", "rigid"]), &[]).unwrap();
        assert_eq!(inline[0].path, Some(PathBuf::from("x.csv")));

        for (n, p) in [
            (names(&["fsdd"]), paths(&[])),
            (names(&["fsdd"]), paths(&["a", "b"])),
            (names(&["rigid"]), paths(&["a"])),
            (names(&["cifar"]), paths(&[])),
            (names(&[]), paths(&["a"])),
        ] {
            assert!(
                matches!(pair_sources(&n, &p), Err(Error::InvalidArgument(_))),
                "{n:?} {p:?}"
            );
        }
    }

    #[test]
    fn subsample_keeps_every_class_and_is_seeded() {
        let dataset = Dataset {
            name: "toy".to_owned(),
            height: 1,
            width: 1,
            images: (0..100).map(|i| i as f32 / 100.0).collect(),
            labels: (0..100).map(|i| (i % 4) as u32).collect(),
            class_names: (0..4).map(|c| c.to_string()).collect(),
            speakers: None,
            warps: None,
            protocol: dataset::SplitProtocol::Stratified {
                test_fraction: 0.25,
            },
            rescale_after_split: false,
        };
        let a = subsample(dataset.clone(), Some(40), 7).unwrap();
        let b = subsample(dataset.clone(), Some(40), 7).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.n_samples(), 40);
        assert_eq!(a.class_counts(), vec![10; 4]);
        assert_eq!(subsample(dataset.clone(), None, 7).unwrap(), dataset);
        assert_eq!(subsample(dataset.clone(), Some(500), 7).unwrap(), dataset);
        assert!(matches!(
            subsample(dataset, Some(3), 7),
            Err(Error::InvalidArgument(_))
        ));
    }
}
