//! `fit` then `predict` through the binary on a small real subset (200 digits of the embedded
//! MNIST-5k), and the refusals of `predict` and `table`.

use std::path::Path;

mod common;
use common::{run, stderr};

/// The `(cluster, distance)` column pairs of an assignments CSV.
fn clusters_and_distances(path: &Path) -> Vec<(u32, f64)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("index,cluster,distance,distortion,label")
    );
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (cells[1].parse().unwrap(), cells[2].parse().unwrap())
        })
        .collect()
}

/// Fits ST K-means on 200 digits with a tiny budget; returns the output folder.
fn fit_small(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("fit");
    let output = run(&[
        "fit",
        "--dataset",
        "mnist-5k",
        "--limit",
        "200",
        "--seed",
        "3",
        "--method",
        "st",
        "--grid",
        "3",
        "--iters",
        "3",
        "--steps",
        "3,3",
        "--threads",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "fit failed: {}", stderr(&output));
    out
}

#[test]
fn predict_on_the_training_data_reproduces_the_clusters_of_fit() {
    let dir = tempfile::tempdir().unwrap();
    let out = fit_small(dir.path());
    for file in ["model.json", "centroids.png", "assignments.csv"] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let png = std::fs::read(out.join("centroids.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    let predictions = dir.path().join("predictions.csv");
    let output = run(&[
        "predict",
        "--model",
        out.join("model.json").to_str().unwrap(),
        "--dataset",
        "mnist-5k",
        "--limit",
        "200",
        "--seed",
        "3",
        "--threads",
        "1",
        "--out",
        predictions.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "predict failed: {}",
        stderr(&output)
    );

    let fitted = clusters_and_distances(&out.join("assignments.csv"));
    let predicted = clusters_and_distances(&predictions);
    assert_eq!(fitted.len(), 200);
    assert_eq!(predicted, fitted);
    let mut clusters: Vec<u32> = fitted.iter().map(|&(c, _)| c).collect();
    clusters.sort_unstable();
    clusters.dedup();
    assert!(clusters.len() > 1, "every digit in one cluster");

    // Another version of the model file is refused, naming the versions.
    let model = out.join("model.json");
    let text = std::fs::read_to_string(&model).unwrap();
    let changed = text.replace("\"format_version\": 1,", "\"format_version\": 99,");
    assert_ne!(changed, text);
    std::fs::write(&model, changed).unwrap();
    let output = run(&[
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--out",
        predictions.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("version 99"), "{message}");
}

#[test]
fn predict_refuses_pictures_of_another_size() {
    let dir = tempfile::tempdir().unwrap();
    let out = fit_small(dir.path());

    // Twenty 4 x 4 pictures with a label column.
    let csv = dir.path().join("small.csv");
    let mut text = (0..16).map(|i| format!("p{i},")).collect::<String>() + "label\n";
    for row in 0..20 {
        let pixels: String = (0..16)
            .map(|i| format!("{},", (row * 7 + i) % 256))
            .collect();
        text.push_str(&format!("{pixels}{}\n", row % 2));
    }
    std::fs::write(&csv, text).unwrap();
    let output = run(&[
        "predict",
        "--model",
        out.join("model.json").to_str().unwrap(),
        "--data",
        csv.to_str().unwrap(),
        "--out",
        dir.path().join("p.csv").to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("28 x 28") && message.contains("4 x 4"),
        "{message}"
    );
}

#[test]
fn bad_arguments_exit_non_zero_with_a_message() {
    let output = run(&["table", "--dataset", "cifar"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("unknown data set \"cifar\""));

    let output = run(&["table", "--dataset", "fsdd"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--data"), "{}", stderr(&output));

    // A named data set must have that set's picture size and classes: 28 x 28 digits are not
    // Arabic characters (32 x 32).
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("digits.csv");
    let rows: Vec<String> = (0..20)
        .map(|i| {
            let mut cells = vec![(i * 7 % 256).to_string(); 784];
            cells.push((i % 10).to_string());
            cells.join(",")
        })
        .collect();
    std::fs::write(&csv, rows.join("\n")).unwrap();
    let output = run(&["table", "--quick", "--dataset", "arabic", "--data"]
        .into_iter()
        .chain([csv.to_str().unwrap()])
        .collect::<Vec<_>>());
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("not arabic data") && message.contains("32 x 32"),
        "{message}"
    );

    let output = run(&["table", "--steps", "many"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("many"));
}
