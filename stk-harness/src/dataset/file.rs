//! Reading whole files, gzipped or not, with errors that name the file.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The first two bytes of a gzip stream.
pub(crate) const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Reads a whole file; decompresses it when it starts with the gzip magic, whatever its name.
pub(crate) fn read_maybe_gzip(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).map_err(|source| io_error(path, source))?;
    gunzip_if_needed(bytes, path)
}

/// Decompresses `bytes` when they start with the gzip magic; `path` names them in errors.
pub(crate) fn gunzip_if_needed(bytes: Vec<u8>, path: &Path) -> Result<Vec<u8>> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        return Ok(bytes);
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .read_to_end(&mut out)
        .map_err(|err| Error::Format {
            path: path.to_path_buf(),
            message: format!("corrupt or truncated gzip stream: {err}"),
        })?;
    Ok(out)
}

/// Builds an [`Error::Io`] for `path`.
pub(crate) fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Builds an [`Error::Format`] for `path`.
pub(crate) fn format_error(path: &Path, message: impl Into<String>) -> Error {
    Error::Format {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Lists the entries of a folder, sorted by name so that loading order never depends on the
/// file system.
pub(crate) fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|source| io_error(dir, source))? {
        entries.push(entry.map_err(|source| io_error(dir, source))?.path());
    }
    entries.sort();
    Ok(entries)
}

/// Returns the file name of `path` as text (lossy), for matching by name.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
