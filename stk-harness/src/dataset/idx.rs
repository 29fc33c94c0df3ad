//! MNIST and E-MNIST IDX files.
//!
//! An IDX file is a 4-byte magic number `00 00 tt dd` (`tt` the element type, `08` for
//! unsigned bytes; `dd` the number of dimensions), `dd` big-endian `u32` sizes, then the
//! elements. Image files have three dimensions (count, rows, columns), label files one.

use std::path::{Path, PathBuf};

use super::file::{file_name, format_error, gunzip_if_needed, io_error, sorted_entries};
use super::{Dataset, SplitIndices, SplitProtocol};
use crate::{Error, Result};

/// The IDX element type of unsigned bytes, the only one MNIST and E-MNIST use.
const UNSIGNED_BYTE: u8 = 0x08;

/// Pictures read from an IDX image file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxImages {
    /// Number of images.
    pub n_images: usize,
    /// Rows per image.
    pub height: usize,
    /// Columns per image.
    pub width: usize,
    /// `n_images * height * width` grey levels, in file order (row-major for MNIST).
    pub pixels: Vec<u8>,
}

/// Parses an IDX image file (`00 00 08 03`, then count, rows, columns); `path` names it in
/// errors. Bytes that start with the gzip magic are decompressed first.
///
/// The sizes in the header are checked against the bytes present before anything is
/// allocated from them.
///
/// # Errors
///
/// [`Error::Format`] naming `path` for a corrupt gzip stream, a file shorter than its header, a
/// wrong magic number, an element type other than unsigned bytes, a dimension count other than
/// 3, a zero size, or a pixel count that disagrees with the file's length.
pub fn parse_idx_images(bytes: &[u8], path: &Path) -> Result<IdxImages> {
    let bytes = gunzip_if_needed(bytes.to_vec(), path)?;
    let dims = parse_header(&bytes, 3, path)?;
    let (n_images, height, width) = (dims[0], dims[1], dims[2]);
    if n_images == 0 {
        return Err(format_error(path, "the IDX image file holds no images"));
    }
    if height == 0 || width == 0 {
        return Err(format_error(
            path,
            format!("IDX images of size {height} x {width}"),
        ));
    }
    let data = &bytes[header_len(3)..];
    check_payload(data.len(), &[n_images, height, width], path)?;
    Ok(IdxImages {
        n_images,
        height,
        width,
        pixels: data.to_vec(),
    })
}

/// Parses an IDX label file (`00 00 08 01`, then the count, then one byte per label); `path`
/// names it in errors. Bytes that start with the gzip magic are decompressed first.
///
/// # Errors
///
/// As [`parse_idx_images`], for one dimension.
pub fn parse_idx_labels(bytes: &[u8], path: &Path) -> Result<Vec<u8>> {
    let bytes = gunzip_if_needed(bytes.to_vec(), path)?;
    let dims = parse_header(&bytes, 1, path)?;
    let data = &bytes[header_len(1)..];
    check_payload(data.len(), &dims, path)?;
    Ok(data.to_vec())
}

/// Length of a header with `n_dims` dimensions.
fn header_len(n_dims: usize) -> usize {
    4 + 4 * n_dims
}

/// Checks the magic number and reads the sizes.
fn parse_header(bytes: &[u8], n_dims: usize, path: &Path) -> Result<Vec<usize>> {
    if bytes.len() < 4 {
        return Err(format_error(
            path,
            format!("{} bytes is too short for an IDX magic number", bytes.len()),
        ));
    }
    let magic = &bytes[..4];
    if magic[0] != 0 || magic[1] != 0 {
        return Err(format_error(
            path,
            format!(
                "not an IDX file: magic number {:02x}{:02x}{:02x}{:02x} does not start with 0000",
                magic[0], magic[1], magic[2], magic[3]
            ),
        ));
    }
    if magic[2] != UNSIGNED_BYTE {
        return Err(format_error(
            path,
            format!(
                "unsupported IDX element type 0x{:02x} (only unsigned bytes, 0x08, are read)",
                magic[2]
            ),
        ));
    }
    if usize::from(magic[3]) != n_dims {
        return Err(format_error(
            path,
            format!(
                "IDX file has {} dimensions, expected {n_dims} (magic number {:02x}{:02x}{:02x}{:02x})",
                magic[3], magic[0], magic[1], magic[2], magic[3]
            ),
        ));
    }
    if bytes.len() < header_len(n_dims) {
        return Err(format_error(
            path,
            format!(
                "truncated IDX header: {} bytes, need {}",
                bytes.len(),
                header_len(n_dims)
            ),
        ));
    }
    Ok((0..n_dims)
        .map(|d| {
            let at = 4 + 4 * d;
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize
        })
        .collect())
}

