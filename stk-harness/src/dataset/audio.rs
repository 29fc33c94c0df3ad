//! Recordings of spoken digits as time-frequency pictures.
//!
//! AudioMNIST (48 kHz, `data/<speaker>/<digit>_<speaker>_<index>.wav`) and the Free Spoken Digit
//! Dataset (8 kHz, `recordings/<digit>_<speaker>_<index>.wav`) are both read into 64 x 24
//! pictures whose axes are defined in seconds and hertz, so that both sample rates give
//! comparable pictures. The choices, in processing order ([`SpectrogramConfig`] holds the
//! numbers):
//!
//! 1. **Samples**: PCM integers are divided by 2^(bits - 1) into `[-1, 1)`; IEEE float samples
//!    are kept. Channels are averaged to mono.
//! 2. **Duration**: the signal is cut or padded with zeros **at the end** to exactly one second
//!    (`L = sample_rate` samples). Both corpora are trimmed to start at the utterance, so
//!    onsets stay aligned; a longer recording loses its tail (FSDD has a few up to 2.3 s).
//! 3. **Frames**: 24 frames over that second, with hop `h = ⌊L / 25⌋` and window `2 h`
//!    (40 ms hop, 80 ms window at any rate), no centring and no partial frames (see
//!    [`frame_count`]): `1 + ⌊(L - 2h) / h⌋ = 24`. Each frame is multiplied by a periodic Hann
//!    window.
//! 4. **Spectrum**: a real FFT of the window's length (640 points at 8 kHz, 3840 at 48 kHz),
//!    so bins are `sample_rate / 2h ≈ 12.5 Hz` apart at every rate. Power is `|X_k|²` divided
//!    by the squared sum of the window, which makes it independent of the window's length.
//! 5. **Bands**: 64 equal bands of 62.5 Hz covering 0 to 4 kHz, the range both corpora share
//!    (4 kHz is FSDD's Nyquist frequency); a band's value is the mean power of the bins whose
//!    frequency lies in `[low, high)`, five bins each at 12.5 Hz spacing.
//! 6. **Log**: `10 log10(max(power, 1e-10))`, decibels with a floor at -100 dB, so silence
//!    (and the zero padding) never takes a logarithm of 0. The floor sits at the level of
//!    16-bit quantisation noise (`(2⁻¹⁵)² / 12 ≈ 8e-11`), so it hides no recorded sound.
//! 7. **Picture**: row 0 is the highest band (as a spectrogram is drawn), column `t` is frame
//!    `t`.
//! 8. **Scaling to `[0, 1]`**: [`load_audio`] first maps the whole set's minimum and maximum to
//!    0 and 1 (so the [`Dataset`] invariant holds), and marks the data set
//!    [`rescale_after_split`](Dataset::rescale_after_split): [`Dataset::paper_split`] then
//!    refits the scaling on the training part only ([`MinMaxScaling`]) and applies it to both
//!    parts. The scaling is affine, so refitting on the provisional values is the same as
//!    fitting on the decibels.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use realfft::{RealFftPlanner, RealToComplex};

use super::file::{file_name, format_error, io_error, sorted_entries};
use super::split::MinMaxScaling;
use super::{Dataset, Speakers, SplitProtocol};
use crate::{Error, Result};

/// Number of frequency bands (picture rows) of the paper's audio pictures.
pub const N_BANDS: usize = 64;
/// Number of time frames (picture columns) of the paper's audio pictures.
pub const N_FRAMES: usize = 24;

/// Window and hop of a short-time Fourier transform, in samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FramingConfig {
    /// Samples per frame.
    pub window: usize,
    /// Samples between the starts of successive frames.
    pub hop: usize,
}

