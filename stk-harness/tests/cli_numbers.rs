//! Negative numbers given to numeric options reach the validation that names the option, and
//! more threads than cores draw a warning. Every run fails before any clustering, on four
//! 2 x 2 pictures.

use std::path::{Path, PathBuf};

mod common;
use common::{run, stderr};

/// Writes four 2 x 2 pictures of two classes as a CSV file; returns its path.
fn tiny_csv(dir: &Path) -> PathBuf {
    let path = dir.join("tiny.csv");
    std::fs::write(
        &path,
        "a,b,c,d,label\n0,1,0,1,0\n1,0,1,0,1\n0,1,0,0.9,0\n1,0,0.9,0,1\n",
    )
    .unwrap();
    path
}

/// Runs `fit` on the tiny data with `extra` options; returns the failed run's stderr.
fn failing_fit(extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let data = tiny_csv(dir.path());
    let out = dir.path().join("fit");
    let mut args = vec![
        "fit",
        "--data",
        data.to_str().unwrap(),
        "--k",
        "2",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = run(&args);
    let text = stderr(&output);
    assert!(!output.status.success(), "{extra:?} succeeded: {text}");
    assert!(!out.join("model.json").exists(), "{extra:?} wrote a model");
    assert!(!text.contains("unexpected argument"), "{extra:?}: {text}");
    text
}

#[test]
fn a_negative_learning_rate_is_refused_by_name() {
    for args in [["--lr", "-1"], ["--lr", "-0.5"]] {
        let text = failing_fit(&args);
        assert!(text.contains("learning_rate"), "{args:?}: {text}");
    }
    // The same message as with `=`.
    let spaced = failing_fit(&["--lr", "-1"]);
    let joined = failing_fit(&["--lr=-1"]);
    assert_eq!(spaced, joined);
}

#[test]
fn a_negative_blur_is_refused_by_name() {
    let text = failing_fit(&["--blur", "-1"]);
    assert!(text.contains("blur_sigma"), "{text}");
}

#[test]
fn a_negative_count_is_an_invalid_value_of_its_option() {
    for option in ["--iters", "--grid", "--limit", "--warmup", "--threads"] {
        let text = failing_fit(&[option, "-1"]);
        assert!(
            text.contains("invalid value '-1'") && text.contains(option),
            "{option}: {text}"
        );
    }
}

#[test]
fn more_threads_than_cores_are_kept_with_a_warning() {
    let cores = std::thread::available_parallelism().unwrap().get();
    let many = (cores + 1).to_string();
    // `--lr -1` stops the fit once the pool is built.
    let text = failing_fit(&["--threads", &many, "--lr", "-1"]);
    assert!(text.contains("WARN"), "{text}");
    assert!(
        text.contains(&format!("--threads {many} is more than the {cores} cores")),
        "{text}"
    );
    let text = failing_fit(&["--threads", &cores.to_string(), "--lr", "-1"]);
    assert!(!text.contains("WARN"), "{text}");
}
