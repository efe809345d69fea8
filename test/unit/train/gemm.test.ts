// The blocked matrix products against the textbook triple loop, on sizes that hit
// every remainder path, with offsets and leading dimensions.
import { describe, expect, it } from 'vitest';
import { gemmNN, gemmNT, gemmTN } from '../../../src/train/gemm.js';
import { Rng } from '../../../src/util/rng.js';

const rng = new Rng(3);
const rand = (n: number) => Float64Array.from({ length: n }, () => rng.uniform(-1, 1));

describe('gemm kernels', () => {
  for (const [m, n, k] of [[1, 1, 1], [2, 3, 5], [5, 4, 3], [7, 9, 6], [8, 8, 8]] as const) {
    it(`${m}×${n}×${k}`, () => {
      const off = 3, ld = 11;
      const a = rand(off + 16 * ld), b = rand(off + 16 * ld), c0 = rand(off + 16 * ld);
      const at = (x: Float64Array, r: number, col: number) => x[off + r * ld + col]!;
      // C = A·Bᵀ accumulated, C = A·B, C += Aᵀ·B
      const nt = Float64Array.from(c0), nn = Float64Array.from(c0), tn = Float64Array.from(c0);
      gemmNT(m, n, k, a, off, ld, b, off, ld, nt, off, ld, true);
      gemmNN(m, n, k, a, off, ld, b, off, ld, nn, off, ld, false);
      gemmTN(m, n, k, a, off, ld, b, off, ld, tn, off, ld);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let snt = at(c0, i, j), snn = 0, stn = at(c0, i, j);
          for (let p = 0; p < k; p++) { snt += at(a, i, p) * at(b, j, p); snn += at(a, i, p) * at(b, p, j); stn += at(a, p, i) * at(b, p, j); }
          expect(at(nt, i, j)).toBeCloseTo(snt, 12);
          expect(at(nn, i, j)).toBeCloseTo(snn, 12);
          expect(at(tn, i, j)).toBeCloseTo(stn, 12);
        }
      }
      // Nothing outside the m×n block is touched.
      expect(nt[off + m * ld + n]).toBe(c0[off + m * ld + n]);
      expect(nt[off - 1]).toBe(c0[off - 1]);
    });
  }
});
