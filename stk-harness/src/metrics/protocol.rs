//! Summaries over repeated runs: the paper's best-of-R report, mean and spread, and the run
//! chosen without labels.

use super::Scores;
use crate::{Error, Result};

/// The test scores and the training objective of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunScores {
    /// Clustering accuracy on the test split, in `[0, 1]`.
    pub accuracy: f64,
    /// Normalised mutual information on the test split, in `[0, 1]`.
    pub nmi: f64,
    /// Adjusted Rand index on the test split.
    pub ari: f64,
    /// The training objective at the end of the run: the distortion, the sum over the training
    /// data of each datum's distance to its centroid (PAPER.md Eq. 2). Lower is better.
    pub distortion: f64,
}

impl RunScores {
    /// Returns the scores of a run from its test [`Scores`] and its final training distortion.
    #[must_use]
    pub fn new(scores: Scores, distortion: f64) -> Self {
        Self {
            accuracy: scores.accuracy,
            nmi: scores.nmi,
            ari: scores.ari,
            distortion,
        }
    }
}

/// A mean and a population standard deviation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanStd {
    /// The arithmetic mean.
    pub mean: f64,
    /// The population standard deviation: the root of the mean squared deviation, divided by R
    /// (not R − 1), so one run has a spread of 0.
    pub std: f64,
}