/// Checks that the payload holds exactly the product of `dims` bytes.
fn check_payload(found: usize, dims: &[usize], path: &Path) -> Result<()> {
    let expected = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    match expected {
        Some(expected) if expected == found => Ok(()),
        Some(expected) if found < expected => Err(format_error(
            path,
            format!(
                "truncated: the header promises {expected} data bytes ({dims:?}), the file holds {found}"
            ),
        )),
        Some(expected) => Err(format_error(
            path,
            format!(
                "{} trailing bytes after the {expected} data bytes the header promises ({dims:?})",
                found - expected
            ),
        )),
        None => Err(format_error(
            path,
            format!("header sizes {dims:?} overflow"),
        )),
    }
}

/// One part (training or test) of an IDX data set: an images file and its labels file.
#[derive(Debug, Clone)]
struct IdxPart {
    images: PathBuf,
    labels: PathBuf,
    is_test: bool,
    /// The name before `train` / `t10k` / `test`, without trailing separators
    /// (`"emnist-letters"`, `""` for MNIST).
    prefix: String,
}

/// Loads MNIST-style IDX files.
///
/// `path` may be:
/// - a folder holding one data set's files by their standard names: `train-images-idx3-ubyte`
///   and `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte`
///   (MNIST), or `emnist-<split>-train-images-idx3-ubyte` and so on (E-MNIST), each possibly
///   ending in `.gz`;
/// - a folder plus a name prefix (`emnist/emnist-letters`) when the folder holds several;
/// - one images file, whose labels file is found by replacing `images-idx3` with `labels-idx1`
///   in its name.
///
/// With both a training and a test part the split is [`SplitProtocol::Predefined`]; with one
/// part it is stratified with a fifth held out.
///
/// E-MNIST (file names starting with `emnist`) stores each image transposed; it is turned the
/// right way round. Its `letters` labels run from 1 to 26 and become 0 to 25, named `a` to `z`
/// (upper and lower case are merged in that split); for the other E-MNIST splits the names come
/// from `<prefix>-mapping.txt` when present.
///
/// # Errors
///
/// [`Error::Io`] for unreadable files, [`Error::Format`] (naming the file) for malformed
/// contents (see [`parse_idx_images`]), a folder without IDX files, several data sets in one
/// folder, a missing labels file or labels out of range; [`Error::ShapeMismatch`] when image
/// and label counts disagree or the parts' image sizes differ.
pub fn load_idx(path: &Path) -> Result<Dataset> {
    let parts = find_parts(path)?;
    let prefix = parts[0].prefix.clone();
    let is_emnist = prefix.to_ascii_lowercase().starts_with("emnist");
    let is_letters = is_emnist && prefix.to_ascii_lowercase().contains("letters");

    // Read each part: training first, then test.
    let mut height = 0;
    let mut width = 0;
    let mut images = Vec::new();
    let mut raw_labels = Vec::new();
    let mut n_train = 0;
    for part in &parts {
        let bytes = std::fs::read(&part.images).map_err(|e| io_error(&part.images, e))?;
        let idx_images = parse_idx_images(&bytes, &part.images)?;
        let bytes = std::fs::read(&part.labels).map_err(|e| io_error(&part.labels, e))?;
        let labels = parse_idx_labels(&bytes, &part.labels)?;
        if labels.len() != idx_images.n_images {
            return Err(Error::ShapeMismatch {
                expected: format!(
                    "{} labels (one per image of {})",
                    idx_images.n_images,
                    part.images.display()
                ),
                found: format!("{} in {}", labels.len(), part.labels.display()),
            });
        }
        if height == 0 {
            (height, width) = (idx_images.height, idx_images.width);
        } else if (height, width) != (idx_images.height, idx_images.width) {
            return Err(Error::ShapeMismatch {
                expected: format!("images of {height} x {width}"),
                found: format!(
                    "{} x {} in {}",
                    idx_images.height,
                    idx_images.width,
                    part.images.display()
                ),
            });
        }
        append_pixels(&idx_images, is_emnist, &mut images);
        raw_labels.extend_from_slice(&labels);
        if !part.is_test {
            n_train += idx_images.n_images;
        }
    }
    if is_emnist {
        // Transposed images swap their sizes.
        (height, width) = (width, height);
    }

    // Labels and class names.
    let labels_path = &parts[0].labels;
    let (labels, class_names): (Vec<u32>, Vec<String>) = if is_letters {
        if let Some(&bad) = raw_labels.iter().find(|&&l| !(1..=26).contains(&l)) {
            return Err(format_error(
                labels_path,
                format!("E-MNIST letters label {bad} is outside 1..=26"),
            ));
        }
        let names = (b'a'..=b'z').map(|c| char::from(c).to_string()).collect();
        (
            raw_labels.iter().map(|&l| u32::from(l) - 1).collect(),
            names,
        )
    } else {
        let n_classes = usize::from(raw_labels.iter().copied().max().unwrap_or(0)) + 1;
        let names = match mapping_names(path, &prefix, n_classes)? {
            Some(names) => names,
            None => (0..n_classes).map(|c| c.to_string()).collect(),
        };
        (raw_labels.iter().map(|&l| u32::from(l)).collect(), names)
    };

    let n = labels.len();
    let protocol = if parts.len() == 2 {
        SplitProtocol::Predefined(SplitIndices {
            train: (0..n_train).collect(),
            test: (n_train..n).collect(),
        })
    } else {
        SplitProtocol::Stratified { test_fraction: 0.2 }
    };
    let name = if prefix.is_empty() {
        "mnist".to_owned()
    } else {
        prefix
    };
    Ok(Dataset {
        name,
        height,
        width,
        images,
        labels,
        class_names,
        speakers: None,
        warps: None,
        protocol,
        rescale_after_split: false,
    })
}

