//! The `stk-harness` command line: parses arguments, calls the library, prints results.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Spatial transformer K-means: data sets, metrics and the paper's tables.
#[derive(Debug, Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// With no subcommand, the arguments of `table`.
    #[command(flatten)]
    table: TableArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerates the paper's Table 1 and figures (the default): K-means, AI K-means and ST
    /// K-means on each data set, R runs each, scored on the test split; prints the markdown
    /// table with the published values and writes JSON, CSV and PNG files to --out.
    Table(TableArgs),
    /// Fits one model on a data set (all of it) and writes model.json, centroids.png and
    /// assignments.csv (per-datum cluster and distance).
    Fit(FitArgs),
    /// Assigns data with a model written by `fit`, centroids fixed, and writes a CSV of
    /// per-datum cluster and distance.
    Predict(PredictArgs),
    /// Scores a clustering against ground-truth labels: accuracy (Hungarian matching), NMI
    /// (arithmetic normaliser) and ARI.
    ///
    /// Each file holds one integer per line (a one-column CSV, with or without a header, is
    /// the same) or is a 1-D .npy array of any integer dtype.
    Score {
        /// File with the ground-truth label of each point.
        #[arg(long, value_name = "FILE")]
        truth: PathBuf,
        /// File with the predicted cluster of each point, in the same order.
        #[arg(long, value_name = "FILE")]
        pred: PathBuf,
    },
    /// Prints what a loader makes of a data set: format, samples, image size, classes with
    /// their counts, value range, speakers and the paper's train/test split.
    Info {
        #[command(flatten)]
        data: DataArgs,
        /// Seed of the split.
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        seed: u64,
    },
    /// Writes Synthetic Rigid MNIST and Non-rigid MNIST as .npy files (images, labels, the
    /// warp parameters of each sample) with a dataset.json, one folder per set.
    Generate {
        /// Output folder; the sets go to OUT/rigid-mnist and OUT/non-rigid-mnist.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Which sets to make.
        #[arg(long, value_enum, default_value_t = SyntheticSets::Both)]
        sets: SyntheticSets,
        /// Seed of the digit choice and the warps (both sets use it).
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        seed: u64,
        /// Samples per class.
        #[arg(long, default_value_t = 100, allow_negative_numbers = true)]
        per_class: usize,
        /// Source digits; the embedded MNIST-5k when absent.
        #[command(flatten)]
        data: DataArgs,
    },
    /// Turns a folder of spoken-digit recordings (AudioMNIST, FSDD) into 64 x 24
    /// spectrograms saved as .npy (images, labels, speakers) with a dataset.json.
    Spectrogram {
        /// The recordings' folder.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        /// Output folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

/// Where a data set comes from, shared by the subcommands that read one.
#[derive(Debug, clap::Args)]
struct DataArgs {
    /// Data set path (file or folder); the embedded MNIST-5k when absent.
    #[arg(long, value_name = "PATH")]
    data: Option<PathBuf>,
    /// Format (idx, npy, csv, images or audio), when detection from the path is not wanted.
    #[arg(long, value_name = "FORMAT")]
    format: Option<stk_harness::dataset::Format>,
    /// Picture size HxW: for flat non-square .npy/CSV rows, and to resize image folders.
    #[arg(long, value_name = "HxW", value_parser = parse_size)]
    size: Option<(usize, usize)>,
    /// CSV label column name (default: a column named `label`, else the last one).
    #[arg(long, value_name = "NAME")]
    label_column: Option<String>,
}

/// The synthetic sets `generate` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SyntheticSets {
    /// Synthetic Rigid MNIST only.
    Rigid,
    /// Non-rigid MNIST only.
    NonRigid,
    /// Both.
    Both,
}

