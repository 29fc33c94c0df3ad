//! Data sets: one in-memory type, the loaders of the paper's data, splits and the embedded
//! default.
//!
//! Every loader returns a [`Dataset`]: `n` pictures of `height x width` `f32` values in
//! `[0, 1]`, stored row-major one after another, with a `u32` label per picture counted from 0,
//! the classes' names, optional per-sample metadata (the speaker of a recording, the warp a
//! synthetic sample was made with) and the train/test protocol the paper uses for that data
//! (PAPER.md section 4), which [`Dataset::paper_split`] applies.
//!
//! | format | what [`load`] reads | loader |
//! |---|---|---|
//! | [`Format::Idx`] | MNIST / E-MNIST IDX files (gzipped or not) found by their standard names | [`load_idx`] |
//! | [`Format::Npy`] | an images `.npy` (u8, f32, f64; C or Fortran order) and a labels `.npy` | [`load_npy`] |
//! | [`Format::Csv`] | one image per row with a label column | [`load_csv`] |
//! | [`Format::Csv`] (a folder) | the Arabic characters' images and labels files | [`load_arabic`] |
//! | [`Format::Images`] | one sub-folder of PNG / JPEG files per class | [`load_image_folder`] |
//! | [`Format::Audio`] | AudioMNIST or Free Spoken Digit Dataset WAV files, as spectrograms | [`load_audio`] |
//!
//! [`embedded_mnist_5k`] needs no file, and [`generate_synthetic`] makes Rigid and Non-rigid
//! MNIST from it.
//!
//! With no format given, [`detect_format`] picks one from the path (see its docs).
//!
//! # Conventions
//!
//! - Pixel values are grey levels in `[0, 1]`, 0 the background. Integer sources are divided by
//!   255; floating-point sources already in `[0, 1]` are kept, and those in `[0, 255]` are
//!   divided by 255 (and the loader logs it); anything else is an error.
//! - Labels are dense, from 0 to `class_names.len() - 1`. A source whose labels start at 1 (the
//!   Arabic characters, E-MNIST letters) is shifted down by one; any other set of label values
//!   is mapped to 0, 1, ... in increasing order, and the original values become the class names.
//! - A picture is row-major: pixel `(y, x)` of image `i` is `images[i * h * w + y * w + x]`.
//!
//! # Limitations
//!
//! Every loader reads the whole data set into memory as `f32` (MNIST: 220 MB; AudioMNIST's
//! pictures: 184 MB, its recordings are read one at a time).

mod audio;
mod csv;
mod detect;
mod embedded;
mod file;
mod idx;
mod image_folder;
mod npy;
mod split;
mod synthetic;

use std::path::Path;

use crate::{Error, Result};

pub use audio::{
    FramingConfig, N_BANDS, N_FRAMES, SpectrogramConfig, frame_count, load_audio, read_wav_mono,
    spectrogram,
};
pub use csv::{load_arabic, load_csv};
pub use detect::detect_format;
pub use embedded::{EMBEDDED_MNIST_5K_SHA256, embedded_mnist_5k};
pub use idx::{IdxImages, load_idx, parse_idx_images, parse_idx_labels};
pub use image_folder::load_image_folder;
pub use npy::{load_npy, save_npy, write_npy_f32, write_npy_u32};
pub use split::{
    ExperimentRng, MinMaxScaling, Split, SplitIndices, random_split, speaker_split,
    stratified_split,
};
pub use synthetic::{
    SyntheticConfig, SyntheticKind, WarpRecord, generate_synthetic, write_synthetic,
};

