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
}

fn run(cli: Cli) -> stk_harness::Result<()> {
    match cli.command {
        None => Ok(()),
        Some(Command::Score { truth, pred }) => score(&truth, &pred),
    }
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
