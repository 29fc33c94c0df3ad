//! Small dense matrix products in fixed buffers.
//!
//! Two products cover every batched warp step, with all matrices column-major and contiguous:
//!
//! ```text
//! matmul_nn:  C (rows × cols)   = A (rows × inner) · B (inner × cols)
//! matmul_tn:  C (a_cols × cols) = Aᵀ · B,  A (len × a_cols), B (len × cols)
//! ```
//!
//! They are written here rather than taken from nalgebra because nalgebra hands large products
//! to `matrixmultiply`, which allocates a packing buffer on every call, and a warp step must not
//! allocate. The kernels are register-blocked tiles over pulp's SIMD vectors: pulp detects the
//! CPU's instruction set at run time (AVX2 + FMA on x86-64 where present, through std's cached
//! detection with the `std` feature) and compiles the same generic code for each, so the
//! binary needs no `target-cpu` flag and still runs on CPUs without AVX.

use pulp::Simd;

/// Writes `c = a · b` (column-major; `a` is `rows × inner`, `b` is `inner × cols`).
///
/// # Panics
///
/// If a slice length differs from its shape.
#[track_caller]
pub(crate) fn matmul_nn(
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    rows: usize,
    inner: usize,
    cols: usize,
) {
    assert_eq!(a.len(), rows * inner, "matmul_nn: a has the wrong length");
    assert_eq!(b.len(), inner * cols, "matmul_nn: b has the wrong length");
    assert_eq!(c.len(), rows * cols, "matmul_nn: c has the wrong length");
    pulp::Arch::new().dispatch(Product::<false> {
        a,
        b,
        c,
        dims: (rows, inner, cols),
    });
}

/// Writes `c = aᵀ · b` (column-major; `a` is `len × a_cols`, `b` is `len × cols`, `c` is
/// `a_cols × cols`).
///
/// # Panics
///
/// If a slice length differs from its shape.
#[track_caller]
pub(crate) fn matmul_tn(
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    len: usize,
    a_cols: usize,
    cols: usize,
) {
    assert_eq!(a.len(), len * a_cols, "matmul_tn: a has the wrong length");
    assert_eq!(b.len(), len * cols, "matmul_tn: b has the wrong length");
    assert_eq!(c.len(), a_cols * cols, "matmul_tn: c has the wrong length");
    pulp::Arch::new().dispatch(Product::<true> {
        a,
        b,
        c,
        dims: (len, a_cols, cols),
    });
}

/// Arguments of [`matmul_nn`] (`TRANSPOSE_A = false`) or [`matmul_tn`].
struct Product<'a, const TRANSPOSE_A: bool> {
    a: &'a [f32],
    b: &'a [f32],
    c: &'a mut [f32],
    /// `(rows, inner, cols)` for NN, `(len, a_cols, cols)` for TN.
    dims: (usize, usize, usize),
}

impl<const TRANSPOSE_A: bool> pulp::WithSimd for Product<'_, TRANSPOSE_A> {
    type Output = ();

    // Everything below is `inline(always)` so that it is compiled inside pulp's
    // target-feature functions, once per instruction set.
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let (d0, d1, d2) = self.dims;
        if TRANSPOSE_A {
            tn_all(simd, self.a, self.b, self.c, d0, d1, d2);
        } else {
            nn_all(simd, self.a, self.b, self.c, d0, d1, d2);
        }
    }
}

/// Returns the columns `j..j + N` of the column-major `matrix` with `len` rows.
#[inline(always)]
fn columns<const N: usize>(matrix: &[f32], len: usize, j: usize) -> [&[f32]; N] {
    let block = &matrix[j * len..(j + N) * len];
    let mut cols: [&[f32]; N] = [&[]; N];
    for (q, col) in cols.iter_mut().enumerate() {
        *col = &block[q * len..(q + 1) * len];
    }
    cols
}

