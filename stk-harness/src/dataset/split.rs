//! Seeded train/test splits and the scaling fitted on a training part.

use rand_core::{Rng, SeedableRng};

use super::Dataset;
use crate::{Error, Result};

/// The random number generator of every experiment in the harness.
pub type ExperimentRng = rand_pcg::Pcg64Mcg;

/// The sample indices of a training and a test part, each in increasing order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitIndices {
    /// Indices of the training part.
    pub train: Vec<usize>,
    /// Indices of the test part.
    pub test: Vec<usize>,
}

/// A data set divided into a training and a test part.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The training part.
    pub train: Dataset,
    /// The test part.
    pub test: Dataset,
}

/// Returns a uniform integer in `0..n` (rejection sampling, so unbiased); `n > 0`.
fn below<R: Rng + ?Sized>(rng: &mut R, n: usize) -> usize {
    let n = n as u64;
    // The largest multiple of n that fits: draws at or above it would favour small values.
    let limit = u64::MAX - u64::MAX % n;
    loop {
        let x = rng.next_u64();
        if x < limit {
            return (x % n) as usize;
        }
    }
}

/// Shuffles `items` in place (Fisher–Yates).
fn shuffle<T, R: Rng + ?Sized>(items: &mut [T], rng: &mut R) {
    for i in (1..items.len()).rev() {
        let j = below(rng, i + 1);
        items.swap(i, j);
    }
}

/// Checks a test fraction.
fn check_fraction(test_fraction: f64) -> Result<()> {
    if test_fraction > 0.0 && test_fraction < 1.0 {
        Ok(())
    } else {
        Err(stk_core::Error::InvalidParameter {
            name: "test_fraction",
            reason: "must lie strictly between 0 and 1",
        }
        .into())
    }
}

/// Checks that a data set has samples.
fn check_not_empty(dataset: &Dataset) -> Result<()> {
    if dataset.n_samples() == 0 {
        Err(Error::EmptyInput("cannot split a data set with no samples"))
    } else {
        Ok(())
    }
}

/// Number of test items out of `n`: `round(n * test_fraction)`.
fn n_test_of(n: usize, test_fraction: f64) -> usize {
    ((n as f64 * test_fraction).round() as usize).min(n)
}

/// Sorts both parts.
fn sorted(mut train: Vec<usize>, mut test: Vec<usize>) -> SplitIndices {
    train.sort_unstable();
    test.sort_unstable();
    SplitIndices { train, test }
}

/// The indices of [`stratified_split`].
pub(crate) fn stratified_indices(
    dataset: &Dataset,
    test_fraction: f64,
    seed: u64,
) -> Result<SplitIndices> {
    check_fraction(test_fraction)?;
    check_not_empty(dataset)?;
    let mut rng = ExperimentRng::seed_from_u64(seed);
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); dataset.n_classes()];
    for (i, &label) in dataset.labels.iter().enumerate() {
        if let Some(members) = by_class.get_mut(label as usize) {
            members.push(i);
        }
    }
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for members in &mut by_class {
        shuffle(members, &mut rng);
        let n_test = n_test_of(members.len(), test_fraction);
        test.extend_from_slice(&members[..n_test]);
        train.extend_from_slice(&members[n_test..]);
    }
    Ok(sorted(train, test))
}

/// The indices of [`speaker_split`].
pub(crate) fn speaker_indices(
    dataset: &Dataset,
    test_fraction: f64,
    seed: u64,
) -> Result<SplitIndices> {
    check_fraction(test_fraction)?;
    check_not_empty(dataset)?;
    let no_speakers = stk_core::Error::InvalidParameter {
        name: "split",
        reason: "a split by speaker needs at least two speakers",
    };
    let speakers = dataset.speakers.as_ref().ok_or(no_speakers)?;
    let mut present: Vec<u32> = speakers.of_sample.clone();
    present.sort_unstable();
    present.dedup();
    if present.len() < 2 {
        return Err(no_speakers.into());
    }
    let n_ids = present[present.len() - 1] as usize + 1;
    let mut rng = ExperimentRng::seed_from_u64(seed);
    shuffle(&mut present, &mut rng);
    let n_test = n_test_of(present.len(), test_fraction).clamp(1, present.len() - 1);
    let mut is_test = vec![false; n_ids];
    for &s in &present[..n_test] {
        if let Some(slot) = is_test.get_mut(s as usize) {
            *slot = true;
        }
    }
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (i, &s) in speakers.of_sample.iter().enumerate() {
        if is_test.get(s as usize).copied().unwrap_or(false) {
            test.push(i);
        } else {
            train.push(i);
        }
    }
    Ok(SplitIndices { train, test })
}