/// Parses `HxW` (as `28x28`).
fn parse_size(text: &str) -> Result<(usize, usize), String> {
    let parse = |s: &str| s.trim().parse::<usize>().ok().filter(|&v| v > 0);
    match text.split_once(['x', 'X']) {
        Some((h, w)) => match (parse(h), parse(w)) {
            (Some(h), Some(w)) => Ok((h, w)),
            _ => Err(format!("{text:?} is not HxW with positive sizes")),
        },
        None => Err(format!("{text:?} is not HxW (for example 28x28)")),
    }
}

fn run(cli: Cli) -> stk_harness::Result<()> {
    match cli.command {
        None => table(cli.table),
        Some(Command::Table(args)) => table(args),
        Some(Command::Fit(args)) => fit(args),
        Some(Command::Predict(args)) => predict(args),
        Some(Command::Score { truth, pred }) => score(&truth, &pred),
        Some(Command::Info { data, seed }) => info(&data, seed),
        Some(Command::Generate {
            out,
            sets,
            seed,
            per_class,
            data,
        }) => generate(&out, sets, seed, per_class, &data),
        Some(Command::Spectrogram { data, out }) => spectrogram(&data, &out),
    }
}

/// Loads the data set `args` names, or the embedded MNIST-5k; returns it with a description
/// of its source.
fn load_data(args: &DataArgs) -> stk_harness::Result<(stk_harness::dataset::Dataset, String)> {
    use stk_harness::dataset::{self, LoadOptions};

    let Some(path) = &args.data else {
        let source = format!(
            "embedded datasets/mnist_5k.csv.gz (sha256 {}, verified)",
            dataset::EMBEDDED_MNIST_5K_SHA256
        );
        return Ok((dataset::embedded_mnist_5k()?, source));
    };
    let format = match args.format {
        Some(format) => format,
        None => dataset::detect_format(path)?,
    };
    let options = LoadOptions {
        format: Some(format),
        image_size: args.size,
        label_column: args.label_column.clone(),
    };
    let source = format!(
        "{} ({} format{})",
        path.display(),
        format.name(),
        if args.format.is_some() {
            ""
        } else {
            ", detected"
        }
    );
    Ok((dataset::load_with(path, &options)?, source))
}

/// Prints what a loader made of a data set.
fn info(args: &DataArgs, seed: u64) -> stk_harness::Result<()> {
    use stk_harness::dataset::SplitProtocol;

    let started = std::time::Instant::now();
    let (ds, source) = load_data(args)?;
    // Timing goes to the log (stderr), so that stdout stays the same from run to run.
    log::info!("loaded in {:.2} s", started.elapsed().as_secs_f64());
    let (low, high) = ds.value_range();
    let mean = ds.images.iter().map(|&v| f64::from(v)).sum::<f64>() / ds.images.len().max(1) as f64;

    println!("data set  {}", ds.name);
    println!("source    {source}");
    println!("samples   {}", ds.n_samples());
    println!("image     {} x {} (height x width)", ds.height, ds.width);
    println!("values    [{low:.4}, {high:.4}], mean {mean:.4}");
    println!("classes   {}", ds.n_classes());
    for (name, count) in ds.class_names.iter().zip(ds.class_counts()) {
        println!("  {name:<10} {count}");
    }
    if let Some(speakers) = &ds.speakers {
        let mut counts = vec![0usize; speakers.names.len()];
        for &s in &speakers.of_sample {
            counts[s as usize] += 1;
        }
        let listed: Vec<String> = speakers
            .names
            .iter()
            .zip(&counts)
            .map(|(name, count)| format!("{name} {count}"))
            .collect();
        println!("speakers  {}: {}", speakers.names.len(), listed.join(", "));
    }
    if ds.warps.is_some() {
        println!("warps     recorded for every sample");
    }
    let rule = match &ds.protocol {
        SplitProtocol::Predefined(_) => "predefined by the files".to_owned(),
        SplitProtocol::Stratified { test_fraction } => {
            format!("stratified by class, test fraction {test_fraction:.3}, seed {seed}")
        }
        SplitProtocol::BySpeaker { test_fraction } => {
            format!("by speaker, test fraction of speakers {test_fraction:.3}, seed {seed}")
        }
    };
    let split = ds.paper_split_indices(seed)?;
    println!(
        "split     {rule}: {} train / {} test",
        split.train.len(),
        split.test.len()
    );
    if ds.rescale_after_split {
        println!("scaling   refitted on the training part after the split (min-max to [0, 1])");
    }
    Ok(())
}

