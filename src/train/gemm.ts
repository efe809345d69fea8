/**
 * The three matrix products training needs, on float64 typed arrays with explicit
 * offsets and leading dimensions (row strides), so callers address slices of big
 * buffers without creating views. Row-major throughout.
 *
 * Loops are ordered so the innermost one walks both operands contiguously; the
 * summation order is fixed, so results are reproducible bit for bit.
 */

/**
 * C[i][j] (+)= Σ_k A[i][k] · B[j][k]   (C = A·Bᵀ; m×n from m×k and n×k).
 * Used for X·Wᵀ (inputs times a weight matrix stored one row per output unit).
 */
export function gemmNT(
  m: number, n: number, k: number,
  a: Float64Array, aOff: number, lda: number,
  b: Float64Array, bOff: number, ldb: number,
  c: Float64Array, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * lda;
    const ci = cOff + i * ldc;
    for (let j = 0; j < n; j++) {
      const bj = bOff + j * ldb;
      // Four partial sums break the add dependency chain.
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let p = 0;
      for (; p < k4; p += 4) {
        s0 += a[ai + p]! * b[bj + p]!;
        s1 += a[ai + p + 1]! * b[bj + p + 1]!;
        s2 += a[ai + p + 2]! * b[bj + p + 2]!;
        s3 += a[ai + p + 3]! * b[bj + p + 3]!;
      }
      for (; p < k; p++) s0 += a[ai + p]! * b[bj + p]!;
      const s = (s0 + s1) + (s2 + s3);
      c[ci + j] = accumulate ? c[ci + j]! + s : s;
    }
  }
}

/**
 * C[i][j] += Σ_p A[p][i] · B[p][j]   (C += Aᵀ·B; m×n from p×m and p×n).
 * Used for weight gradients dW += dZᵀ·X summed over every (timestep, sample) row.
 */
export function gemmTN(
  m: number, n: number, rows: number,
  a: Float64Array, aOff: number, lda: number,
  b: Float64Array, bOff: number, ldb: number,
  c: Float64Array, cOff: number, ldc: number,
): void {
  for (let p = 0; p < rows; p++) {
    const ap = aOff + p * lda;
    const bp = bOff + p * ldb;
    for (let i = 0; i < m; i++) {
      const v = a[ap + i]!;
      if (v === 0) continue;
      const ci = cOff + i * ldc;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + v * b[bp + j]!;
    }
  }
}

/**
 * C[i][j] (+)= Σ_p A[i][p] · B[p][j]   (C = A·B; m×n from m×k and k×n).
 * Used to send gradients back through a weight matrix: dX = dZ·W.
 */
export function gemmNN(
  m: number, n: number, k: number,
  a: Float64Array, aOff: number, lda: number,
  b: Float64Array, bOff: number, ldb: number,
  c: Float64Array, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const ci = cOff + i * ldc;
    if (!accumulate) c.fill(0, ci, ci + n);
    const ai = aOff + i * lda;
    for (let p = 0; p < k; p++) {
      const v = a[ai + p]!;
      if (v === 0) continue;
      const bp = bOff + p * ldb;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + v * b[bp + j]!;
    }
  }
}

/** out[j] += Σ_rows a[row·lda + j]: bias gradients, one sum per column. */
export function sumRows(rows: number, cols: number, a: Float64Array, aOff: number, lda: number, out: Float64Array, outOff: number): void {
  for (let p = 0; p < rows; p++) {
    const ap = aOff + p * lda;
    for (let j = 0; j < cols; j++) out[outOff + j] = out[outOff + j]! + a[ap + j]!;
  }
}