impl MeanStd {
    /// Returns the mean and population standard deviation of `values`, summed in index order.
    ///
    /// ```text
    /// mean = (1/R) Σ xᵣ,   std = √((1/R) Σ (xᵣ − mean)²)
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::EmptyInput`] if `values` is empty and [`Error::NonFinite`] (naming the index)
    /// if a value is NaN or infinite.
    pub fn of(values: &[f64]) -> Result<Self> {
        if values.is_empty() {
            return Err(Error::EmptyInput("values for a mean"));
        }
        if let Some(index) = values.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite {
                what: "value for a mean",
                index,
            });
        }

        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        Ok(Self {
            mean,
            std: variance.sqrt(),
        })
    }
}

/// One run picked out of several, with its index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SelectedRun {
    /// The run's position in the slice given to [`summarize_runs`] (0-based).
    pub run_idx: usize,
    /// That run's scores.
    pub scores: RunScores,
}

/// Everything the tables report about R runs of one method on one data set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunSummary {
    /// The number of runs R.
    pub n_runs: usize,
    /// The run with the highest test accuracy, with its own NMI and ARI: the paper's report
    /// (best of 10 runs, as in DEC). Ties go to the earliest run.
    pub best_accuracy: SelectedRun,
    /// The run with the lowest training distortion, which needs no labels to choose. Ties go
    /// to the earliest run.
    pub lowest_distortion: SelectedRun,
    /// Mean and population standard deviation of the accuracy over the runs.
    pub accuracy: MeanStd,
    /// Mean and population standard deviation of the NMI over the runs.
    pub nmi: MeanStd,
    /// Mean and population standard deviation of the ARI over the runs.
    pub ari: MeanStd,
}

/// Returns the summary of `runs`: best run by accuracy, run with the lowest distortion, and
/// mean ± population standard deviation of each metric.
///
/// # Examples
///
/// ```
/// use stk_harness::metrics::{RunScores, summarize_runs};
///
/// let runs = [
///     RunScores { accuracy: 0.80, nmi: 0.70, ari: 0.60, distortion: 12.0 },
///     RunScores { accuracy: 0.90, nmi: 0.75, ari: 0.70, distortion: 15.0 },
/// ];
/// let summary = summarize_runs(&runs)?;
/// assert_eq!(summary.best_accuracy.run_idx, 1);
/// assert_eq!(summary.lowest_distortion.run_idx, 0);
/// assert!((summary.accuracy.mean - 0.85).abs() < 1e-12);
/// assert!((summary.accuracy.std - 0.05).abs() < 1e-12);
/// # Ok::<(), stk_harness::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::EmptyInput`] if there are no runs and [`Error::NonFinite`] (naming the run) if a
/// run has a NaN or infinite score or distortion.
pub fn summarize_runs(runs: &[RunScores]) -> Result<RunSummary> {
    if runs.is_empty() {
        return Err(Error::EmptyInput("runs to summarize"));
    }
    if let Some(index) = runs.iter().position(|run| {
        !(run.accuracy.is_finite()
            && run.nmi.is_finite()
            && run.ari.is_finite()
            && run.distortion.is_finite())
    }) {
        return Err(Error::NonFinite {
            what: "run score or distortion",
            index,
        });
    }

    // Strict comparisons keep the earliest run on ties.
    let mut best_idx = 0;
    let mut lowest_idx = 0;
    for (run_idx, run) in runs.iter().enumerate().skip(1) {
        if run.accuracy > runs[best_idx].accuracy {
            best_idx = run_idx;
        }
        if run.distortion < runs[lowest_idx].distortion {
            lowest_idx = run_idx;
        }
    }

    let column = |f: fn(&RunScores) -> f64| -> Vec<f64> { runs.iter().map(f).collect() };
    Ok(RunSummary {
        n_runs: runs.len(),
        best_accuracy: SelectedRun {
            run_idx: best_idx,
            scores: runs[best_idx],
        },
        lowest_distortion: SelectedRun {
            run_idx: lowest_idx,
            scores: runs[lowest_idx],
        },
        accuracy: MeanStd::of(&column(|r| r.accuracy))?,
        nmi: MeanStd::of(&column(|r| r.nmi))?,
        ari: MeanStd::of(&column(|r| r.ari))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    fn run(accuracy: f64, nmi: f64, ari: f64, distortion: f64) -> RunScores {
        RunScores {
            accuracy,
            nmi,
            ari,
            distortion,
        }
    }

    #[test]
    fn best_run_keeps_its_own_nmi_and_ari() {
        let runs = [
            run(0.5, 0.9, 0.8, 3.0),
            run(0.7, 0.2, 0.1, 2.0),
            run(0.6, 0.5, 0.5, 1.0),
        ];
        let summary = summarize_runs(&runs).unwrap();
        assert_eq!(summary.n_runs, 3);
        assert_eq!(summary.best_accuracy.run_idx, 1);
        assert_eq!(summary.best_accuracy.scores, runs[1]);
        assert_eq!(summary.lowest_distortion.run_idx, 2);
        assert_eq!(summary.lowest_distortion.scores, runs[2]);
    }

    #[test]
    fn ties_go_to_the_earliest_run() {
        let runs = [
            run(0.4, 0.1, 0.1, 5.0),
            run(0.6, 0.2, 0.2, 1.0),
            run(0.6, 0.3, 0.3, 1.0),
        ];
        let summary = summarize_runs(&runs).unwrap();
        assert_eq!(summary.best_accuracy.run_idx, 1);
        assert_eq!(summary.lowest_distortion.run_idx, 1);
    }

    #[test]
    fn standard_deviation_divides_by_the_number_of_runs() {
        // Values 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population std exactly 2 (sample std 2.138).
        let stats = MeanStd::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_abs_diff_eq!(stats.mean, 5.0, epsilon = 1e-12);
        assert_abs_diff_eq!(stats.std, 2.0, epsilon = 1e-12);
    }

    #[test]
    fn one_run_has_zero_spread() {
        let summary = summarize_runs(&[run(0.3, 0.2, 0.1, 9.0)]).unwrap();
        assert_eq!(summary.accuracy.mean, 0.3);
        assert_eq!(summary.accuracy.std, 0.0);
        assert_eq!(summary.ari.std, 0.0);
    }

    #[test]
    fn metrics_are_summarized_separately() {
        let summary = summarize_runs(&[run(0.2, 0.4, -0.1, 1.0), run(0.4, 0.8, 0.3, 2.0)]).unwrap();
        assert_abs_diff_eq!(summary.accuracy.mean, 0.3, epsilon = 1e-12);
        assert_abs_diff_eq!(summary.nmi.mean, 0.6, epsilon = 1e-12);
        assert_abs_diff_eq!(summary.nmi.std, 0.2, epsilon = 1e-12);
        assert_abs_diff_eq!(summary.ari.mean, 0.1, epsilon = 1e-12);
        assert_abs_diff_eq!(summary.ari.std, 0.2, epsilon = 1e-12);
    }

    #[test]
    fn no_runs_is_an_error() {
        assert!(matches!(summarize_runs(&[]), Err(Error::EmptyInput(_))));
        assert!(matches!(MeanStd::of(&[]), Err(Error::EmptyInput(_))));
    }

    #[test]
    fn non_finite_scores_name_the_run() {
        let runs = [run(0.5, 0.5, 0.5, 1.0), run(0.5, f64::NAN, 0.5, 1.0)];
        let err = summarize_runs(&runs).unwrap_err();
        assert!(matches!(err, Error::NonFinite { index: 1, .. }), "{err}");
        let runs = [run(0.5, 0.5, 0.5, f64::INFINITY)];
        assert!(matches!(
            summarize_runs(&runs),
            Err(Error::NonFinite { index: 0, .. })
        ));
    }
}