/// Returns the number of whole frames of `framing.window` samples, `framing.hop` apart,
/// in `n_samples` samples, starting at sample 0 (no centring).
///
/// ```text
/// frames = 1 + ⌊(n_samples - window) / hop⌋   when n_samples ≥ window
///        = 0                                  otherwise
/// ```
///
/// A trailing partial frame is dropped, not zero-padded: with window 256 and hop 128, 1024
/// samples give 7 frames and 1000 give 6. A window or hop of 0 gives 0 frames.
///
/// # Examples
///
/// ```
/// use stk_harness::dataset::{FramingConfig, frame_count};
/// let framing = FramingConfig { window: 256, hop: 128 };
/// assert_eq!(frame_count(1024, framing), 7);
/// assert_eq!(frame_count(1000, framing), 6);
/// assert_eq!(frame_count(100, framing), 0);
/// ```
#[must_use]
pub fn frame_count(n_samples: usize, framing: FramingConfig) -> usize {
    if framing.window == 0 || framing.hop == 0 {
        return 0;
    }
    match n_samples.checked_sub(framing.window) {
        Some(rest) => 1 + rest / framing.hop,
        None => 0,
    }
}

/// How recordings become pictures; the defaults are the paper's 64 x 24 (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct SpectrogramConfig {
    /// Number of frequency bands, the picture's height. Default [`N_BANDS`] (64).
    pub n_bands: usize,
    /// Number of frames, the picture's width. Default [`N_FRAMES`] (24).
    pub n_frames: usize,
    /// Upper edge of the highest band in Hz; the bands cover `[0, max_frequency_hz)`.
    /// Default 4000 Hz. Recordings must be sampled at twice this rate or more.
    pub max_frequency_hz: f64,
    /// Length every recording is cut or padded to, in seconds. Default 1 s.
    pub duration_s: f64,
    /// Smallest power before the logarithm. Default `1e-10` (-100 dB).
    pub power_floor: f64,
}

impl Default for SpectrogramConfig {
    fn default() -> Self {
        SpectrogramConfig {
            n_bands: N_BANDS,
            n_frames: N_FRAMES,
            max_frequency_hz: 4000.0,
            duration_s: 1.0,
            power_floor: 1e-10,
        }
    }
}

impl SpectrogramConfig {
    /// Returns the framing used at `sample_rate`: hop `⌊L / (n_frames + 1)⌋`, window twice
    /// the hop, with `L` the samples in [`duration_s`](Self::duration_s).
    #[must_use]
    pub fn framing(&self, sample_rate: u32) -> FramingConfig {
        let hop = self.n_samples(sample_rate) / (self.n_frames + 1);
        FramingConfig {
            window: 2 * hop,
            hop,
        }
    }

    /// Returns the number of samples every recording is cut or padded to.
    #[must_use]
    pub fn n_samples(&self, sample_rate: u32) -> usize {
        (self.duration_s * f64::from(sample_rate)).round() as usize
    }

    /// Checks the configuration against a sample rate.
    fn check(&self, sample_rate: u32) -> Result<()> {
        let invalid = |name, reason| Err(stk_core::Error::InvalidParameter { name, reason }.into());
        if self.n_bands == 0 || self.n_frames == 0 {
            return invalid("spectrogram size", "bands and frames must be positive");
        }
        if !(self.max_frequency_hz > 0.0 && self.duration_s > 0.0 && self.power_floor > 0.0) {
            return invalid(
                "spectrogram config",
                "frequency, duration and floor must be positive",
            );
        }
        if f64::from(sample_rate) < 2.0 * self.max_frequency_hz {
            return invalid(
                "sample rate",
                "below twice the highest band frequency: the bands would lie above Nyquist",
            );
        }
        let framing = self.framing(sample_rate);
        if framing.hop == 0 {
            return invalid("sample rate", "too low for this many frames per recording");
        }
        let bin_hz = f64::from(sample_rate) / framing.window as f64;
        if bin_hz > self.max_frequency_hz / self.n_bands as f64 {
            return invalid("spectrogram config", "bands narrower than the FFT's bins");
        }
        Ok(())
    }
}

/// Returns the log-power picture of one recording: `n_bands x n_frames` values in decibels,
/// row-major, row 0 the highest band (see the module docs for every step).
///
/// # Errors
///
/// [`Error::Core`] with [`stk_core::Error::InvalidParameter`] when `config` is invalid or the
/// sample rate is below twice [`SpectrogramConfig::max_frequency_hz`];
/// [`Error::Core`] with [`stk_core::Error::NonFinite`] for a NaN or infinite sample.
pub fn spectrogram(
    samples: &[f32],
    sample_rate: u32,
    config: &SpectrogramConfig,
) -> Result<Vec<f32>> {
    let mut planner = RealFftPlanner::<f64>::new();
    let fft = planner.plan_fft_forward(config.framing(sample_rate).window.max(1));
    spectrogram_with(samples, sample_rate, config, &fft)
}