/// Splits `dataset` at random, stratified by class: in each class (in label order), a seeded
/// shuffle puts `round(n_class * test_fraction)` samples in the test part. MNIST-5k with 0.2
/// gives 4000 / 1000 (100 test digits per class).
///
/// # Errors
///
/// [`Error::Core`] with [`stk_core::Error::InvalidParameter`] when `test_fraction` is not in
/// `(0, 1)`; [`Error::EmptyInput`] when the data set has no samples.
pub fn stratified_split(dataset: &Dataset, test_fraction: f64, seed: u64) -> Result<Split> {
    Ok(dataset.split(&stratified_indices(dataset, test_fraction, seed)?))
}

/// Splits `dataset` by speaker: a seeded shuffle of the speakers puts
/// `round(n_speakers * test_fraction)` of them (at least one, and at least one left for
/// training) and all their recordings in the test part.
///
/// # Errors
///
/// As [`stratified_split`], and [`Error::Core`] with [`stk_core::Error::InvalidParameter`]
/// when the data set has fewer than two speakers.
pub fn speaker_split(dataset: &Dataset, test_fraction: f64, seed: u64) -> Result<Split> {
    Ok(dataset.split(&speaker_indices(dataset, test_fraction, seed)?))
}

/// Splits `dataset` at random, ignoring classes and speakers: a seeded shuffle of all samples
/// puts `round(n * test_fraction)` of them in the test part.
///
/// # Errors
///
/// As [`stratified_split`].
pub fn random_split(dataset: &Dataset, test_fraction: f64, seed: u64) -> Result<Split> {
    check_fraction(test_fraction)?;
    check_not_empty(dataset)?;
    let mut rng = ExperimentRng::seed_from_u64(seed);
    let mut all: Vec<usize> = (0..dataset.n_samples()).collect();
    shuffle(&mut all, &mut rng);
    let n_test = n_test_of(all.len(), test_fraction);
    let test = all[..n_test].to_vec();
    let train = all[n_test..].to_vec();
    Ok(dataset.split(&sorted(train, test)))
}

/// An affine map of values onto `[0, 1]` fitted on a training part: `low` goes to 0 and `high`
/// to 1. Values of another part outside `[low, high]` are clamped into `[0, 1]` (and counted),
/// so the test part is scaled exactly as the training part without looking at it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinMaxScaling {
    /// The smallest training value.
    pub low: f32,
    /// The largest training value.
    pub high: f32,
}

impl MinMaxScaling {
    /// Fits the scaling on the pictures of `train`.
    ///
    /// # Errors
    ///
    /// As [`MinMaxScaling::fit_values`].
    pub fn fit(train: &Dataset) -> Result<Self> {
        Self::fit_values(&train.images)
    }

    /// Fits the scaling on raw values.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyInput`] for no values; [`Error::Core`] with
    /// [`stk_core::Error::NonFinite`] for a NaN or infinite value, and with
    /// [`stk_core::Error::InvalidParameter`] when all values are equal (nothing to scale).
    pub fn fit_values(values: &[f32]) -> Result<Self> {
        if values.is_empty() {
            return Err(Error::EmptyInput("cannot fit a scaling on no values"));
        }
        if let Some(index) = values.iter().position(|v| !v.is_finite()) {
            return Err(stk_core::Error::NonFinite { index }.into());
        }
        let (low, high) = values
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        if high <= low {
            return Err(stk_core::Error::InvalidParameter {
                name: "scaling",
                reason: "all training values are equal",
            }
            .into());
        }
        Ok(MinMaxScaling { low, high })
    }

    /// Scales the pictures of `dataset` in place; returns how many values were clamped.
    pub fn apply(&self, dataset: &mut Dataset) -> usize {
        self.apply_values(&mut dataset.images)
    }

    /// Scales values in place; returns how many values were clamped into `[0, 1]`.
    pub fn apply_values(&self, values: &mut [f32]) -> usize {
        let scale = 1.0 / (f64::from(self.high) - f64::from(self.low));
        let mut clamped = 0;
        for v in values.iter_mut() {
            let scaled = ((f64::from(*v) - f64::from(self.low)) * scale) as f32;
            if !(0.0..=1.0).contains(&scaled) {
                clamped += 1;
            }
            *v = scaled.clamp(0.0, 1.0);
        }
        clamped
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Speakers, SplitProtocol};
    use super::*;