/// NN: column blocks of 6, 2 and 1 columns, each with row tiles of about twelve vector
/// accumulators.
#[inline(always)]
fn nn_all<S: Simd>(
    simd: S,
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    rows: usize,
    inner: usize,
    cols: usize,
) {
    if rows == 0 || cols == 0 {
        return;
    }
    if inner == 0 {
        c.fill(0.0);
        return;
    }
    let mut j = 0;
    while j + 6 <= cols {
        nn_rows::<S, 6, 2>(simd, a, columns::<6>(b, inner, j), c, rows, j);
        j += 6;
    }
    while j + 2 <= cols {
        nn_rows::<S, 2, 4>(simd, a, columns::<2>(b, inner, j), c, rows, j);
        j += 2;
    }
    while j < cols {
        nn_rows::<S, 1, 6>(simd, a, columns::<1>(b, inner, j), c, rows, j);
        j += 1;
    }
}

/// All rows of the column block `j..j + NR`: tiles of `MV` vectors, then single vectors, then
/// single rows.
#[inline(always)]
fn nn_rows<S: Simd, const NR: usize, const MV: usize>(
    simd: S,
    a: &[f32],
    b_cols: [&[f32]; NR],
    c: &mut [f32],
    rows: usize,
    j: usize,
) {
    let lanes = S::F32_LANES;
    let mut i = 0;
    while i + MV * lanes <= rows {
        nn_tile::<S, NR, MV>(simd, a, b_cols, c, rows, i, j);
        i += MV * lanes;
    }
    while i + lanes <= rows {
        nn_tile::<S, NR, 1>(simd, a, b_cols, c, rows, i, j);
        i += lanes;
    }
    for row in i..rows {
        for (q, b_col) in b_cols.iter().enumerate() {
            let mut sum = 0.0f32;
            for (k, bk) in b_col.iter().enumerate() {
                sum += a[k * rows + row] * bk;
            }
            c[(j + q) * rows + row] = sum;
        }
    }
}

/// One tile of `MV` vectors (rows `i..`) by `NR` columns (`j..`), accumulated in registers.
#[inline(always)]
fn nn_tile<S: Simd, const NR: usize, const MV: usize>(
    simd: S,
    a: &[f32],
    b_cols: [&[f32]; NR],
    c: &mut [f32],
    rows: usize,
    i: usize,
    j: usize,
) {
    let mr = MV * S::F32_LANES;
    let inner = b_cols[0].len();
    let zero = simd.splat_f32s(0.0);
    let mut acc = [[zero; MV]; NR];
    for k in 0..inner {
        let (a_vecs, _) = S::as_simd_f32s(&a[k * rows + i..k * rows + i + mr]);
        let mut va = [zero; MV];
        va.copy_from_slice(&a_vecs[..MV]);
        for q in 0..NR {
            let s = simd.splat_f32s(b_cols[q][k]);
            for v in 0..MV {
                acc[q][v] = simd.mul_add_e_f32s(va[v], s, acc[q][v]);
            }
        }
    }
    for (q, acc_col) in acc.iter().enumerate() {
        let start = (j + q) * rows + i;
        let (out, _) = S::as_mut_simd_f32s(&mut c[start..start + mr]);
        out[..MV].copy_from_slice(acc_col);
    }
}

/// TN: column blocks of 3, 2 and 1 columns with 4, 6 and 12 rows of `c` per tile (twelve
/// vector accumulators; measured best among 2 to 4 columns on a 28 × 28, g = 6 batch).
#[inline(always)]
fn tn_all<S: Simd>(
    simd: S,
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    len: usize,
    a_cols: usize,
    cols: usize,
) {
    let mut j = 0;
    while j + 3 <= cols {
        tn_rows::<S, 3, 4>(simd, a, columns::<3>(b, len, j), c, len, a_cols, j);
        j += 3;
    }
    while j + 2 <= cols {
        tn_rows::<S, 2, 6>(simd, a, columns::<2>(b, len, j), c, len, a_cols, j);
        j += 2;
    }
    while j < cols {
        tn_rows::<S, 1, 12>(simd, a, columns::<1>(b, len, j), c, len, a_cols, j);
        j += 1;
    }
}

/// All rows of `c` for the column block `j..j + NR`: tiles of `MA` rows, then single rows.
#[inline(always)]
fn tn_rows<S: Simd, const NR: usize, const MA: usize>(
    simd: S,
    a: &[f32],
    b_cols: [&[f32]; NR],
    c: &mut [f32],
    len: usize,
    a_cols: usize,
    j: usize,
) {
    let mut i = 0;
    while i + MA <= a_cols {
        tn_tile::<S, NR, MA>(simd, columns::<MA>(a, len, i), b_cols, c, a_cols, i, j);
        i += MA;
    }
    while i < a_cols {
        tn_tile::<S, NR, 1>(simd, columns::<1>(a, len, i), b_cols, c, a_cols, i, j);
        i += 1;
    }
}

