//! `fit` and `predict` on a user's own data.

use std::path::PathBuf;
use std::time::Instant;

use rand_core::SeedableRng;
use stk_core::{Executor, FitReport, Images, KMeansConfig};

use super::{
    DatasetSource, Event, Method, Options, load_source, method_config, sample_limit, subsample,
};
use crate::dataset::{Dataset, ExperimentRng, MinMaxScaling};
use crate::figures;
use crate::metrics::{self, Scores};
use crate::model_file::{self, ModelFile};
use crate::tables;
use crate::{Error, Result};

/// What `fit` does.
#[derive(Debug, Clone)]
pub struct FitSpec {
    /// The data (all of it, or a subsample with `options.limit`).
    pub source: DatasetSource,
    /// The method.
    pub method: Method,
    /// Clusters; `None` takes the number of classes of the data.
    pub n_clusters: Option<usize>,
    /// Overrides of the defaults of `source.kind`.
    pub options: Options,
    /// Seeds the k-means++ initialisation and the subsample.
    pub seed: u64,
    /// Where `model.json`, `centroids.png` and `assignments.csv` go.
    pub out_dir: PathBuf,
}

/// What `fit` did.
#[derive(Debug, Clone)]
pub struct FitOutcome {
    /// The data set's name.
    pub dataset: String,
    /// Pictures fitted.
    pub n_samples: usize,
    /// Picture height.
    pub height: usize,
    /// Picture width.
    pub width: usize,
    /// The configuration used.
    pub config: KMeansConfig,
    /// The Lloyd iterations; its objective is the last iteration's, with the warm-started
    /// alignments of training.
    pub report: FitReport,
    /// The objective of the final assignment to the fitted centroids, aligned from the
    /// identity as `predict` aligns: the sum of `assignments.csv`'s distances.
    pub assigned_objective: f64,
    /// The data term of that assignment.
    pub assigned_distortion: f64,
    /// Scores of the final assignment against the data's labels.
    pub scores: Scores,
    /// The model file.
    pub model_path: PathBuf,
    /// The centroid picture.
    pub centroids_path: PathBuf,
    /// The per-datum cluster and distance.
    pub assignments_path: PathBuf,
    /// Wall time.
    pub seconds: f64,
}

/// Loads the data of a user command and applies the subsample.
fn load_user_data(source: &DatasetSource, limit: Option<usize>, seed: u64) -> Result<Dataset> {
    let loaded = load_source(source, seed)?;
    subsample(loaded, limit, seed)
}

