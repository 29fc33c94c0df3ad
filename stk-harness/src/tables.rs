//! The paper's Table 1 beside ours: published values, the markdown table and the JSON and CSV
//! result files.
//!
//! The markdown shows, for every data set, the best-of-R test scores of K-means, AI K-means
//! and ST K-means as `ours (published)` in percent; the deep baselines of the paper (AE +
//! K-means, DEC, VaDE) appear with their published values only. A second table gives the mean
//! ± population standard deviation over the runs and the run with the lowest training
//! objective. The text depends only on the results (no times), so two runs with the same seed
//! print the same bytes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use stk_core::Prediction;

use crate::experiment::{DatasetKind, DatasetResult, Method, RunRecord, TableReport};
use crate::model_file::WarpSpec;
use crate::{Error, Result};

/// A column of the paper's Table 1 (PAPER.md section 5), in the paper's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PaperColumn {
    /// Rigid (affine) MNIST.
    Rigid,
    /// Non-rigid MNIST.
    NonRigid,
    /// MNIST.
    Mnist,
    /// AudioMNIST.
    Audio,
    /// E-MNIST letters.
    EMnist,
    /// Rock-Paper-Scissors.
    Rps,
    /// Face-10.
    Face10,
    /// Arabic characters.
    Arabic,
}

impl PaperColumn {
    /// The paper's name of the column.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            PaperColumn::Rigid => "Rigid",
            PaperColumn::NonRigid => "Non-rigid",
            PaperColumn::Mnist => "MNIST",
            PaperColumn::Audio => "AudioMNIST",
            PaperColumn::EMnist => "E-MNIST",
            PaperColumn::Rps => "RPS",
            PaperColumn::Face10 => "Face-10",
            PaperColumn::Arabic => "Arabic",
        }
    }

    fn idx(self) -> usize {
        self as usize
    }
}

/// A row of the paper's Table 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperRow {
    /// One of the three methods we run.
    Ours(Method),
    /// Autoencoder features clustered by K-means.
    AeKMeans,
    /// Deep embedded clustering, fully connected.
    DecMlp,
    /// Deep embedded clustering, convolutional.
    DecConv,
    /// Variational deep embedding, fully connected.
    VadeMlp,
    /// Variational deep embedding, convolutional.
    VadeConv,
}

impl PaperRow {
    /// The deep baselines, reported with their published values only.
    pub const DEEP_BASELINES: [PaperRow; 5] = [
        PaperRow::AeKMeans,
        PaperRow::DecMlp,
        PaperRow::DecConv,
        PaperRow::VadeMlp,
        PaperRow::VadeConv,
    ];

    /// The row's name in tables.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            PaperRow::Ours(method) => method.name(),
            PaperRow::AeKMeans => "AE + K-means",
            PaperRow::DecMlp => "DEC (MLP)",
            PaperRow::DecConv => "DEC (Conv)",
            PaperRow::VadeMlp => "VaDE (MLP)",
            PaperRow::VadeConv => "VaDE (Conv)",
        }
    }

    fn idx(self) -> usize {
        match self {
            PaperRow::Ours(Method::KMeans) => 0,
            PaperRow::Ours(Method::AffineKMeans) => 1,
            PaperRow::Ours(Method::SpatialTransformerKMeans) => 2,
            PaperRow::AeKMeans => 3,
            PaperRow::DecMlp => 4,
            PaperRow::DecConv => 5,
            PaperRow::VadeMlp => 6,
            PaperRow::VadeConv => 7,
        }
    }
}

/// A score reported in the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Clustering accuracy.
    Accuracy,
    /// Normalised mutual information.
    Nmi,
    /// Adjusted Rand index.
    Ari,
}