/// Writes the synthetic sets.
fn generate(
    out: &Path,
    sets: SyntheticSets,
    seed: u64,
    per_class: usize,
    data: &DataArgs,
) -> stk_harness::Result<()> {
    use rand_core::SeedableRng;
    use stk_harness::dataset::{
        ExperimentRng, SyntheticConfig, SyntheticKind, generate_synthetic, write_synthetic,
    };

    let (source, description) = load_data(data)?;
    let kinds: &[SyntheticKind] = match sets {
        SyntheticSets::Rigid => &[SyntheticKind::Rigid],
        SyntheticSets::NonRigid => &[SyntheticKind::NonRigid],
        SyntheticSets::Both => &[SyntheticKind::Rigid, SyntheticKind::NonRigid],
    };
    let config = SyntheticConfig {
        n_per_class: per_class,
        ..SyntheticConfig::default()
    };
    println!("source    {description}");
    println!("seed      {seed}");
    for &kind in kinds {
        let mut rng = ExperimentRng::seed_from_u64(seed);
        let ds = generate_synthetic(&source, kind, &config, &mut rng)?;
        let dir = out.join(kind.name());
        write_synthetic(&ds, &dir)?;
        println!(
            "wrote     {}: {} samples of {} x {} in {} classes",
            dir.display(),
            ds.n_samples(),
            ds.height,
            ds.width,
            ds.n_classes()
        );
    }
    Ok(())
}

/// Turns recordings into spectrograms saved as .npy.
fn spectrogram(data: &Path, out: &Path) -> stk_harness::Result<()> {
    use stk_harness::dataset::{SpectrogramConfig, load_audio, save_npy};

    let ds = load_audio(data, &SpectrogramConfig::default())?;
    save_npy(&ds, out)?;
    println!(
        "wrote     {}: {} spectrograms of {} x {} (bands x frames), {} speakers",
        out.display(),
        ds.n_samples(),
        ds.height,
        ds.width,
        ds.speakers.as_ref().map_or(0, |s| s.names.len())
    );
    Ok(())
}

/// Reads two label files and prints their scores.
fn score(truth_path: &Path, pred_path: &Path) -> stk_harness::Result<()> {
    use stk_harness::metrics;

    let truth = metrics::read_labels(truth_path)?;
    let pred = metrics::read_labels(pred_path)?;
    if truth.len() != pred.len() {
        return Err(stk_harness::Error::ShapeMismatch {
            expected: format!(
                "{} predictions in {} (one per label in {})",
                truth.len(),
                pred_path.display(),
                truth_path.display()
            ),
            found: format!("{} predictions", pred.len()),
        });
    }
    let table = metrics::Contingency::new(&truth, &pred)?;
    let scores = metrics::score(&truth, &pred)?;

    println!("points    {}", table.n_samples());
    println!("classes   {}", table.labels().len());
    println!("clusters  {}", table.clusters().len());
    for (name, value) in [
        ("accuracy", scores.accuracy),
        ("nmi", scores.nmi),
        ("ari", scores.ari),
    ] {
        println!("{name:<9} {value:.4}  ({:.2}%)", 100.0 * value);
    }
    Ok(())
}