/// Fits one model on all the data of `spec.source` (no split) and writes the model file, the
/// centroid picture and the assignments CSV.
///
/// Spectrograms (data sets that ask for rescaling) are min-max scaled with their own range,
/// which the model file stores so that `predict` scales new data the same way.
///
/// # Errors
///
/// The loaders' errors; [`Error::InvalidArgument`] for a cluster count the data cannot take
/// or a configuration the core refuses; [`Error::Io`] for files that cannot be written.
pub fn fit_command(
    spec: &FitSpec,
    executor: &dyn Executor,
    observer: &mut dyn FnMut(Event<'_>),
) -> Result<FitOutcome> {
    let clock = Instant::now();
    let limit = sample_limit(spec.source.kind, &spec.options);
    let mut data = load_user_data(&spec.source, limit, spec.seed)?;
    let scaling = if data.rescale_after_split {
        let scaling = MinMaxScaling::fit(&data)?;
        scaling.apply(&mut data);
        log::info!(
            "{}: scaled [{}, {}] to [0, 1]; the model file keeps the scaling",
            data.name,
            scaling.low,
            scaling.high
        );
        Some(scaling)
    } else {
        None
    };
    let (h, w) = (data.height, data.width);
    let k = spec.n_clusters.unwrap_or(data.n_classes());
    if k == 0 || k > data.n_samples() {
        return Err(Error::InvalidArgument(format!(
            "{} clusters for {} pictures; give --k between 1 and the number of pictures",
            k,
            data.n_samples()
        )));
    }
    let images = Images::new(&data.images, h, w)?;
    let config = method_config(spec.source.kind, spec.method, k, &spec.options);
    let label = format!("{} {}", data.name, spec.method.name());
    let core_error = |e: stk_core::Error| Error::InvalidArgument(format!("{label}: {e}"));

    let mut rng = ExperimentRng::seed_from_u64(spec.seed);
    let initial = stk_core::kmeans_plus_plus(&images, k, &mut rng).map_err(core_error)?;
    let initial = stk_core::gather(&images, &initial);
    observer(Event::FitStarted {
        label: &label,
        n_runs: 1,
        max_iterations: config.max_iterations,
    });
    let fit = stk_core::fit(&config, &images, &initial, executor, &mut |progress| {
        observer(Event::Iteration {
            run_pos: 0,
            progress,
        });
    })
    .map_err(core_error)?;
    observer(Event::FitFinished { label: &label });

    std::fs::create_dir_all(&spec.out_dir).map_err(|source| Error::Io {
        path: spec.out_dir.clone(),
        source,
    })?;
    let model_path = spec.out_dir.join("model.json");
    let file = ModelFile::new(&fit.model, spec.seed, Some(data.name.clone()), scaling);
    model_file::save_model(&model_path, &file)?;

    let order = figures::order_by_labels(&data.labels, &fit.training.assignments, k);
    let picture = figures::centroid_grid(&[fit.model.centroids()], &[order], k, h, w);
    let centroids_path = spec.out_dir.join("centroids.png");
    figures::write_png(&centroids_path, "centroids", &picture)?;

    let assignments_path = spec.out_dir.join("assignments.csv");
    tables::write_assignments_csv(&assignments_path, &fit.training, Some(&data.labels))?;
    let scores = metrics::score(&data.labels, &fit.training.assignments)?;

    Ok(FitOutcome {
        dataset: data.name,
        n_samples: images.n_samples(),
        height: h,
        width: w,
        config,
        report: fit.report,
        assigned_objective: fit.training.objective(),
        assigned_distortion: fit.training.distortion(),
        scores,
        model_path,
        centroids_path,
        assignments_path,
        seconds: clock.elapsed().as_secs_f64(),
    })
}

/// What `predict` does.
#[derive(Debug, Clone)]
pub struct PredictSpec {
    /// The model file.
    pub model_path: PathBuf,
    /// The data to assign.
    pub source: DatasetSource,
    /// A subsample size, if any (stratified, seeded with `seed`).
    pub limit: Option<usize>,
    /// Seeds the subsample.
    pub seed: u64,
    /// The assignments CSV to write.
    pub out: PathBuf,
}

/// What `predict` did.
#[derive(Debug, Clone)]
pub struct PredictOutcome {
    /// Pictures assigned.
    pub n_samples: usize,
    /// Pictures per cluster.
    pub cluster_sizes: Vec<usize>,
    /// Sum of the distances to the assigned centroids.
    pub objective: f64,
    /// Scores against the data's labels.
    pub scores: Scores,
    /// The assignments CSV.
    pub out: PathBuf,
}

/// Loads a model file and assigns the data of `spec.source` with its centroids fixed, writing
/// the per-datum cluster and distance.
///
/// # Errors
///
/// The errors of [`model_file::load_model`] (another format version, a broken file), the
/// loaders' errors, [`Error::ShapeMismatch`] for pictures of another size than the model's, and
/// [`Error::Io`] if the CSV cannot be written.
pub fn predict_command(spec: &PredictSpec, executor: &dyn Executor) -> Result<PredictOutcome> {
    let file = model_file::load_model(&spec.model_path)?;
    let model = file.to_model()?;
    let mut data = load_user_data(&spec.source, spec.limit, spec.seed)?;
    file.check_images(data.height, data.width)?;
    match file.scaling() {
        Some(scaling) => {
            let clamped = scaling.apply(&mut data);
            log::info!(
                "{}: scaled with the model's [{}, {}]; {clamped} values clamped",
                data.name,
                scaling.low,
                scaling.high
            );
        }
        None if data.rescale_after_split => log::warn!(
            "{}: these data are normally rescaled, but the model stores no scaling",
            data.name
        ),
        None => {}
    }
    let images = Images::new(&data.images, data.height, data.width)?;
    let prediction = model.predict(&images, executor)?;
    tables::write_assignments_csv(&spec.out, &prediction, Some(&data.labels))?;
    let mut cluster_sizes = vec![0; model.n_clusters()];
    for &c in &prediction.assignments {
        if let Some(size) = cluster_sizes.get_mut(c as usize) {
            *size += 1;
        }
    }
    Ok(PredictOutcome {
        n_samples: images.n_samples(),
        cluster_sizes,
        objective: prediction.objective(),
        scores: metrics::score(&data.labels, &prediction.assignments)?,
        out: spec.out.clone(),
    })
}
