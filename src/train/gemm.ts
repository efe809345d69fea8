/**
 * The three matrix products training needs, on float64 typed arrays with explicit
 * offsets and leading dimensions (row strides), so callers address slices of big
 * buffers without creating views. Row-major throughout.
 *
 * Speed comes from register blocking: gemmNT computes a 4×4 block of outputs per pass
 * over k (half a load per multiply); gemmNN and gemmTN update two output rows at once,
 * folding four rank-1 updates into each store. The summation order is fixed, so results
 * are reproducible bit for bit.
 */

/**
 * C[i][j] (+)= Σ_k A[i][k] · B[j][k]   (C = A·Bᵀ; m×n from m×k and n×k).
 * Used for X·Wᵀ (inputs times a weight matrix stored one row per output unit).
 * A 4×4 block of outputs per pass over k (eight loads for sixteen multiplies), then
 * single columns and 2×2 / single-row blocks for what is left. Every output sums
 * p = 0, 1, … from 0 and is then added to C (accumulate) or stored, whatever its block.
 */
export function gemmNT(
  m: number, n: number, k: number,
  a: Float64Array, aOff: number, lda: number,
  b: Float64Array, bOff: number, ldb: number,
  c: Float64Array, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    const c0 = cOff + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let p = 0; p < k; p++) {
        const y0 = b[b0 + p]!, y1 = b[b1 + p]!, y2 = b[b2 + p]!, y3 = b[b3 + p]!;
        let x = a[a0 + p]!;
        s00 += x * y0; s01 += x * y1; s02 += x * y2; s03 += x * y3;
        x = a[a1 + p]!;
        s10 += x * y0; s11 += x * y1; s12 += x * y2; s13 += x * y3;
        x = a[a2 + p]!;
        s20 += x * y0; s21 += x * y1; s22 += x * y2; s23 += x * y3;
        x = a[a3 + p]!;
        s30 += x * y0; s31 += x * y1; s32 += x * y2; s33 += x * y3;
      }
      if (accumulate) {
        c[c0 + j] = c[c0 + j]! + s00; c[c0 + j + 1] = c[c0 + j + 1]! + s01; c[c0 + j + 2] = c[c0 + j + 2]! + s02; c[c0 + j + 3] = c[c0 + j + 3]! + s03;
        c[c1 + j] = c[c1 + j]! + s10; c[c1 + j + 1] = c[c1 + j + 1]! + s11; c[c1 + j + 2] = c[c1 + j + 2]! + s12; c[c1 + j + 3] = c[c1 + j + 3]! + s13;
        c[c2 + j] = c[c2 + j]! + s20; c[c2 + j + 1] = c[c2 + j + 1]! + s21; c[c2 + j + 2] = c[c2 + j + 2]! + s22; c[c2 + j + 3] = c[c2 + j + 3]! + s23;
        c[c3 + j] = c[c3 + j]! + s30; c[c3 + j + 1] = c[c3 + j + 1]! + s31; c[c3 + j + 2] = c[c3 + j + 2]! + s32; c[c3 + j + 3] = c[c3 + j + 3]! + s33;
      } else {
        c[c0 + j] = s00; c[c0 + j + 1] = s01; c[c0 + j + 2] = s02; c[c0 + j + 3] = s03;
        c[c1 + j] = s10; c[c1 + j + 1] = s11; c[c1 + j + 2] = s12; c[c1 + j + 3] = s13;
        c[c2 + j] = s20; c[c2 + j + 1] = s21; c[c2 + j + 2] = s22; c[c2 + j + 3] = s23;
        c[c3 + j] = s30; c[c3 + j + 1] = s31; c[c3 + j + 2] = s32; c[c3 + j + 3] = s33;
      }
    }
    for (; j < n; j++) {
      const b0 = bOff + j * ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[b0 + p]!;
        s0 += a[a0 + p]! * y; s1 += a[a1 + p]! * y; s2 += a[a2 + p]! * y; s3 += a[a3 + p]! * y;
      }
      c[c0 + j] = accumulate ? c[c0 + j]! + s0 : s0; c[c1 + j] = accumulate ? c[c1 + j]! + s1 : s1;
      c[c2 + j] = accumulate ? c[c2 + j]! + s2 : s2; c[c3 + j] = accumulate ? c[c3 + j]! + s3 : s3;
    }
  }
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