/// [`spectrogram`] with a planned FFT, so that many recordings share one plan.
fn spectrogram_with(
    samples: &[f32],
    sample_rate: u32,
    config: &SpectrogramConfig,
    fft: &Arc<dyn RealToComplex<f64>>,
) -> Result<Vec<f32>> {
    config.check(sample_rate)?;
    if let Some(index) = samples.iter().position(|s| !s.is_finite()) {
        return Err(stk_core::Error::NonFinite { index }.into());
    }
    let framing = config.framing(sample_rate);
    if fft.len() != framing.window {
        return Err(Error::ShapeMismatch {
            expected: format!("an FFT of {} points", framing.window),
            found: format!("{}", fft.len()),
        });
    }

    // Cut or pad to the fixed duration.
    let n = config.n_samples(sample_rate);
    let mut signal: Vec<f64> = samples.iter().take(n).map(|&s| f64::from(s)).collect();
    signal.resize(n, 0.0);
    debug_assert!(frame_count(n, framing) >= config.n_frames);

    // Periodic Hann window and its normalisation.
    let window: Vec<f64> = (0..framing.window)
        .map(|i| {
            let phase = 2.0 * std::f64::consts::PI * i as f64 / framing.window as f64;
            0.5 - 0.5 * phase.cos()
        })
        .collect();
    let window_sum: f64 = window.iter().sum();
    let norm = 1.0 / (window_sum * window_sum);

    // Which band each FFT bin falls in.
    let bin_hz = f64::from(sample_rate) / framing.window as f64;
    let band_hz = config.max_frequency_hz / config.n_bands as f64;
    let n_bins = framing.window / 2 + 1;
    let band_of_bin: Vec<Option<usize>> = (0..n_bins)
        .map(|k| {
            let band = (k as f64 * bin_hz / band_hz).floor() as usize;
            (band < config.n_bands).then_some(band)
        })
        .collect();
    let mut bins_per_band = vec![0usize; config.n_bands];
    for band in band_of_bin.iter().flatten() {
        bins_per_band[*band] += 1;
    }

    // Frames → power → bands → decibels.
    let mut input = fft.make_input_vec();
    let mut output = fft.make_output_vec();
    let mut scratch = fft.make_scratch_vec();
    let mut picture = vec![0.0f32; config.n_bands * config.n_frames];
    let mut band_power = vec![0.0f64; config.n_bands];
    for frame in 0..config.n_frames {
        let start = frame * framing.hop;
        for (slot, (s, w)) in input
            .iter_mut()
            .zip(signal[start..start + framing.window].iter().zip(&window))
        {
            *slot = s * w;
        }
        fft.process_with_scratch(&mut input, &mut output, &mut scratch)
            .map_err(|e| Error::ShapeMismatch {
                expected: "FFT buffers of the planned length".to_owned(),
                found: e.to_string(),
            })?;
        band_power.iter_mut().for_each(|p| *p = 0.0);
        for (k, value) in output.iter().enumerate() {
            if let Some(band) = band_of_bin[k] {
                band_power[band] += value.norm_sqr() * norm;
            }
        }
        for (band, power) in band_power.iter().enumerate() {
            let mean = power / bins_per_band[band].max(1) as f64;
            let decibels = 10.0 * mean.max(config.power_floor).log10();
            let row = config.n_bands - 1 - band;
            picture[row * config.n_frames + frame] = decibels as f32;
        }
    }
    Ok(picture)
}

