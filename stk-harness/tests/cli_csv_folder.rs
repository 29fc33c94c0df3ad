//! A folder that holds one CSV file beside notes is read as that file by `info` and `fit`,
//! whether its format is detected or given.

use std::path::Path;

mod common;
use common::run;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Writes six 2 x 2 pictures of two classes (4 of class 0) as `digits.csv`, with a
/// PROVENANCE.md beside it.
fn folder(dir: &Path) {
    std::fs::write(
        dir.join("digits.csv"),
        "a,b,c,d,label\n0,1,0,1,0\n1,0,1,0,1\n0,1,0,0.9,0\n1,0,0.9,0,1\n0,0.8,0,1,0\n0,1,0,0.8,0\n",
    )
    .unwrap();
    std::fs::write(dir.join("PROVENANCE.md"), "# Where the digits come from\n").unwrap();
}

#[test]
fn info_reads_the_one_csv_file_of_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    folder(dir.path());
    let path = dir.path().to_str().unwrap();
    for extra in [&[][..], &["--format", "csv"][..]] {
        let mut args = vec!["info", "--data", path];
        args.extend_from_slice(extra);
        let output = run(&args);
        let stdout = text(&output.stdout);
        assert!(
            output.status.success(),
            "{extra:?}: {}",
            text(&output.stderr)
        );
        assert!(stdout.contains("samples   6"), "{stdout}");
        assert!(stdout.contains("image     2 x 2"), "{stdout}");
        assert!(stdout.contains("(csv format"), "{stdout}");
        let class_counts: Vec<&str> = stdout
            .lines()
            .filter(|l| l.starts_with("  "))
            .map(str::trim)
            .collect();
        assert_eq!(class_counts.len(), 2, "{stdout}");
        assert!(class_counts[0].ends_with(" 4"), "{stdout}");
        assert!(class_counts[1].ends_with(" 2"), "{stdout}");
    }
}

#[test]
fn fit_reads_the_one_csv_file_of_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    folder(&data);
    let out = dir.path().join("fit");
    let output = run(&[
        "fit",
        "--data",
        data.to_str().unwrap(),
        "--method",
        "kmeans",
        "--k",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("pictures    6 of 2 x 2"), "{stdout}");
    assert!(out.join("model.json").is_file());
}

#[test]
fn a_folder_of_two_csv_files_is_still_refused() {
    let dir = tempfile::tempdir().unwrap();
    folder(dir.path());
    std::fs::copy(dir.path().join("digits.csv"), dir.path().join("more.csv")).unwrap();
    let output = run(&["info", "--data", dir.path().to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("no data set recognised"), "{stderr}");
}
