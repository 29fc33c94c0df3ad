//! PNG pictures of the paper's figures: centroid grids (Fig. 3), accuracy against training
//! objective (Fig. 5) and warped data with their control-point grids (Fig. 1).
//!
//! Pictures are drawn pixel by pixel with the `image` crate, without text; their layout is fixed
//! so that their size can be checked:
//!
//! - every picture of `h × w` pixels is drawn as a tile magnified by
//!   [`scale_for`]`(h, w) = max(1, 128 / max(h, w))` (x4 for MNIST), tiles separated and
//!   surrounded by [`TILE_GAP`] pixels of background;
//! - a grid of `r` rows and `c` tiles is `TILE_GAP + c (s w + TILE_GAP)` wide and
//!   `TILE_GAP + r (s h + TILE_GAP)` high ([`grid_size`]);
//! - a scatter of `p` panels is `p (PANEL_WIDTH + 2 PANEL_MARGIN)` wide and
//!   `PANEL_HEIGHT + 2 PANEL_MARGIN` high ([`scatter_size`]).
//!
//! Grey levels map `[0, 1]` to black through white (the data have a dark background).

use std::path::{Path, PathBuf};

use image::{Rgb, RgbImage};
use serde::Serialize;
use stk_core::{BilinearSampler, Warp, WarpFamily};

use crate::dataset::Split;
use crate::experiment::{DatasetResult, Method, RunRecord};
use crate::metrics;
use crate::{Error, Result};

/// Background pixels between and around tiles.
pub const TILE_GAP: u32 = 2;

/// Width of a scatter panel's plotting area, pixels.
pub const PANEL_WIDTH: u32 = 240;

/// Height of a scatter panel's plotting area, pixels.
pub const PANEL_HEIGHT: u32 = 200;

/// Margin around a scatter panel's plotting area, pixels.
pub const PANEL_MARGIN: u32 = 20;

/// Most rows of a warp picture (one test datum per class, in label order).
pub const MAX_WARP_ROWS: usize = 6;

/// Tiles per row of a warp picture: datum, datum with the warped control-point grid, warped
/// datum, centroid.
pub const WARP_COLUMNS: usize = 4;

const BACKGROUND: Rgb<u8> = Rgb([40, 40, 90]);
const WHITE: Rgb<u8> = Rgb([255, 255, 255]);
const BLACK: Rgb<u8> = Rgb([0, 0, 0]);
const LIGHT_GREY: Rgb<u8> = Rgb([220, 220, 220]);
const GRID_LINE: Rgb<u8> = Rgb([255, 60, 40]);
const CONTROL_POINT: Rgb<u8> = Rgb([60, 255, 60]);

/// Colours of scatter series (learning rates or methods), cycled.
const PALETTE: [Rgb<u8>; 6] = [
    Rgb([31, 119, 180]),
    Rgb([255, 127, 14]),
    Rgb([44, 160, 44]),
    Rgb([214, 39, 40]),
    Rgb([148, 103, 189]),
    Rgb([140, 86, 75]),
];

/// A picture written to disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FigureRecord {
    /// What it shows: `centroids`, `scatter` or `warps`.
    pub kind: String,
    /// Where it is.
    pub path: PathBuf,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Returns the magnification of `h × w` tiles: `max(1, 128 / max(h, w))`.
#[must_use]
pub fn scale_for(height: usize, width: usize) -> u32 {
    let side = height.max(width).max(1);
    u32::try_from(128 / side).unwrap_or(1).max(1)
}

/// Returns the `(width, height)` of a grid of `n_rows × n_cols` tiles of `h × w` pictures.
#[must_use]
pub fn grid_size(n_rows: usize, n_cols: usize, height: usize, width: usize) -> (u32, u32) {
    let s = scale_for(height, width);
    let (tile_w, tile_h) = (s * width as u32, s * height as u32);
    (
        TILE_GAP + n_cols as u32 * (tile_w + TILE_GAP),
        TILE_GAP + n_rows as u32 * (tile_h + TILE_GAP),
    )
}

