//! Running the table: repeated fits of each method on each data set, scored on the test split.

use std::path::PathBuf;
use std::time::Instant;

use rand_core::SeedableRng;
use serde::Serialize;
use stk_core::{Executor, Images, KMeansConfig, Progress, WarpFamily};

use super::{
    DatasetKind, DatasetSource, Method, Options, method_config, n_runs, prepare_split, sample_limit,
};
use crate::dataset::{ExperimentRng, Split};
use crate::figures::{self, FigureRecord};
use crate::metrics::{self, MeanStd, RunScores, Scores, summarize_runs};
use crate::model_file::ConfigRecord;
use crate::{Error, Result};

/// The version of the layout of `results.json`.
pub const RESULTS_FORMAT_VERSION: u32 = 1;

/// `--select distortion`: for AI and ST K-means, run every learning rate and keep the one whose
/// best run has the lowest training objective (no labels are used).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Selection {
    /// The learning rates tried.
    pub learning_rates: Vec<f32>,
}

/// Everything the `table` command runs.
#[derive(Debug, Clone)]
pub struct TableSpec {
    /// The data sets, in table order.
    pub sources: Vec<DatasetSource>,
    /// Overrides of the defaults.
    pub options: Options,
    /// Run `r` seeds with `base_seed.wrapping_add(r)`; data are drawn, subsampled and split
    /// with `base_seed` itself.
    pub base_seed: u64,
    /// Learning-rate selection by training objective, if asked for.
    pub selection: Option<Selection>,
    /// Grid sizes whose ST K-means training objective is reported (not selected by).
    pub grid_sizes: Vec<usize>,
    /// Run only this run index (to reproduce one number alone).
    pub only_run: Option<usize>,
    /// Where the pictures go.
    pub out_dir: PathBuf,
    /// Whether to draw the pictures.
    pub figures: bool,
}

/// What a running table reports, for progress bars and logs.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A data set is loaded and split.
    DatasetStarted {
        /// The data set's name.
        dataset: &'a str,
        /// Training pictures.
        n_train: usize,
        /// Test pictures.
        n_test: usize,
        /// Clusters.
        n_clusters: usize,
    },
    /// A series of runs of one configuration starts.
    FitStarted {
        /// What is fitted (`"mnist-5k ST K-means"`, with the learning rate or grid when
        /// sweeping).
        label: &'a str,
        /// Runs in the series.
        n_runs: usize,
        /// Iteration limit of each run.
        max_iterations: usize,
    },
    /// A Lloyd iteration of run `run_pos` (0-based position in the series) finished.
    Iteration {
        /// Position of the run in the series.
        run_pos: usize,
        /// The core's report.
        progress: &'a Progress,
    },
    /// A run finished and was scored.
    RunFinished {
        /// Position of the run in the series.
        run_pos: usize,
        /// The run.
        record: &'a RunRecord,
    },
    /// The series finished.
    FitFinished {
        /// What was fitted.
        label: &'a str,
    },
}

/// Accuracy, NMI and ARI as fractions in `[0, 1]` (ARI may be negative).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoreRecord {
    /// Accuracy under the best cluster-to-label map.
    pub accuracy: f64,
    /// Normalised mutual information.
    pub nmi: f64,
    /// Adjusted Rand index.
    pub ari: f64,
}

impl From<Scores> for ScoreRecord {
    fn from(s: Scores) -> Self {
        ScoreRecord {
            accuracy: s.accuracy,
            nmi: s.nmi,
            ari: s.ari,
        }
    }
}

