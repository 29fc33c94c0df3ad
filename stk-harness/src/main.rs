//! The `stk-harness` command line: parses arguments, calls the library, prints results.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Spatial transformer K-means: data sets, metrics and the paper's tables.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
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
        #[arg(long, default_value_t = 0)]
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
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Samples per class.
        #[arg(long, default_value_t = 100)]
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
        None => Ok(()),
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
    let load_seconds = started.elapsed().as_secs_f64();
    let (low, high) = ds.value_range();
    let mean = ds.images.iter().map(|&v| f64::from(v)).sum::<f64>() / ds.images.len().max(1) as f64;

    println!("data set  {}", ds.name);
    println!("source    {source}");
    println!("loaded    in {load_seconds:.2} s");
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
