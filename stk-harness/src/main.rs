//! The `stk-harness` command line: parses arguments, calls the library, prints results.

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
enum Command {}

fn run(cli: Cli) -> stk_harness::Result<()> {
    match cli.command {
        None => Ok(()),
    }
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
