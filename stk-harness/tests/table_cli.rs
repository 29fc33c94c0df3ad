//! The `table` command through the binary on a tiny subset: same seed, same stdout.

use std::process::Command;

fn table(out: &std::path::Path, seed: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_stk-harness"))
        .args([
            "table",
            "--dataset",
            "mnist-5k",
            "--limit",
            "120",
            "--runs",
            "2",
            "--iters",
            "2",
            "--steps",
            "2",
            "--grid",
            "3",
            "--threads",
            "2",
            "--seed",
            seed,
            "--out",
        ])
        .arg(out)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "table failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_same_seed_prints_the_same_table_and_another_seed_another() {
    let dir = tempfile::tempdir().unwrap();
    let first = table(&dir.path().join("a"), "5");
    let second = table(&dir.path().join("b"), "5");
    assert_eq!(first, second);
    assert!(first.contains("base_seed = 5"));
    for row in ["| K-means |", "| AI K-means |", "| ST K-means |"] {
        assert!(first.contains(row), "{row} missing:\n{first}");
    }
    let other = table(&dir.path().join("c"), "6");
    assert_ne!(first, other);

    // The run records name their seeds: base + run index.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("a/results.json")).unwrap())
            .unwrap();
    let runs = json["datasets"][0]["methods"][2]["runs"]
        .as_array()
        .unwrap();
    let seeds: Vec<u64> = runs.iter().map(|r| r["seed"].as_u64().unwrap()).collect();
    assert_eq!(seeds, vec![5, 6]);
    assert!(dir.path().join("a/mnist-5k-centroids.png").is_file());
}
