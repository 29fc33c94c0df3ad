//! Runs `stk-harness score` on label files and checks what it prints and how it fails.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

fn write(dir: &Path, name: &str, contents: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(contents).unwrap();
    path
}

fn score(truth: &Path, pred: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stk-harness"))
        .arg("score")
        .arg("--truth")
        .arg(truth)
        .arg("--pred")
        .arg(pred)
        .env("RUST_LOG", "off")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn prints_fractions_and_percentages() {
    let dir = tempfile::tempdir().unwrap();
    let truth = write(dir.path(), "truth.txt", b"0\n0\n0\n1\n1\n1\n");
    let pred = write(dir.path(), "pred.csv", b"cluster\n0\n0\n1\n1\n2\n2\n");

    let output = score(&truth, &pred);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("points    6"), "{text}");
    assert!(text.contains("classes   2"), "{text}");
    assert!(text.contains("clusters  3"), "{text}");
    assert!(text.contains("accuracy  0.6667  (66.67%)"), "{text}");
    assert!(text.contains("nmi       0.5158  (51.58%)"), "{text}");
    assert!(text.contains("ari       0.2424  (24.24%)"), "{text}");
}

#[test]
fn reads_npy_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let truth = write(dir.path(), "truth.txt", b"0\n0\n1\n1\n");
    let pred_path = dir.path().join("pred.npy");
    npyz::to_file_1d(&pred_path, [7_i64, 7, 3, 3]).unwrap();

    let output = score(&truth, &pred_path);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for name in ["accuracy ", "nmi      ", "ari      "] {
        assert!(
            text.contains(&format!("{name} 1.0000  (100.00%)")),
            "{text}"
        );
    }
}

#[test]
fn a_bad_line_fails_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let truth = write(dir.path(), "truth.txt", b"0\n1\n");
    let pred = write(dir.path(), "pred.txt", b"0\nseven\n");

    let output = score(&truth, &pred);
    assert!(!output.status.success());
    assert!(stdout(&output).is_empty());
    let message = stderr(&output);
    assert!(message.contains("pred.txt"), "{message}");
    assert!(message.contains("line 2"), "{message}");
    assert!(message.contains("seven"), "{message}");
}

#[test]
fn different_lengths_fail_naming_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let truth = write(dir.path(), "truth.txt", b"0\n1\n1\n");
    let pred = write(dir.path(), "pred.txt", b"0\n1\n");

    let output = score(&truth, &pred);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("truth.txt") && message.contains("pred.txt"),
        "{message}"
    );
    assert!(message.contains('3') && message.contains('2'), "{message}");
}

#[test]
fn missing_and_empty_files_fail() {
    let dir = tempfile::tempdir().unwrap();
    let truth = write(dir.path(), "truth.txt", b"0\n");
    let empty = write(dir.path(), "empty.txt", b"");

    let output = score(&truth, &dir.path().join("absent.txt"));
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("absent.txt"),
        "{}",
        stderr(&output)
    );

    let output = score(&truth, &empty);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("empty.txt") && message.contains("no labels"),
        "{message}"
    );
}