/// Appends a part's pixels as `[0, 1]` values, transposing each image for E-MNIST.
fn append_pixels(part: &IdxImages, transpose: bool, out: &mut Vec<f32>) {
    let (h, w) = (part.height, part.width);
    out.reserve(part.pixels.len());
    for image in part.pixels.chunks_exact(h * w) {
        if transpose {
            // Stored pixel (r, c) is displayed pixel (c, r): the output has w rows of h values.
            for c in 0..w {
                out.extend((0..h).map(|r| f32::from(image[r * w + c]) / 255.0));
            }
        } else {
            out.extend(image.iter().map(|&p| f32::from(p) / 255.0));
        }
    }
}

/// Finds the training and test parts at `path` (see [`load_idx`]).
fn find_parts(path: &Path) -> Result<Vec<IdxPart>> {
    if path.is_file() {
        let part = part_of(path)
            .ok_or_else(|| format_error(path, "not an IDX images file name (`*images*idx3*`)"))?;
        if !part.labels.exists() {
            return Err(format_error(
                &part.labels,
                "labels file not found beside the images file",
            ));
        }
        return Ok(vec![part]);
    }
    let (dir, wanted_prefix) = if path.is_dir() {
        (path.to_path_buf(), None)
    } else {
        match (path.parent(), path.file_name()) {
            (Some(parent), Some(name)) if parent.is_dir() => (
                parent.to_path_buf(),
                Some(name.to_string_lossy().into_owned()),
            ),
            _ => {
                return Err(io_error(
                    path,
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
                ));
            }
        }
    };

    let mut parts: Vec<IdxPart> = sorted_entries(&dir)?
        .iter()
        .filter(|p| p.is_file())
        .filter_map(|p| part_of(p))
        .filter(|part| {
            wanted_prefix.as_deref().is_none_or(|w| {
                part.prefix
                    .eq_ignore_ascii_case(w.trim_end_matches(['-', '_']))
            })
        })
        .collect();
    if parts.is_empty() {
        return Err(format_error(
            path,
            "no IDX images file (`train-images-idx3-ubyte[.gz]`, `t10k-images-idx3-ubyte[.gz]`, \
             `emnist-*-images-idx3-ubyte[.gz]`) found",
        ));
    }
    let mut prefixes: Vec<&str> = parts.iter().map(|p| p.prefix.as_str()).collect();
    prefixes.dedup();
    if prefixes.len() > 1 {
        return Err(format_error(
            path,
            format!(
                "several IDX data sets in one folder ({}); add the one to load to the path, as in \
                 `folder/{}`",
                prefixes.join(", "),
                prefixes[prefixes.len() - 1]
            ),
        ));
    }
    // The same part both gzipped and not: keep the uncompressed one.
    parts.dedup_by(|b, a| a.is_test == b.is_test);
    if parts.iter().filter(|p| !p.is_test).count() > 1 || parts.len() > 2 {
        return Err(format_error(
            path,
            "more than one training or test images file",
        ));
    }
    for part in &parts {
        if !part.labels.exists() {
            return Err(format_error(
                &part.labels,
                format!("labels file for {} not found", part.images.display()),
            ));
        }
    }
    parts.sort_by_key(|p| p.is_test);
    Ok(parts)
}