/// Overrides of the per-data-set defaults, shared by `table` and `fit`.
#[derive(Debug, Clone, clap::Args)]
struct OptionArgs {
    /// Control points per side of the TPS grid (ST K-means).
    #[arg(long, value_name = "G", allow_negative_numbers = true)]
    grid: Option<usize>,
    /// Adam's learning rate (AI and ST K-means), normalised units.
    #[arg(long, value_name = "RATE", allow_negative_numbers = true)]
    lr: Option<f32>,
    /// Adam steps per alignment: N for both stages, or COARSE,FINE.
    #[arg(long, value_name = "N|C,F", allow_negative_numbers = true)]
    steps: Option<stk_harness::experiment::Steps>,
    /// Lloyd iterations (for AI and ST K-means, after the warm-up).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    iters: Option<usize>,
    /// Most iterations of the plain K-means warm-up that starts AI and ST K-means (0: none).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    warmup: Option<usize>,
    /// Blur of the coarse alignment stage, pixels.
    #[arg(long, value_name = "SIGMA", allow_negative_numbers = true)]
    blur: Option<f32>,
    /// Keep about N pictures of each data set (stratified by class, seeded).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    limit: Option<usize>,
}

impl OptionArgs {
    /// The experiment's options, with `n_runs` and the `--quick` budget of the command.
    fn options(&self, n_runs: Option<usize>, quick: bool) -> stk_harness::experiment::Options {
        stk_harness::experiment::Options {
            grid_size: self.grid,
            learning_rate: self.lr,
            steps: self.steps,
            max_iterations: self.iters,
            identity_iterations: self.warmup,
            blur_sigma: self.blur,
            n_runs,
            limit: self.limit,
            quick,
        }
    }
}

/// How `--select` chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SelectBy {
    /// The learning rate with the lowest training objective (no labels).
    Distortion,
}

/// Arguments of `table` (also taken with no subcommand).
#[derive(Debug, Clone, clap::Args)]
struct TableArgs {
    /// A data set to run, repeatable: rigid-mnist, non-rigid-mnist, mnist-5k (embedded),
    /// mnist, emnist, audio-mnist, fsdd, rps, face-10, arabic; NAME=PATH gives its path.
    /// Without any, the embedded default (Rigid MNIST, Non-rigid MNIST, MNIST-5k).
    #[arg(long = "dataset", value_name = "NAME[=PATH]")]
    datasets: Vec<String>,
    /// The path of a data set, repeatable, paired in order with the --dataset names that need
    /// one.
    #[arg(long = "data", value_name = "PATH")]
    data: Vec<PathBuf>,
    #[command(flatten)]
    options: OptionArgs,
    /// A tiny smoke run: 2 runs per method, 300 pictures per data set, 3 iterations (1
    /// affine-only for ST K-means), 3 + 3 steps; --runs, --limit, --iters and --steps
    /// override their part.
    #[arg(long)]
    quick: bool,
    /// Runs per method (default 10, 6 on mnist-5k; 2 with --quick).
    #[arg(long, value_name = "R", allow_negative_numbers = true)]
    runs: Option<usize>,
    /// Run only run index R (seed base + R), to reproduce one number alone.
    #[arg(long = "run", value_name = "R", allow_negative_numbers = true)]
    only_run: Option<usize>,
    /// Base seed: run r seeds with base + r; data are drawn and split with the base.
    #[arg(
        long,
        value_name = "SEED",
        default_value_t = stk_harness::experiment::DEFAULT_BASE_SEED,
        allow_negative_numbers = true
    )]
    seed: u64,
    /// Worker threads; 0 uses every core.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    threads: usize,
    /// Output folder for results.json, runs.csv, summary.csv, table.md and the pictures.
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// Choose AI and ST K-means' learning rate by the lowest training objective.
    #[arg(long, value_enum, value_name = "CRITERION")]
    select: Option<SelectBy>,
    /// Learning rates --select tries (default 0.001,0.005,0.01,0.05).
    #[arg(
        long = "lrs",
        value_name = "RATES",
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    learning_rates: Vec<f32>,
    /// Grid sizes at which to report ST K-means' training objective (not selected by).
    #[arg(
        long = "grids",
        value_name = "SIZES",
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    grid_sizes: Vec<usize>,
    /// Skip the pictures.
    #[arg(long)]
    no_figures: bool,
}