/// Returns the `(width, height)` of a scatter of `n_panels` panels.
#[must_use]
pub fn scatter_size(n_panels: usize) -> (u32, u32) {
    (
        n_panels as u32 * (PANEL_WIDTH + 2 * PANEL_MARGIN),
        PANEL_HEIGHT + 2 * PANEL_MARGIN,
    )
}

/// A grid of tiles being drawn.
struct TileGrid {
    image: RgbImage,
    height: usize,
    width: usize,
    scale: u32,
}

impl TileGrid {
    fn new(n_rows: usize, n_cols: usize, height: usize, width: usize) -> Self {
        let (w, h) = grid_size(n_rows, n_cols, height, width);
        TileGrid {
            image: RgbImage::from_pixel(w, h, BACKGROUND),
            height,
            width,
            scale: scale_for(height, width),
        }
    }

    /// Returns the top-left pixel of tile `(row, col)`.
    fn origin(&self, row: usize, col: usize) -> (u32, u32) {
        let tile_w = self.scale * self.width as u32 + TILE_GAP;
        let tile_h = self.scale * self.height as u32 + TILE_GAP;
        (
            TILE_GAP + col as u32 * tile_w,
            TILE_GAP + row as u32 * tile_h,
        )
    }

    /// Draws a picture (values in `[0, 1]`, clamped) into tile `(row, col)`.
    fn draw(&mut self, row: usize, col: usize, picture: &[f32]) {
        let (ox, oy) = self.origin(row, col);
        let s = self.scale;
        for (idx, &v) in picture.iter().enumerate().take(self.height * self.width) {
            let grey = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
            let (x, y) = ((idx % self.width) as u32, (idx / self.width) as u32);
            for dy in 0..s {
                for dx in 0..s {
                    self.image
                        .put_pixel(ox + x * s + dx, oy + y * s + dy, Rgb([grey; 3]));
                }
            }
        }
    }

    /// Returns the image pixel of normalised point `(u, v)` in tile `(row, col)`, or `None`
    /// outside the tile.
    fn to_pixel(&self, row: usize, col: usize, [u, v]: [f32; 2]) -> Option<(u32, u32)> {
        let (ox, oy) = self.origin(row, col);
        let s = self.scale as f32;
        let x = (u + 1.0) / 2.0 * (self.width.saturating_sub(1)) as f32;
        let y = (v + 1.0) / 2.0 * (self.height.saturating_sub(1)) as f32;
        let (px, py) = ((x + 0.5) * s, (y + 0.5) * s);
        let inside = px.is_finite()
            && py.is_finite()
            && px >= 0.0
            && py >= 0.0
            && px < s * self.width as f32
            && py < s * self.height as f32;
        inside.then(|| (ox + px as u32, oy + py as u32))
    }

    /// Marks normalised point `(u, v)` of tile `(row, col)` with a square of side `2 r + 1`.
    fn mark(&mut self, row: usize, col: usize, point: [f32; 2], r: u32, colour: Rgb<u8>) {
        let Some((cx, cy)) = self.to_pixel(row, col, point) else {
            return;
        };
        let (ox, oy) = self.origin(row, col);
        let (max_x, max_y) = (
            ox + self.scale * self.width as u32,
            oy + self.scale * self.height as u32,
        );
        for y in cy.saturating_sub(r).max(oy)..(cy + r + 1).min(max_y) {
            for x in cx.saturating_sub(r).max(ox)..(cx + r + 1).min(max_x) {
                self.image.put_pixel(x, y, colour);
            }
        }
    }
}

/// Returns the `n_clusters` cluster ids ordered by the label the best one-to-one map gives
/// them (Hungarian matching of `assignments` against `labels`), unmatched clusters last in
/// increasing order; the natural order when the scoring fails.
#[must_use]
pub fn order_by_labels(labels: &[u32], assignments: &[u32], n_clusters: usize) -> Vec<usize> {
    let natural: Vec<usize> = (0..n_clusters).collect();
    let Ok(acc) = metrics::accuracy(labels, assignments) else {
        return natural;
    };
    let mut keyed: Vec<(u32, usize)> = natural
        .iter()
        .map(|&c| (acc.label_of(c as u32).unwrap_or(u32::MAX), c))
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, c)| c).collect()
}

