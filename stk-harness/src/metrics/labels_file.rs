//! Reading a labelling (ground truth or cluster assignments) from a file.

use std::path::Path;

use npyz::{DType, NpyFile, TypeChar};

use crate::{Error, Result};

/// The first bytes of every `.npy` file.
const NPY_MAGIC: &[u8] = b"\x93NUMPY";

/// Returns the labels stored in the file at `path`, one per point, in file order.
///
/// The format is recognised from the contents, not the file name:
///
/// - a `.npy` file (it starts with the NumPy magic bytes) holding a 1-D array of any integer
///   dtype (`i1` to `i8`, `u1` to `u8`, either byte order);
/// - text with one integer per line, which is also a one-column CSV file. The first line may
///   be a header (a name starting with a letter or `_`), values may be wrapped in double
///   quotes, lines may end in `\r\n`, and blank lines may follow the last value. A value
///   written as a float with no fractional part (`3.0`, `3.000000000000000000e+00`, as NumPy's
///   `savetxt` writes by default) is read as that integer.
///
/// Labels must fit in `u32`. Nothing is skipped or altered: anything else is an error.
///
/// # Errors
///
/// - [`Error::Io`] if the file cannot be read.
/// - [`Error::Format`], naming the file and the line (text) or element (`.npy`), for a blank
///   line before the last value, more than one column, a value that is not an integer, a
///   negative value or one above `u32::MAX`; for a `.npy` file that is malformed, not 1-D or
///   not of an integer dtype; and for a file with no labels at all.
pub fn read_labels(path: &Path) -> Result<Vec<u32>> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let format_error = |message: String| Error::Format {
        path: path.to_path_buf(),
        message,
    };

    let labels = if bytes.starts_with(NPY_MAGIC) {
        read_npy(&bytes).map_err(format_error)?
    } else {
        let text = std::str::from_utf8(&bytes).map_err(|err| {
            let line = 1 + bytes[..err.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            format_error(format!(
                "line {line}: not UTF-8 text (expected one integer per line or a .npy file)"
            ))
        })?;
        read_text(text).map_err(format_error)?
    };

    if labels.is_empty() {
        return Err(format_error("the file holds no labels".to_owned()));
    }
    Ok(labels)
}

/// Parses one integer label per line, with an optional header line.
fn read_text(text: &str) -> std::result::Result<Vec<u32>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let n_lines = lines
        .iter()
        .rposition(|line| !line.trim().is_empty())
        .map_or(0, |last| last + 1);

    let mut labels = Vec::with_capacity(n_lines);
    for (line_idx, raw) in lines[..n_lines].iter().enumerate() {
        let line_number = line_idx + 1;
        let field = raw.trim();
        if field.is_empty() {
            return Err(format!(
                "line {line_number}: blank line where a label was expected"
            ));
        }
        if field.contains(',') {
            let n_columns = field.split(',').count();
            return Err(format!(
                "line {line_number}: expected one column, found {n_columns}"
            ));
        }
        let value = unquote(field);
        if line_idx == 0 && is_header(value) {
            continue;
        }
        labels.push(parse_label(value).map_err(|why| format!("line {line_number}: {why}"))?);
    }
    Ok(labels)
}

/// Removes one pair of surrounding double quotes, as CSV writers add.
fn unquote(field: &str) -> &str {
    field
        .strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .map_or(field, str::trim)
}

/// Returns `true` for a column name: it starts with a letter or an underscore. (Numbers start
/// with a digit, a sign or a point, and `inf` or `nan` are not labels either way.)
fn is_header(value: &str) -> bool {
    value
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "nan" | "inf" | "infinity" | "+inf" | "-inf"
        )
}

/// Parses one label, explaining a rejection.
fn parse_label(value: &str) -> std::result::Result<u32, String> {
    if let Ok(label) = value.parse::<u32>() {
        return Ok(label);
    }
    if let Ok(integer) = value.parse::<i128>() {
        return Err(out_of_range(&integer.to_string()));
    }
    match value.parse::<f64>() {
        Ok(float) if float.is_finite() && float.fract() == 0.0 => {
            if (0.0..=f64::from(u32::MAX)).contains(&float) {
                // In range and integral, so the conversion is exact.
                Ok(float as u32)
            } else {
                Err(out_of_range(value))
            }
        }
        _ => Err(format!("`{value}` is not an integer label")),
    }
}

