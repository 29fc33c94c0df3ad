//! Folders of PNG and JPEG images, one sub-folder per class.

use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use rayon::prelude::*;

use super::file::{file_name, format_error, sorted_entries};
use super::{Dataset, SplitIndices, SplitProtocol};
use crate::{Error, Result};

/// File name endings read as images (case-insensitive).
const IMAGE_EXTENSIONS: [&str; 3] = ["png", "jpg", "jpeg"];

/// Mean border value above which a data set is taken to have a light background.
const LIGHT_BACKGROUND: f64 = 0.5;

/// Loads a folder of images: `root/<class>/<file>.png|jpg|jpeg`, or
/// `root/train/<class>/...` with `root/test/<class>/...` (the split is then predefined).
///
/// Each image is converted to grey (the image crate's luma: 0.2126 R + 0.7152 G + 0.0722 B on
/// the stored values) and, when `image_size = Some((h, w))`, resized to exactly `h x w` with a
/// triangle (bilinear) filter, ignoring its aspect ratio. Without a size every image must have
/// the same size, which is kept.
///
/// When the mean of the pictures' border pixels exceeds one half, the background is light:
/// every picture is inverted (`1 - v`) so that the background is dark, as the clustering's
/// zero padding requires (PAPER.md section 1), and the log says so. The decision is taken once
/// per data set, so all pictures are treated alike.
///
/// Classes are the sub-folders' names in sorted order. Files of other types (`.txt`,
/// `.DS_Store`) are skipped and counted in a warning. Without a predefined split the protocol
/// is stratified with a fifth held out.
///
/// # Errors
///
/// [`Error::Io`] for unreadable folders; [`Error::Format`] naming the folder when it has no
/// class folders or no images, naming the file for an image that cannot be decoded, and when
/// the images differ in size and no size is given; [`Error::Format`] naming the test folder
/// when it has a class the training folder lacks.
pub fn load_image_folder(root: &Path, image_size: Option<(usize, usize)>) -> Result<Dataset> {
    if let Some((h, w)) = image_size
        && (h == 0 || w == 0 || u32::try_from(h).is_err() || u32::try_from(w).is_err())
    {
        return Err(format_error(
            root,
            format!("cannot resize images to {h} x {w}"),
        ));
    }
    let (train_root, test_root) = (root.join("train"), root.join("test"));
    let has_parts = train_root.is_dir() && test_root.is_dir();

    // List the files: training part first.
    let mut skipped = 0;
    let train = list_classes(if has_parts { &train_root } else { root }, &mut skipped)?;
    let class_names: Vec<String> = train.iter().map(|(name, _)| name.clone()).collect();
    let mut files: Vec<(PathBuf, u32)> = Vec::new();
    for (label, (_, paths)) in train.iter().enumerate() {
        files.extend(paths.iter().map(|p| (p.clone(), label as u32)));
    }
    let n_train = files.len();
    if has_parts {
        for (name, paths) in list_classes(&test_root, &mut skipped)? {
            let label = class_names.iter().position(|c| *c == name).ok_or_else(|| {
                format_error(
                    &test_root,
                    format!("test class {name:?} has no training folder"),
                )
            })?;
            files.extend(paths.iter().map(|p| (p.clone(), label as u32)));
        }
    }
    if skipped > 0 {
        log::warn!(
            "{}: skipped {skipped} files that are not PNG or JPEG images",
            root.display()
        );
    }
    if files.is_empty() {
        return Err(format_error(
            root,
            "no PNG or JPEG images in the class folders",
        ));
    }

    // Decode, convert to grey and resize, in parallel.
    let pictures: Vec<(usize, usize, Vec<f32>)> = files
        .par_iter()
        .map(|(path, _)| read_picture(path, image_size))
        .collect::<Result<_>>()?;
    let (height, width) = (pictures[0].0, pictures[0].1);
    if let Some(other) = pictures.iter().position(|p| (p.0, p.1) != (height, width)) {
        return Err(format_error(
            &files[other].0,
            format!(
                "image of {} x {} differs from {} ({height} x {width}); give an image size to \
                 resize them all",
                pictures[other].0,
                pictures[other].1,
                files[0].0.display()
            ),
        ));
    }
    let mut images: Vec<f32> = pictures.into_iter().flat_map(|p| p.2).collect();

    // Light background: invert.
    let border = mean_border(&images, height, width);
    if border > LIGHT_BACKGROUND {
        log::info!(
            "{}: light background (mean border value {border:.3}); inverting every picture",
            root.display()
        );
        images.iter_mut().for_each(|v| *v = 1.0 - *v);
    }

    let n = files.len();
    let protocol = if has_parts {
        SplitProtocol::Predefined(SplitIndices {
            train: (0..n_train).collect(),
            test: (n_train..n).collect(),
        })
    } else {
        SplitProtocol::Stratified { test_fraction: 0.2 }
    };
    Ok(Dataset {
        name: file_name(root),
        height,
        width,
        images,
        labels: files.iter().map(|(_, label)| *label).collect(),
        class_names,
        speakers: None,
        warps: None,
        protocol,
        rescale_after_split: false,
    })
}

/// Lists `dir`'s class folders and their image files, sorted by name; counts other files in
/// `skipped`.
fn list_classes(dir: &Path, skipped: &mut usize) -> Result<Vec<(String, Vec<PathBuf>)>> {
    let mut classes = Vec::new();
    for class_dir in sorted_entries(dir)?.into_iter().filter(|p| p.is_dir()) {
        let mut paths = Vec::new();
        for path in sorted_entries(&class_dir)? {
            let name = file_name(&path).to_ascii_lowercase();
            let is_image = IMAGE_EXTENSIONS
                .iter()
                .any(|ext| name.ends_with(&format!(".{ext}")));
            if path.is_file() && is_image {
                paths.push(path);
            } else {
                *skipped += 1;
            }
        }
        classes.push((file_name(&class_dir), paths));
    }
    if classes.is_empty() {
        return Err(format_error(
            dir,
            "no class folders (expected one sub-folder of images per class)",
        ));
    }
    Ok(classes)
}