/// Where a user command's data come from.
#[derive(Debug, Clone, clap::Args)]
struct UserDataArgs {
    /// Data set path (file or folder); the embedded MNIST-5k (or a set made from it) when
    /// absent.
    #[arg(long, value_name = "PATH")]
    data: Option<PathBuf>,
    /// Which data set it is, for its defaults (custom when a path is given, else mnist-5k).
    #[arg(long, value_name = "NAME")]
    dataset: Option<String>,
    /// Format (idx, npy, csv, images or audio), when detection from the path is not wanted.
    #[arg(long, value_name = "FORMAT")]
    format: Option<stk_harness::dataset::Format>,
    /// Picture size HxW: for flat non-square .npy/CSV rows, and to resize image folders.
    #[arg(long, value_name = "HxW", value_parser = parse_size)]
    size: Option<(usize, usize)>,
}

impl UserDataArgs {
    fn source(&self) -> stk_harness::Result<stk_harness::experiment::DatasetSource> {
        use stk_harness::experiment::{DatasetKind, DatasetSource};

        let kind = match (&self.dataset, &self.data) {
            (Some(name), _) => name
                .parse::<DatasetKind>()
                .map_err(stk_harness::Error::InvalidArgument)?,
            (None, Some(_)) => DatasetKind::Custom,
            (None, None) => DatasetKind::Mnist5k,
        };
        let mut source = DatasetSource::new(kind, self.data.clone());
        source.format = self.format;
        source.image_size = self.size;
        Ok(source)
    }
}

/// Arguments of `fit`.
#[derive(Debug, Clone, clap::Args)]
struct FitArgs {
    #[command(flatten)]
    data: UserDataArgs,
    /// The method: kmeans, ai or st.
    #[arg(long, value_name = "METHOD", default_value = "st")]
    method: stk_harness::experiment::Method,
    /// Clusters (default: the number of classes of the data).
    #[arg(long, value_name = "K", allow_negative_numbers = true)]
    k: Option<usize>,
    #[command(flatten)]
    options: OptionArgs,
    /// A tiny smoke fit of the one model: 300 pictures, 3 iterations (1 affine-only for ST
    /// K-means), 3 + 3 steps; --limit, --iters and --steps override their part.
    #[arg(long)]
    quick: bool,
    /// Seed of the k-means++ initialisation and of --limit's subsample.
    #[arg(
        long,
        value_name = "SEED",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    seed: u64,
    /// Worker threads; 0 uses every core.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    threads: usize,
    /// Output folder for model.json, centroids.png and assignments.csv.
    #[arg(long, value_name = "DIR", default_value = "out/fit")]
    out: PathBuf,
}

/// Arguments of `predict`.
#[derive(Debug, Clone, clap::Args)]
struct PredictArgs {
    /// A model file written by `fit`.
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    #[command(flatten)]
    data: UserDataArgs,
    /// Keep about N pictures (stratified by class, seeded by --seed).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    limit: Option<usize>,
    /// Seed of --limit's subsample.
    #[arg(
        long,
        value_name = "SEED",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    seed: u64,
    /// Worker threads; 0 uses every core.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    threads: usize,
    /// The CSV of per-datum cluster and distance to write.
    #[arg(long, value_name = "FILE", default_value = "predictions.csv")]
    out: PathBuf,
}

/// Builds the worker pool of `--threads`, warning when it asks for more threads than the
/// machine has cores (the number is kept).
fn executor(threads: usize) -> stk_harness::Result<stk_harness::RayonExecutor> {
    if let Ok(cores) = std::thread::available_parallelism()
        && threads > cores.get()
    {
        log::warn!(
            "--threads {threads} is more than the {cores} cores available: the extra threads \
             only add overhead (0 uses every core)"
        );
    }
    stk_harness::RayonExecutor::new(threads)
}

