//! The `stk-harness` command line.

use clap::Parser;

/// Spatial transformer K-means: data sets, metrics and the paper's tables.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {}

fn main() {
    env_logger::init();
    let _cli = Cli::parse();
}