/// One fit of one method, with what is needed to reproduce it alone.
#[derive(Debug, Clone, Serialize)]
pub struct RunRecord {
    /// The run index `r`.
    pub run_idx: usize,
    /// Its seed, `base_seed.wrapping_add(r)`.
    pub seed: u64,
    /// The method.
    pub method: Method,
    /// The full configuration.
    pub config: ConfigRecord,
    /// The k-means++ picks (indices into the training split), shared by the run's methods.
    pub initial_indices: Vec<usize>,
    /// Lloyd iterations run, identity warm-up included.
    pub iterations: usize,
    /// Iterations of the identity warm-up among them.
    pub warmup_iterations: usize,
    /// Whether a stopping rule fired before the limit.
    pub converged: bool,
    /// Clusters re-seeded during the fit.
    pub n_reseeded: usize,
    /// The training objective (penalties included) of the last Lloyd iteration.
    pub train_objective: f64,
    /// The training distortion (data term) of the last Lloyd iteration.
    pub train_distortion: f64,
    /// The objective of every iteration.
    pub objective_history: Vec<f64>,
    /// Scores of the final assignment of the training split.
    pub train: ScoreRecord,
    /// Scores of the test split, centroids fixed.
    pub test: ScoreRecord,
    /// Objective of the test assignment.
    pub test_objective: f64,
    /// Wall time of fit and test assignment.
    pub seconds: f64,
    /// The final centroids.
    #[serde(skip)]
    pub centroids: Vec<f32>,
    /// The test assignments.
    #[serde(skip)]
    pub test_assignments: Vec<u32>,
    /// The test data's warp parameters onto their centroids.
    #[serde(skip)]
    pub test_params: Vec<f32>,
}

/// A run picked out of several.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PickedRun {
    /// Its run index.
    pub run_idx: usize,
    /// Its test scores.
    pub test: ScoreRecord,
    /// Its training objective.
    pub train_objective: f64,
}

/// The summary of a method's runs on a data set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SummaryRecord {
    /// Runs summarised.
    pub n_runs: usize,
    /// The run with the best test accuracy (the paper's report).
    pub best_accuracy: PickedRun,
    /// The run with the lowest training objective (chosen without labels).
    pub lowest_objective: PickedRun,
    /// Mean and population std of the test accuracy.
    pub accuracy: MeanStdRecord,
    /// Mean and population std of the test NMI.
    pub nmi: MeanStdRecord,
    /// Mean and population std of the test ARI.
    pub ari: MeanStdRecord,
}

/// A mean and population standard deviation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeanStdRecord {
    /// The mean.
    pub mean: f64,
    /// The population standard deviation.
    pub std: f64,
}

impl From<MeanStd> for MeanStdRecord {
    fn from(m: MeanStd) -> Self {
        MeanStdRecord {
            mean: m.mean,
            std: m.std,
        }
    }
}

/// One learning rate tried by `--select distortion`.
#[derive(Debug, Clone, Serialize)]
pub struct LearningRateCandidate {
    /// The learning rate.
    pub learning_rate: f32,
    /// The lowest training objective over its runs (the selection criterion).
    pub lowest_objective: f64,
    /// The mean training objective over its runs.
    pub mean_objective: f64,
    /// Its best test accuracy (reported, not used to select).
    pub best_accuracy: f64,
    /// Its runs.
    pub runs: Vec<RunRecord>,
}

/// The outcome of `--select distortion` for one method.
#[derive(Debug, Clone, Serialize)]
pub struct SelectionReport {
    /// Every learning rate tried, in the order given.
    pub candidates: Vec<LearningRateCandidate>,
    /// The learning rate kept.
    pub chosen_learning_rate: f32,
}

/// The training objective of ST K-means at one grid size (reported, never selected by: a
/// larger grid always fits the training data better).
#[derive(Debug, Clone, Serialize)]
pub struct GridObjective {
    /// Control points per side.
    pub grid_size: usize,
    /// The lowest training objective over the runs.
    pub lowest_objective: f64,
    /// The mean training objective over the runs.
    pub mean_objective: f64,
    /// The best test accuracy over the runs (for information).
    pub best_accuracy: f64,
    /// The runs.
    pub runs: Vec<RunRecord>,
}

/// All runs of one method on one data set.
#[derive(Debug, Clone, Serialize)]
pub struct MethodResult {
    /// The method.
    pub method: Method,
    /// The configuration of the reported runs.
    pub config: ConfigRecord,
    /// The reported runs.
    pub runs: Vec<RunRecord>,
    /// Their summary.
    pub summary: SummaryRecord,
    /// The learning-rate selection, when one ran.
    pub selection: Option<SelectionReport>,
    /// Wall time of all the method's runs (selection included).
    pub seconds: f64,
}

