// gemmRows gives, for every row, exactly what matVec gives (same sum order), for every
// block shape and remainder: rows and outputs 0..9, with and without an initial vector,
// at offsets inside larger buffers.
import { describe, expect, it } from 'vitest';
import { gemmRows } from '../../../src/float/gemm.js';
import { matVec } from '../../../src/float/math.js';
import { Rng } from '../../../src/util/rng.js';

describe('gemmRows equals matVec row by row, bit for bit', () => {
  it('for every block remainder', () => {
    const rng = new Rng(3);
    const fill = (n: number) => Float64Array.from({ length: n }, () => rng.uniform(-2, 2));
    for (let m = 0; m <= 9; m++) {
      for (let n = 0; n <= 9; n++) {
        const k = 1 + ((m + n) % 7);
        const a = fill(3 + m * k);
        const w = fill(5 + n * k);
        const init = n % 2 ? fill(n) : undefined;
        const c = new Float64Array(2 + m * n);
        gemmRows(m, n, k, a, 3, k, w, 5, init, c, 2, n);
        for (let i = 0; i < m; i++) {
          const want = new Float64Array(n);
          matVec(w.subarray(5), a.subarray(3 + i * k), n, k, want, init);
          expect(Array.from(c.subarray(2 + i * n, 2 + (i + 1) * n))).toEqual(Array.from(want));
        }
      }
    }
  });
});