    fn toy(n_per_class: &[usize]) -> Dataset {
        let labels: Vec<u32> = n_per_class
            .iter()
            .enumerate()
            .flat_map(|(c, &n)| std::iter::repeat_n(c as u32, n))
            .collect();
        let n = labels.len();
        Dataset {
            name: "toy".to_owned(),
            height: 1,
            width: 1,
            images: (0..n).map(|i| i as f32 / n as f32).collect(),
            labels,
            class_names: (0..n_per_class.len()).map(|c| c.to_string()).collect(),
            speakers: Some(Speakers {
                names: (0..6).map(|s| format!("s{s}")).collect(),
                of_sample: (0..n).map(|i| (i % 6) as u32).collect(),
            }),
            warps: None,
            protocol: SplitProtocol::Stratified { test_fraction: 0.2 },
            rescale_after_split: false,
        }
    }

    #[test]
    fn stratified_split_holds_out_the_fraction_of_each_class() {
        let ds = toy(&[500; 10]);
        let split = stratified_split(&ds, 0.2, 7).unwrap();
        assert_eq!(
            (split.train.n_samples(), split.test.n_samples()),
            (4000, 1000)
        );
        assert_eq!(split.test.class_counts(), vec![100; 10]);
        assert_eq!(split.train.class_counts(), vec![400; 10]);
    }

    #[test]
    fn the_same_seed_gives_the_same_split_and_another_seed_another() {
        let ds = toy(&[30, 30, 30]);
        let a = stratified_indices(&ds, 1.0 / 3.0, 1).unwrap();
        assert_eq!(a, stratified_indices(&ds, 1.0 / 3.0, 1).unwrap());
        assert_ne!(a, stratified_indices(&ds, 1.0 / 3.0, 2).unwrap());
        let mut all: Vec<usize> = a.train.iter().chain(&a.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..90).collect::<Vec<_>>());
    }

    #[test]
    fn speaker_split_keeps_speakers_apart() {
        let ds = toy(&[60, 60]);
        let split = speaker_indices(&ds, 1.0 / 3.0, 5).unwrap();
        let speakers = ds.speakers.as_ref().unwrap();
        let of = |idx: &[usize]| -> Vec<u32> {
            let mut s: Vec<u32> = idx.iter().map(|&i| speakers.of_sample[i]).collect();
            s.sort_unstable();
            s.dedup();
            s
        };
        let (train, test) = (of(&split.train), of(&split.test));
        assert_eq!((train.len(), test.len()), (4, 2));
        assert!(train.iter().all(|s| !test.contains(s)));
        assert_eq!(split.test.len(), 40);
    }

    #[test]
    fn bad_fractions_empty_data_and_missing_speakers_are_errors() {
        let ds = toy(&[5, 5]);
        for bad in [0.0, 1.0, -0.5, f64::NAN] {
            assert!(stratified_split(&ds, bad, 0).is_err(), "{bad}");
        }
        let empty = toy(&[]);
        assert!(matches!(
            random_split(&empty, 0.5, 0),
            Err(Error::EmptyInput(_))
        ));
        let mut silent = toy(&[5]);
        silent.speakers = None;
        assert!(speaker_split(&silent, 0.5, 0).is_err());
    }

    #[test]
    fn random_split_takes_the_rounded_fraction() {
        let split = random_split(&toy(&[7, 3]), 0.25, 9).unwrap();
        assert_eq!((split.train.n_samples(), split.test.n_samples()), (7, 3));
    }

    #[test]
    fn scaling_fitted_on_training_values_clamps_the_rest() {
        let scaling = MinMaxScaling::fit_values(&[-60.0, -20.0, -40.0]).unwrap();
        let mut values = [-60.0, -20.0, -40.0, -80.0, 0.0];
        assert_eq!(scaling.apply_values(&mut values), 2);
        assert_eq!(values, [0.0, 1.0, 0.5, 0.0, 1.0]);
        assert!(MinMaxScaling::fit_values(&[3.0, 3.0]).is_err());
        assert!(MinMaxScaling::fit_values(&[]).is_err());
        assert!(MinMaxScaling::fit_values(&[f32::NAN]).is_err());
    }
}
