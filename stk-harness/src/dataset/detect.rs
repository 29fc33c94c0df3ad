//! Guessing a data set's format from its path.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::Format;
use super::file::{GZIP_MAGIC, file_name, format_error, io_error, sorted_entries};
use crate::Result;

/// The magic string that starts every `.npy` file.
const NPY_MAGIC: &[u8] = b"\x93NUMPY";

/// Endings of the files a folder may hold beside its data (notes, provenance, metadata), which
/// [`single_csv_file`] sets aside.
const NON_DATA_ENDINGS: &[&str] = &[".md", ".txt", ".json"];

/// Returns the format of the data set at `path`.
///
/// For a file, the first bytes decide (decompressed first when gzipped): `\x93NUMPY` is
/// [`Format::Npy`], an IDX magic number `00 00 08 dd` is [`Format::Idx`]; otherwise a name
/// ending in `.csv` or `.csv.gz` is [`Format::Csv`]. For a folder, in this order: a `.npy`
/// file named `*image*` is [`Format::Npy`]; an IDX images file (`*images-idx3*`) is
/// [`Format::Idx`]; a `*Images*.csv[.gz]` file is the Arabic characters' [`Format::Csv`]; a
/// folder holding one CSV file and nothing else but notes (`.md`, `.txt`, `.json`) is that
/// file's [`Format::Csv`]; WAV files up to two levels down are [`Format::Audio`]; sub-folders
/// holding PNG or JPEG files (directly or under `train/`) are [`Format::Images`]. A path that
/// does not exist but whose parent holds IDX files starting with its name is [`Format::Idx`]
/// (see [`load_idx`](super::load_idx)).
///
/// # Errors
///
/// [`Error::Io`](crate::Error::Io) when the path cannot be read;
/// [`Error::Format`](crate::Error::Format) naming it when no rule applies (the message asks for
/// an explicit format) or when it is a single WAV file.
pub fn detect_format(path: &Path) -> Result<Format> {
    if path.is_file() {
        return detect_file(path);
    }
    if path.is_dir() {
        return detect_folder(path);
    }
    if let (Some(parent), Some(name)) = (path.parent(), path.file_name())
        && parent.is_dir()
    {
        let prefix = name.to_string_lossy().to_ascii_lowercase();
        let has_idx = sorted_entries(parent)?.iter().any(|p| {
            let n = file_name(p).to_ascii_lowercase();
            n.starts_with(&prefix) && is_idx_images_name(&n)
        });
        if has_idx {
            return Ok(Format::Idx);
        }
    }
    Err(io_error(
        path,
        std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
    ))
}

/// Whether a lower-case file name is an IDX images file.
fn is_idx_images_name(lower: &str) -> bool {
    lower.contains("images-idx3") || lower.contains("images.idx3")
}

/// Detects the format of one file from its first bytes, then its name.
fn detect_file(path: &Path) -> Result<Format> {
    let mut head = [0u8; 8];
    let n = read_head(path, &mut head)?;
    let head = &head[..n];
    if head.starts_with(NPY_MAGIC) {
        return Ok(Format::Npy);
    }
    if head.len() >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08 {
        return Ok(Format::Idx);
    }
    let lower = file_name(path).to_ascii_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".csv.gz") {
        return Ok(Format::Csv);
    }
    if lower.ends_with(".wav") {
        return Err(format_error(
            path,
            "a single recording is not a data set: give the folder of recordings",
        ));
    }
    Err(format_error(
        path,
        "cannot tell the file's format from its contents or name: give it (idx, npy, csv)",
    ))
}

/// Reads the first bytes of a file, through gzip when it is compressed.
fn read_head(path: &Path, head: &mut [u8]) -> Result<usize> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut raw = Vec::with_capacity(head.len());
    file.take(2)
        .read_to_end(&mut raw)
        .map_err(|e| io_error(path, e))?;
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut reader: Box<dyn Read> = if raw == GZIP_MAGIC {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
            file,
        )))
    } else {
        Box::new(file)
    };
    let mut filled = 0;
    while filled < head.len() {
        match reader.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(k) => filled += k,
            Err(e) => {
                return Err(format_error(
                    path,
                    format!("cannot read the first bytes: {e}"),
                ));
            }
        }
    }
    Ok(filled)
}

