//! What the command-line tests share: running the binary and reading what it wrote.

// Each test file is its own crate and uses only some of these.
#![allow(dead_code, reason = "shared by test crates that each use a part")]

use std::process::{Command, Output};

/// Runs the binary with `args`, logging warnings and errors only.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stk-harness"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

/// Returns what a run wrote to stderr.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