/// Published test accuracy (%), rows in [`PaperRow`] order, columns in [`PaperColumn`] order.
const PUBLISHED_ACCURACY: [[u8; 8]; 8] = [
    [68, 61, 53, 10, 39, 40, 20, 19],
    [100, 91, 75, 29, 48, 72, 31, 30],
    [100, 99, 92, 41, 65, 86, 45, 51],
    [72, 60, 66, 13, 41, 48, 37, 23],
    [84, 77, 84, 10, 55, 46, 33, 24],
    [70, 68, 78, 15, 60, 54, 38, 29],
    [68, 65, 94, 11, 20, 50, 36, 26],
    [65, 59, 81, 14, 58, 55, 40, 46],
];

/// Published NMI (%) of the three methods on MNIST, Audio, E-MNIST, RPS, Face-10, Arabic (none
/// for the synthetic sets).
const PUBLISHED_NMI: [[u8; 6]; 3] = [
    [50, 1, 39, 5, 18, 27],
    [62, 18, 45, 30, 30, 37],
    [82, 26, 63, 63, 53, 61],
];

/// Published ARI (%), laid out as [`PUBLISHED_NMI`].
const PUBLISHED_ARI: [[u8; 6]; 3] = [
    [39, 0, 21, 4, 0, 1],
    [54, 10, 26, 24, 3, 17],
    [83, 15, 46, 63, 20, 38],
];

/// Returns the paper's value (%) of `metric` for `row` on `column`, if it reports one.
#[must_use]
pub fn published(row: PaperRow, metric: Metric, column: PaperColumn) -> Option<f64> {
    let r = row.idx();
    let value = match metric {
        Metric::Accuracy => PUBLISHED_ACCURACY[r][column.idx()],
        Metric::Nmi | Metric::Ari => {
            // The NMI/ARI tables skip the two synthetic columns.
            let c = column.idx().checked_sub(2)?;
            let table = if metric == Metric::Nmi {
                &PUBLISHED_NMI
            } else {
                &PUBLISHED_ARI
            };
            *table.get(r)?.get(c)?
        }
    };
    Some(f64::from(value))
}

/// Formats a cell: our value (a fraction, shown in % with one decimal) and the published value
/// (in %) in parentheses, `—` for a missing one.
#[must_use]
pub fn format_cell(ours: Option<f64>, published: Option<f64>) -> String {
    let ours = ours.map_or_else(|| "—".to_owned(), |v| format!("{:.1}", 100.0 * v));
    let published = published.map_or_else(|| "—".to_owned(), |v| format!("{v:.0}"));
    format!("{ours} ({published})")
}

/// Formats a mean ± standard deviation of fractions in %.
#[must_use]
pub fn format_mean_std(mean: f64, std: f64) -> String {
    format!("{:.1} ± {:.1}", 100.0 * mean, 100.0 * std)
}

/// Returns a data set's column header: its title, and the paper's column when ours is a
/// different data set (MNIST-5k for MNIST, FSDD for AudioMNIST).
fn column_header(result: &DatasetResult) -> String {
    let title = result.kind.title();
    match (result.kind, result.kind.paper_column()) {
        (DatasetKind::Mnist5k | DatasetKind::Fsdd, Some(column)) => {
            format!("{title} [paper: {}]", column.name())
        }
        _ => title.to_owned(),
    }
}

/// Returns our best-of-R score of `metric`.
fn best_of(result: &DatasetResult, method: Method, metric: Metric) -> Option<f64> {
    let best = result.method(method)?.summary.best_accuracy.test;
    Some(match metric {
        Metric::Accuracy => best.accuracy,
        Metric::Nmi => best.nmi,
        Metric::Ari => best.ari,
    })
}