/// Draws rows of centroids: row `r` shows `rows[r]` (`n_clusters × h × w` values) in the
/// cluster order `orders[r]`.
#[must_use]
pub fn centroid_grid(
    rows: &[&[f32]],
    orders: &[Vec<usize>],
    n_clusters: usize,
    height: usize,
    width: usize,
) -> RgbImage {
    let n = height * width;
    let mut grid = TileGrid::new(rows.len(), n_clusters, height, width);
    for (row, (centroids, order)) in rows.iter().zip(orders).enumerate() {
        for (col, &cluster) in order.iter().enumerate().take(n_clusters) {
            if let Some(picture) = centroids.get(cluster * n..(cluster + 1) * n) {
                grid.draw(row, col, picture);
            }
        }
    }
    grid.image
}

/// One panel of a scatter: series of `(training objective, test accuracy in [0, 1])` points.
#[derive(Debug, Clone, Default)]
pub struct ScatterPanel {
    /// The series, each drawn in its own colour.
    pub series: Vec<Vec<(f64, f64)>>,
}

/// Draws test accuracy (vertical, 0 to 100 %, a light line every 10 %) against training
/// objective (horizontal, the panel's own range padded by 5 %), one panel beside the other.
#[must_use]
pub fn scatter(panels: &[ScatterPanel]) -> RgbImage {
    let (w, h) = scatter_size(panels.len());
    let mut image = RgbImage::from_pixel(w.max(1), h, WHITE);
    for (idx, panel) in panels.iter().enumerate() {
        let left = idx as u32 * (PANEL_WIDTH + 2 * PANEL_MARGIN) + PANEL_MARGIN;
        let top = PANEL_MARGIN;
        let (right, bottom) = (left + PANEL_WIDTH - 1, top + PANEL_HEIGHT - 1);

        // Accuracy lines every 10 %, then the frame, then ticks along the objective axis.
        for tenth in 1..10 {
            let y = bottom - tenth * (PANEL_HEIGHT - 1) / 10;
            for x in left..=right {
                image.put_pixel(x, y, LIGHT_GREY);
            }
        }
        for x in left..=right {
            image.put_pixel(x, top, BLACK);
            image.put_pixel(x, bottom, BLACK);
        }
        for y in top..=bottom {
            image.put_pixel(left, y, BLACK);
            image.put_pixel(right, y, BLACK);
        }
        for quarter in 0..=4 {
            let x = left + quarter * (PANEL_WIDTH - 1) / 4;
            for y in bottom + 1..(bottom + 5).min(h) {
                image.put_pixel(x, y, BLACK);
            }
        }

        let xs = panel.series.iter().flatten().map(|p| p.0);
        let (lo, hi) = xs
            .filter(|x| x.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                (lo.min(x), hi.max(x))
            });
        if lo > hi {
            continue;
        }
        let pad = if hi > lo {
            0.05 * (hi - lo)
        } else {
            lo.abs().max(1.0) * 0.05
        };
        let (lo, hi) = (lo - pad, hi + pad);
        for (series_idx, series) in panel.series.iter().enumerate() {
            let colour = PALETTE[series_idx % PALETTE.len()];
            for &(objective, accuracy) in series {
                if !(objective.is_finite() && accuracy.is_finite()) {
                    continue;
                }
                let fx = (objective - lo) / (hi - lo);
                let fy = accuracy.clamp(0.0, 1.0);
                let cx = left + (fx * f64::from(PANEL_WIDTH - 1)).round() as u32;
                let cy = bottom - (fy * f64::from(PANEL_HEIGHT - 1)).round() as u32;
                for y in cy.saturating_sub(2).max(top)..=(cy + 2).min(bottom) {
                    for x in cx.saturating_sub(2).max(left)..=(cx + 2).min(right) {
                        image.put_pixel(x, y, colour);
                    }
                }
            }
        }
    }
    image
}

