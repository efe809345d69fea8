// The WebAssembly SIMD product against the scalar gemmNT on the same terms: equal bit for
// bit, on the WebAssembly kernel and on its JavaScript stand-in, on sizes that need
// padding, with offsets into A, B (rows and columns) and C, and more terms than one block.
import { afterAll, describe, expect, it } from 'vitest';
import { gemmNT, gemmTN } from '../../../src/train/gemm.js';
import { ROWS, mul, productNN, productNT, productTN, stage, stageRows, stageTransposed, useWasm, wasmAvailable } from '../../../src/train/wasm-gemm.js';
import { Rng } from '../../../src/util/rng.js';

const rng = new Rng(5);
const rand = (n: number) => Float64Array.from({ length: n }, () => rng.uniform(-1, 1));

describe('wasm-gemm', () => {
  afterAll(() => useWasm(true));

  it('compiles its module here (Node has WebAssembly SIMD)', () => {
    expect(wasmAvailable()).toBe(true);
  });

  for (const simd of [true, false]) {
    for (const [m, n, k] of [[1, 1, 1], [3, 5, 2], [4, 8, 4], [7, 9, 6], [32, 12, 300], [5, 3, 129]] as const) {
      it(`${simd ? 'wasm' : 'js'} ${m}×${n}×${k}`, () => {
        useWasm(simd);
        // B is rows bRow… of a (bRow + k + 1) × (bCol + n + 2) matrix S; Bt its transpose (for gemmNT).
        const bRow = 2, bCol = 1, rows = bRow + k + 1, cols = bCol + n + 2;
        const s = rand(rows * cols);
        const bt = new Float64Array(n * k);
        for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) bt[j * k + p] = s[(bRow + p) * cols + bCol + j]!;
        const lda = k + 3, a = rand(2 + m * lda);
        const at = new Float64Array(1 + k * (m + 1)); // Aᵀ stored k rows of m + 1 values from offset 1
        for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) at[1 + p * (m + 1) + i] = a[2 + i * lda + p]!;
        const ldc = n + 2, c0 = rand(3 + m * ldc);
        for (const accumulate of [false, true]) {
          const want = Float64Array.from(c0);
          gemmNT(m, n, k, a, 2, lda, bt, 0, k, want, 3, ldc, accumulate);
          const staged = [
            () => { stage(rows, cols); stageRows(0, rows, s, 0, cols); },
            () => { const st = new Float64Array(cols * rows); for (let r = 0; r < rows; r++) for (let q = 0; q < cols; q++) st[q * rows + r] = s[r * cols + q]!; stage(rows, cols); stageTransposed(st, 0, rows); },
          ];
          for (const put of staged) {
            put();
            const got = Float64Array.from(c0), gotT = Float64Array.from(c0);
            mul(m, n, a, 2, lda, false, bRow, k, bCol, got, 3, ldc, accumulate);
            mul(m, n, at, 1, m + 1, true, bRow, k, bCol, gotT, 3, ldc, accumulate);
            expect(Array.from(got)).toEqual(Array.from(want));
            expect(Array.from(gotT)).toEqual(Array.from(want));
          }
        }
      });
    }
  }

  for (const simd of [true, false]) {
    it(`${simd ? 'wasm' : 'js'}: more rows than one piece (by count and by width): productNT and productNN bit for bit, productTN to rounding`, () => {
      useWasm(simd);
      const rows = ROWS + 5, a = rand(rows * 3), b = rand(2 * 3), at = rand(rows * 5), bt = rand(rows * 2);
      const want = new Float64Array(rows * 2), got = new Float64Array(rows * 2);
      gemmNT(rows, 2, 3, a, 0, 3, b, 0, 3, want, 0, 2, false);
      productNT(rows, 2, 3, a, 0, 3, b, 0, 3, got, 0, 2, false);
      expect(Array.from(got)).toEqual(Array.from(want));
      // productNN with B = bᵀ stored k × n: the same sums in the same order.
      const bn = new Float64Array(3 * 2);
      for (let j = 0; j < 2; j++) for (let p = 0; p < 3; p++) bn[p * 2 + j] = b[j * 3 + p]!;
      const gotNN = new Float64Array(rows * 2);
      productNN(rows, 2, 3, a, 0, 3, bn, 0, 2, gotNN, 0, 2, false);
      expect(Array.from(gotNN)).toEqual(Array.from(want));
      const c0 = rand(5 * 2), tn = Float64Array.from(c0), ptn = Float64Array.from(c0);
      gemmTN(5, 2, rows, at, 0, 5, bt, 0, 2, tn, 0, 2);
      productTN(5, 2, rows, at, 0, 5, bt, 0, 2, ptn, 0, 2);
      for (let i = 0; i < 10; i++) expect(ptn[i]).toBeCloseTo(tn[i]!, 10);
      // Wide rows: fewer rows per piece (A and C bounded in doubles), the same bits.
      const wr = 7000, wk = 600, wa = rand(wr * wk), wb = rand(4 * wk);
      const wWant = new Float64Array(wr * 4), wGot = new Float64Array(wr * 4);
      gemmNT(wr, 4, wk, wa, 0, wk, wb, 0, wk, wWant, 0, 4, false);
      productNT(wr, 4, wk, wa, 0, wk, wb, 0, wk, wGot, 0, 4, false);
      expect(wGot).toEqual(wWant);
    });
  }
});