fn out_of_range(value: &str) -> String {
    format!(
        "label {value} is out of range (labels must be 0 to {})",
        u32::MAX
    )
}

/// Reads a 1-D integer `.npy` array.
fn read_npy(bytes: &[u8]) -> std::result::Result<Vec<u32>, String> {
    let npy = NpyFile::new(bytes).map_err(|err| format!("not a valid .npy file: {err}"))?;
    let shape = npy.shape().to_vec();
    if shape.len() != 1 {
        return Err(format!(
            "expected a 1-D array of labels, found shape {shape:?}"
        ));
    }
    let dtype = npy.dtype();
    let DType::Plain(type_str) = &dtype else {
        return Err(format!(
            "expected an integer dtype, found {}",
            dtype.descr()
        ));
    };

    let read_error = |err: std::io::Error| format!("cannot read the array data: {err}");
    match (type_str.type_char(), type_str.size_field()) {
        (TypeChar::Int, 1) => convert(npy.into_vec::<i8>().map_err(read_error)?),
        (TypeChar::Int, 2) => convert(npy.into_vec::<i16>().map_err(read_error)?),
        (TypeChar::Int, 4) => convert(npy.into_vec::<i32>().map_err(read_error)?),
        (TypeChar::Int, 8) => convert(npy.into_vec::<i64>().map_err(read_error)?),
        (TypeChar::Uint, 1) => convert(npy.into_vec::<u8>().map_err(read_error)?),
        (TypeChar::Uint, 2) => convert(npy.into_vec::<u16>().map_err(read_error)?),
        (TypeChar::Uint, 4) => convert(npy.into_vec::<u32>().map_err(read_error)?),
        (TypeChar::Uint, 8) => convert(npy.into_vec::<u64>().map_err(read_error)?),
        _ => Err(format!(
            "expected an integer dtype, found {}",
            dtype.descr()
        )),
    }
}