/// Detects the format of a folder from what it holds.
fn detect_folder(dir: &Path) -> Result<Format> {
    let entries = sorted_entries(dir)?;
    let names: Vec<String> = entries
        .iter()
        .filter(|p| p.is_file())
        .map(|p| file_name(p).to_ascii_lowercase())
        .collect();
    if names
        .iter()
        .any(|n| n.contains("image") && (n.ends_with(".npy") || n.ends_with(".npy.gz")))
    {
        return Ok(Format::Npy);
    }
    if names.iter().any(|n| is_idx_images_name(n)) {
        return Ok(Format::Idx);
    }
    if names
        .iter()
        .any(|n| n.contains("images") && (n.ends_with(".csv") || n.ends_with(".csv.gz")))
    {
        return Ok(Format::Csv);
    }
    if single_csv_file(dir)?.is_some() {
        return Ok(Format::Csv);
    }
    if has_wav(dir, 2)? {
        return Ok(Format::Audio);
    }
    let class_root = if dir.join("train").is_dir() {
        dir.join("train")
    } else {
        dir.to_path_buf()
    };
    for sub in sorted_entries(&class_root)?.iter().filter(|p| p.is_dir()) {
        let has_image = sorted_entries(sub)?.iter().any(|p| {
            let n = file_name(p).to_ascii_lowercase();
            n.ends_with(".png") || n.ends_with(".jpg") || n.ends_with(".jpeg")
        });
        if has_image {
            return Ok(Format::Images);
        }
    }
    Err(format_error(
        dir,
        "no data set recognised (IDX, .npy, CSV, WAV recordings or class folders of images): \
         give the format",
    ))
}

/// Returns the CSV file that the folder `dir` stands for, if any: its only entry, a `.csv` or
/// `.csv.gz` file, once hidden entries (names starting with `.`) and non-data files (`.md`,
/// `.txt`, `.json`) are set aside. A file named `*images*` is left to the Arabic characters'
/// layout (images and labels in two files), so it gives `None`, as does a folder with more
/// entries, a sub-folder or another kind of file.
///
/// # Errors
///
/// [`Error::Io`](crate::Error::Io) when the folder cannot be listed.
pub fn single_csv_file(dir: &Path) -> Result<Option<PathBuf>> {
    let mut data = sorted_entries(dir)?.into_iter().filter(|p| {
        let name = file_name(p).to_ascii_lowercase();
        let non_data = p.is_file() && NON_DATA_ENDINGS.iter().any(|e| name.ends_with(e));
        !name.starts_with('.') && !non_data
    });
    let (Some(only), None) = (data.next(), data.next()) else {
        return Ok(None);
    };
    let name = file_name(&only).to_ascii_lowercase();
    let is_csv = name.ends_with(".csv") || name.ends_with(".csv.gz");
    Ok((only.is_file() && is_csv && !name.contains("images")).then_some(only))
}