/// Writes one metric's table: rows of our methods (and the deep baselines for accuracy).
fn metric_table(out: &mut String, report: &TableReport, metric: Metric) {
    let datasets = &report.datasets;
    out.push_str("| method |");
    for d in datasets {
        let _ = write!(out, " {} |", column_header(d));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(datasets.len()));
    out.push('\n');
    for method in Method::ALL {
        let _ = write!(out, "| {} |", method.name());
        for d in datasets {
            let paper = d
                .kind
                .paper_column()
                .and_then(|c| published(PaperRow::Ours(method), metric, c));
            let _ = write!(out, " {} |", format_cell(best_of(d, method, metric), paper));
        }
        out.push('\n');
    }
    if metric == Metric::Accuracy {
        for row in PaperRow::DEEP_BASELINES {
            let _ = write!(out, "| {} (published only) |", row.name());
            for d in datasets {
                let paper = d
                    .kind
                    .paper_column()
                    .and_then(|c| published(row, metric, c));
                let _ = write!(out, " {} |", format_cell(None, paper));
            }
            out.push('\n');
        }
    }
}

/// Returns the markdown report of a table run: the three metric tables, the runs' spread and
/// label-free choice, and the selection and grid reports when they ran.
#[must_use]
pub fn markdown(report: &TableReport) -> String {
    let mut out = String::new();
    let runs: Vec<String> = report
        .datasets
        .iter()
        .map(|d| {
            let n = d.methods.first().map_or(0, |m| m.summary.n_runs);
            format!("{} {n}", d.dataset)
        })
        .collect();
    let _ = writeln!(out, "# Table 1: ours beside the published values\n");
    let _ = writeln!(
        out,
        "base_seed = {}; runs per method: {}. Test split, in %: the run with the best test \
         accuracy, with its NMI and ARI; cells read `ours (published)`.\n",
        report.base_seed,
        runs.join(", ")
    );
    for (title, metric) in [
        ("Accuracy", Metric::Accuracy),
        ("NMI", Metric::Nmi),
        ("ARI", Metric::Ari),
    ] {
        let _ = writeln!(out, "## {title}\n");
        metric_table(&mut out, report, metric);
        out.push('\n');
    }

    let _ = writeln!(out, "## Over all runs, and the run chosen without labels\n");
    out.push_str(
        "| data set | method | runs | ACC mean ± std | NMI mean ± std | ARI mean ± std | \
         lowest training objective | its ACC / NMI / ARI (run) |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    for d in &report.datasets {
        for m in &d.methods {
            let s = &m.summary;
            let low = &s.lowest_objective;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {:.6e} | {:.1} / {:.1} / {:.1} ({}) |",
                d.dataset,
                m.method.name(),
                s.n_runs,
                format_mean_std(s.accuracy.mean, s.accuracy.std),
                format_mean_std(s.nmi.mean, s.nmi.std),
                format_mean_std(s.ari.mean, s.ari.std),
                low.train_objective,
                100.0 * low.test.accuracy,
                100.0 * low.test.nmi,
                100.0 * low.test.ari,
                low.run_idx
            );
        }
    }

    let selections: Vec<_> = report
        .datasets
        .iter()
        .flat_map(|d| d.methods.iter().map(move |m| (d, m)))
        .filter_map(|(d, m)| m.selection.as_ref().map(|s| (d, m, s)))
        .collect();
    if !selections.is_empty() {
        let _ = writeln!(
            out,
            "\n## Learning rate chosen by the lowest training objective (no labels)\n"
        );
        out.push_str(
            "| data set | method | learning rate | lowest objective | mean objective | \
             best ACC | chosen |\n|---|---|---|---|---|---|---|\n",
        );
        for (d, m, s) in selections {
            for c in &s.candidates {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {:.6e} | {:.6e} | {:.1} | {} |",
                    d.dataset,
                    m.method.name(),
                    c.learning_rate,
                    c.lowest_objective,
                    c.mean_objective,
                    100.0 * c.best_accuracy,
                    if c.learning_rate == s.chosen_learning_rate {
                        "yes"
                    } else {
                        ""
                    }
                );
            }
        }
    }

    if report.datasets.iter().any(|d| !d.grid_report.is_empty()) {
        let _ = writeln!(
            out,
            "\n## ST K-means training objective per grid size (reported, not selected: a \
             larger grid always fits the training data better)\n"
        );
        out.push_str(
            "| data set | grid | lowest objective | mean objective | best ACC |\n\
             |---|---|---|---|---|\n",
        );
        for d in &report.datasets {
            for g in &d.grid_report {
                let _ = writeln!(
                    out,
                    "| {} | {}x{} | {:.6e} | {:.6e} | {:.1} |",
                    d.dataset,
                    g.grid_size,
                    g.grid_size,
                    g.lowest_objective,
                    g.mean_objective,
                    100.0 * g.best_accuracy
                );
            }
        }
    }
    out
}

