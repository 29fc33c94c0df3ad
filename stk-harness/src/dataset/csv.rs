//! CSV files: one image per row with a label column, and the Arabic characters' pair of files.

use std::path::{Path, PathBuf};

use super::file::{
    file_name, format_error, gunzip_if_needed, io_error, read_maybe_gzip, sorted_entries,
};
use super::{
    Dataset, SplitIndices, SplitProtocol, dense_labels, resolve_image_size, square_side,
    to_unit_range,
};
use crate::{Error, Result};

/// The 28 letters of the Arabic Handwritten Characters Dataset in label order (label 1 is alef).
const ARABIC_LETTERS: [&str; 28] = [
    "alef", "beh", "teh", "theh", "jeem", "hah", "khah", "dal", "thal", "reh", "zain", "seen",
    "sheen", "sad", "dad", "tah", "zah", "ain", "ghain", "feh", "qaf", "kaf", "lam", "meem",
    "noon", "heh", "waw", "yeh",
];

/// Which column of a table holds the label.
#[derive(Debug, Clone, Copy)]
enum LabelColumn<'a> {
    /// No label column: every column is a value.
    None,
    /// The column with this header name (case-insensitive).
    Named(&'a str),
    /// A header column named `label` (any case) if there is a header, else the last column.
    Default,
}

/// A parsed table: numeric values without the label column, and the label cells.
#[derive(Debug)]
struct Table {
    n_rows: usize,
    n_values: usize,
    values: Vec<f32>,
    labels: Vec<String>,
}

/// Parses a CSV number; the fast path reads plain unsigned integers (pixel files are mostly
/// those).
fn parse_number(cell: &[u8]) -> Option<f32> {
    if !cell.is_empty() && cell.len() <= 7 && cell.iter().all(u8::is_ascii_digit) {
        let value = cell
            .iter()
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'));
        return Some(value as f32);
    }
    let text = std::str::from_utf8(cell).ok()?.trim();
    text.parse::<f32>().ok()
}

/// Reads a table (gzipped or not). A UTF-8 byte-order mark, CRLF line ends and a missing final
/// newline are accepted. The first row is a header when any of its cells is not a number.
fn read_table(path: &Path, label_column: LabelColumn<'_>) -> Result<Table> {
    read_table_bytes(&read_maybe_gzip(path)?, path, label_column)
}

/// [`read_table`] on bytes already in memory (and decompressed); `path` names them in errors.
fn read_table_bytes(bytes: &[u8], path: &Path, label_column: LabelColumn<'_>) -> Result<Table> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let csv_error = |e: ::csv::Error| format_error(path, format!("unreadable CSV: {e}"));

    // Header or first data row.
    let Some(first) = records.next() else {
        return Err(format_error(path, "empty file: no rows"));
    };
    let first = first.map_err(csv_error)?;
    let n_columns = first.len();
    let is_header = first.iter().any(|cell| parse_number(cell).is_none());
    let header: Option<Vec<String>> = is_header.then(|| {
        first
            .iter()
            .map(|c| String::from_utf8_lossy(c).trim().to_owned())
            .collect()
    });
    let label_idx = match (label_column, &header) {
        (LabelColumn::None, _) => None,
        (LabelColumn::Named(name), Some(header)) => Some(
            header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    format_error(path, format!("no column named {name:?} in the header"))
                })?,
        ),
        (LabelColumn::Named(name), None) => {
            return Err(format_error(
                path,
                format!("label column {name:?} requested, but the file has no header"),
            ));
        }
        (LabelColumn::Default, Some(header)) => Some(
            header
                .iter()
                .position(|h| h.eq_ignore_ascii_case("label"))
                .unwrap_or(n_columns - 1),
        ),
        (LabelColumn::Default, None) => Some(n_columns - 1),
    };
    let n_values = n_columns - usize::from(label_idx.is_some());

    // Data rows.
    let mut table = Table {
        n_rows: 0,
        n_values,
        values: Vec::new(),
        labels: Vec::new(),
    };
    let mut add_row = |record: &::csv::ByteRecord| -> Result<()> {
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != n_columns {
            return Err(format_error(
                path,
                format!(
                    "line {line}: ragged row of {} fields, expected {n_columns}",
                    record.len()
                ),
            ));
        }
        for (column, cell) in record.iter().enumerate() {
            if Some(column) == label_idx {
                table
                    .labels
                    .push(String::from_utf8_lossy(cell).trim().to_owned());
                continue;
            }
            let Some(value) = parse_number(cell) else {
                return Err(format_error(
                    path,
                    format!(
                        "line {line}, column {}: cannot read {:?} as a number",
                        column + 1,
                        String::from_utf8_lossy(cell)
                    ),
                ));
            };
            if !value.is_finite() {
                return Err(format_error(
                    path,
                    format!(
                        "line {line}, column {}: non-finite value {:?}",
                        column + 1,
                        String::from_utf8_lossy(cell).trim()
                    ),
                ));
            }
            table.values.push(value);
        }
        table.n_rows += 1;
        Ok(())
    };
    if !is_header {
        add_row(&first)?;
    }
    for record in records {
        add_row(&record.map_err(csv_error)?)?;
    }
    if table.n_rows == 0 {
        return Err(format_error(path, "no samples: the file has no data rows"));
    }
    Ok(table)
}