/// Everything measured on one data set.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetResult {
    /// The data set's name.
    pub dataset: String,
    /// Which data set it is.
    pub kind: DatasetKind,
    /// The path it was loaded from (`None` for the embedded ones).
    pub source: Option<PathBuf>,
    /// Picture height.
    pub height: usize,
    /// Picture width.
    pub width: usize,
    /// Clusters (the number of classes).
    pub n_clusters: usize,
    /// Training pictures.
    pub n_train: usize,
    /// Test pictures.
    pub n_test: usize,
    /// The subsample size, if any.
    pub limit: Option<usize>,
    /// The seed of the data (synthetic draw, subsample, split).
    pub data_seed: u64,
    /// The three methods, in table order.
    pub methods: Vec<MethodResult>,
    /// ST K-means' objective per grid size, when asked for.
    pub grid_report: Vec<GridObjective>,
    /// The pictures written.
    pub figures: Vec<FigureRecord>,
    /// Wall time of the whole data set.
    pub seconds: f64,
}

impl DatasetResult {
    /// Returns the result of `method`, if it ran.
    #[must_use]
    pub fn method(&self, method: Method) -> Option<&MethodResult> {
        self.methods.iter().find(|m| m.method == method)
    }
}

/// The whole table run, as written to `results.json`.
#[derive(Debug, Clone, Serialize)]
pub struct TableReport {
    /// [`RESULTS_FORMAT_VERSION`].
    pub format_version: u32,
    /// The base seed.
    pub base_seed: u64,
    /// The command-line overrides.
    pub options: Options,
    /// The learning-rate selection, if any.
    pub selection: Option<Selection>,
    /// Grid sizes reported.
    pub grid_sizes: Vec<usize>,
    /// The single run index, if only one was run.
    pub only_run: Option<usize>,
    /// Worker threads.
    pub n_threads: usize,
    /// One entry per data set.
    pub datasets: Vec<DatasetResult>,
    /// Wall time of the whole table.
    pub seconds: f64,
}

