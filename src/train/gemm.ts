/**
 * The three matrix products training needs, on float64 typed arrays with explicit
 * offsets and leading dimensions (row strides), so callers address slices of big
 * buffers without creating views. Row-major throughout.
 *
 * Speed comes from register blocking: gemmNT computes a 2×2 block of outputs per pass
 * over k (half the loads per multiply); gemmNN and gemmTN update two output rows at once,
 * folding four rank-1 updates into each store. The summation order is fixed, so results
 * are reproducible bit for bit.
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
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = aOff + i * lda, a1 = a0 + lda;
    const c0 = cOff + i * ldc, c1 = c0 + ldc;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const b0 = bOff + j * ldb, b1 = b0 + ldb;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!, y0 = b[b0 + p]!, y1 = b[b1 + p]!;
        s00 += x0 * y0; s01 += x0 * y1; s10 += x1 * y0; s11 += x1 * y1;
      }
      c[c0 + j] = accumulate ? c[c0 + j]! + s00 : s00; c[c0 + j + 1] = accumulate ? c[c0 + j + 1]! + s01 : s01;
      c[c1 + j] = accumulate ? c[c1 + j]! + s10 : s10; c[c1 + j + 1] = accumulate ? c[c1 + j + 1]! + s11 : s11;
    }
    if (j < n) {
      const b0 = bOff + j * ldb;
      let s0 = 0, s1 = 0;
      for (let p = 0; p < k; p++) { const y = b[b0 + p]!; s0 += a[a0 + p]! * y; s1 += a[a1 + p]! * y; }
      c[c0 + j] = accumulate ? c[c0 + j]! + s0 : s0; c[c1 + j] = accumulate ? c[c1 + j]! + s1 : s1;
    }
  }
  if (i < m) {
    const a0 = aOff + i * lda, c0 = cOff + i * ldc;
    for (let j = 0; j < n; j++) {
      const b0 = bOff + j * ldb;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[a0 + p]! * b[b0 + p]!;
      c[c0 + j] = accumulate ? c[c0 + j]! + s : s;
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
  let p = 0;
  for (; p + 3 < rows; p += 4) {
    const ap = aOff + p * lda, bp0 = bOff + p * ldb, bp1 = bp0 + ldb, bp2 = bp1 + ldb, bp3 = bp2 + ldb;
    let i = 0;
    for (; i + 1 < m; i += 2) {
      const v0 = a[ap + i]!, v1 = a[ap + lda + i]!, v2 = a[ap + 2 * lda + i]!, v3 = a[ap + 3 * lda + i]!;
      const w0 = a[ap + i + 1]!, w1 = a[ap + lda + i + 1]!, w2 = a[ap + 2 * lda + i + 1]!, w3 = a[ap + 3 * lda + i + 1]!;
      const ci = cOff + i * ldc, cj = ci + ldc;
      for (let j = 0; j < n; j++) {
        const y0 = b[bp0 + j]!, y1 = b[bp1 + j]!, y2 = b[bp2 + j]!, y3 = b[bp3 + j]!;
        c[ci + j] = c[ci + j]! + (v0 * y0 + v1 * y1 + v2 * y2 + v3 * y3);
        c[cj + j] = c[cj + j]! + (w0 * y0 + w1 * y1 + w2 * y2 + w3 * y3);
      }
    }
    if (i < m) {
      const v0 = a[ap + i]!, v1 = a[ap + lda + i]!, v2 = a[ap + 2 * lda + i]!, v3 = a[ap + 3 * lda + i]!;
      const ci = cOff + i * ldc;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + (v0 * b[bp0 + j]! + v1 * b[bp1 + j]! + v2 * b[bp2 + j]! + v3 * b[bp3 + j]!);
    }
  }
  for (; p < rows; p++) {
    const ap = aOff + p * lda, bp = bOff + p * ldb;
    for (let i = 0; i < m; i++) {
      const v = a[ap + i]!, ci = cOff + i * ldc;
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
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const ci = cOff + i * ldc, cj = ci + ldc, ai = aOff + i * lda, aj = ai + lda;
    if (!accumulate) { c.fill(0, ci, ci + n); c.fill(0, cj, cj + n); }
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const v0 = a[ai + p]!, v1 = a[ai + p + 1]!, v2 = a[ai + p + 2]!, v3 = a[ai + p + 3]!;
      const w0 = a[aj + p]!, w1 = a[aj + p + 1]!, w2 = a[aj + p + 2]!, w3 = a[aj + p + 3]!;
      const b0 = bOff + p * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      for (let j = 0; j < n; j++) {
        const y0 = b[b0 + j]!, y1 = b[b1 + j]!, y2 = b[b2 + j]!, y3 = b[b3 + j]!;
        c[ci + j] = c[ci + j]! + (v0 * y0 + v1 * y1 + v2 * y2 + v3 * y3);
        c[cj + j] = c[cj + j]! + (w0 * y0 + w1 * y1 + w2 * y2 + w3 * y3);
      }
    }
    for (; p < k; p++) {
      const v = a[ai + p]!, w = a[aj + p]!, b0 = bOff + p * ldb;
      for (let j = 0; j < n; j++) { const y = b[b0 + j]!; c[ci + j] = c[ci + j]! + v * y; c[cj + j] = c[cj + j]! + w * y; }
    }
  }
  if (i < m) {
    const ci = cOff + i * ldc, ai = aOff + i * lda;
    if (!accumulate) c.fill(0, ci, ci + n);
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const v0 = a[ai + p]!, v1 = a[ai + p + 1]!, v2 = a[ai + p + 2]!, v3 = a[ai + p + 3]!;
      const b0 = bOff + p * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + (v0 * b[b0 + j]! + v1 * b[b1 + j]! + v2 * b[b2 + j]! + v3 * b[b3 + j]!);
    }
    for (; p < k; p++) {
      const v = a[ai + p]!, b0 = bOff + p * ldb;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + v * b[b0 + j]!;
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