/// Turns label cells into dense labels and class names: integers through
/// [`dense_labels`], any other text sorted by name.
fn labels_from_cells(cells: &[String], path: &Path) -> Result<(Vec<u32>, Vec<String>)> {
    if cells.iter().all(|c| c.parse::<i64>().is_ok()) {
        let raw: Vec<i64> = cells.iter().map(|c| c.parse().unwrap_or(0)).collect();
        return Ok(dense_labels(&raw));
    }
    if let Some(row) = cells.iter().position(String::is_empty) {
        return Err(format_error(
            path,
            format!("data row {}: empty label", row + 1),
        ));
    }
    let mut names: Vec<String> = cells.to_vec();
    names.sort();
    names.dedup();
    let labels = cells
        .iter()
        .map(|c| names.binary_search(c).unwrap_or(0) as u32)
        .collect();
    Ok((labels, names))
}

/// Loads a CSV file (possibly gzipped) with one image per row.
///
/// The label is in the column named `label_column` (case-insensitive; the file then needs a
/// header), else in a header column named `label`, else in the last column. A header is
/// recognised by a cell that is not a number. Pixels are row-major; `image_size` gives
/// (H, W), or a square is assumed. Integer labels are mapped to 0, 1, ... in increasing
/// order (MNIST's 0..9 stay as they are); text labels are sorted by name.
///
/// The split protocol is stratified; MNIST-5k's 1000 of 5000 is a test fraction of 0.2, which
/// is also the default for other files.
///
/// # Errors
///
/// [`Error::Io`] for an unreadable file; [`Error::Format`] naming the file (and the line and
/// column) for an empty file, a ragged row, a non-numeric cell, a missing label column or
/// pixel values outside `[0, 255]`; [`Error::ShapeMismatch`] when `image_size` does not fit
/// the number of pixel columns.
pub fn load_csv(
    path: &Path,
    label_column: Option<&str>,
    image_size: Option<(usize, usize)>,
) -> Result<Dataset> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
    load_csv_bytes(bytes, path, label_column, image_size)
}

/// [`load_csv`] on the bytes of a file (gzipped or not) already in memory; `path` names them.
pub(crate) fn load_csv_bytes(
    bytes: Vec<u8>,
    path: &Path,
    label_column: Option<&str>,
    image_size: Option<(usize, usize)>,
) -> Result<Dataset> {
    let column = match label_column {
        Some(name) => LabelColumn::Named(name),
        None => LabelColumn::Default,
    };
    let bytes = gunzip_if_needed(bytes, path)?;
    let mut table = read_table_bytes(&bytes, path, column)?;
    let (height, width) = resolve_image_size(table.n_values, image_size, path)?;
    to_unit_range(&mut table.values, path)?;
    let (labels, class_names) = labels_from_cells(&table.labels, path)?;
    let name = file_name(path)
        .trim_end_matches(".gz")
        .trim_end_matches(".csv")
        .replace('_', "-");
    Ok(Dataset {
        name,
        height,
        width,
        images: table.values,
        labels,
        class_names,
        speakers: None,
        warps: None,
        protocol: SplitProtocol::Stratified { test_fraction: 0.2 },
        rescale_after_split: false,
    })
}

/// One part of the Arabic characters' data: an images file and a labels file.
#[derive(Debug)]
struct ArabicPart {
    images: PathBuf,
    labels: PathBuf,
    is_test: bool,
}