/// Feeds one progress bar per series of fits (data set x method) from the experiment's events.
fn progress_observer() -> impl FnMut(stk_harness::experiment::Event<'_>) {
    use indicatif::{ProgressBar, ProgressStyle};
    use stk_harness::experiment::Event;

    let style = ProgressStyle::with_template(
        "{prefix} [{bar:30}] {pos}/{len} iterations, {elapsed} elapsed, ETA {eta} {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    let mut current: Option<(ProgressBar, u64)> = None;
    move |event| match event {
        Event::DatasetStarted {
            dataset,
            n_train,
            n_test,
            n_clusters,
        } => log::info!(
            "{dataset}: {n_train} training and {n_test} test pictures, {n_clusters} clusters"
        ),
        Event::FitStarted {
            label,
            n_runs,
            max_iterations,
        } => {
            let per_run = max_iterations as u64;
            let bar = ProgressBar::new(n_runs as u64 * per_run)
                .with_style(style.clone())
                .with_prefix(label.to_owned());
            current = Some((bar, per_run));
        }
        Event::Iteration { run_pos, progress } => {
            if let Some((bar, per_run)) = &current {
                // The bar counts aligned iterations: the warm-up takes a fraction of one.
                let aligned = progress.iteration - progress.warmup_iterations;
                bar.set_position(run_pos as u64 * per_run + (aligned as u64).min(*per_run));
                bar.set_message(format!(
                    "run {}: objective {:.5e}",
                    run_pos + 1,
                    progress.record.objective
                ));
            }
        }
        Event::RunFinished { run_pos, record } => {
            if let Some((bar, per_run)) = &current {
                bar.set_position((run_pos as u64 + 1) * per_run);
                bar.set_message(format!(
                    "run {}: objective {:.5e}, test accuracy {:.1}%",
                    run_pos + 1,
                    record.train_objective,
                    100.0 * record.test.accuracy
                ));
            }
        }
        Event::FitFinished { label } => {
            if let Some((bar, _)) = current.take() {
                let seconds = bar.elapsed().as_secs_f64();
                bar.finish_and_clear();
                log::info!("{label}: done in {seconds:.1} s");
            }
        }
    }
}

/// Runs the table and prints it; times go to stderr so that stdout depends only on the results.
fn table(args: TableArgs) -> stk_harness::Result<()> {
    use stk_harness::experiment::{self, Selection, TableSpec};

    let sources = experiment::pair_sources(&args.datasets, &args.data)?;
    let selection = args.select.map(|SelectBy::Distortion| Selection {
        learning_rates: if args.learning_rates.is_empty() {
            experiment::DEFAULT_SELECT_LEARNING_RATES.to_vec()
        } else {
            args.learning_rates.clone()
        },
    });
    if selection.is_none() && !args.learning_rates.is_empty() {
        return Err(stk_harness::Error::InvalidArgument(
            "--lrs needs --select distortion".to_owned(),
        ));
    }
    let spec = TableSpec {
        sources,
        options: args.options.options(args.runs, args.quick),
        base_seed: args.seed,
        selection,
        grid_sizes: args.grid_sizes.clone(),
        only_run: args.only_run,
        out_dir: args.out.clone(),
        figures: !args.no_figures,
    };
    let executor = executor(args.threads)?;
    log::info!(
        "base_seed {}, {} worker threads, output in {}",
        spec.base_seed,
        executor.n_threads(),
        spec.out_dir.display()
    );
    let report = experiment::run_table(&spec, &executor, &mut progress_observer())?;
    std::fs::create_dir_all(&spec.out_dir).map_err(|source| stk_harness::Error::Io {
        path: spec.out_dir.clone(),
        source,
    })?;
    let files = stk_harness::tables::write_outputs(&report, &spec.out_dir)?;

    print!("{}", stk_harness::tables::markdown(&report));
    for d in &report.datasets {
        let methods: Vec<String> = d
            .methods
            .iter()
            .map(|m| format!("{} {:.1} s", m.method.name(), m.seconds))
            .collect();
        eprintln!(
            "time      {}: {:.1} s ({})",
            d.dataset,
            d.seconds,
            methods.join(", ")
        );
    }
    eprintln!(
        "time      total: {:.1} s on {} threads",
        report.seconds, report.n_threads
    );
    for path in files.iter().chain(
        report
            .datasets
            .iter()
            .flat_map(|d| d.figures.iter().map(|f| &f.path)),
    ) {
        eprintln!("wrote     {}", path.display());
    }
    Ok(())
}

/// Fits one model on a user's data and prints what it wrote.
fn fit(args: FitArgs) -> stk_harness::Result<()> {
    use stk_harness::experiment::{self, FitSpec};

    let spec = FitSpec {
        source: args.data.source()?,
        method: args.method,
        n_clusters: args.k,
        options: args.options.options(None, args.quick),
        seed: args.seed,
        out_dir: args.out.clone(),
    };
    let executor = executor(args.threads)?;
    let outcome = experiment::fit_command(&spec, &executor, &mut progress_observer())?;
    let report = &outcome.report;
    println!("data set    {}", outcome.dataset);
    println!(
        "pictures    {} of {} x {}",
        outcome.n_samples, outcome.height, outcome.width
    );
    println!(
        "method      {} ({:?})",
        spec.method.name(),
        outcome.config.warp
    );
    println!("clusters    {}", outcome.config.n_clusters);
    println!("seed        {}", spec.seed);
    println!(
        "iterations  {} ({} of plain K-means warm-up{})",
        report.iterations,
        report.warmup_iterations,
        if report.converged { "; converged" } else { "" }
    );
    println!(
        "training    objective {:.6e}, distortion {:.6e} (last Lloyd iteration)",
        report.objective, report.distortion
    );
    println!(
        "assigned    objective {:.6e}, distortion {:.6e} (final centroids, aligned as \
         predict aligns: the sums of assignments.csv)",
        outcome.assigned_objective, outcome.assigned_distortion
    );
    println!(
        "labels      accuracy {:.2}%, NMI {:.2}%, ARI {:.2}% (on the fitted data)",
        100.0 * outcome.scores.accuracy,
        100.0 * outcome.scores.nmi,
        100.0 * outcome.scores.ari
    );
    println!("model       {}", outcome.model_path.display());
    println!("centroids   {}", outcome.centroids_path.display());
    println!("assignments {}", outcome.assignments_path.display());
    eprintln!("time        {:.1} s", outcome.seconds);
    Ok(())
}

/// Assigns a user's data with a saved model and prints a summary.
fn predict(args: PredictArgs) -> stk_harness::Result<()> {
    use stk_harness::experiment::{self, PredictSpec};

    let spec = PredictSpec {
        model_path: args.model.clone(),
        source: args.data.source()?,
        limit: args.limit,
        seed: args.seed,
        out: args.out.clone(),
    };
    let executor = executor(args.threads)?;
    let outcome = experiment::predict_command(&spec, &executor)?;
    println!("pictures    {}", outcome.n_samples);
    let sizes: Vec<String> = outcome.cluster_sizes.iter().map(usize::to_string).collect();
    println!("clusters    {} (sizes {})", sizes.len(), sizes.join(" "));
    println!("objective   {:.6e}", outcome.objective);
    println!(
        "labels      accuracy {:.2}%, NMI {:.2}%, ARI {:.2}%",
        100.0 * outcome.scores.accuracy,
        100.0 * outcome.scores.nmi,
        100.0 * outcome.scores.ari
    );
    println!("assignments {}", outcome.out.display());
    Ok(())
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            let mut source = std::error::Error::source(&err);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}