/// Recognises an images file by name and derives its labels file and prefix.
fn part_of(images: &Path) -> Option<IdxPart> {
    let name = file_name(images);
    let lower = name.to_ascii_lowercase();
    let at = lower.find("images")?;
    let rest = &lower[at..];
    if !(rest.starts_with("images-idx3") || rest.starts_with("images.idx3")) {
        return None;
    }
    let labels_name = format!(
        "{}labels{}idx1{}",
        &name[..at],
        &name[at + 6..at + 7],
        &name[at + 11..]
    );
    let mut labels = images.with_file_name(&labels_name);
    if !labels.exists() {
        // The labels may be compressed when the images are not, or the other way round.
        let alternative = match labels_name.strip_suffix(".gz") {
            Some(plain) => plain.to_owned(),
            None => format!("{labels_name}.gz"),
        };
        let alternative = images.with_file_name(alternative);
        if alternative.exists() {
            labels = alternative;
        }
    }
    let head = &lower[..at];
    let (is_test, cut) = if let Some(i) = head.rfind("t10k") {
        (true, i)
    } else if let Some(i) = head.rfind("test") {
        (true, i)
    } else if let Some(i) = head.rfind("train") {
        (false, i)
    } else {
        (false, at)
    };
    let prefix = name[..cut].trim_end_matches(['-', '_', '.']).to_owned();
    Some(IdxPart {
        images: images.to_path_buf(),
        labels,
        is_test,
        prefix,
    })
}