/// Runs every data set of `spec`.
///
/// # Errors
///
/// [`Error::Io`] if the output folder cannot be made, and the first error of any data set (see
/// [`run_dataset`]).
pub fn run_table(
    spec: &TableSpec,
    executor: &dyn Executor,
    observer: &mut dyn FnMut(Event<'_>),
) -> Result<TableReport> {
    let start = Instant::now();
    if spec.figures {
        std::fs::create_dir_all(&spec.out_dir).map_err(|source| Error::Io {
            path: spec.out_dir.clone(),
            source,
        })?;
    }
    let mut datasets = Vec::with_capacity(spec.sources.len());
    for source in &spec.sources {
        datasets.push(run_dataset(source, spec, executor, observer)?);
    }
    Ok(TableReport {
        format_version: RESULTS_FORMAT_VERSION,
        base_seed: spec.base_seed,
        options: spec.options.clone(),
        selection: spec.selection.clone(),
        grid_sizes: spec.grid_sizes.clone(),
        only_run: spec.only_run,
        n_threads: executor.n_workers(),
        datasets,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// The k-means++ start of one run.
struct Start {
    run_idx: usize,
    seed: u64,
    indices: Vec<usize>,
    centroids: Vec<f32>,
}

/// What every fit of a data set shares.
struct Context<'a> {
    name: &'a str,
    split: &'a Split,
    train: Images<'a>,
    test: Images<'a>,
    starts: &'a [Start],
    executor: &'a dyn Executor,
}

/// Loads, splits and runs one data set: R runs of each method, scored on the test split, and
/// its pictures.
///
/// # Errors
///
/// The loaders' errors, [`Error::InvalidArgument`] for an empty split, a zero run count or a
/// configuration the data set cannot take (a TPS grid larger than the pictures, for example),
/// and [`Error::Io`] if a picture cannot be written.
pub fn run_dataset(
    source: &DatasetSource,
    spec: &TableSpec,
    executor: &dyn Executor,
    observer: &mut dyn FnMut(Event<'_>),
) -> Result<DatasetResult> {
    let start = Instant::now();
    let kind = source.kind;
    let options = &spec.options;
    let limit = sample_limit(kind, options);
    let split = prepare_split(source, limit, spec.base_seed)?;
    let name = split.train.name.clone();
    let (h, w) = (split.train.height, split.train.width);
    let k = split.train.n_classes();
    if split.train.n_samples() < k || split.test.n_samples() == 0 {
        return Err(Error::InvalidArgument(format!(
            "{name}: {} training and {} test pictures are too few for {k} clusters",
            split.train.n_samples(),
            split.test.n_samples()
        )));
    }
    let train = Images::new(&split.train.images, h, w)?;
    let test = Images::new(&split.test.images, h, w)?;
    observer(Event::DatasetStarted {
        dataset: &name,
        n_train: train.n_samples(),
        n_test: test.n_samples(),
        n_clusters: k,
    });

    // One k-means++ start per run, shared by the three methods.
    let run_indices: Vec<usize> = match spec.only_run {
        Some(r) => vec![r],
        None => (0..n_runs(kind, options)).collect(),
    };
    if run_indices.is_empty() {
        return Err(Error::InvalidArgument(
            "--runs must be at least 1".to_owned(),
        ));
    }
    let mut starts = Vec::with_capacity(run_indices.len());
    for &run_idx in &run_indices {
        let seed = spec.base_seed.wrapping_add(run_idx as u64);
        let mut rng = ExperimentRng::seed_from_u64(seed);
        let indices = stk_core::kmeans_plus_plus(&train, k, &mut rng)?;
        let centroids = stk_core::gather(&train, &indices);
        starts.push(Start {
            run_idx,
            seed,
            indices,
            centroids,
        });
    }
    let ctx = Context {
        name: &name,
        split: &split,
        train,
        test,
        starts: &starts,
        executor,
    };

    let mut methods = Vec::with_capacity(Method::ALL.len());
    for method in Method::ALL {
        let method_start = Instant::now();
        let config = method_config(kind, method, k, options);
        let (config, runs, selection) = match &spec.selection {
            Some(selection) if method.aligns() => {
                select_learning_rate(&ctx, method, config, selection, observer)?
            }
            _ => {
                let label = format!("{name} {}", method.name());
                let runs = fit_runs(&ctx, method, &config, &label, observer)?;
                (config, runs, None)
            }
        };
        let summary = summarize(&runs)?;
        log::info!(
            "{name} {}: best test accuracy {:.2}% (run {}), mean {:.2}% ± {:.2}",
            method.name(),
            100.0 * summary.best_accuracy.test.accuracy,
            summary.best_accuracy.run_idx,
            100.0 * summary.accuracy.mean,
            100.0 * summary.accuracy.std
        );
        methods.push(MethodResult {
            method,
            config: ConfigRecord::from(&config),
            runs,
            summary,
            selection,
            seconds: method_start.elapsed().as_secs_f64(),
        });
    }

    // Objective per grid size, at the learning rate ST K-means used.
    let mut grid_report = Vec::with_capacity(spec.grid_sizes.len());
    let st_config = methods
        .iter()
        .find(|m| m.method == Method::SpatialTransformerKMeans)
        .map(|m| KMeansConfig::from(&m.config));
    if let Some(st_config) = st_config {
        for &grid_size in &spec.grid_sizes {
            let config = KMeansConfig {
                warp: WarpFamily::Tps { grid_size },
                ..st_config
            };
            let label = format!("{name} ST K-means grid {grid_size}");
            let runs = fit_runs(
                &ctx,
                Method::SpatialTransformerKMeans,
                &config,
                &label,
                observer,
            )?;
            let (lowest_objective, mean_objective) = objective_stats(&runs);
            log::info!(
                "{name} grid {grid_size}x{grid_size}: lowest training objective \
                 {lowest_objective:.6e}, mean {mean_objective:.6e}"
            );
            grid_report.push(GridObjective {
                grid_size,
                lowest_objective,
                mean_objective,
                best_accuracy: best_accuracy(&runs),
                runs,
            });
        }
    }

    let mut result = DatasetResult {
        dataset: name.clone(),
        kind,
        source: source.path.clone(),
        height: h,
        width: w,
        n_clusters: k,
        n_train: ctx.train.n_samples(),
        n_test: ctx.test.n_samples(),
        limit,
        data_seed: spec.base_seed,
        methods,
        grid_report,
        figures: Vec::new(),
        seconds: 0.0,
    };
    if spec.figures {
        let initial = figure_start(&result, &starts);
        result.figures = figures::write_dataset_figures(&spec.out_dir, &split, &result, initial)?;
    }
    result.seconds = start.elapsed().as_secs_f64();
    Ok(result)
}

/// Returns the initial centroids of the run the centroid picture shows: ST K-means' best run.
fn figure_start<'a>(result: &DatasetResult, starts: &'a [Start]) -> &'a [f32] {
    let run_idx = result
        .method(Method::SpatialTransformerKMeans)
        .map_or(0, |m| m.summary.best_accuracy.run_idx);
    starts
        .iter()
        .find(|s| s.run_idx == run_idx)
        .or(starts.first())
        .map_or(&[], |s| s.centroids.as_slice())
}

/// Tries every learning rate and keeps the one whose best run has the lowest training
/// objective (ties to the earlier rate).
fn select_learning_rate(
    ctx: &Context<'_>,
    method: Method,
    config: KMeansConfig,
    selection: &Selection,
    observer: &mut dyn FnMut(Event<'_>),
) -> Result<(KMeansConfig, Vec<RunRecord>, Option<SelectionReport>)> {
    if selection.learning_rates.is_empty() {
        return Err(Error::InvalidArgument(
            "--select distortion needs at least one learning rate".to_owned(),
        ));
    }
    let mut candidates: Vec<LearningRateCandidate> = Vec::new();
    for &learning_rate in &selection.learning_rates {
        let mut candidate_config = config;
        candidate_config.align.learning_rate = learning_rate;
        let label = format!("{} {} lr {learning_rate}", ctx.name, method.name());
        let runs = fit_runs(ctx, method, &candidate_config, &label, observer)?;
        let (lowest_objective, mean_objective) = objective_stats(&runs);
        log::info!(
            "{label}: lowest training objective {lowest_objective:.6e}, mean {mean_objective:.6e}"
        );
        candidates.push(LearningRateCandidate {
            learning_rate,
            lowest_objective,
            mean_objective,
            best_accuracy: best_accuracy(&runs),
            runs,
        });
    }
    let chosen = pick_lowest(candidates.iter().map(|c| c.lowest_objective));
    let chosen_learning_rate = candidates[chosen].learning_rate;
    log::info!(
        "{} {}: learning rate {chosen_learning_rate} has the lowest training objective",
        ctx.name,
        method.name()
    );
    let runs = candidates[chosen].runs.clone();
    let mut chosen_config = config;
    chosen_config.align.learning_rate = chosen_learning_rate;
    Ok((
        chosen_config,
        runs,
        Some(SelectionReport {
            candidates,
            chosen_learning_rate,
        }),
    ))
}

/// Returns the position of the smallest value (the first of equal ones; NaN never wins).
fn pick_lowest(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::INFINITY);
    for (idx, v) in values.enumerate() {
        if v < best.1 {
            best = (idx, v);
        }
    }
    best.0
}

/// Returns the lowest and the mean training objective of `runs`.
fn objective_stats(runs: &[RunRecord]) -> (f64, f64) {
    let lowest = runs
        .iter()
        .map(|r| r.train_objective)
        .fold(f64::INFINITY, f64::min);
    let mean = runs.iter().map(|r| r.train_objective).sum::<f64>() / runs.len().max(1) as f64;
    (lowest, mean)
}

/// Returns the best test accuracy of `runs`.
fn best_accuracy(runs: &[RunRecord]) -> f64 {
    runs.iter().map(|r| r.test.accuracy).fold(0.0, f64::max)
}

/// Fits `config` from every start and scores each run.
fn fit_runs(
    ctx: &Context<'_>,
    method: Method,
    config: &KMeansConfig,
    label: &str,
    observer: &mut dyn FnMut(Event<'_>),
) -> Result<Vec<RunRecord>> {
    observer(Event::FitStarted {
        label,
        n_runs: ctx.starts.len(),
        max_iterations: config.max_iterations,
    });
    let mut runs = Vec::with_capacity(ctx.starts.len());
    for (run_pos, start) in ctx.starts.iter().enumerate() {
        let record = fit_one(ctx, method, config, start, run_pos, observer)
            .map_err(|e| with_context(e, label))?;
        log::debug!(
            "{label} run {}: objective {:.6e}, test accuracy {:.2}%, {} iterations, {:.1} s",
            record.run_idx,
            record.train_objective,
            100.0 * record.test.accuracy,
            record.iterations,
            record.seconds
        );
        observer(Event::RunFinished {
            run_pos,
            record: &record,
        });
        runs.push(record);
    }
    observer(Event::FitFinished { label });
    Ok(runs)
}

/// Turns a configuration the data cannot take into an argument error that names the fit.
fn with_context(error: Error, label: &str) -> Error {
    match error {
        Error::Core(core) => Error::InvalidArgument(format!("{label}: {core}")),
        other => other,
    }
}

/// One fit on the training split and the assignment of the test split.
fn fit_one(
    ctx: &Context<'_>,
    method: Method,
    config: &KMeansConfig,
    start: &Start,
    run_pos: usize,
    observer: &mut dyn FnMut(Event<'_>),
) -> Result<RunRecord> {
    let clock = Instant::now();
    let fit = stk_core::fit(
        config,
        &ctx.train,
        &start.centroids,
        ctx.executor,
        &mut |progress| {
            observer(Event::Iteration { run_pos, progress });
        },
    )?;
    let test = fit.model.predict(&ctx.test, ctx.executor)?;
    let train_scores = metrics::score(&ctx.split.train.labels, &fit.training.assignments)?;
    let test_scores = metrics::score(&ctx.split.test.labels, &test.assignments)?;
    Ok(RunRecord {
        run_idx: start.run_idx,
        seed: start.seed,
        method,
        config: ConfigRecord::from(config),
        initial_indices: start.indices.clone(),
        iterations: fit.report.iterations,
        warmup_iterations: fit.report.warmup_iterations,
        converged: fit.report.converged,
        n_reseeded: fit.report.n_reseeded,
        train_objective: fit.report.objective,
        train_distortion: fit.report.distortion,
        objective_history: fit.report.history.iter().map(|r| r.objective).collect(),
        train: train_scores.into(),
        test: test_scores.into(),
        test_objective: test.objective(),
        seconds: clock.elapsed().as_secs_f64(),
        centroids: fit.model.centroids().to_vec(),
        test_assignments: test.assignments,
        test_params: test.params,
    })
}

/// Summarises runs by the paper's protocol, with run indices rather than positions.
fn summarize(runs: &[RunRecord]) -> Result<SummaryRecord> {
    let scores: Vec<RunScores> = runs
        .iter()
        .map(|r| RunScores {
            accuracy: r.test.accuracy,
            nmi: r.test.nmi,
            ari: r.test.ari,
            distortion: r.train_objective,
        })
        .collect();
    let summary = summarize_runs(&scores)?;
    let picked = |pos: usize| PickedRun {
        run_idx: runs[pos].run_idx,
        test: runs[pos].test,
        train_objective: runs[pos].train_objective,
    };
    Ok(SummaryRecord {
        n_runs: summary.n_runs,
        best_accuracy: picked(summary.best_accuracy.run_idx),
        lowest_objective: picked(summary.lowest_distortion.run_idx),
        accuracy: summary.accuracy.into(),
        nmi: summary.nmi.into(),
        ari: summary.ari.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowest_value_wins_and_ties_go_to_the_first() {
        assert_eq!(pick_lowest([3.0, 1.0, 2.0, 1.0].into_iter()), 1);
        assert_eq!(pick_lowest([f64::NAN, 5.0].into_iter()), 1);
        assert_eq!(pick_lowest([2.0].into_iter()), 0);
    }
}