/// Reads a WAV file as mono samples in `[-1, 1]`, with its sample rate.
///
/// PCM integer samples of any width are divided by 2^(bits - 1); IEEE float samples are kept.
/// Several channels are averaged.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be opened; [`Error::Format`] naming the file when it is
/// not a WAV file, is truncated, or stores samples in an encoding other than PCM or IEEE float
/// (for example A-law, mu-law or ADPCM).
pub fn read_wav_mono(path: &Path) -> Result<(u32, Vec<f32>)> {
    let wav_error = |e: hound::Error| match e {
        hound::Error::IoError(source) if source.kind() == std::io::ErrorKind::NotFound => {
            io_error(path, source)
        }
        hound::Error::IoError(source) => {
            format_error(path, format!("truncated or unreadable WAV: {source}"))
        }
        hound::Error::Unsupported => format_error(
            path,
            "unsupported WAV encoding: not PCM (only PCM integer and IEEE float samples are read)",
        ),
        other => format_error(path, format!("malformed WAV: {other}")),
    };
    let mut reader = hound::WavReader::open(path).map_err(wav_error)?;
    let spec = reader.spec();
    if spec.channels == 0 {
        return Err(format_error(path, "WAV header declares 0 channels"));
    }
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Int => {
            let scale = 1.0 / f64::from(1u32 << (spec.bits_per_sample.clamp(1, 32) - 1));
            reader
                .samples::<i32>()
                .map(|s| s.map(|v| (f64::from(v) * scale) as f32))
                .collect::<std::result::Result<_, _>>()
                .map_err(wav_error)?
        }
        hound::SampleFormat::Float => reader
            .samples::<f32>()
            .collect::<std::result::Result<_, _>>()
            .map_err(wav_error)?,
    };
    let channels = usize::from(spec.channels);
    let mono = if channels == 1 {
        interleaved
    } else {
        interleaved
            .chunks_exact(channels)
            .map(|frame| frame.iter().sum::<f32>() / channels as f32)
            .collect()
    };
    Ok((spec.sample_rate, mono))
}

/// A recording found in a folder, with what its name says.
#[derive(Debug, Clone)]
struct Recording {
    path: PathBuf,
    digit: u32,
    speaker: String,
}

/// Loads spoken digits as spectrograms (see the module docs).
///
/// `dir` is an AudioMNIST folder (`data/<speaker>/<digit>_<speaker>_<index>.wav`, or the
/// `data` folder itself), a Free Spoken Digit Dataset folder
/// (`recordings/<digit>_<speaker>_<index>.wav`, or `recordings` itself), or any folder of such
/// files up to two levels down. The digit is the name's first `_` field, the speaker its
/// second; the sample rate comes from each file's header. Non-WAV files (AudioMNIST's
/// `audioMNIST_meta.txt`) are ignored.
///
/// The split protocol is by speaker with a third of the speakers held out (AudioMNIST: 40 / 20
/// speakers, the paper's 20000 / 10000; FSDD: 4 / 2); [`random_split`](super::random_split)
/// gives the paper's other, random split. Pictures are rescaled with training statistics
/// after the split.
///
/// # Errors
///
/// [`Error::Format`] naming the folder when it holds no WAV files, or naming a file whose name
/// does not follow `<digit>_<speaker>_<index>.wav` or whose contents are not a readable PCM
/// WAV (see [`read_wav_mono`]); the errors of [`spectrogram`].
pub fn load_audio(dir: &Path, config: &SpectrogramConfig) -> Result<Dataset> {
    let root = [dir.join("data"), dir.join("recordings")]
        .into_iter()
        .find(|p| p.is_dir())
        .unwrap_or_else(|| dir.to_path_buf());
    let mut paths = Vec::new();
    collect_wavs(&root, 2, &mut paths)?;
    if paths.is_empty() {
        return Err(format_error(dir, "no .wav files found"));
    }
    let recordings: Vec<Recording> = paths.iter().map(|p| parse_name(p)).collect::<Result<_>>()?;

    // Spectrograms, in parallel; one FFT plan per window length, shared by the threads.
    let plans = std::sync::Mutex::new((
        RealFftPlanner::<f64>::new(),
        std::collections::BTreeMap::new(),
    ));
    let plan_for = |rate: u32| -> Arc<dyn RealToComplex<f64>> {
        let window = config.framing(rate).window.max(1);
        let mut guard = plans
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (planner, cache) = &mut *guard;
        cache
            .entry(window)
            .or_insert_with(|| planner.plan_fft_forward(window))
            .clone()
    };
    let pictures: Vec<Vec<f32>> = recordings
        .par_iter()
        .map(|r| {
            let (rate, samples) = read_wav_mono(&r.path)?;
            let fft = plan_for(rate);
            spectrogram_with(&samples, rate, config, &fft).map_err(|e| match e {
                Error::Core(core) => format_error(&r.path, core.to_string()),
                other => other,
            })
        })
        .collect::<Result<_>>()?;
    let mut images: Vec<f32> = pictures.into_iter().flatten().collect();

    // Provisional scaling of the whole set; refitted on the training part after the split.
    let scaling = MinMaxScaling::fit_values(&images)?;
    scaling.apply_values(&mut images);
    log::info!(
        "{}: {} recordings as {} x {} spectrograms, {:.1} to {:.1} dB before scaling",
        dir.display(),
        recordings.len(),
        config.n_bands,
        config.n_frames,
        scaling.low,
        scaling.high
    );

    let mut speaker_names: Vec<String> = recordings.iter().map(|r| r.speaker.clone()).collect();
    speaker_names.sort();
    speaker_names.dedup();
    let of_sample = recordings
        .iter()
        .map(|r| speaker_names.binary_search(&r.speaker).unwrap_or(0) as u32)
        .collect();
    let n_classes = recordings.iter().map(|r| r.digit).max().unwrap_or(0) as usize + 1;
    let name = if root.ends_with("data") || dir.join("data").is_dir() {
        "audio-mnist"
    } else if root.ends_with("recordings") {
        "fsdd"
    } else {
        "audio"
    };
    Ok(Dataset {
        name: name.to_owned(),
        height: config.n_bands,
        width: config.n_frames,
        images,
        labels: recordings.iter().map(|r| r.digit).collect(),
        class_names: (0..n_classes).map(|c| c.to_string()).collect(),
        speakers: Some(Speakers {
            names: speaker_names,
            of_sample,
        }),
        warps: None,
        protocol: SplitProtocol::BySpeaker {
            test_fraction: 1.0 / 3.0,
        },
        rescale_after_split: true,
    })
}