/// Converts integers of any width to `u32` labels, naming the first one out of range.
fn convert<T>(values: Vec<T>) -> std::result::Result<Vec<u32>, String>
where
    T: Copy + std::fmt::Display + TryInto<u32>,
{
    values
        .iter()
        .enumerate()
        .map(|(index, &value)| {
            value
                .try_into()
                .map_err(|_| format!("element {index}: {}", out_of_range(&value.to_string())))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use npyz::WriterBuilder;
    use std::io::Write;

    fn write(contents: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(contents).unwrap();
        file
    }

    fn read(contents: &[u8]) -> Result<Vec<u32>> {
        read_labels(write(contents).path())
    }

    fn message(contents: &[u8]) -> String {
        match read(contents) {
            Err(err @ Error::Format { .. }) => err.to_string(),
            other => panic!("expected a format error, got {other:?}"),
        }
    }

    fn npy<T: npyz::AutoSerialize + Copy>(values: &[T], shape: &[u64]) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut writer = npyz::WriteOptions::new()
            .default_dtype()
            .shape(shape)
            .writer(&mut bytes)
            .begin_nd()
            .unwrap();
        writer.extend(values.iter().copied()).unwrap();
        writer.finish().unwrap();
        bytes
    }

    #[test]
    fn reads_one_integer_per_line() {
        assert_eq!(read(b"3\n1\n4\n1\n5\n").unwrap(), vec![3, 1, 4, 1, 5]);
        assert_eq!(read(b"3\r\n1\r\n4").unwrap(), vec![3, 1, 4]);
        assert_eq!(read(b" 7 \n\n\n").unwrap(), vec![7]);
        assert_eq!(read(b"4294967295\n").unwrap(), vec![u32::MAX]);
    }

    #[test]
    fn reads_a_one_column_csv_with_a_header_and_quotes() {
        assert_eq!(read(b"label\n\"2\"\n0\n").unwrap(), vec![2, 0]);
        assert_eq!(read(b"\xef\xbb\xbf_cluster\r\n9\r\n").unwrap(), vec![9]);
    }

    #[test]
    fn reads_integral_floats_as_written_by_savetxt() {
        let text = b"3.000000000000000000e+00\n0.0\n";
        assert_eq!(read(text).unwrap(), vec![3, 0]);
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let file = write(b"0\n1\nx1\n");
        let err = read_labels(file.path()).unwrap_err().to_string();
        assert!(err.contains(&file.path().display().to_string()), "{err}");
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("x1"), "{err}");
    }

    #[test]
    fn a_header_is_allowed_only_on_the_first_line() {
        assert!(message(b"0\nlabel\n").contains("line 2"));
    }

    #[test]
    fn non_integers_and_out_of_range_values_are_refused() {
        assert!(message(b"1.5\n").contains("line 1"));
        assert!(message(b"0\n-1\n").contains("out of range"));
        assert!(message(b"4294967296\n").contains("out of range"));
        assert!(message(b"nan\n").contains("not an integer"));
        assert!(message(b"1e300\n").contains("out of range"));
    }

    #[test]
    fn blank_lines_before_the_end_are_refused() {
        assert!(message(b"0\n\n1\n").contains("line 2: blank line"));
    }

    #[test]
    fn more_than_one_column_is_refused() {
        assert!(message(b"0,1\n").contains("expected one column, found 2"));
    }

    #[test]
    fn files_without_labels_are_refused() {
        assert!(message(b"").contains("no labels"));
        assert!(message(b"label\n\n").contains("no labels"));
        assert!(message(&npy::<i32>(&[], &[0])).contains("no labels"));
    }

    #[test]
    fn binary_text_is_refused() {
        assert!(message(b"0\n\xff\xfe\n").contains("line 2: not UTF-8"));
    }

    #[test]
    fn a_missing_file_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_labels(&dir.path().join("absent.txt")).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        assert!(err.to_string().contains("absent.txt"), "{err}");
    }

    #[test]
    fn reads_npy_of_every_integer_dtype() {
        let expected = vec![0, 5, 2];
        assert_eq!(read(&npy(&[0_i8, 5, 2], &[3])).unwrap(), expected);
        assert_eq!(read(&npy(&[0_i16, 5, 2], &[3])).unwrap(), expected);
        assert_eq!(read(&npy(&[0_i32, 5, 2], &[3])).unwrap(), expected);
        assert_eq!(read(&npy(&[0_i64, 5, 2], &[3])).unwrap(), expected);
        assert_eq!(read(&npy(&[0_u8, 5, 2], &[3])).unwrap(), expected);
        assert_eq!(read(&npy(&[0_u16, 5, 2], &[3])).unwrap(), expected);
        assert_eq!(read(&npy(&[0_u32, 5, 2], &[3])).unwrap(), expected);
        assert_eq!(read(&npy(&[0_u64, 5, 2], &[3])).unwrap(), expected);
    }

    #[test]
    fn reads_big_endian_npy() {
        let type_str: npyz::TypeStr = ">u2".parse().unwrap();
        let mut bytes = Vec::new();
        let mut writer = npyz::WriteOptions::<u16>::new()
            .dtype(DType::Plain(type_str))
            .shape(&[2])
            .writer(&mut bytes)
            .begin_nd()
            .unwrap();
        writer.extend([258_u16, 7]).unwrap();
        writer.finish().unwrap();
        assert_eq!(read(&bytes).unwrap(), vec![258, 7]);
    }

    #[test]
    fn npy_out_of_range_values_name_the_element() {
        assert!(message(&npy(&[1_i64, -3], &[2])).contains("element 1"));
        assert!(message(&npy(&[1_u64 << 40], &[1])).contains("element 0"));
    }

    #[test]
    fn npy_must_be_one_dimensional_integers() {
        assert!(message(&npy(&[0_i32, 1, 2, 3], &[2, 2])).contains("1-D"));
        assert!(message(&npy(&[0.0_f64, 1.0], &[2])).contains("integer dtype"));
    }

    #[test]
    fn truncated_npy_is_refused() {
        let bytes = npy(&[0_i64, 1, 2], &[3]);
        assert!(message(&bytes[..bytes.len() - 4]).contains("cannot read"));
        assert!(message(&bytes[..12]).contains("not a valid .npy"));
    }
}