/// Reads E-MNIST's `<prefix>-mapping.txt` (lines `label ascii-code [ascii-code]`) into class
/// names, when the file exists beside the data.
fn mapping_names(path: &Path, prefix: &str, n_classes: usize) -> Result<Option<Vec<String>>> {
    if prefix.is_empty() {
        return Ok(None);
    }
    let dir = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(Path::new("."))
    };
    let mapping = dir.join(format!("{prefix}-mapping.txt"));
    if !mapping.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&mapping).map_err(|e| io_error(&mapping, e))?;
    let mut names: Vec<String> = (0..n_classes).map(|c| c.to_string()).collect();
    for (line_idx, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let parse = |s: &str| s.parse::<u32>().ok();
        let (Some(label), Some(code)) = (parse(fields[0]), fields.get(1).and_then(|s| parse(s)))
        else {
            return Err(format_error(
                &mapping,
                format!("line {}: expected `label ascii-code`", line_idx + 1),
            ));
        };
        if let (Some(slot), Some(c)) = (names.get_mut(label as usize), char::from_u32(code)) {
            *slot = c.to_string();
        }
    }
    Ok(Some(names))
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMAGES: [u8; 28] = [
        0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 20, 40, 60, 80, 100, 120, 140, 160, 180,
        200, 220,
    ];
    const LABELS: [u8; 10] = [0, 0, 8, 1, 0, 0, 0, 2, 7, 0];
    const THREE_LABELS: [u8; 11] = [0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9];

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn write_pair(dir: &Path, images: &[u8], labels: &[u8]) {
        std::fs::write(dir.join("train-images-idx3-ubyte"), images).unwrap();
        std::fs::write(dir.join("train-labels-idx1-ubyte"), labels).unwrap();
    }

    fn message(err: &Error) -> String {
        err.to_string()
    }

    #[test]
    fn two_images_of_two_by_three_load_with_their_labels() {
        let dir = tempfile::tempdir().unwrap();
        write_pair(dir.path(), &IMAGES, &LABELS);
        let ds = load_idx(dir.path()).unwrap();
        assert_eq!((ds.n_samples(), ds.height, ds.width), (2, 2, 3));
        assert_eq!(ds.labels, vec![7, 0]);
        let expected: Vec<f32> = (0..12).map(|i| (20 * i) as f32 / 255.0).collect();
        assert_eq!(ds.images, expected);
        assert_eq!(ds.image(1)[0], 120.0 / 255.0);
        assert_eq!(
            ds.protocol,
            SplitProtocol::Stratified { test_fraction: 0.2 }
        );
    }

    #[test]
    fn three_labels_for_two_images_is_a_count_mismatch() {
        let dir = tempfile::tempdir().unwrap();
        write_pair(dir.path(), &IMAGES, &THREE_LABELS);
        let err = load_idx(dir.path()).unwrap_err();
        assert!(matches!(err, Error::ShapeMismatch { .. }), "{err}");
        assert!(message(&err).contains("2 labels"), "{err}");
        assert!(message(&err).contains("found 3"), "{err}");
    }

    #[test]
    fn gzipped_images_under_a_plain_name_are_read_through_gzip() {
        let parsed = parse_idx_images(&gzip(&IMAGES), Path::new("x")).unwrap();
        assert_eq!((parsed.n_images, parsed.height, parsed.width), (2, 2, 3));
        assert_eq!(parsed.pixels[11], 220);
        let dir = tempfile::tempdir().unwrap();
        write_pair(dir.path(), &gzip(&IMAGES), &gzip(&LABELS));
        assert_eq!(load_idx(dir.path()).unwrap().labels, vec![7, 0]);
    }

    #[test]
    fn corrupt_gzip_is_an_error_not_a_garbage_allocation() {
        // The gzip magic followed by garbage: the bytes 1f 8b 08 03 read as an IDX header would
        // promise huge dimensions.
        let mut bytes = gzip(&IMAGES);
        bytes.truncate(12);
        let err = parse_idx_images(&bytes, Path::new("images.gz")).unwrap_err();
        assert!(message(&err).contains("gzip"), "{err}");
        assert!(message(&err).contains("images.gz"), "{err}");
    }

    #[test]
    fn a_file_cut_short_is_an_error() {
        let err = parse_idx_images(&IMAGES[..27], Path::new("cut")).unwrap_err();
        assert!(message(&err).contains("truncated"), "{err}");
        let err = parse_idx_images(&IMAGES[..10], Path::new("cut")).unwrap_err();
        assert!(message(&err).contains("truncated IDX header"), "{err}");
        let err = parse_idx_labels(&LABELS[..9], Path::new("cut")).unwrap_err();
        assert!(message(&err).contains("truncated"), "{err}");
    }

    #[test]
    fn huge_header_dimensions_are_rejected_before_allocating() {
        let mut bytes = IMAGES.to_vec();
        bytes[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        bytes[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        let err = parse_idx_images(&bytes, Path::new("big")).unwrap_err();
        assert!(matches!(err, Error::Format { .. }), "{err}");
    }

    #[test]
    fn wrong_magic_numbers_are_named() {
        let mut bytes = IMAGES.to_vec();
        bytes[0] = 0x12;
        let err = parse_idx_images(&bytes, Path::new("m")).unwrap_err();
        assert!(message(&err).contains("not an IDX file"), "{err}");
        let err = parse_idx_images(&LABELS, Path::new("m")).unwrap_err();
        assert!(message(&err).contains("1 dimensions, expected 3"), "{err}");
        let mut bytes = IMAGES.to_vec();
        bytes[2] = 0x0d;
        let err = parse_idx_images(&bytes, Path::new("m")).unwrap_err();
        assert!(message(&err).contains("element type 0x0d"), "{err}");
    }

    #[test]
    fn trailing_bytes_are_an_error() {
        let mut bytes = IMAGES.to_vec();
        bytes.push(0);
        let err = parse_idx_images(&bytes, Path::new("t")).unwrap_err();
        assert!(message(&err).contains("1 trailing bytes"), "{err}");
    }

    #[test]
    fn train_and_test_parts_give_a_predefined_split() {
        let dir = tempfile::tempdir().unwrap();
        write_pair(dir.path(), &IMAGES, &LABELS);
        std::fs::write(dir.path().join("t10k-images-idx3-ubyte.gz"), gzip(&IMAGES)).unwrap();
        std::fs::write(dir.path().join("t10k-labels-idx1-ubyte.gz"), gzip(&LABELS)).unwrap();
        let ds = load_idx(dir.path()).unwrap();
        assert_eq!(ds.n_samples(), 4);
        let SplitProtocol::Predefined(parts) = &ds.protocol else {
            panic!("expected a predefined split, got {:?}", ds.protocol);
        };
        assert_eq!(
            (parts.train.clone(), parts.test.clone()),
            (vec![0, 1], vec![2, 3])
        );
        assert_eq!(ds.class_names.len(), 8);
    }

    #[test]
    fn emnist_letters_are_transposed_and_labelled_from_zero() {
        let dir = tempfile::tempdir().unwrap();
        let labels = [0, 0, 8, 1, 0, 0, 0, 2, 1, 26];
        std::fs::write(
            dir.path().join("emnist-letters-train-images-idx3-ubyte"),
            IMAGES,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("emnist-letters-train-labels-idx1-ubyte"),
            labels,
        )
        .unwrap();
        let ds = load_idx(dir.path()).unwrap();
        assert_eq!(ds.name, "emnist-letters");
        assert_eq!((ds.height, ds.width), (3, 2));
        // Stored rows [0 20 40] [60 80 100] become columns.
        let first: Vec<u8> = ds
            .image(0)
            .iter()
            .map(|v| (v * 255.0).round() as u8)
            .collect();
        assert_eq!(first, vec![0, 60, 20, 80, 40, 100]);
        assert_eq!(ds.labels, vec![0, 25]);
        assert_eq!(
            (ds.class_names[0].as_str(), ds.class_names[25].as_str()),
            ("a", "z")
        );

        let bad = [0, 0, 8, 1, 0, 0, 0, 2, 0, 3];
        std::fs::write(
            dir.path().join("emnist-letters-train-labels-idx1-ubyte"),
            bad,
        )
        .unwrap();
        let err = load_idx(dir.path()).unwrap_err();
        assert!(message(&err).contains("outside 1..=26"), "{err}");
    }

    #[test]
    fn an_empty_folder_and_a_missing_label_file_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = load_idx(dir.path()).unwrap_err();
        assert!(message(&err).contains("no IDX images file"), "{err}");
        std::fs::write(dir.path().join("train-images-idx3-ubyte"), IMAGES).unwrap();
        let err = load_idx(dir.path()).unwrap_err();
        assert!(message(&err).contains("train-labels-idx1-ubyte"), "{err}");
    }

    #[test]
    fn a_folder_with_several_data_sets_asks_for_one() {
        let dir = tempfile::tempdir().unwrap();
        for prefix in ["emnist-digits", "emnist-letters"] {
            let images = format!("{prefix}-train-images-idx3-ubyte");
            let labels = format!("{prefix}-train-labels-idx1-ubyte");
            std::fs::write(dir.path().join(images), IMAGES).unwrap();
            std::fs::write(dir.path().join(labels), [0, 0, 8, 1, 0, 0, 0, 2, 1, 2]).unwrap();
        }
        let err = load_idx(dir.path()).unwrap_err();
        assert!(message(&err).contains("several IDX data sets"), "{err}");
        let ds = load_idx(&dir.path().join("emnist-digits")).unwrap();
        assert_eq!(ds.name, "emnist-digits");
        assert_eq!(ds.labels, vec![1, 2]);
    }
}
