//! NumPy `.npy` files: reading images and labels, writing data sets.
//!
//! A data set saved by [`save_npy`] is a folder of `images.npy` (`f32`, shape N x H x W),
//! `labels.npy` (`u32`, shape N), optionally `speakers.npy` (`u32`) and `warps.npy` (`f32`, one
//! row of [`WarpRecord::columns`] per sample), and `dataset.json`, which holds the name, the
//! class and speaker names and the split protocol. [`load_npy`] reads such a folder back, and
//! also plain pairs of `.npy` files written by NumPy.

use std::path::{Path, PathBuf};

use npyz::{DType, Order, TypeChar, WriterBuilder};
use serde::{Deserialize, Serialize};

use super::file::{file_name, format_error, io_error, read_maybe_gzip, sorted_entries};
use super::synthetic::WarpRecord;
use super::{Dataset, Speakers, SplitProtocol, dense_labels, resolve_image_size, to_unit_range};
use crate::{Error, Result};

/// The side-car file of a saved data set.
const SIDECAR: &str = "dataset.json";

/// What `dataset.json` holds.
#[derive(Debug, Serialize, Deserialize)]
struct Sidecar {
    name: String,
    class_names: Vec<String>,
    #[serde(default)]
    speaker_names: Option<Vec<String>>,
    /// `"stratified"` or `"by-speaker"`.
    split: String,
    test_fraction: f64,
    #[serde(default)]
    rescale_after_split: bool,
    #[serde(default)]
    warp_columns: Option<Vec<String>>,
}

/// An array read from a `.npy` file, as `f64` values in C (row-major) order.
struct Array {
    shape: Vec<usize>,
    values: Vec<f64>,
    /// Whether the element type was an integer type.
    is_integer: bool,
}

/// Reads a `.npy` file (possibly gzipped) into C order, accepting integer and float dtypes of
/// the sizes in `allowed` (`(type char, bytes)`).
fn read_array(path: &Path, allowed: &[(TypeChar, u64)], role: &str) -> Result<Array> {
    let bytes = read_maybe_gzip(path)?;
    let npy = npyz::NpyFile::new(&bytes[..]).map_err(|e| {
        let message = if e.kind() == std::io::ErrorKind::UnexpectedEof {
            format!(
                "not a readable .npy file: it ends inside its header ({} bytes; truncated?)",
                bytes.len()
            )
        } else {
            format!("not a readable .npy file: {e}")
        };
        format_error(path, message)
    })?;
    let shape: Vec<usize> = npy.shape().iter().map(|&d| d as usize).collect();
    let strides: Vec<usize> = npy.strides().iter().map(|&s| s as usize).collect();
    let order = npy.order();
    let dtype = npy.dtype();
    let DType::Plain(type_str) = &dtype else {
        return Err(format_error(
            path,
            format!(
                "unsupported npy dtype {} for {role} (structured arrays are not read)",
                dtype.descr()
            ),
        ));
    };
    let key = (type_str.type_char(), type_str.size_field());
    if !allowed.contains(&key) {
        let names: Vec<String> = allowed
            .iter()
            .map(|(c, s)| format!("{}{s}", type_char_name(*c)))
            .collect();
        return Err(format_error(
            path,
            format!(
                "unsupported npy dtype {type_str} for {role} (supported: {})",
                names.join(", ")
            ),
        ));
    }
    let read_err = |e: std::io::Error| {
        let message = if e.kind() == std::io::ErrorKind::UnexpectedEof {
            format!(
                "the data end early: the header announces shape {shape:?} of {type_str}, \
                 more than the file's {} bytes hold (truncated?)",
                bytes.len()
            )
        } else {
            format!("corrupt data: {e}")
        };
        format_error(path, message)
    };
    let stored: Vec<f64> = match key {
        (TypeChar::Uint, 1) => convert(npy.into_vec::<u8>().map_err(read_err)?),
        (TypeChar::Uint, 2) => convert(npy.into_vec::<u16>().map_err(read_err)?),
        (TypeChar::Uint, 4) => convert(npy.into_vec::<u32>().map_err(read_err)?),
        (TypeChar::Uint, 8) => npy
            .into_vec::<u64>()
            .map_err(read_err)?
            .into_iter()
            .map(|v| v as f64)
            .collect(),
        (TypeChar::Int, 1) => convert(npy.into_vec::<i8>().map_err(read_err)?),
        (TypeChar::Int, 2) => convert(npy.into_vec::<i16>().map_err(read_err)?),
        (TypeChar::Int, 4) => convert(npy.into_vec::<i32>().map_err(read_err)?),
        (TypeChar::Int, 8) => npy
            .into_vec::<i64>()
            .map_err(read_err)?
            .into_iter()
            .map(|v| v as f64)
            .collect(),
        (TypeChar::Float, 4) => convert(npy.into_vec::<f32>().map_err(read_err)?),
        (TypeChar::Float, 8) => npy.into_vec::<f64>().map_err(read_err)?,
        _ => unreachable!("dtype checked against the allowed list"),
    };
    let expected: usize = shape.iter().product();
    if stored.len() != expected {
        return Err(format_error(
            path,
            format!(
                "shape {shape:?} needs {expected} values, the file holds {}",
                stored.len()
            ),
        ));
    }
    let values = if order == Order::Fortran && shape.len() > 1 {
        to_c_order(&stored, &shape, &strides)
    } else {
        stored
    };
    Ok(Array {
        shape,
        values,
        is_integer: key.0 != TypeChar::Float,
    })
}