/// Loads the Arabic Handwritten Characters Dataset's CSV form from a folder.
///
/// The folder holds an images file `*Images*.csv[.gz]` and a labels file `*Label*.csv[.gz]`
/// (names as upstream, `csvTrainImages 13440x1024.csv`; spaces allowed), and possibly the
/// test pair (`*Test*`). Neither has a header. Each images row is one square picture stored
/// **column-major** (pixel `(y, x)` is `row[x * side + y]`), which is turned row-major; labels
/// 1..=28 become 0..=27 and are named after the letters (`alef` .. `yeh`); other label sets are
/// numbered in increasing order.
///
/// With a training and a test pair the split is predefined; with the training pair only (as
/// shipped in `../shared/data`), it is a seeded stratified split holding out a fifth, the
/// paper's 3360 of 16800.
///
/// # Errors
///
/// [`Error::Format`] naming the folder when the files are missing or ambiguous, or naming the
/// file for a ragged row, a non-numeric cell or a row that is not a square picture;
/// [`Error::ShapeMismatch`] when image and label counts disagree.
pub fn load_arabic(dir: &Path) -> Result<Dataset> {
    let parts = find_arabic_parts(dir)?;
    let mut images = Vec::new();
    let mut cells = Vec::new();
    let mut side = 0;
    let mut n_train = 0;
    for part in &parts {
        let table = read_table(&part.images, LabelColumn::None)?;
        let label_table = read_table(&part.labels, LabelColumn::None)?;
        if label_table.n_values != 1 {
            return Err(format_error(
                &part.labels,
                format!(
                    "expected one label per row, found {} columns",
                    label_table.n_values
                ),
            ));
        }
        if label_table.n_rows != table.n_rows {
            return Err(Error::ShapeMismatch {
                expected: format!(
                    "{} labels (one per row of {})",
                    table.n_rows,
                    part.images.display()
                ),
                found: format!("{} in {}", label_table.n_rows, part.labels.display()),
            });
        }
        let part_side = square_side(table.n_values).ok_or_else(|| {
            format_error(
                &part.images,
                format!("rows of {} values are not square pictures", table.n_values),
            )
        })?;
        if side != 0 && side != part_side {
            return Err(Error::ShapeMismatch {
                expected: format!("pictures of {side} x {side}"),
                found: format!("{part_side} x {part_side} in {}", part.images.display()),
            });
        }
        side = part_side;
        let mut values = table.values;
        to_unit_range(&mut values, &part.images)?;
        for row in values.chunks_exact(side * side) {
            for y in 0..side {
                images.extend((0..side).map(|x| row[x * side + y]));
            }
        }
        for value in &label_table.values {
            if value.fract() != 0.0 || *value < 0.0 {
                return Err(format_error(
                    &part.labels,
                    format!("label {value} is not a non-negative integer"),
                ));
            }
            cells.push(*value as i64);
        }
        if !part.is_test {
            n_train = cells.len();
        }
    }

    let all_letters = cells.iter().all(|l| (1..=28).contains(l));
    let (labels, class_names) = if all_letters {
        (
            cells.iter().map(|&l| (l - 1) as u32).collect(),
            ARABIC_LETTERS.iter().map(|s| (*s).to_owned()).collect(),
        )
    } else {
        dense_labels(&cells)
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
    Ok(Dataset {
        name: "arabic-chars".to_owned(),
        height: side,
        width: side,
        images,
        labels,
        class_names,
        speakers: None,
        warps: None,
        protocol,
        rescale_after_split: false,
    })
}

/// Finds the images and labels files of the Arabic characters in `dir`.
fn find_arabic_parts(dir: &Path) -> Result<Vec<ArabicPart>> {
    let files: Vec<PathBuf> = sorted_entries(dir)?
        .into_iter()
        .filter(|p| {
            let name = file_name(p).to_ascii_lowercase();
            p.is_file() && (name.ends_with(".csv") || name.ends_with(".csv.gz"))
        })
        .collect();
    let lower = |p: &PathBuf| file_name(p).to_ascii_lowercase();
    let images: Vec<&PathBuf> = files
        .iter()
        .filter(|p| lower(p).contains("images"))
        .collect();
    let labels: Vec<&PathBuf> = files
        .iter()
        .filter(|p| lower(p).contains("label"))
        .collect();
    if images.is_empty() || labels.is_empty() {
        return Err(format_error(
            dir,
            format!(
                "need an images file `*Images*.csv[.gz]` and a labels file `*Label*.csv[.gz]`; \
                 found {} CSV files",
                files.len()
            ),
        ));
    }
    let is_test = |p: &PathBuf| lower(p).contains("test");
    let mut parts = Vec::new();
    for test in [false, true] {
        let part_images: Vec<&&PathBuf> = images.iter().filter(|p| is_test(p) == test).collect();
        let part_labels: Vec<&&PathBuf> = labels.iter().filter(|p| is_test(p) == test).collect();
        match (part_images.as_slice(), part_labels.as_slice()) {
            ([], []) => {}
            ([i], [l]) => parts.push(ArabicPart {
                images: (**i).clone(),
                labels: (**l).clone(),
                is_test: test,
            }),
            _ => {
                return Err(format_error(
                    dir,
                    format!(
                        "ambiguous {} files: {} images and {} labels files",
                        if test { "test" } else { "training" },
                        part_images.len(),
                        part_labels.len()
                    ),
                ));
            }
        }
    }
    if parts.is_empty() || parts[0].is_test {
        return Err(format_error(dir, "no training images and labels files"));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_spreadsheet_export_with_bom_crlf_and_no_final_newline_parses() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "sheet.csv",
            "\u{feff}p0,p1,p2,p3,label\r\n0,255,0,0,cat\r\n255,255,0,0,dog",
        );
        let ds = load_csv(&path, None, None).unwrap();
        assert_eq!((ds.n_samples(), ds.height, ds.width), (2, 2, 2));
        assert_eq!(ds.class_names, vec!["cat", "dog"]);
        assert_eq!(ds.image(1), &[1.0, 1.0, 0.0, 0.0]);
        // The first column's name lost its byte-order mark: it can be asked for by name.
        let by_first = load_csv(&path, Some("p0"), Some((2, 2)));
        assert!(by_first.is_err(), "a text label column is not a pixel");
        let err = by_first.unwrap_err();
        assert!(err.to_string().contains("\"cat\""), "{err}");
        let ds = load_csv(&path, Some("label"), None).unwrap();
        assert_eq!(ds.labels, vec![0, 1]);
    }

    #[test]
    fn the_first_column_name_has_no_byte_order_mark() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "s.csv", "\u{feff}label,a\r\n3,0.5\r\n4,0.25");
        let ds = load_csv(&path, Some("label"), None).unwrap();
        assert_eq!(ds.class_names, vec!["3", "4"]);
        assert_eq!(ds.images, vec![0.5, 0.25]);
    }

    #[test]
    fn without_a_header_the_label_is_the_last_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "m.csv", "0,51,102,255,7\n255,0,0,0,2\n");
        let ds = load_csv(&path, None, None).unwrap();
        assert_eq!(ds.labels, vec![1, 0]);
        assert_eq!(ds.class_names, vec!["2", "7"]);
        assert_eq!(ds.image(0), &[0.0, 0.2, 0.4, 1.0]);
    }

    #[test]
    fn a_ragged_row_is_named_by_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "r.csv", "1,2,3,4,0\n1,2,3,0\n");
        let err = load_csv(&path, None, None).unwrap_err();
        assert!(
            err.to_string().contains("line 2: ragged row of 4 fields"),
            "{err}"
        );
        assert!(err.to_string().contains("r.csv"), "{err}");
    }

    #[test]
    fn a_non_numeric_cell_is_named_by_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "n.csv", "1,2,3,4,0\n1,x,3,4,0\n");
        let err = load_csv(&path, None, None).unwrap_err();
        assert!(err.to_string().contains("line 2, column 2"), "{err}");
        let path = write(dir.path(), "nan.csv", "1,2,3,4,0\n1,2,3,4,0\n1,2,inf,4,0\n");
        let err = load_csv(&path, None, None).unwrap_err();
        assert!(
            err.to_string()
                .contains("line 3, column 3: non-finite value \"inf\""),
            "{err}"
        );
    }

    #[test]
    fn empty_files_and_header_only_files_have_no_samples() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "e.csv", "");
        assert!(
            load_csv(&path, None, None)
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        let path = write(dir.path(), "h.csv", "a,b,label\n");
        let err = load_csv(&path, None, None).unwrap_err();
        assert!(err.to_string().contains("no samples"), "{err}");
    }

    #[test]
    fn the_arabic_form_is_transposed_and_labelled_from_zero() {
        let dir = tempfile::tempdir().unwrap();
        // One 2 x 2 picture stored column-major: (y, x) = row[x * 2 + y].
        write(
            dir.path(),
            "csvTrainImages 2x4.csv",
            "0,255,0,0\n0,0,255,0\n",
        );
        write(dir.path(), "csvTrainLabel 2x1.csv", "1\n28\n");
        let ds = load_arabic(dir.path()).unwrap();
        assert_eq!((ds.height, ds.width), (2, 2));
        // Stored index 1 is (y = 1, x = 0), row-major index 2.
        assert_eq!(ds.image(0), &[0.0, 0.0, 1.0, 0.0]);
        assert_eq!(ds.image(1), &[0.0, 1.0, 0.0, 0.0]);
        assert_eq!(ds.labels, vec![0, 27]);
        assert_eq!(ds.class_names[27], "yeh");
        assert_eq!(
            ds.protocol,
            SplitProtocol::Stratified { test_fraction: 0.2 }
        );
    }

    #[test]
    fn arabic_counts_that_disagree_are_a_shape_mismatch() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "csvTrainImages.csv", "0,255,0,0\n0,0,255,0\n");
        write(dir.path(), "csvTrainLabel.csv", "1\n2\n3\n");
        let err = load_arabic(dir.path()).unwrap_err();
        assert!(matches!(err, Error::ShapeMismatch { .. }), "{err}");
        let empty = tempfile::tempdir().unwrap();
        let err = load_arabic(empty.path()).unwrap_err();
        assert!(err.to_string().contains("*Images*"), "{err}");
    }

    fn shared(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data")
            .join(name)
    }

    #[test]
    #[ignore = "needs ../shared/data"]
    fn shared_mnist_5k_loads_with_500_per_class_and_matching_pixel_sums() {
        let path = shared("mnist-5k/mnist_5k.csv.gz");
        let ds = load_csv(&path, None, None).unwrap();
        assert_eq!((ds.n_samples(), ds.height, ds.width), (5000, 28, 28));
        assert_eq!(ds.class_counts(), vec![500; 10]);

        // Independent check: sum the integer cells of each row straight from the text.
        let bytes = read_maybe_gzip(&path).unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        for (i, line) in text.lines().enumerate().step_by(97) {
            let cells: Vec<u64> = line.split(',').map(|c| c.trim().parse().unwrap()).collect();
            let pixel_sum: u64 = cells[..784].iter().sum();
            let loaded: f64 = ds.image(i).iter().map(|&v| f64::from(v) * 255.0).sum();
            assert!((loaded - pixel_sum as f64).abs() < 0.5, "row {i}");
            assert_eq!(u64::from(ds.labels[i]), cells[784]);
        }
    }

    #[test]
    #[ignore = "needs ../shared/data"]
    fn shared_arabic_characters_load_upright() {
        let ds = load_arabic(&shared("arabic-chars")).unwrap();
        assert_eq!((ds.n_samples(), ds.height, ds.width), (13440, 32, 32));
        assert_eq!(ds.class_counts(), vec![480; 28]);

        // Alef is one vertical stroke: in the mean alef the ink spreads far more along y than
        // along x. A transposed load would lie on its side.
        let (mut var_y, mut var_x) = (0.0, 0.0);
        let alef: Vec<usize> = (0..ds.n_samples()).filter(|&i| ds.labels[i] == 0).collect();
        let mut mean = vec![0.0f64; 32 * 32];
        for &i in &alef {
            for (m, &v) in mean.iter_mut().zip(ds.image(i)) {
                *m += f64::from(v);
            }
        }
        let total: f64 = mean.iter().sum();
        let centre = |axis: usize| -> f64 {
            (0..1024)
                .map(|p| mean[p] * [p / 32, p % 32][axis] as f64)
                .sum::<f64>()
                / total
        };
        let (cy, cx) = (centre(0), centre(1));
        for (p, &m) in mean.iter().enumerate() {
            var_y += m * ((p / 32) as f64 - cy).powi(2);
            var_x += m * ((p % 32) as f64 - cx).powi(2);
        }
        assert!(
            var_y > 3.0 * var_x,
            "alef not upright: var_y {var_y}, var_x {var_x}"
        );
        assert_eq!(ds.class_names[0], "alef");
        let (lo, hi) = ds.value_range();
        assert_eq!((lo, hi), (0.0, 1.0));
    }
}