/// Collects `.wav` files under `dir`, descending `depth` more levels, in sorted order.
fn collect_wavs(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<()> {
    for path in sorted_entries(dir)? {
        if path.is_dir() {
            if depth > 0 {
                collect_wavs(&path, depth - 1, out)?;
            }
        } else if file_name(&path).to_ascii_lowercase().ends_with(".wav") {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads the digit and speaker from `<digit>_<speaker>_<index>.wav`.
fn parse_name(path: &Path) -> Result<Recording> {
    let name = file_name(path);
    let stem = &name[..name.len() - 4];
    let fields: Vec<&str> = stem.split('_').collect();
    let digit = fields.first().and_then(|d| d.parse::<u32>().ok());
    match (digit, fields.as_slice()) {
        (Some(digit), [_, speaker, index])
            if digit <= 9 && !speaker.is_empty() && index.parse::<u32>().is_ok() =>
        {
            Ok(Recording {
                path: path.to_path_buf(),
                digit,
                speaker: (*speaker).to_owned(),
            })
        }
        _ => Err(format_error(
            path,
            "file name does not follow <digit>_<speaker>_<index>.wav (digit 0 to 9)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_wav(path: &Path, rate: u32, samples: &[f32]) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::create(path, spec).unwrap();
        for &s in samples {
            writer.write_sample((s * 32767.0) as i16).unwrap();
        }
        writer.finalize().unwrap();
    }

    fn tone(rate: u32, hz: f64, seconds: f64) -> Vec<f32> {
        let n = (f64::from(rate) * seconds) as usize;
        (0..n)
            .map(|i| {
                (0.5 * (2.0 * std::f64::consts::PI * hz * i as f64 / f64::from(rate)).sin()) as f32
            })
            .collect()
    }

    #[test]
    fn framing_counts_whole_frames_only() {
        let framing = FramingConfig {
            window: 256,
            hop: 128,
        };
        assert_eq!(frame_count(1024, framing), 7);
        // The partial frame at 896..1000 is dropped, not zero-padded.
        assert_eq!(frame_count(1000, framing), 6);
        assert_eq!(frame_count(256, framing), 1);
        assert_eq!(frame_count(255, framing), 0);
        assert_eq!(frame_count(0, framing), 0);
        assert_eq!(frame_count(10, FramingConfig { window: 4, hop: 0 }), 0);
    }

    #[test]
    fn one_second_always_gives_24_frames() {
        let config = SpectrogramConfig::default();
        for rate in [8000, 11025, 16000, 22050, 44100, 48000] {
            let framing = config.framing(rate);
            assert_eq!(
                frame_count(config.n_samples(rate), framing),
                24,
                "rate {rate}"
            );
            let bin_hz = f64::from(rate) / framing.window as f64;
            assert!((bin_hz - 12.5).abs() < 0.1, "rate {rate}: {bin_hz} Hz bins");
        }
    }

    #[test]
    fn a_tone_lights_its_band_at_8_and_48_khz_alike() {
        let config = SpectrogramConfig::default();
        // 1000 Hz lies in band 16 = [1000, 1062.5): row 63 - 16 = 47.
        let mut pictures = Vec::new();
        for rate in [8000, 48000] {
            let picture = spectrogram(&tone(rate, 1030.0, 1.0), rate, &config).unwrap();
            assert_eq!(picture.len(), 64 * 24);
            let column: Vec<f32> = (0..64).map(|row| picture[row * 24 + 10]).collect();
            let loudest = (0..64)
                .max_by(|&a, &b| column[a].total_cmp(&column[b]))
                .unwrap();
            assert_eq!(loudest, 47, "rate {rate}");
            pictures.push(column);
        }
        // A 0.5-amplitude sine averaged over a 62.5 Hz band: same level at both rates.
        assert!(
            (pictures[0][47] - pictures[1][47]).abs() < 0.5,
            "{} {}",
            pictures[0][47],
            pictures[1][47]
        );
    }

    #[test]
    fn short_and_silent_signals_give_the_floor_not_log_zero() {
        let config = SpectrogramConfig::default();
        let picture = spectrogram(&[0.0; 10], 8000, &config).unwrap();
        assert!(picture.iter().all(|&v| v == -100.0));
        let picture = spectrogram(&[], 8000, &config).unwrap();
        assert_eq!(picture.len(), 64 * 24);
    }

    #[test]
    fn bad_rates_and_samples_are_errors() {
        let config = SpectrogramConfig::default();
        let err = spectrogram(&[0.0; 100], 4000, &config).unwrap_err();
        assert!(err.to_string().contains("sample rate"), "{err}");
        let err = spectrogram(&[0.0, f32::NAN], 8000, &config).unwrap_err();
        assert!(err.to_string().contains("non-finite"), "{err}");
    }

    #[test]
    fn a_folder_of_recordings_loads_with_digits_and_speakers() {
        let dir = tempfile::tempdir().unwrap();
        let rec = dir.path().join("recordings");
        for (digit, hz) in [(0, 300.0), (1, 2000.0)] {
            for speaker in ["ann", "bob", "cy"] {
                let path = rec.join(format!("{digit}_{speaker}_0.wav"));
                write_wav(&path, 8000, &tone(8000, hz, 0.5));
            }
        }
        let ds = load_audio(dir.path(), &SpectrogramConfig::default()).unwrap();
        ds.validate().unwrap();
        assert_eq!(ds.name, "fsdd");
        assert_eq!((ds.n_samples(), ds.height, ds.width), (6, 64, 24));
        assert_eq!(ds.labels, vec![0, 0, 0, 1, 1, 1]);
        let speakers = ds.speakers.as_ref().unwrap();
        assert_eq!(speakers.names, vec!["ann", "bob", "cy"]);
        assert_eq!(speakers.of_sample, vec![0, 1, 2, 0, 1, 2]);
        assert_eq!(ds.value_range(), (0.0, 1.0));
        let split = ds.paper_split(3).unwrap();
        assert_eq!((split.train.n_samples(), split.test.n_samples()), (4, 2));
    }

    #[test]
    fn bad_names_non_pcm_files_and_empty_folders_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = load_audio(dir.path(), &SpectrogramConfig::default()).unwrap_err();
        assert!(err.to_string().contains("no .wav files"), "{err}");

        write_wav(&dir.path().join("hello.wav"), 8000, &[0.0; 10]);
        let err = load_audio(dir.path(), &SpectrogramConfig::default()).unwrap_err();
        assert!(err.to_string().contains("hello.wav"), "{err}");
        std::fs::remove_file(dir.path().join("hello.wav")).unwrap();

        // A mu-law WAV (format tag 7), written by hand.
        let mut bytes = Vec::new();
        let data = [0x7fu8; 16];
        bytes.extend_from_slice(b"RIFF");
        bytes.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
        bytes.extend_from_slice(b"WAVEfmt ");
        bytes.extend_from_slice(&16u32.to_le_bytes());
        bytes.extend_from_slice(&7u16.to_le_bytes()); // mu-law
        bytes.extend_from_slice(&1u16.to_le_bytes()); // channels
        bytes.extend_from_slice(&8000u32.to_le_bytes());
        bytes.extend_from_slice(&8000u32.to_le_bytes()); // bytes per second
        bytes.extend_from_slice(&1u16.to_le_bytes()); // block align
        bytes.extend_from_slice(&8u16.to_le_bytes()); // bits
        bytes.extend_from_slice(b"data");
        bytes.extend_from_slice(&(data.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&data);
        let path = dir.path().join("3_ann_0.wav");
        std::fs::write(&path, &bytes).unwrap();
        let err = load_audio(dir.path(), &SpectrogramConfig::default()).unwrap_err();
        assert!(err.to_string().contains("not PCM"), "{err}");
        assert!(err.to_string().contains("3_ann_0.wav"), "{err}");

        std::fs::write(&path, &bytes[..30]).unwrap();
        let err = read_wav_mono(&path).unwrap_err();
        assert!(matches!(err, Error::Format { .. }), "{err}");
    }

    #[test]
    #[ignore = "needs ../shared/data"]
    fn shared_fsdd_loads_3000_recordings_with_distinct_digit_pictures() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/fsdd");
        let started = std::time::Instant::now();
        let ds = load_audio(&dir, &SpectrogramConfig::default()).unwrap();
        eprintln!("fsdd loaded in {:.2} s", started.elapsed().as_secs_f64());
        assert_eq!((ds.n_samples(), ds.height, ds.width), (3000, 64, 24));
        assert_eq!(ds.class_counts(), vec![300; 10]);
        let speakers = ds.speakers.as_ref().unwrap();
        assert_eq!(speakers.names.len(), 6);
        assert!(
            ds.images
                .iter()
                .all(|v| v.is_finite() && (0.0..=1.0).contains(v))
        );

        // The mean pictures of two digits differ by more than the noise of a mean: compare the
        // distance between the means of 0 and 1 with the distance between the means of two
        // halves of the 0s.
        let mean_of = |idx: &[usize]| -> Vec<f64> {
            let mut mean = vec![0.0; ds.n_pixels()];
            for &i in idx {
                for (m, &v) in mean.iter_mut().zip(ds.image(i)) {
                    *m += f64::from(v) / idx.len() as f64;
                }
            }
            mean
        };
        let distance = |a: &[f64], b: &[f64]| -> f64 {
            a.iter()
                .zip(b)
                .map(|(x, y)| (x - y).powi(2))
                .sum::<f64>()
                .sqrt()
        };
        let of = |d: u32| -> Vec<usize> { (0..3000).filter(|&i| ds.labels[i] == d).collect() };
        let (zeros, ones) = (of(0), of(1));
        let halves = (
            mean_of(&zeros.iter().copied().step_by(2).collect::<Vec<_>>()),
            mean_of(&zeros.iter().copied().skip(1).step_by(2).collect::<Vec<_>>()),
        );
        let noise = distance(&halves.0, &halves.1);
        let between = distance(&mean_of(&zeros), &mean_of(&ones));
        assert!(between > 3.0 * noise, "between {between}, noise {noise}");

        let split = ds.paper_split(0).unwrap();
        assert_eq!(
            (split.train.n_samples(), split.test.n_samples()),
            (2000, 1000)
        );
        assert!(split.train.images.iter().all(|v| (0.0..=1.0).contains(v)));
    }
}