/// A labelled set of equally sized pictures with values in `[0, 1]`.
///
/// The fields are public so that experiments can read them without copies; code that builds a
/// data set by hand should call [`Dataset::validate`] afterwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// A short name for tables and logs (`"mnist-5k"`, `"fsdd"`, ...).
    pub name: String,
    /// Picture height in pixels (rows; frequency bands for a spectrogram).
    pub height: usize,
    /// Picture width in pixels (columns; time frames for a spectrogram).
    pub width: usize,
    /// `n * height * width` values in `[0, 1]`, row-major, one picture after another.
    pub images: Vec<f32>,
    /// The ground-truth class of each picture, from 0 to `class_names.len() - 1`.
    pub labels: Vec<u32>,
    /// The name of each class, indexed by label.
    pub class_names: Vec<String>,
    /// The speaker of each recording, for audio data sets.
    pub speakers: Option<Speakers>,
    /// The warp each sample was made with, for the synthetic data sets.
    pub warps: Option<Vec<WarpRecord>>,
    /// How the paper splits this data set into training and test parts.
    pub protocol: SplitProtocol,
    /// Whether values must be rescaled with statistics of the training split once it is known
    /// (spectrograms: see [`MinMaxScaling`]); [`Dataset::paper_split`] does it.
    pub rescale_after_split: bool,
}

/// The speakers of an audio data set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speakers {
    /// The speakers' names (`"jackson"`, `"01"`), sorted, indexed by speaker id.
    pub names: Vec<String>,
    /// The speaker id of each sample.
    pub of_sample: Vec<u32>,
}

/// How a data set is divided into training and test parts (PAPER.md section 4).
#[derive(Debug, Clone, PartialEq)]
pub enum SplitProtocol {
    /// The files define the parts (MNIST's `train-*` and `t10k-*`, a `train/` and a `test/`
    /// folder); these are the indices of each part.
    Predefined(SplitIndices),
    /// A seeded split stratified by class, with this fraction of each class held out.
    Stratified {
        /// The fraction of each class in the test part, in `(0, 1)`.
        test_fraction: f64,
    },
    /// A seeded split by speaker: this fraction of the speakers (rounded) is held out, so no
    /// speaker is in both parts.
    BySpeaker {
        /// The fraction of speakers in the test part, in `(0, 1)`.
        test_fraction: f64,
    },
}

/// The formats [`load`] can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// MNIST / E-MNIST IDX files.
    Idx,
    /// NumPy `.npy` files.
    Npy,
    /// CSV files: one image per row, or the Arabic characters' images and labels files.
    Csv,
    /// A folder of PNG / JPEG images, one sub-folder per class.
    Images,
    /// A folder of WAV recordings, turned into spectrograms.
    Audio,
}

impl Format {
    /// Returns the name used on the command line (`idx`, `npy`, `csv`, `images`, `audio`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::Idx => "idx",
            Format::Npy => "npy",
            Format::Csv => "csv",
            Format::Images => "images",
            Format::Audio => "audio",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "idx" => Ok(Format::Idx),
            "npy" => Ok(Format::Npy),
            "csv" => Ok(Format::Csv),
            "images" | "image" => Ok(Format::Images),
            "audio" | "wav" => Ok(Format::Audio),
            other => Err(format!(
                "unknown format {other:?} (expected idx, npy, csv, images or audio)"
            )),
        }
    }
}

/// Options for [`load_with`]; the defaults detect everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// The format; `None` detects it with [`detect_format`].
    pub format: Option<Format>,
    /// The picture size `(height, width)`: required by `.npy` and CSV data whose pictures are
    /// flat and not square, and by image folders whose images differ in size (they are resized
    /// to it). `None` infers a square from the pixel count, or keeps the images' common size.
    pub image_size: Option<(usize, usize)>,
    /// The name of the CSV label column; `None` takes a column named `label` (any case) if the
    /// file has a header, otherwise the last column.
    pub label_column: Option<String>,
}

/// Loads the data set at `path`, detecting its format when `format` is `None`.
///
/// # Errors
///
/// Whatever the loader of the format returns: [`Error::Io`] for unreadable files,
/// [`Error::Format`] (naming the file) for malformed or inconsistent contents, and
/// [`Error::ShapeMismatch`] when image and label counts disagree.
pub fn load(path: &Path, format: Option<Format>) -> Result<Dataset> {
    load_with(
        path,
        &LoadOptions {
            format,
            ..LoadOptions::default()
        },
    )
}