/// Widens values to `f64`.
fn convert<T: Into<f64>>(values: Vec<T>) -> Vec<f64> {
    values.into_iter().map(Into::into).collect()
}

/// The letter NumPy uses for a type character.
fn type_char_name(c: TypeChar) -> &'static str {
    match c {
        TypeChar::Uint => "u",
        TypeChar::Int => "i",
        TypeChar::Float => "f",
        _ => "?",
    }
}

/// Reorders values stored with `strides` (element units) into C order.
fn to_c_order(stored: &[f64], shape: &[usize], strides: &[usize]) -> Vec<f64> {
    let total = stored.len();
    let mut out = Vec::with_capacity(total);
    let mut index = vec![0usize; shape.len()];
    for _ in 0..total {
        let at: usize = index.iter().zip(strides).map(|(i, s)| i * s).sum();
        out.push(stored[at]);
        // Advance the multi-index, last axis fastest.
        for axis in (0..shape.len()).rev() {
            index[axis] += 1;
            if index[axis] < shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
    out
}

/// Loads images and labels from `.npy` files.
///
/// `path` is either a folder holding exactly one `*image*.npy` and one `*label*.npy` (as
/// written by [`save_npy`] or by hand), or the images file itself, whose labels are the file
/// with `image` replaced by `label` in its name, else `<stem>_labels.npy`, else `labels.npy`
/// beside it.
///
/// Images are `u8` (divided by 255), `f32` or `f64` (kept when in `[0, 1]`, divided by 255 when
/// in `[0, 255]`), in C or Fortran order, of shape (N, H, W), (N, H, W, 1) or (N, H*W); for
/// the last, `image_size` gives (H, W), or a square is assumed. Labels are any integer dtype,
/// of shape (N) or (N, 1). A `dataset.json` beside the images restores the names and split
/// protocol saved with them; `speakers.npy` and `warps.npy` restore the metadata.
///
/// # Errors
///
/// [`Error::Io`] for unreadable files; [`Error::Format`] naming the file for a file that is not
/// `.npy`, an unsupported dtype, a 0-d or otherwise wrong shape ("need N x H x W"), an empty
/// array ("no samples"), a shape that differs from `image_size`, non-finite or out-of-range
/// values, or negative labels; [`Error::ShapeMismatch`] when image and label counts disagree.
pub fn load_npy(path: &Path, image_size: Option<(usize, usize)>) -> Result<Dataset> {
    let (images_path, labels_path) = find_files(path)?;
    let dir = images_path.parent().unwrap_or(Path::new(".")).to_path_buf();

    // Images.
    let image_types = [
        (TypeChar::Uint, 1),
        (TypeChar::Float, 4),
        (TypeChar::Float, 8),
    ];
    let array = read_array(&images_path, &image_types, "images")?;
    let (n, height, width) = match array.shape.as_slice() {
        [n, h, w] | [n, h, w, 1] => (*n, *h, *w),
        [n, p] => {
            let (h, w) = if *n == 0 {
                (1, *p)
            } else {
                resolve_image_size(*p, image_size, &images_path)?
            };
            (*n, h, w)
        }
        shape => {
            return Err(format_error(
                &images_path,
                format!(
                    "need N x H x W or N x H*W images, found a {}-d array of shape {shape:?}",
                    shape.len()
                ),
            ));
        }
    };
    if let Some((h, w)) = image_size
        && (h, w) != (height, width)
    {
        return Err(format_error(
            &images_path,
            format!("pictures of {height} x {width}, but a size of {h} x {w} was given"),
        ));
    }
    if n == 0 {
        return Err(format_error(&images_path, "no samples: the array is empty"));
    }
    if height == 0 || width == 0 {
        return Err(format_error(
            &images_path,
            format!("images of size {height} x {width}"),
        ));
    }
    let mut images: Vec<f32> = if array.is_integer {
        array.values.iter().map(|&v| (v / 255.0) as f32).collect()
    } else {
        array.values.iter().map(|&v| v as f32).collect()
    };
    if !array.is_integer {
        // Check finiteness on the source values: a huge f64 would become an f32 infinity.
        if let Some(index) = array.values.iter().position(|v| !v.is_finite()) {
            return Err(format_error(
                &images_path,
                format!("non-finite value at flat index {index}"),
            ));
        }
    }
    to_unit_range(&mut images, &images_path)?;

    // Labels.
    let raw_labels = read_integers(&labels_path, "labels")?;
    if raw_labels.len() != n {
        return Err(Error::ShapeMismatch {
            expected: format!("{n} labels (one per image of {})", images_path.display()),
            found: format!("{} in {}", raw_labels.len(), labels_path.display()),
        });
    }
    let sidecar = read_sidecar(&dir)?;
    let (labels, class_names) = match &sidecar {
        Some(s) => {
            let labels: Vec<u32> = raw_labels.iter().map(|&l| l as u32).collect();
            if let Some(&bad) = labels.iter().find(|&&l| l as usize >= s.class_names.len()) {
                return Err(format_error(
                    &labels_path,
                    format!(
                        "label {bad} with {} class names in {SIDECAR}",
                        s.class_names.len()
                    ),
                ));
            }
            (labels, s.class_names.clone())
        }
        None => dense_labels(&raw_labels),
    };

    // Optional metadata.
    let speakers_path = dir.join("speakers.npy");
    let speakers = if speakers_path.is_file() {
        let ids = read_integers(&speakers_path, "speaker ids")?;
        if ids.len() != n {
            return Err(Error::ShapeMismatch {
                expected: format!("{n} speaker ids"),
                found: format!("{} in {}", ids.len(), speakers_path.display()),
            });
        }
        let n_speakers = ids.iter().copied().max().unwrap_or(0) as usize + 1;
        let names = sidecar
            .as_ref()
            .and_then(|s| s.speaker_names.clone())
            .unwrap_or_else(|| (0..n_speakers).map(|s| s.to_string()).collect());
        Some(Speakers {
            names,
            of_sample: ids.iter().map(|&s| s as u32).collect(),
        })
    } else {
        None
    };
    let warps_path = dir.join("warps.npy");
    let warps = if warps_path.is_file() {
        Some(read_warps(&warps_path, n)?)
    } else {
        None
    };
    let protocol = match &sidecar {
        Some(s) if s.split == "by-speaker" && speakers.is_some() => SplitProtocol::BySpeaker {
            test_fraction: s.test_fraction,
        },
        Some(s) => SplitProtocol::Stratified {
            test_fraction: s.test_fraction,
        },
        None => SplitProtocol::Stratified { test_fraction: 0.2 },
    };
    let name = match &sidecar {
        Some(s) => s.name.clone(),
        None => file_name(&images_path)
            .trim_end_matches(".gz")
            .trim_end_matches(".npy")
            .to_owned(),
    };
    Ok(Dataset {
        name,
        height,
        width,
        images,
        labels,
        class_names,
        speakers,
        warps,
        protocol,
        rescale_after_split: sidecar.is_some_and(|s| s.rescale_after_split),
    })
}

/// Reads a 1-d (or N x 1) array of non-negative integers.
fn read_integers(path: &Path, role: &str) -> Result<Vec<i64>> {
    let ints = [
        (TypeChar::Uint, 1),
        (TypeChar::Uint, 2),
        (TypeChar::Uint, 4),
        (TypeChar::Uint, 8),
        (TypeChar::Int, 1),
        (TypeChar::Int, 2),
        (TypeChar::Int, 4),
        (TypeChar::Int, 8),
    ];
    let array = read_array(path, &ints, role)?;
    match array.shape.as_slice() {
        [_] | [_, 1] => {}
        shape => {
            return Err(format_error(
                path,
                format!("need a 1-d array of {role}, found shape {shape:?}"),
            ));
        }
    }
    if let Some(index) = array
        .values
        .iter()
        .position(|&v| v < 0.0 || v > f64::from(u32::MAX))
    {
        return Err(format_error(
            path,
            format!(
                "{role} value {} at index {index} is not a non-negative 32-bit integer",
                array.values[index]
            ),
        ));
    }
    Ok(array.values.iter().map(|&v| v as i64).collect())
}

/// Reads `warps.npy`: N rows of [`WarpRecord::columns`] values.
fn read_warps(path: &Path, n: usize) -> Result<Vec<WarpRecord>> {
    let array = read_array(path, &[(TypeChar::Float, 4), (TypeChar::Float, 8)], "warps")?;
    let n_fixed = WarpRecord::FIXED_COLUMNS.len();
    let n_columns = match array.shape.as_slice() {
        [rows, columns] if *rows == n && *columns >= n_fixed => *columns,
        shape => {
            return Err(Error::ShapeMismatch {
                expected: format!("{n} rows of at least {n_fixed} warp parameters"),
                found: format!("{shape:?} in {}", path.display()),
            });
        }
    };
    Ok(array
        .values
        .chunks_exact(n_columns)
        .map(WarpRecord::from_row)
        .collect())
}

/// Reads `dataset.json` in `dir`, if present.
fn read_sidecar(dir: &Path) -> Result<Option<Sidecar>> {
    let path = dir.join(SIDECAR);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| io_error(&path, e))?;
    let sidecar: Sidecar = serde_json::from_str(&text)
        .map_err(|e| format_error(&path, format!("invalid data set description: {e}")))?;
    if !(sidecar.test_fraction > 0.0 && sidecar.test_fraction < 1.0) {
        return Err(format_error(&path, "test_fraction must lie in (0, 1)"));
    }
    Ok(Some(sidecar))
}

/// Finds the images and labels files at `path` (see [`load_npy`]).
fn find_files(path: &Path) -> Result<(PathBuf, PathBuf)> {
    let is_npy = |p: &Path| {
        let name = file_name(p).to_ascii_lowercase();
        name.ends_with(".npy") || name.ends_with(".npy.gz")
    };
    if path.is_dir() {
        let files: Vec<PathBuf> = sorted_entries(path)?
            .into_iter()
            .filter(|p| p.is_file() && is_npy(p))
            .collect();
        let with = |word: &str| -> Vec<&PathBuf> {
            files
                .iter()
                .filter(|p| file_name(p).to_ascii_lowercase().contains(word))
                .collect()
        };
        let (images, labels) = (with("image"), with("label"));
        return match (images.as_slice(), labels.as_slice()) {
            ([images], [labels]) => Ok(((*images).clone(), (*labels).clone())),
            ([], _) | (_, []) => Err(format_error(
                path,
                format!(
                    "need one `*image*.npy` and one `*label*.npy`; found {} .npy files",
                    files.len()
                ),
            )),
            _ => Err(format_error(
                path,
                "more than one `*image*.npy` or `*label*.npy`: give the images file",
            )),
        };
    }
    if !path.is_file() {
        return Err(io_error(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
        ));
    }
    let name = file_name(path);
    let stem = name.trim_end_matches(".gz").trim_end_matches(".npy");
    let mut candidates = Vec::new();
    if let Some(at) = name.to_ascii_lowercase().find("image") {
        candidates.push(format!("{}label{}", &name[..at], &name[at + 5..]));
    }
    candidates.push(format!("{stem}_labels.npy"));
    candidates.push("labels.npy".to_owned());
    candidates
        .iter()
        .map(|c| path.with_file_name(c))
        .find(|c| c.is_file() && c != path)
        .map(|labels| (path.to_path_buf(), labels))
        .ok_or_else(|| {
            format_error(
                path,
                format!("no labels file beside it (tried {})", candidates.join(", ")),
            )
        })
}

/// Writes `values` as a C-order `f32` array of `shape`.
///
/// # Errors
///
/// [`Error::ShapeMismatch`] when the shape's product is not `values.len()`; [`Error::Io`]
/// when the file cannot be written.
pub fn write_npy_f32(path: &Path, shape: &[usize], values: &[f32]) -> Result<()> {
    write_npy(path, shape, values)
}

/// Writes `values` as a 1-d `u32` array.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be written.
pub fn write_npy_u32(path: &Path, values: &[u32]) -> Result<()> {
    write_npy(path, &[values.len()], values)
}

/// Writes a C-order array of any element type npyz knows.
fn write_npy<T: npyz::AutoSerialize + Copy>(
    path: &Path,
    shape: &[usize],
    values: &[T],
) -> Result<()> {
    let total: usize = shape.iter().product();
    if total != values.len() {
        return Err(Error::ShapeMismatch {
            expected: format!("{total} values for shape {shape:?}"),
            found: format!("{}", values.len()),
        });
    }
    let shape: Vec<u64> = shape.iter().map(|&d| d as u64).collect();
    let write = || -> std::io::Result<()> {
        let file = std::io::BufWriter::new(std::fs::File::create(path)?);
        let mut writer = npyz::WriteOptions::new()
            .default_dtype()
            .shape(&shape)
            .writer(file)
            .begin_nd()?;
        writer.extend(values.iter().copied())?;
        writer.finish()
    };
    write().map_err(|e| io_error(path, e))
}

/// Saves a data set as `.npy` files and `dataset.json` in the folder `dir` (created if
/// needed), so that [`load_npy`] reads it back identically.
///
/// A [`SplitProtocol::Predefined`] split is saved as a stratified one with the same test
/// fraction.
///
/// # Errors
///
/// [`Error::Io`] when the folder or a file cannot be written.
pub fn save_npy(dataset: &Dataset, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let n = dataset.n_samples();
    write_npy_f32(
        &dir.join("images.npy"),
        &[n, dataset.height, dataset.width],
        &dataset.images,
    )?;
    write_npy_u32(&dir.join("labels.npy"), &dataset.labels)?;
    if let Some(speakers) = &dataset.speakers {
        write_npy_u32(&dir.join("speakers.npy"), &speakers.of_sample)?;
    }
    let n_tps = dataset.warps.as_ref().map_or(0, |w| {
        w.iter()
            .map(|r| r.tps_displacement.len())
            .max()
            .unwrap_or(0)
    });
    if let Some(warps) = &dataset.warps {
        let rows: Vec<f32> = warps.iter().flat_map(|r| r.to_row(n_tps)).collect();
        let n_columns = WarpRecord::FIXED_COLUMNS.len() + n_tps;
        write_npy_f32(&dir.join("warps.npy"), &[n, n_columns], &rows)?;
    }
    let (split, test_fraction) = match &dataset.protocol {
        SplitProtocol::Predefined(parts) => (
            "stratified",
            parts.test.len() as f64 / (parts.train.len() + parts.test.len()).max(1) as f64,
        ),
        SplitProtocol::Stratified { test_fraction } => ("stratified", *test_fraction),
        SplitProtocol::BySpeaker { test_fraction } => ("by-speaker", *test_fraction),
    };
    let sidecar = Sidecar {
        name: dataset.name.clone(),
        class_names: dataset.class_names.clone(),
        speaker_names: dataset.speakers.as_ref().map(|s| s.names.clone()),
        split: split.to_owned(),
        test_fraction,
        rescale_after_split: dataset.rescale_after_split,
        warp_columns: dataset.warps.as_ref().map(|_| WarpRecord::columns(n_tps)),
    };
    let path = dir.join(SIDECAR);
    let text = serde_json::to_string_pretty(&sidecar)
        .map_err(|e| io_error(&path, std::io::Error::other(e)))?;
    std::fs::write(&path, text + "\n").map_err(|e| io_error(&path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes an array with an explicit dtype, shape and order.
    fn write_raw<T: npyz::Serialize + npyz::AutoSerialize + Copy>(
        path: &Path,
        shape: &[u64],
        order: Order,
        values: &[T],
    ) {
        let file = std::fs::File::create(path).unwrap();
        let mut writer = npyz::WriteOptions::new()
            .default_dtype()
            .shape(shape)
            .order(order)
            .writer(file)
            .begin_nd()
            .unwrap();
        writer.extend(values.iter().copied()).unwrap();
        writer.finish().unwrap();
    }

    fn labels(dir: &Path, values: &[i64]) {
        write_raw(
            &dir.join("labels.npy"),
            &[values.len() as u64],
            Order::C,
            values,
        );
    }

    #[test]
    fn u8_images_of_shape_n_h_w_load_divided_by_255() {
        let dir = tempfile::tempdir().unwrap();
        let pixels: Vec<u8> = (0..12).map(|i| i * 20).collect();
        write_raw(
            &dir.path().join("images.npy"),
            &[2, 2, 3],
            Order::C,
            &pixels,
        );
        labels(dir.path(), &[3, 5]);
        let ds = load_npy(dir.path(), None).unwrap();
        assert_eq!((ds.n_samples(), ds.height, ds.width), (2, 2, 3));
        assert_eq!(ds.image(1)[2], 160.0 / 255.0);
        assert_eq!(ds.labels, vec![0, 1]);
        assert_eq!(ds.class_names, vec!["3", "5"]);
    }

    #[test]
    fn fortran_order_gives_the_same_images_as_c_order() {
        let dir = tempfile::tempdir().unwrap();
        let c: Vec<f32> = (0..12).map(|i| i as f32 / 12.0).collect();
        // Fortran storage of the same logical array: index n + 2 (y + 2 x).
        let mut f = vec![0.0f32; 12];
        for n in 0..2 {
            for y in 0..2 {
                for x in 0..3 {
                    f[n + 2 * (y + 2 * x)] = c[n * 6 + y * 3 + x];
                }
            }
        }
        let path = dir.path().join("f_images.npy");
        write_raw(&path, &[2, 2, 3], Order::Fortran, &f);
        write_raw(&dir.path().join("f_labels.npy"), &[2], Order::C, &[0u8, 1]);
        let ds = load_npy(&path, None).unwrap();
        assert_eq!(ds.images, c);
    }

    #[test]
    fn flat_f64_images_take_the_given_size_or_a_square() {
        let dir = tempfile::tempdir().unwrap();
        let values: Vec<f64> = (0..8).map(|i| f64::from(i) * 30.0).collect();
        let path = dir.path().join("images.npy");
        write_raw(&path, &[2, 4], Order::C, &values);
        labels(dir.path(), &[0, 1]);
        let square = load_npy(dir.path(), None).unwrap();
        assert_eq!((square.height, square.width), (2, 2));
        assert!((square.image(1)[3] - 210.0 / 255.0).abs() < 1e-6);
        let wide = load_npy(dir.path(), Some((1, 4))).unwrap();
        assert_eq!((wide.height, wide.width), (1, 4));
        let err = load_npy(dir.path(), Some((3, 3))).unwrap_err();
        assert!(matches!(err, Error::ShapeMismatch { .. }), "{err}");

        write_raw(&path, &[2, 3], Order::C, &values[..6]);
        let err = load_npy(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("not a square"), "{err}");
    }

    #[test]
    fn a_zero_dimensional_array_needs_n_h_w() {
        let dir = tempfile::tempdir().unwrap();
        write_raw(&dir.path().join("images.npy"), &[], Order::C, &[1.0f32]);
        labels(dir.path(), &[0]);
        let err = load_npy(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("need N x H x W"), "{err}");
        assert!(err.to_string().contains("0-d"), "{err}");
    }

    #[test]
    fn an_empty_array_has_no_samples() {
        let dir = tempfile::tempdir().unwrap();
        write_raw::<f32>(&dir.path().join("images.npy"), &[0, 784], Order::C, &[]);
        labels(dir.path(), &[]);
        let err = load_npy(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("no samples"), "{err}");
    }

    #[test]
    fn unsupported_dtypes_are_named() {
        let dir = tempfile::tempdir().unwrap();
        write_raw(
            &dir.path().join("images.npy"),
            &[1, 2, 2],
            Order::C,
            &[1i16, 2, 3, 4],
        );
        labels(dir.path(), &[0]);
        let err = load_npy(dir.path(), None).unwrap_err();
        assert!(
            err.to_string().contains("unsupported npy dtype <i2"),
            "{err}"
        );
        assert!(err.to_string().contains("images.npy"), "{err}");
    }

    #[test]
    fn counts_that_disagree_and_bad_values_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        write_raw(
            &dir.path().join("images.npy"),
            &[2, 1, 1],
            Order::C,
            &[0.5f32, 0.25],
        );
        labels(dir.path(), &[0, 1, 1]);
        let err = load_npy(dir.path(), None).unwrap_err();
        assert!(matches!(err, Error::ShapeMismatch { .. }), "{err}");

        labels(dir.path(), &[0, -1]);
        let err = load_npy(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("non-negative"), "{err}");

        labels(dir.path(), &[0, 1]);
        write_raw(
            &dir.path().join("images.npy"),
            &[2, 1, 1],
            Order::C,
            &[f32::NAN, 0.25],
        );
        let err = load_npy(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("non-finite"), "{err}");
        write_raw(
            &dir.path().join("images.npy"),
            &[2, 1, 1],
            Order::C,
            &[-3.0f32, 0.25],
        );
        let err = load_npy(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("neither within"), "{err}");
    }

    #[test]
    fn a_given_size_must_match_a_shaped_array() {
        let dir = tempfile::tempdir().unwrap();
        write_raw(
            &dir.path().join("images.npy"),
            &[2, 2, 3],
            Order::C,
            &[0.5f32; 12],
        );
        labels(dir.path(), &[0, 1]);
        assert_eq!(load_npy(dir.path(), Some((2, 3))).unwrap().width, 3);
        let err = load_npy(dir.path(), Some((3, 2))).unwrap_err().to_string();
        assert!(
            err.contains("pictures of 2 x 3, but a size of 3 x 2"),
            "{err}"
        );
    }

    #[test]
    fn a_truncated_file_and_a_non_npy_file_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("images.npy");
        write_raw(&path, &[2, 2, 2], Order::C, &[0.5f32; 8]);
        labels(dir.path(), &[0, 1]);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
        let err = load_npy(dir.path(), None).unwrap_err().to_string();
        assert!(err.contains("images.npy"), "{err}");
        assert!(
            err.contains("data end early") && err.contains("[2, 2, 2]"),
            "{err}"
        );
        std::fs::write(&path, &bytes[..20]).unwrap();
        let err = load_npy(dir.path(), None).unwrap_err().to_string();
        assert!(err.contains("ends inside its header"), "{err}");
        std::fs::write(&path, b"hello").unwrap();
        let err = load_npy(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("not a readable .npy"), "{err}");
    }

    #[test]
    fn a_saved_data_set_loads_back_identically() {
        let dir = tempfile::tempdir().unwrap();
        let ds = Dataset {
            name: "tiny".to_owned(),
            height: 1,
            width: 2,
            images: vec![0.0, 0.5, 1.0, 0.25, 0.75, 0.125],
            labels: vec![1, 0, 1],
            class_names: vec!["x".to_owned(), "y".to_owned()],
            speakers: Some(Speakers {
                names: vec!["ann".to_owned(), "bob".to_owned()],
                of_sample: vec![0, 1, 1],
            }),
            warps: None,
            protocol: SplitProtocol::BySpeaker { test_fraction: 0.5 },
            rescale_after_split: true,
        };
        save_npy(&ds, dir.path()).unwrap();
        assert_eq!(load_npy(dir.path(), None).unwrap(), ds);
    }
}