/// One line of `runs.csv`.
#[derive(Debug, Serialize)]
struct RunRow<'a> {
    dataset: &'a str,
    method: &'a str,
    role: &'a str,
    run_idx: usize,
    seed: u64,
    data_seed: u64,
    limit: Option<usize>,
    n_train: usize,
    n_test: usize,
    warp: &'a str,
    grid_size: Option<usize>,
    learning_rate: f32,
    coarse_steps: usize,
    fine_steps: usize,
    blur_sigma: f32,
    bending_penalty: f32,
    scale_penalty: f32,
    max_iterations: usize,
    identity_iterations: usize,
    affine_iterations: usize,
    tolerance: f64,
    min_cluster_share: f64,
    predict_rounds: usize,
    iterations: usize,
    warmup_iterations: usize,
    converged: bool,
    n_reseeded: usize,
    train_objective: f64,
    train_distortion: f64,
    test_objective: f64,
    test_accuracy_pct: f64,
    test_nmi_pct: f64,
    test_ari_pct: f64,
    train_accuracy_pct: f64,
    seconds: f64,
}

/// One line of `summary.csv`.
#[derive(Debug, Serialize)]
struct SummaryRow<'a> {
    dataset: &'a str,
    method: &'a str,
    n_runs: usize,
    best_run: usize,
    best_accuracy_pct: f64,
    best_nmi_pct: f64,
    best_ari_pct: f64,
    published_accuracy_pct: Option<f64>,
    published_nmi_pct: Option<f64>,
    published_ari_pct: Option<f64>,
    mean_accuracy_pct: f64,
    std_accuracy_pct: f64,
    mean_nmi_pct: f64,
    std_nmi_pct: f64,
    mean_ari_pct: f64,
    std_ari_pct: f64,
    lowest_objective_run: usize,
    lowest_objective: f64,
    lowest_objective_accuracy_pct: f64,
    lowest_objective_nmi_pct: f64,
    lowest_objective_ari_pct: f64,
    seconds: f64,
}

fn run_row<'a>(d: &'a DatasetResult, role: &'a str, r: &'a RunRecord) -> RunRow<'a> {
    let c = &r.config;
    let (warp, grid_size) = match c.warp {
        WarpSpec::Identity => ("identity", None),
        WarpSpec::Affine => ("affine", None),
        WarpSpec::Tps { grid_size } => ("tps", Some(grid_size)),
    };
    RunRow {
        dataset: &d.dataset,
        method: r.method.key(),
        role,
        run_idx: r.run_idx,
        seed: r.seed,
        data_seed: d.data_seed,
        limit: d.limit,
        n_train: d.n_train,
        n_test: d.n_test,
        warp,
        grid_size,
        learning_rate: c.learning_rate,
        coarse_steps: c.coarse_steps,
        fine_steps: c.fine_steps,
        blur_sigma: c.blur_sigma,
        bending_penalty: c.bending_penalty,
        scale_penalty: c.scale_penalty,
        max_iterations: c.max_iterations,
        identity_iterations: c.identity_iterations,
        affine_iterations: c.affine_iterations,
        tolerance: c.tolerance,
        min_cluster_share: c.min_cluster_share,
        predict_rounds: c.predict_rounds,
        iterations: r.iterations,
        warmup_iterations: r.warmup_iterations,
        converged: r.converged,
        n_reseeded: r.n_reseeded,
        train_objective: r.train_objective,
        train_distortion: r.train_distortion,
        test_objective: r.test_objective,
        test_accuracy_pct: 100.0 * r.test.accuracy,
        test_nmi_pct: 100.0 * r.test.nmi,
        test_ari_pct: 100.0 * r.test.ari,
        train_accuracy_pct: 100.0 * r.train.accuracy,
        seconds: r.seconds,
    }
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    }
}