/// Loads the data set at `path` with explicit options. A CSV folder is the Arabic
/// characters' pair of files, unless it holds a single CSV file beside notes (`.md`, `.txt`,
/// `.json`), which is read as that file.
///
/// # Errors
///
/// As [`load`].
pub fn load_with(path: &Path, options: &LoadOptions) -> Result<Dataset> {
    let format = match options.format {
        Some(format) => format,
        None => detect_format(path)?,
    };
    log::info!("{}: reading as {}", path.display(), format.name());
    let dataset = match format {
        Format::Idx => load_idx(path)?,
        Format::Npy => load_npy(path, options.image_size)?,
        Format::Csv => {
            // A folder is the Arabic characters' pair of files, unless it holds one CSV file
            // (beside notes), which is then read as any CSV file.
            let single = if path.is_dir() {
                detect::single_csv_file(path)?
            } else {
                Some(path.to_path_buf())
            };
            match single {
                Some(file) => load_csv(&file, options.label_column.as_deref(), options.image_size)?,
                None => load_arabic(path)?,
            }
        }
        Format::Images => load_image_folder(path, options.image_size)?,
        Format::Audio => load_audio(path, &SpectrogramConfig::default())?,
    };
    dataset.validate()?;
    Ok(dataset)
}

impl Dataset {
    /// Returns the number of pictures.
    #[must_use]
    pub fn n_samples(&self) -> usize {
        self.labels.len()
    }

    /// Returns the number of values in one picture, `height * width`.
    #[must_use]
    pub fn n_pixels(&self) -> usize {
        self.height * self.width
    }

    /// Returns the number of classes.
    #[must_use]
    pub fn n_classes(&self) -> usize {
        self.class_names.len()
    }

    /// Returns picture `i`, `height * width` values, row-major.
    ///
    /// # Panics
    ///
    /// Panics if `i >= self.n_samples()`.
    #[must_use]
    #[track_caller]
    pub fn image(&self, i: usize) -> &[f32] {
        let n = self.n_pixels();
        assert!(i < self.n_samples(), "image index {i} out of range");
        &self.images[i * n..(i + 1) * n]
    }