/// Whether `dir` holds a `.wav` file up to `depth` levels down.
fn has_wav(dir: &Path, depth: usize) -> Result<bool> {
    for path in sorted_entries(dir)? {
        if path.is_dir() {
            if depth > 0 && has_wav(&path, depth - 1)? {
                return Ok(true);
            }
        } else if file_name(&path).to_ascii_lowercase().ends_with(".wav") {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_their_first_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let idx = dir.path().join("whatever.bin");
        std::fs::write(&idx, [0, 0, 8, 3, 0, 0, 0, 0]).unwrap();
        assert_eq!(detect_format(&idx).unwrap(), Format::Idx);
        let npy = dir.path().join("x.dat");
        std::fs::write(&npy, b"\x93NUMPY\x01\x00").unwrap();
        assert_eq!(detect_format(&npy).unwrap(), Format::Npy);
        let csv = dir.path().join("x.csv");
        std::fs::write(&csv, b"1,2\n").unwrap();
        assert_eq!(detect_format(&csv).unwrap(), Format::Csv);
        let other = dir.path().join("x.txt");
        std::fs::write(&other, b"hello").unwrap();
        let err = detect_format(&other).unwrap_err();
        assert!(err.to_string().contains("cannot tell"), "{err}");
    }

    #[test]
    fn a_gzipped_idx_file_is_recognised_through_gzip() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("train-images-idx3-ubyte.gz");
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&[0, 0, 8, 3, 0, 0, 0, 1]).unwrap();
        std::fs::write(&path, encoder.finish().unwrap()).unwrap();
        assert_eq!(detect_format(&path).unwrap(), Format::Idx);
        assert_eq!(detect_format(dir.path()).unwrap(), Format::Idx);
    }

    #[test]
    fn folders_are_recognised_by_what_they_hold() {
        let dir = tempfile::tempdir().unwrap();
        let err = detect_format(dir.path()).unwrap_err();
        assert!(err.to_string().contains("no data set recognised"), "{err}");
        std::fs::create_dir_all(dir.path().join("cats")).unwrap();
        std::fs::write(dir.path().join("cats/1.PNG"), b"").unwrap();
        assert_eq!(detect_format(dir.path()).unwrap(), Format::Images);
        std::fs::create_dir_all(dir.path().join("recordings")).unwrap();
        std::fs::write(dir.path().join("recordings/1_a_0.wav"), b"").unwrap();
        assert_eq!(detect_format(dir.path()).unwrap(), Format::Audio);
        std::fs::write(dir.path().join("csvTrainImages 1x4.csv"), b"").unwrap();
        assert_eq!(detect_format(dir.path()).unwrap(), Format::Csv);
    }

    #[test]
    fn a_folder_of_one_csv_file_and_notes_is_that_file() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("mnist_5k.csv.gz");
        std::fs::write(&csv, b"").unwrap();
        std::fs::write(dir.path().join("PROVENANCE.md"), b"# where from").unwrap();
        std::fs::write(dir.path().join("notes.TXT"), b"").unwrap();
        std::fs::write(dir.path().join("meta.json"), b"{}").unwrap();
        std::fs::write(dir.path().join(".DS_Store"), b"").unwrap();
        assert_eq!(single_csv_file(dir.path()).unwrap(), Some(csv.clone()));
        assert_eq!(detect_format(dir.path()).unwrap(), Format::Csv);

        // A second data file of any kind, or a sub-folder, makes the folder something else.
        std::fs::write(dir.path().join("other.csv"), b"").unwrap();
        assert_eq!(single_csv_file(dir.path()).unwrap(), None);
        let err = detect_format(dir.path()).unwrap_err();
        assert!(err.to_string().contains("no data set recognised"), "{err}");
        std::fs::remove_file(dir.path().join("other.csv")).unwrap();
        std::fs::write(dir.path().join("weights.bin"), b"").unwrap();
        assert_eq!(single_csv_file(dir.path()).unwrap(), None);
        std::fs::remove_file(dir.path().join("weights.bin")).unwrap();
        std::fs::create_dir(dir.path().join("extra")).unwrap();
        assert_eq!(single_csv_file(dir.path()).unwrap(), None);
        std::fs::remove_dir(dir.path().join("extra")).unwrap();
        assert_eq!(single_csv_file(dir.path()).unwrap(), Some(csv));
    }

    #[test]
    fn a_lone_arabic_images_file_is_not_a_single_csv_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("csvTrainImages 1x4.csv"), b"").unwrap();
        assert_eq!(single_csv_file(dir.path()).unwrap(), None);
        // Still the Arabic layout, whose loader then asks for the labels file.
        assert_eq!(detect_format(dir.path()).unwrap(), Format::Csv);
        let only_notes = tempfile::tempdir().unwrap();
        std::fs::write(only_notes.path().join("README.md"), b"").unwrap();
        assert_eq!(single_csv_file(only_notes.path()).unwrap(), None);
    }

    #[test]
    fn a_missing_path_is_an_io_error() {
        let err = detect_format(Path::new("/no/such/data")).unwrap_err();
        assert!(matches!(err, crate::Error::Io { .. }), "{err}");
    }
}