/// One row of a warp picture.
#[derive(Debug, Clone, Copy)]
pub struct WarpRow<'a> {
    /// The datum.
    pub datum: &'a [f32],
    /// Its warp parameters onto `centroid`.
    pub params: &'a [f32],
    /// The centroid it is assigned to.
    pub centroid: &'a [f32],
}

/// Draws, per row: the datum; the datum with the warped control-point grid over it (red lines,
/// green control points: where the centroid's regular grid lands in the datum); the warped
/// datum; the centroid.
///
/// For an affine warp the grid drawn is 5 x 5; for the identity it stays regular.
///
/// # Errors
///
/// [`Error::Core`] if the sampler cannot be built for the warp's size, and
/// [`Error::ShapeMismatch`] if a row's pictures or parameters have the wrong length.
pub fn warp_picture(warp: &Warp, rows: &[WarpRow<'_>]) -> Result<RgbImage> {
    let (h, w) = (warp.height(), warp.width());
    let n = h * w;
    let mut grid = TileGrid::new(rows.len(), WARP_COLUMNS, h, w);
    let mut sampler = BilinearSampler::new(h, w)?;
    let mut coords = vec![0.0f32; 2 * n];
    let mut warped = vec![0.0f32; n];
    let n_lines = match warp.family() {
        WarpFamily::Tps { grid_size } => grid_size,
        _ => 5,
    };
    // Enough samples per line that neighbours touch at the tile's magnification.
    let n_samples = 2 * grid.scale as usize * h.max(w) + 1;

    for (row, item) in rows.iter().enumerate() {
        if item.datum.len() != n || item.centroid.len() != n || item.params.len() != warp.n_params()
        {
            return Err(Error::ShapeMismatch {
                expected: format!("pictures of {n} values and {} parameters", warp.n_params()),
                found: format!(
                    "{}, {} and {}",
                    item.datum.len(),
                    item.centroid.len(),
                    item.params.len()
                ),
            });
        }
        warp.coords_into(item.params, &mut coords);
        sampler.warp_into(item.datum, &coords, &mut warped);
        grid.draw(row, 0, item.datum);
        grid.draw(row, 1, item.datum);
        grid.draw(row, 2, &warped);
        grid.draw(row, 3, item.centroid);

        // Grid lines of the centroid's frame, mapped into the datum.
        for line in 0..n_lines {
            let fixed = line_coordinate(line, n_lines);
            for sample in 0..n_samples {
                let t = line_coordinate(sample, n_samples);
                for point in [[t, fixed], [fixed, t]] {
                    let mapped = warp.map_point(item.params, point);
                    grid.mark(row, 1, mapped, 0, GRID_LINE);
                }
            }
        }
        for i in 0..n_lines {
            for j in 0..n_lines {
                let point = [line_coordinate(j, n_lines), line_coordinate(i, n_lines)];
                grid.mark(row, 1, warp.map_point(item.params, point), 1, CONTROL_POINT);
            }
        }
    }
    Ok(grid.image)
}

/// Returns the `idx`-th of `n` evenly spaced coordinates spanning `[-1, 1]`.
fn line_coordinate(idx: usize, n: usize) -> f32 {
    if n <= 1 {
        0.0
    } else {
        -1.0 + 2.0 * idx as f32 / (n - 1) as f32
    }
}

/// Writes `image` as a PNG file.
///
/// # Errors
///
/// [`Error::Io`] if the file cannot be written.
pub fn write_png(path: &Path, kind: &str, image: &RgbImage) -> Result<FigureRecord> {
    image
        .save_with_format(path, image::ImageFormat::Png)
        .map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: match e {
                image::ImageError::IoError(io) => io,
                other => std::io::Error::other(other),
            },
        })?;
    Ok(FigureRecord {
        kind: kind.to_owned(),
        path: path.to_path_buf(),
        width: image.width(),
        height: image.height(),
    })
}