    /// Returns the number of pictures of each class, indexed by label.
    #[must_use]
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.n_classes()];
        for &label in &self.labels {
            if let Some(count) = counts.get_mut(label as usize) {
                *count += 1;
            }
        }
        counts
    }

    /// Returns the smallest and largest value over all pictures (`(0, 0)` when empty).
    #[must_use]
    pub fn value_range(&self) -> (f32, f32) {
        if self.images.is_empty() {
            return (0.0, 0.0);
        }
        self.images
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            })
    }

    /// Returns a new data set of the samples at `idx`, in that order, with their metadata.
    ///
    /// The class names are kept whole (a class may have no sample in the subset). A
    /// [`SplitProtocol::Predefined`] protocol no longer applies to the subset and becomes a
    /// stratified one with the same test fraction.
    ///
    /// # Panics
    ///
    /// Panics if an index is out of range.
    #[must_use]
    #[track_caller]
    pub fn subset(&self, idx: &[usize]) -> Dataset {
        let n = self.n_pixels();
        let mut images = Vec::with_capacity(idx.len() * n);
        for &i in idx {
            images.extend_from_slice(self.image(i));
        }
        let protocol = match &self.protocol {
            SplitProtocol::Predefined(parts) => {
                let total = parts.train.len() + parts.test.len();
                SplitProtocol::Stratified {
                    test_fraction: parts.test.len() as f64 / total.max(1) as f64,
                }
            }
            other => other.clone(),
        };
        Dataset {
            name: self.name.clone(),
            height: self.height,
            width: self.width,
            images,
            labels: idx.iter().map(|&i| self.labels[i]).collect(),
            class_names: self.class_names.clone(),
            speakers: self.speakers.as_ref().map(|s| Speakers {
                names: s.names.clone(),
                of_sample: idx.iter().map(|&i| s.of_sample[i]).collect(),
            }),
            warps: self
                .warps
                .as_ref()
                .map(|w| idx.iter().map(|&i| w[i].clone()).collect()),
            protocol,
            rescale_after_split: self.rescale_after_split,
        }
    }

    /// Splits the data set as the paper does (its [`protocol`](Dataset::protocol)), seeding the
    /// random parts with `seed`, and rescales both parts with training statistics when
    /// [`rescale_after_split`](Dataset::rescale_after_split) is set.
    ///
    /// # Errors
    ///
    /// As [`stratified_split`] and [`speaker_split`], and as [`MinMaxScaling::fit`] when the
    /// training part must be rescaled and all its values are equal.
    pub fn paper_split(&self, seed: u64) -> Result<Split> {
        let indices = self.paper_split_indices(seed)?;
        let mut split = self.split(&indices);
        if self.rescale_after_split {
            let scaling = MinMaxScaling::fit(&split.train)?;
            let clamped_train = scaling.apply(&mut split.train);
            let clamped_test = scaling.apply(&mut split.test);
            log::info!(
                "{}: rescaled with training statistics [{:.4}, {:.4}]; {} training and {} test \
                 values fell outside and were clamped to [0, 1]",
                self.name,
                scaling.low,
                scaling.high,
                clamped_train,
                clamped_test
            );
        }
        Ok(split)
    }

    /// Returns the indices of the paper's split, without building the parts.
    ///
    /// # Errors
    ///
    /// As [`Dataset::paper_split`].
    pub fn paper_split_indices(&self, seed: u64) -> Result<SplitIndices> {
        match &self.protocol {
            SplitProtocol::Predefined(parts) => Ok(parts.clone()),
            SplitProtocol::Stratified { test_fraction } => {
                split::stratified_indices(self, *test_fraction, seed)
            }
            SplitProtocol::BySpeaker { test_fraction } => {
                split::speaker_indices(self, *test_fraction, seed)
            }
        }
    }

    /// Builds the two parts named by `indices`.
    ///
    /// # Panics
    ///
    /// Panics if an index is out of range.
    #[must_use]
    #[track_caller]
    pub fn split(&self, indices: &SplitIndices) -> Split {
        Split {
            train: self.subset(&indices.train),
            test: self.subset(&indices.test),
        }
    }

    /// Checks the invariants every loader guarantees: consistent lengths, finite values in
    /// `[0, 1]`, labels below the number of classes, metadata of the right length.
    ///
    /// # Errors
    ///
    /// [`Error::ShapeMismatch`] for inconsistent lengths, [`Error::Core`] with
    /// [`stk_core::Error::NonFinite`] for a NaN or infinite value, [`Error::Core`] with
    /// [`stk_core::Error::InvalidParameter`] for a value outside `[0, 1]`, a label out of range
    /// or an empty picture size.
    pub fn validate(&self) -> Result<()> {
        if self.height == 0 || self.width == 0 {
            return Err(invalid("image size", "height and width must be positive"));
        }
        let n = self.n_samples();
        let expected = n.checked_mul(self.n_pixels());
        if expected != Some(self.images.len()) {
            return Err(Error::ShapeMismatch {
                expected: format!("{n} images of {} x {}", self.height, self.width),
                found: format!("{} values", self.images.len()),
            });
        }
        if let Some(index) = self.images.iter().position(|v| !v.is_finite()) {
            return Err(stk_core::Error::NonFinite { index }.into());
        }
        if let Some(index) = self.images.iter().position(|v| !(0.0..=1.0).contains(v)) {
            log::error!(
                "value {} at index {index} is outside [0, 1]",
                self.images[index]
            );
            return Err(invalid("images", "values must lie in [0, 1]"));
        }
        if let Some(&label) = self
            .labels
            .iter()
            .find(|&&l| l as usize >= self.n_classes())
        {
            log::error!("label {label} with {} classes", self.n_classes());
            return Err(invalid(
                "labels",
                "a label is not below the number of classes",
            ));
        }
        if let Some(speakers) = &self.speakers {
            if speakers.of_sample.len() != n {
                return Err(Error::ShapeMismatch {
                    expected: format!("{n} speaker ids"),
                    found: format!("{}", speakers.of_sample.len()),
                });
            }
            if speakers
                .of_sample
                .iter()
                .any(|&s| s as usize >= speakers.names.len())
            {
                return Err(invalid(
                    "speakers",
                    "a speaker id is not below the number of speakers",
                ));
            }
        }
        if let Some(warps) = &self.warps
            && warps.len() != n
        {
            return Err(Error::ShapeMismatch {
                expected: format!("{n} warp records"),
                found: format!("{}", warps.len()),
            });
        }
        if let SplitProtocol::Predefined(parts) = &self.protocol
            && parts.train.iter().chain(&parts.test).any(|&i| i >= n)
        {
            return Err(invalid(
                "split",
                "an index of the predefined split is out of range",
            ));
        }
        Ok(())
    }
}

