/**
 * The matrix product of the batched float forward (batch.ts): many input rows through
 * one weight matrix stored one row per output unit,
 *   C[i][j] = init[j] + Σ_{p=0}^{k−1} A[i][p] · W[j][p]      (init absent: 0)
 * summed left to right from init, in the order of math.ts matVec, so each C[i][j] is
 * bit for bit what matVec gives for row i of A. That is why this is not the trainer's
 * gemmNT (train/gemm.ts), which adds a bias after the sum: the batched path must record
 * exactly the ranges the per-sequence reference records.
 *
 * Speed comes from register blocking: a 4×4 block of outputs per pass over k (four input
 * rows against four weight rows: eight loads for sixteen multiplies), then 2×4 blocks and
 * single rows for what is left; every accumulator still sums in order p = 0, 1, … .
 * (4×4 measured 5–10 % faster than 2×4 per multiply in Node 20; larger blocks run out of
 * registers.)
 */
export function gemmRows(
  m: number, n: number, k: number,
  a: Float64Array, aOff: number, lda: number,
  w: Float64Array, wOff: number,
  init: Float64Array | undefined,
  c: Float64Array, cOff: number, ldc: number,
): void {
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    const c0 = cOff + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const w0 = wOff + j * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      if (init) { s00 = init[j]!; s01 = init[j + 1]!; s02 = init[j + 2]!; s03 = init[j + 3]!; }
      let s10 = s00, s11 = s01, s12 = s02, s13 = s03;
      let s20 = s00, s21 = s01, s22 = s02, s23 = s03;
      let s30 = s00, s31 = s01, s32 = s02, s33 = s03;
      for (let p = 0; p < k; p++) {
        const y0 = w[w0 + p]!, y1 = w[w1 + p]!, y2 = w[w2 + p]!, y3 = w[w3 + p]!;
        let x = a[a0 + p]!;
        s00 += x * y0; s01 += x * y1; s02 += x * y2; s03 += x * y3;
        x = a[a1 + p]!;
        s10 += x * y0; s11 += x * y1; s12 += x * y2; s13 += x * y3;
        x = a[a2 + p]!;
        s20 += x * y0; s21 += x * y1; s22 += x * y2; s23 += x * y3;
        x = a[a3 + p]!;
        s30 += x * y0; s31 += x * y1; s32 += x * y2; s33 += x * y3;
      }
      c[c0 + j] = s00; c[c0 + j + 1] = s01; c[c0 + j + 2] = s02; c[c0 + j + 3] = s03;
      c[c1 + j] = s10; c[c1 + j + 1] = s11; c[c1 + j + 2] = s12; c[c1 + j + 3] = s13;
      c[c2 + j] = s20; c[c2 + j + 1] = s21; c[c2 + j + 2] = s22; c[c2 + j + 3] = s23;
      c[c3 + j] = s30; c[c3 + j + 1] = s31; c[c3 + j + 2] = s32; c[c3 + j + 3] = s33;
    }
    for (; j < n; j++) {
      const w0 = wOff + j * k;
      let s0 = init ? init[j]! : 0;
      let s1 = s0, s2 = s0, s3 = s0;
      for (let p = 0; p < k; p++) {
        const y = w[w0 + p]!;
        s0 += a[a0 + p]! * y; s1 += a[a1 + p]! * y; s2 += a[a2 + p]! * y; s3 += a[a3 + p]! * y;
      }
      c[c0 + j] = s0; c[c1 + j] = s1; c[c2 + j] = s2; c[c3 + j] = s3;
    }
  }
  for (; i + 1 < m; i += 2) {
    const a0 = aOff + i * lda, a1 = a0 + lda;
    const c0 = cOff + i * ldc, c1 = c0 + ldc;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const w0 = wOff + j * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      if (init) {
        s00 = s10 = init[j]!; s01 = s11 = init[j + 1]!; s02 = s12 = init[j + 2]!; s03 = s13 = init[j + 3]!;
      }
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!;
        const y0 = w[w0 + p]!, y1 = w[w1 + p]!, y2 = w[w2 + p]!, y3 = w[w3 + p]!;
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      }
      c[c0 + j] = s00; c[c0 + j + 1] = s01; c[c0 + j + 2] = s02; c[c0 + j + 3] = s03;
      c[c1 + j] = s10; c[c1 + j + 1] = s11; c[c1 + j + 2] = s12; c[c1 + j + 3] = s13;
    }
    for (; j < n; j++) {
      const w0 = wOff + j * k;
      let s0 = init ? init[j]! : 0;
      let s1 = s0;
      for (let p = 0; p < k; p++) { const y = w[w0 + p]!; s0 += a[a0 + p]! * y; s1 += a[a1 + p]! * y; }
      c[c0 + j] = s0; c[c1 + j] = s1;
    }
  }
  if (i < m) {
    const a0 = aOff + i * lda, c0 = cOff + i * ldc;
    for (let j = 0; j < n; j++) {
      const w0 = wOff + j * k;
      let s = init ? init[j]! : 0;
      for (let p = 0; p < k; p++) s += a[a0 + p]! * w[w0 + p]!;
      c[c0 + j] = s;
    }
  }
}