/// One `MA × NR` tile of dot products of columns of `a` with columns of `b`, each kept as one
/// vector of partial sums.
#[inline(always)]
fn tn_tile<S: Simd, const NR: usize, const MA: usize>(
    simd: S,
    a_cols: [&[f32]; MA],
    b_cols: [&[f32]; NR],
    c: &mut [f32],
    c_rows: usize,
    i: usize,
    j: usize,
) {
    let len = a_cols[0].len();
    let lanes = S::F32_LANES;
    let n_vecs = len / lanes;
    let zero = simd.splat_f32s(0.0);

    let mut a_vecs: [&[S::f32s]; MA] = [&[]; MA];
    for (vecs, col) in a_vecs.iter_mut().zip(a_cols) {
        *vecs = &S::as_simd_f32s(col).0[..n_vecs];
    }
    let mut b_vecs: [&[S::f32s]; NR] = [&[]; NR];
    for (vecs, col) in b_vecs.iter_mut().zip(b_cols) {
        *vecs = &S::as_simd_f32s(col).0[..n_vecs];
    }

    let mut acc = [[zero; NR]; MA];
    for t in 0..n_vecs {
        let mut vb = [zero; NR];
        for q in 0..NR {
            vb[q] = b_vecs[q][t];
        }
        for p in 0..MA {
            let va = a_vecs[p][t];
            for q in 0..NR {
                acc[p][q] = simd.mul_add_e_f32s(va, vb[q], acc[p][q]);
            }
        }
    }

    for p in 0..MA {
        for q in 0..NR {
            let mut sum = simd.reduce_sum_f32s(acc[p][q]);
            for t in n_vecs * lanes..len {
                sum += a_cols[p][t] * b_cols[q][t];
            }
            c[(j + q) * c_rows + i + p] = sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    fn filled(len: usize, seed: u32) -> Vec<f32> {
        (0..len)
            .map(|t| {
                let h = (t as u32).wrapping_mul(2_654_435_761).wrapping_add(seed);
                (h >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect()
    }

    fn naive_nn(a: &[f32], b: &[f32], rows: usize, inner: usize, cols: usize) -> Vec<f64> {
        let mut c = vec![0.0; rows * cols];
        for j in 0..cols {
            for k in 0..inner {
                for i in 0..rows {
                    c[j * rows + i] += f64::from(a[k * rows + i]) * f64::from(b[j * inner + k]);
                }
            }
        }
        c
    }

    #[test]
    fn nn_product_matches_the_naive_product_on_awkward_shapes() {
        for &(rows, inner, cols) in &[(784, 36, 2), (37, 5, 7), (1, 1, 1), (70, 9, 13), (9, 0, 3)] {
            let a = filled(rows * inner, 1);
            let b = filled(inner * cols, 2);
            let mut c = vec![f32::NAN; rows * cols];
            matmul_nn(&a, &b, &mut c, rows, inner, cols);
            let want = naive_nn(&a, &b, rows, inner, cols);
            for (got, want) in c.iter().zip(&want) {
                assert!((f64::from(*got) - want).abs() < 1e-4, "{got} vs {want}");
            }
        }
    }

    #[test]
    fn tn_product_matches_the_naive_product_on_awkward_shapes() {
        for &(len, a_cols, cols) in &[(784, 36, 2), (13, 7, 5), (1, 1, 1), (100, 3, 9), (0, 2, 2)] {
            let a = filled(len * a_cols, 3);
            let b = filled(len * cols, 4);
            let mut c = vec![f32::NAN; a_cols * cols];
            matmul_tn(&a, &b, &mut c, len, a_cols, cols);
            for j in 0..cols {
                for i in 0..a_cols {
                    let want: f64 = (0..len)
                        .map(|t| f64::from(a[i * len + t]) * f64::from(b[j * len + t]))
                        .sum();
                    let got = f64::from(c[j * a_cols + i]);
                    assert!((got - want).abs() < 1e-4, "{got} vs {want}");
                }
            }
        }
    }
}