/// Decodes one image into grey values in `[0, 1]`, resized when a size is given.
fn read_picture(path: &Path, size: Option<(usize, usize)>) -> Result<(usize, usize, Vec<f32>)> {
    let decoded = image::ImageReader::open(path)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?
        .with_guessed_format()
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?
        .decode()
        .map_err(|e| format_error(path, format!("cannot decode image: {e}")))?;
    let decoded = match size {
        Some((h, w)) if (decoded.height() as usize, decoded.width() as usize) != (h, w) => {
            // Both fit in u32: checked by the caller.
            decoded.resize_exact(w as u32, h as u32, FilterType::Triangle)
        }
        _ => decoded,
    };
    let grey = decoded.to_luma32f();
    let (w, h) = grey.dimensions();
    let values = grey
        .into_raw()
        .into_iter()
        .map(|v| v.clamp(0.0, 1.0))
        .collect();
    Ok((h as usize, w as usize, values))
}

/// Mean of the border pixels over all pictures.
fn mean_border(images: &[f32], height: usize, width: usize) -> f64 {
    let mut sum = 0.0f64;
    let mut count = 0usize;
    for picture in images.chunks_exact(height * width) {
        for y in 0..height {
            for x in 0..width {
                if y == 0 || x == 0 || y + 1 == height || x + 1 == width {
                    sum += f64::from(picture[y * width + x]);
                    count += 1;
                }
            }
        }
    }
    sum / count.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a `w x h` grey PNG whose pixel (x, y) is `value(x, y)`.
    fn png(path: &Path, w: u32, h: u32, value: impl Fn(u32, u32) -> u8) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        image::GrayImage::from_fn(w, h, |x, y| image::Luma([value(x, y)]))
            .save(path)
            .unwrap();
    }

    #[test]
    fn class_folders_load_in_sorted_order_with_a_dark_background_kept() {
        let dir = tempfile::tempdir().unwrap();
        png(&dir.path().join("b/1.png"), 4, 3, |x, _| {
            if x == 1 { 255 } else { 0 }
        });
        png(&dir.path().join("a/1.png"), 4, 3, |_, y| {
            if y == 1 { 255 } else { 0 }
        });
        let rgb = image::RgbImage::from_fn(4, 3, |_, _| image::Rgb([0, 0, 0]));
        rgb.save(dir.path().join("a/2.jpg")).unwrap();
        std::fs::write(dir.path().join("a/notes.txt"), "x").unwrap();
        let ds = load_image_folder(dir.path(), None).unwrap();
        assert_eq!(ds.class_names, vec!["a", "b"]);
        assert_eq!(ds.labels, vec![0, 0, 1]);
        assert_eq!((ds.height, ds.width), (3, 4));
        assert_eq!(ds.image(0)[4..8], [1.0; 4]);
        assert_eq!(ds.image(2)[1], 1.0);
        assert_eq!(ds.image(2)[0], 0.0);
    }

    #[test]
    fn a_light_background_is_inverted() {
        let dir = tempfile::tempdir().unwrap();
        png(&dir.path().join("c/1.png"), 5, 5, |x, y| {
            if (x, y) == (2, 2) { 0 } else { 255 }
        });
        let ds = load_image_folder(dir.path(), None).unwrap();
        assert_eq!(ds.image(0)[12], 1.0);
        assert_eq!(ds.image(0)[0], 0.0);
    }

    #[test]
    fn images_are_resized_to_the_requested_size() {
        let dir = tempfile::tempdir().unwrap();
        png(&dir.path().join("c/1.png"), 8, 6, |_, _| 0);
        png(&dir.path().join("c/2.png"), 4, 4, |x, _| {
            if x < 2 { 255 } else { 0 }
        });
        let err = load_image_folder(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("give an image size"), "{err}");
        let ds = load_image_folder(dir.path(), Some((2, 3))).unwrap();
        assert_eq!((ds.height, ds.width), (2, 3));
        assert!(
            ds.image(1)[0] > 0.9 && ds.image(1)[2] < 0.1,
            "{:?}",
            ds.image(1)
        );
    }

    #[test]
    fn train_and_test_folders_give_a_predefined_split() {
        let dir = tempfile::tempdir().unwrap();
        for part in ["train", "test"] {
            for class in ["paper", "rock"] {
                png(
                    &dir.path().join(format!("{part}/{class}/1.png")),
                    2,
                    2,
                    |_, _| 0,
                );
            }
        }
        let ds = load_image_folder(dir.path(), None).unwrap();
        let SplitProtocol::Predefined(parts) = &ds.protocol else {
            panic!("{:?}", ds.protocol);
        };
        assert_eq!(
            (parts.train.clone(), parts.test.clone()),
            (vec![0, 1], vec![2, 3])
        );
        png(&dir.path().join("test/scissors/1.png"), 2, 2, |_, _| 0);
        let err = load_image_folder(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("\"scissors\""), "{err}");
    }

    #[test]
    fn empty_folders_and_undecodable_images_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let err = load_image_folder(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("no class folders"), "{err}");
        std::fs::create_dir(dir.path().join("a")).unwrap();
        let err = load_image_folder(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("no PNG or JPEG"), "{err}");
        std::fs::write(dir.path().join("a/broken.png"), b"not a png").unwrap();
        let err = load_image_folder(dir.path(), None).unwrap_err();
        assert!(err.to_string().contains("broken.png"), "{err}");
    }
}