/// Writes the three pictures of a data set into `out_dir`: `<name>-centroids.png`
/// (rows: `initial`, K-means, AI K-means, ST K-means, of ST K-means' best run, columns ordered
/// by each row's cluster-to-label map), `<name>-scatter.png` (one panel per method, one colour
/// per learning rate when they were swept) and `<name>-warps.png` (ST K-means on one test datum
/// per class).
///
/// # Errors
///
/// [`Error::Io`] if a file cannot be written, and the errors of [`warp_picture`].
pub fn write_dataset_figures(
    out_dir: &Path,
    split: &Split,
    result: &DatasetResult,
    initial: &[f32],
) -> Result<Vec<FigureRecord>> {
    let (h, w, k) = (result.height, result.width, result.n_clusters);
    let labels = &split.test.labels;
    let mut figures = Vec::new();

    // The run shown: ST K-means' best by test accuracy; the other methods' same run.
    let shown_run = result
        .method(Method::SpatialTransformerKMeans)
        .map_or(0, |m| m.summary.best_accuracy.run_idx);
    let run_of = |method: Method| -> Option<&RunRecord> {
        result
            .method(method)
            .and_then(|m| m.runs.iter().find(|r| r.run_idx == shown_run))
    };
    let mut rows: Vec<&[f32]> = vec![initial];
    let st_order = run_of(Method::SpatialTransformerKMeans).map_or_else(
        || (0..k).collect(),
        |r| order_by_labels(labels, &r.test_assignments, k),
    );
    let mut orders = vec![st_order];
    for method in Method::ALL {
        if let Some(run) = run_of(method) {
            rows.push(&run.centroids);
            orders.push(order_by_labels(labels, &run.test_assignments, k));
        }
    }
    let picture = centroid_grid(&rows, &orders, k, h, w);
    let path = out_dir.join(format!("{}-centroids.png", result.dataset));
    figures.push(write_png(&path, "centroids", &picture)?);

    // Accuracy against training objective, per method; every learning rate tried.
    let panels: Vec<ScatterPanel> = result
        .methods
        .iter()
        .map(|m| {
            let points = |runs: &[RunRecord]| {
                runs.iter()
                    .map(|r| (r.train_objective, r.test.accuracy))
                    .collect::<Vec<_>>()
            };
            let series = match &m.selection {
                Some(selection) => selection
                    .candidates
                    .iter()
                    .map(|c| points(&c.runs))
                    .collect(),
                None => vec![points(&m.runs)],
            };
            ScatterPanel { series }
        })
        .collect();
    let path = out_dir.join(format!("{}-scatter.png", result.dataset));
    figures.push(write_png(&path, "scatter", &scatter(&panels))?);

    // ST K-means' warps of one test datum per class.
    if let Some(run) = run_of(Method::SpatialTransformerKMeans) {
        let config = stk_core::KMeansConfig::from(&run.config);
        let warp = Warp::new(config.warp, h, w)?;
        let n = h * w;
        let p = warp.n_params();
        let mut warp_rows = Vec::new();
        for class in 0..k.min(MAX_WARP_ROWS) as u32 {
            let Some(i) = labels.iter().position(|&l| l == class) else {
                continue;
            };
            let cluster = run.test_assignments[i] as usize;
            warp_rows.push(WarpRow {
                datum: split.test.image(i),
                params: &run.test_params[i * p..(i + 1) * p],
                centroid: &run.centroids[cluster * n..(cluster + 1) * n],
            });
        }
        let picture = warp_picture(&warp, &warp_rows)?;
        let path = out_dir.join(format!("{}-warps.png", result.dataset));
        figures.push(write_png(&path, "warps", &picture)?);
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_documented_layout() {
        assert_eq!(scale_for(28, 28), 4);
        assert_eq!(scale_for(300, 300), 1);
        assert_eq!(scale_for(64, 24), 2);
        assert_eq!(grid_size(4, 10, 28, 28), (2 + 10 * 114, 2 + 4 * 114));
        let image = centroid_grid(&[&[0.5; 2 * 28 * 28]], &[vec![1, 0]], 2, 28, 28);
        assert_eq!(image.dimensions(), grid_size(1, 2, 28, 28));
        let panels = [
            ScatterPanel::default(),
            ScatterPanel::default(),
            ScatterPanel::default(),
        ];
        assert_eq!(scatter(&panels).dimensions(), scatter_size(3));
    }

    #[test]
    fn tiles_are_magnified_and_ordered() {
        // Cluster 0 black, cluster 1 white; the order puts cluster 1 first.
        let mut centroids = vec![0.0f32; 2 * 4];
        centroids[4..].fill(1.0);
        let image = centroid_grid(&[&centroids], &[vec![1, 0]], 2, 2, 2);
        let s = scale_for(2, 2);
        assert_eq!(s, 64);
        let first = image.get_pixel(TILE_GAP + s, TILE_GAP + s);
        let second = image.get_pixel(TILE_GAP + 2 * s + TILE_GAP + s, TILE_GAP + s);
        assert_eq!(*first, Rgb([255; 3]));
        assert_eq!(*second, Rgb([0; 3]));
        assert_eq!(*image.get_pixel(0, 0), BACKGROUND);
    }

    #[test]
    fn clusters_are_ordered_by_their_matched_label() {
        let labels = [0, 0, 1, 1, 2, 2];
        let assignments = [2, 2, 0, 0, 1, 1];
        assert_eq!(order_by_labels(&labels, &assignments, 3), vec![2, 0, 1]);
        // A cluster with no point comes last.
        assert_eq!(order_by_labels(&[0, 1], &[1, 2], 3), vec![1, 2, 0]);
    }

    #[test]
    fn the_identity_grid_is_drawn_regular_and_the_warped_datum_is_the_datum() {
        let (h, w) = (8, 8);
        let warp = Warp::new(WarpFamily::Tps { grid_size: 3 }, h, w).unwrap();
        let datum: Vec<f32> = (0..h * w).map(|i| (i % 7) as f32 / 7.0).collect();
        let params = vec![0.0; warp.n_params()];
        let image = warp_picture(
            &warp,
            &[WarpRow {
                datum: &datum,
                params: &params,
                centroid: &datum,
            }],
        )
        .unwrap();
        assert_eq!(image.dimensions(), grid_size(1, WARP_COLUMNS, h, w));
        let s = scale_for(h, w);
        let tile = |col: u32, x: u32, y: u32| {
            *image.get_pixel(TILE_GAP + col * (s * 8 + TILE_GAP) + x, TILE_GAP + y)
        };
        // Column 2 (warped by the identity) equals column 0.
        for y in 0..s * 8 {
            for x in 0..s * 8 {
                assert_eq!(tile(2, x, y), tile(0, x, y));
            }
        }
        // The middle grid line passes through the tile's centre column in column 1 (one pixel
        // either side: the spline's identity is exact only to rounding).
        let centre = s * 8 / 2;
        let on_line = (0..s * 8)
            .filter(|&y| {
                [centre - 1, centre].iter().any(|&x| {
                    let p = tile(1, x, y);
                    p == GRID_LINE || p == CONTROL_POINT
                })
            })
            .count();
        assert!(on_line as u32 > s * 8 / 2, "{on_line}");
    }

    #[test]
    fn a_scatter_marks_its_points() {
        let panel = ScatterPanel {
            series: vec![vec![(10.0, 0.0), (20.0, 1.0)]],
        };
        let image = scatter(&[panel]);
        let left = PANEL_MARGIN;
        let bottom = PANEL_MARGIN + PANEL_HEIGHT - 1;
        // The low point sits near the left bottom, the high one near the right top.
        let low_x = left + (0.05 / 1.1 * f64::from(PANEL_WIDTH - 1)).round() as u32;
        assert_eq!(*image.get_pixel(low_x, bottom - 1), PALETTE[0]);
        let high_x = left + (1.05 / 1.1 * f64::from(PANEL_WIDTH - 1)).round() as u32;
        assert_eq!(*image.get_pixel(high_x, PANEL_MARGIN + 1), PALETTE[0]);
    }
}