/// Builds an invalid-parameter error of the core type.
fn invalid(name: &'static str, reason: &'static str) -> Error {
    stk_core::Error::InvalidParameter { name, reason }.into()
}

/// Dense labels from arbitrary integer label values: the distinct values are numbered 0, 1, ...
/// in increasing order (so labels `1..=k` become `0..k`) and named by their original value.
fn dense_labels(raw: &[i64]) -> (Vec<u32>, Vec<String>) {
    let mut values: Vec<i64> = raw.to_vec();
    values.sort_unstable();
    values.dedup();
    let names = values.iter().map(|v| v.to_string()).collect();
    let labels = raw
        .iter()
        .map(|v| values.binary_search(v).unwrap_or(0) as u32)
        .collect();
    (labels, names)
}

/// Converts values to `[0, 1]`: kept when already there, divided by 255 when within
/// `[0, 255]`; `path` names the source in the log and in errors.
fn to_unit_range(values: &mut [f32], path: &Path) -> Result<()> {
    if let Some(index) = values.iter().position(|v| !v.is_finite()) {
        return Err(Error::Format {
            path: path.to_path_buf(),
            message: format!("non-finite value at flat index {index}"),
        });
    }
    let (lo, hi) = values
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if values.is_empty() || (lo >= 0.0 && hi <= 1.0) {
        return Ok(());
    }
    if lo >= 0.0 && hi <= 255.0 {
        log::info!(
            "{}: values lie in [{lo}, {hi}]; dividing by 255",
            path.display()
        );
        values.iter_mut().for_each(|v| *v /= 255.0);
        return Ok(());
    }
    Err(Error::Format {
        path: path.to_path_buf(),
        message: format!(
            "pixel values lie in [{lo}, {hi}], neither within [0, 1] nor within [0, 255]"
        ),
    })
}

/// Returns the side of a square picture of `n_pixels` values, if it is a perfect square.
fn square_side(n_pixels: usize) -> Option<usize> {
    let side = (n_pixels as f64).sqrt().round() as usize;
    (side * side == n_pixels && side > 0).then_some(side)
}

/// Resolves the picture size of flat data with `n_pixels` values per picture.
fn resolve_image_size(
    n_pixels: usize,
    requested: Option<(usize, usize)>,
    path: &Path,
) -> Result<(usize, usize)> {
    match requested {
        Some((h, w)) if h.checked_mul(w) == Some(n_pixels) => Ok((h, w)),
        Some((h, w)) => Err(Error::ShapeMismatch {
            expected: format!("{h} x {w} = {} values per image", h.saturating_mul(w)),
            found: format!("{n_pixels} in {}", path.display()),
        }),
        None => square_side(n_pixels)
            .map(|s| (s, s))
            .ok_or_else(|| Error::Format {
                path: path.to_path_buf(),
                message: format!(
                    "{n_pixels} values per image is not a square; give the image size"
                ),
            }),
    }
}
