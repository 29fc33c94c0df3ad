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
//! allocate. The kernels are register-blocked tiles written as plain loops over fixed-size
//! arrays, which the compiler vectorises. With the `std` feature they run through
//! [`pulp::Arch::dispatch`], which detects AVX2 and FMA at run time and compiles the same loops
//! a second time for them; without it they use the compile-time target (SSE2 on x86-64).

/// Runs `op` with the best instruction set found at run time (`std`) or the compile-time one.
#[inline(always)]
pub(crate) fn dispatch<R>(op: impl FnOnce() -> R) -> R {
    #[cfg(feature = "std")]
    {
        pulp::Arch::new().dispatch(op)
    }
    #[cfg(not(feature = "std"))]
    {
        op()
    }
}

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
    dispatch(|| nn_all(a, b, c, rows, inner, cols));
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
    dispatch(|| tn_all(a, b, c, len, a_cols, cols));
}

/// Column blocks of 4, then 2, then 1; each walks all rows.
#[inline(always)]
fn nn_all(a: &[f32], b: &[f32], c: &mut [f32], rows: usize, inner: usize, cols: usize) {
    if rows == 0 || cols == 0 {
        return;
    }
    if inner == 0 {
        c.fill(0.0);
        return;
    }
    let mut j = 0;
    while j + 4 <= cols {
        nn_rows::<4, 16>(a, b, c, rows, inner, j);
        j += 4;
    }
    while j + 2 <= cols {
        nn_rows::<2, 32>(a, b, c, rows, inner, j);
        j += 2;
    }
    while j < cols {
        nn_rows::<1, 64>(a, b, c, rows, inner, j);
        j += 1;
    }
}

/// All rows of the column block `j..j + NR`: tiles of `MR` rows (chosen so that a tile holds
/// about eight 8-lane accumulators), then 16, 8 and single rows.
#[inline(always)]
fn nn_rows<const NR: usize, const MR: usize>(
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    rows: usize,
    inner: usize,
    j: usize,
) {
    let b_cols: [&[f32]; NR] = core::array::from_fn(|q| &b[(j + q) * inner..(j + q + 1) * inner]);
    let mut i = 0;
    while i + MR <= rows {
        nn_tile::<MR, NR>(a, &b_cols, c, rows, inner, i, j);
        i += MR;
    }
    while i + 16 <= rows {
        nn_tile::<16, NR>(a, &b_cols, c, rows, inner, i, j);
        i += 16;
    }
    while i + 8 <= rows {
        nn_tile::<8, NR>(a, &b_cols, c, rows, inner, i, j);
        i += 8;
    }
    while i < rows {
        nn_tile::<1, NR>(a, &b_cols, c, rows, inner, i, j);
        i += 1;
    }
}

/// One `MR × NR` tile of `c` at rows `i..`, columns `j..`, accumulated in registers.
#[inline(always)]
fn nn_tile<const MR: usize, const NR: usize>(
    a: &[f32],
    b_cols: &[&[f32]; NR],
    c: &mut [f32],
    rows: usize,
    inner: usize,
    i: usize,
    j: usize,
) {
    let mut acc = [[0.0f32; MR]; NR];
    for k in 0..inner {
        let a_part: &[f32; MR] = a[k * rows + i..k * rows + i + MR]
            .try_into()
            .expect("tile lies inside a");
        for q in 0..NR {
            let s = b_cols[q][k];
            for l in 0..MR {
                acc[q][l] += a_part[l] * s;
            }
        }
    }
    for (q, acc_col) in acc.iter().enumerate() {
        let start = (j + q) * rows + i;
        c[start..start + MR].copy_from_slice(acc_col);
    }
}

/// Lanes of one dot-product accumulator.
const LANES: usize = 8;

/// Output tiles of 4, 2 or 1 rows (columns of `a`) by 4, 2 or 1 columns.
#[inline(always)]
fn tn_all(a: &[f32], b: &[f32], c: &mut [f32], len: usize, a_cols: usize, cols: usize) {
    let mut j = 0;
    while j + 4 <= cols {
        tn_rows::<4>(a, b, c, len, a_cols, j);
        j += 4;
    }
    while j + 2 <= cols {
        tn_rows::<2>(a, b, c, len, a_cols, j);
        j += 2;
    }
    while j < cols {
        tn_rows::<1>(a, b, c, len, a_cols, j);
        j += 1;
    }
}

/// All output rows of the column block `j..j + NR`.
#[inline(always)]
fn tn_rows<const NR: usize>(
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    len: usize,
    a_cols: usize,
    j: usize,
) {
    let b_cols: [&[f32]; NR] = core::array::from_fn(|q| &b[(j + q) * len..(j + q + 1) * len]);
    let mut i = 0;
    while i + 4 <= a_cols {
        tn_tile::<4, NR>(a, &b_cols, c, len, a_cols, i, j);
        i += 4;
    }
    while i + 2 <= a_cols {
        tn_tile::<2, NR>(a, &b_cols, c, len, a_cols, i, j);
        i += 2;
    }
    while i < a_cols {
        tn_tile::<1, NR>(a, &b_cols, c, len, a_cols, i, j);
        i += 1;
    }
}

/// One `MA × NR` tile of dot products, each kept as `LANES` partial sums.
#[inline(always)]
fn tn_tile<const MA: usize, const NR: usize>(
    a: &[f32],
    b_cols: &[&[f32]; NR],
    c: &mut [f32],
    len: usize,
    a_cols: usize,
    i: usize,
    j: usize,
) {
    let a_cols_tile: [&[f32]; MA] = core::array::from_fn(|p| &a[(i + p) * len..(i + p + 1) * len]);
    let mut acc = [[[0.0f32; LANES]; NR]; MA];
    let n_chunks = len / LANES;
    for chunk in 0..n_chunks {
        let base = chunk * LANES;
        let a_parts: [&[f32; LANES]; MA] = core::array::from_fn(|p| {
            a_cols_tile[p][base..base + LANES]
                .try_into()
                .expect("chunk lies inside a")
        });
        let b_parts: [&[f32; LANES]; NR] = core::array::from_fn(|q| {
            b_cols[q][base..base + LANES]
                .try_into()
                .expect("chunk lies inside b")
        });
        for p in 0..MA {
            for q in 0..NR {
                for l in 0..LANES {
                    acc[p][q][l] += a_parts[p][l] * b_parts[q][l];
                }
            }
        }
    }
    for p in 0..MA {
        for q in 0..NR {
            let mut sum = acc[p][q].iter().sum::<f32>();
            for t in n_chunks * LANES..len {
                sum += a_cols_tile[p][t] * b_cols[q][t];
            }
            c[(j + q) * a_cols + i + p] = sum;
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