/// Writes `runs.csv`: every run with its configuration and seed; `role` is `reported`,
/// `lr-candidate` (a learning rate tried by the selection) or `grid` (the grid report).
fn write_runs_csv(path: &Path, report: &TableReport) -> Result<()> {
    let mut writer = csv::Writer::from_path(path).map_err(|e| csv_error(path, e))?;
    for d in &report.datasets {
        for m in &d.methods {
            for r in &m.runs {
                writer
                    .serialize(run_row(d, "reported", r))
                    .map_err(|e| csv_error(path, e))?;
            }
            for c in m.selection.iter().flat_map(|s| &s.candidates) {
                if c.learning_rate == m.config.learning_rate {
                    continue;
                }
                for r in &c.runs {
                    writer
                        .serialize(run_row(d, "lr-candidate", r))
                        .map_err(|e| csv_error(path, e))?;
                }
            }
        }
        for g in &d.grid_report {
            for r in &g.runs {
                writer
                    .serialize(run_row(d, "grid", r))
                    .map_err(|e| csv_error(path, e))?;
            }
        }
    }
    writer.flush().map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes `summary.csv`: one line per data set and method, ours beside the published values.
fn write_summary_csv(path: &Path, report: &TableReport) -> Result<()> {
    let mut writer = csv::Writer::from_path(path).map_err(|e| csv_error(path, e))?;
    for d in &report.datasets {
        for m in &d.methods {
            let s = &m.summary;
            let paper = |metric| {
                d.kind
                    .paper_column()
                    .and_then(|c| published(PaperRow::Ours(m.method), metric, c))
            };
            let row = SummaryRow {
                dataset: &d.dataset,
                method: m.method.key(),
                n_runs: s.n_runs,
                best_run: s.best_accuracy.run_idx,
                best_accuracy_pct: 100.0 * s.best_accuracy.test.accuracy,
                best_nmi_pct: 100.0 * s.best_accuracy.test.nmi,
                best_ari_pct: 100.0 * s.best_accuracy.test.ari,
                published_accuracy_pct: paper(Metric::Accuracy),
                published_nmi_pct: paper(Metric::Nmi),
                published_ari_pct: paper(Metric::Ari),
                mean_accuracy_pct: 100.0 * s.accuracy.mean,
                std_accuracy_pct: 100.0 * s.accuracy.std,
                mean_nmi_pct: 100.0 * s.nmi.mean,
                std_nmi_pct: 100.0 * s.nmi.std,
                mean_ari_pct: 100.0 * s.ari.mean,
                std_ari_pct: 100.0 * s.ari.std,
                lowest_objective_run: s.lowest_objective.run_idx,
                lowest_objective: s.lowest_objective.train_objective,
                lowest_objective_accuracy_pct: 100.0 * s.lowest_objective.test.accuracy,
                lowest_objective_nmi_pct: 100.0 * s.lowest_objective.test.nmi,
                lowest_objective_ari_pct: 100.0 * s.lowest_objective.test.ari,
                seconds: m.seconds,
            };
            writer.serialize(row).map_err(|e| csv_error(path, e))?;
        }
    }
    writer.flush().map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes `results.json` (everything, every run's configuration and seed), `runs.csv`,
/// `summary.csv` and `table.md` into `out_dir`, and returns their paths.
///
/// # Errors
///
/// [`Error::Io`] if a file cannot be written.
pub fn write_outputs(report: &TableReport, out_dir: &Path) -> Result<Vec<PathBuf>> {
    let io = |path: &Path, source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let json = out_dir.join("results.json");
    let text = serde_json::to_string_pretty(report).map_err(|e| io(&json, e.into()))?;
    std::fs::write(&json, text + "\n").map_err(|e| io(&json, e))?;
    let runs = out_dir.join("runs.csv");
    write_runs_csv(&runs, report)?;
    let summary = out_dir.join("summary.csv");
    write_summary_csv(&summary, report)?;
    let table = out_dir.join("table.md");
    std::fs::write(&table, markdown(report)).map_err(|e| io(&table, e))?;
    Ok(vec![json, runs, summary, table])
}

/// Writes a CSV of per-datum assignments: `index, cluster, distance` (the objective: data term
/// plus penalties), `distortion` (the data term) and, when given, `label`.
///
/// # Errors
///
/// [`Error::Io`] if the file cannot be written, [`Error::ShapeMismatch`] if `labels` is not one
/// per datum.
pub fn write_assignments_csv(
    path: &Path,
    prediction: &Prediction,
    labels: Option<&[u32]>,
) -> Result<()> {
    let n = prediction.assignments.len();
    if let Some(labels) = labels
        && labels.len() != n
    {
        return Err(Error::ShapeMismatch {
            expected: format!("{n} labels"),
            found: format!("{}", labels.len()),
        });
    }
    let mut writer = csv::Writer::from_path(path).map_err(|e| csv_error(path, e))?;
    let mut header = vec!["index", "cluster", "distance", "distortion"];
    if labels.is_some() {
        header.push("label");
    }
    writer
        .write_record(&header)
        .map_err(|e| csv_error(path, e))?;
    for i in 0..n {
        let mut record = vec![
            i.to_string(),
            prediction.assignments[i].to_string(),
            prediction.objectives[i].to_string(),
            prediction.distortions[i].to_string(),
        ];
        if let Some(labels) = labels {
            record.push(labels[i].to_string());
        }
        writer
            .write_record(&record)
            .map_err(|e| csv_error(path, e))?;
    }
    writer.flush().map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{
        MeanStdRecord, MethodResult, Options, PickedRun, ScoreRecord, SummaryRecord,
    };
    use crate::model_file::ConfigRecord;
    use stk_core::{KMeansConfig, WarpFamily};

    #[test]
    fn published_values_match_the_paper() {
        let st = PaperRow::Ours(Method::SpatialTransformerKMeans);
        assert_eq!(
            published(st, Metric::Accuracy, PaperColumn::Mnist),
            Some(92.0)
        );
        assert_eq!(published(st, Metric::Nmi, PaperColumn::Arabic), Some(61.0));
        assert_eq!(
            published(
                PaperRow::Ours(Method::KMeans),
                Metric::Ari,
                PaperColumn::Audio
            ),
            Some(0.0)
        );
        assert_eq!(
            published(PaperRow::VadeMlp, Metric::Accuracy, PaperColumn::Mnist),
            Some(94.0)
        );
        // No NMI or ARI for the synthetic sets, none for the deep baselines.
        assert_eq!(published(st, Metric::Nmi, PaperColumn::Rigid), None);
        assert_eq!(
            published(PaperRow::DecMlp, Metric::Nmi, PaperColumn::Mnist),
            None
        );
    }

    #[test]
    fn cells_show_ours_and_the_published_value() {
        assert_eq!(format_cell(Some(0.9876), Some(92.0)), "98.8 (92)");
        assert_eq!(format_cell(None, Some(72.0)), "— (72)");
        assert_eq!(format_cell(Some(1.0), None), "100.0 (—)");
        assert_eq!(format_mean_std(0.5, 0.0125), "50.0 ± 1.2");
    }

    fn summary(accuracy: f64) -> SummaryRecord {
        let picked = PickedRun {
            run_idx: 1,
            test: ScoreRecord {
                accuracy,
                nmi: accuracy / 2.0,
                ari: accuracy / 4.0,
            },
            train_objective: 12.5,
        };
        let spread = MeanStdRecord {
            mean: accuracy,
            std: 0.0,
        };
        SummaryRecord {
            n_runs: 2,
            best_accuracy: picked,
            lowest_objective: picked,
            accuracy: spread,
            nmi: spread,
            ari: spread,
        }
    }

    fn report() -> TableReport {
        let methods = Method::ALL
            .iter()
            .enumerate()
            .map(|(i, &method)| MethodResult {
                method,
                config: ConfigRecord::from(&KMeansConfig::new(10, WarpFamily::Affine)),
                runs: Vec::new(),
                summary: summary(0.5 + 0.1 * i as f64),
                selection: None,
                seconds: 1.0,
            })
            .collect();
        let dataset = DatasetResult {
            dataset: "mnist-5k".to_owned(),
            kind: DatasetKind::Mnist5k,
            source: None,
            height: 28,
            width: 28,
            n_clusters: 10,
            n_train: 4000,
            n_test: 1000,
            limit: None,
            data_seed: 3,
            methods,
            grid_report: Vec::new(),
            figures: Vec::new(),
            seconds: 2.0,
        };
        TableReport {
            format_version: 1,
            base_seed: 3,
            options: Options::default(),
            selection: None,
            grid_sizes: Vec::new(),
            only_run: None,
            n_threads: 1,
            datasets: vec![dataset],
            seconds: 2.0,
        }
    }

    #[test]
    fn the_markdown_has_every_row_with_both_values() {
        let text = markdown(&report());
        assert!(text.contains("base_seed = 3"));
        assert!(
            text.contains("| method | MNIST-5k [paper: MNIST] |"),
            "{text}"
        );
        assert!(text.contains("| K-means | 50.0 (53) |"), "{text}");
        assert!(text.contains("| AI K-means | 60.0 (75) |"), "{text}");
        assert!(text.contains("| ST K-means | 70.0 (92) |"), "{text}");
        assert!(
            text.contains("| VaDE (MLP) (published only) | — (94) |"),
            "{text}"
        );
        // NMI of the best run, beside the published NMI.
        assert!(text.contains("| ST K-means | 35.0 (82) |"), "{text}");
        assert!(
            text.contains("| mnist-5k | ST K-means | 2 | 70.0 ± 0.0 |"),
            "{text}"
        );
        // Deterministic: the same report prints the same text.
        assert_eq!(text, markdown(&report()));
    }

    #[test]
    fn result_files_are_written_and_parse() {
        let dir = tempfile::tempdir().unwrap();
        let paths = write_outputs(&report(), dir.path()).unwrap();
        assert_eq!(paths.len(), 4);
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&paths[0]).unwrap()).unwrap();
        assert_eq!(json["base_seed"], 3);
        assert_eq!(json["datasets"][0]["methods"][2]["method"], "st");
        let summary = std::fs::read_to_string(&paths[2]).unwrap();
        let lines: Vec<&str> = summary.lines().collect();
        assert_eq!(lines.len(), 4, "{summary}");
        assert!(lines[0].starts_with("dataset,method,n_runs,best_run,best_accuracy_pct"));
        assert!(lines[3].starts_with("mnist-5k,st,2,1,70"), "{}", lines[3]);
    }

    #[test]
    fn assignments_csv_has_one_line_per_datum() {
        let prediction = Prediction {
            assignments: vec![1, 0],
            objectives: vec![0.5, 0.25],
            distortions: vec![0.5, 0.125],
            params: Vec::new(),
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        write_assignments_csv(&path, &prediction, Some(&[3, 4])).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "index,cluster,distance,distortion,label\n0,1,0.5,0.5,3\n1,0,0.25,0.125,4\n"
        );
        assert!(matches!(
            write_assignments_csv(&path, &prediction, Some(&[3])),
            Err(Error::ShapeMismatch { .. })
        ));
    }
}
