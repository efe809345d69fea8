// The sigmoid/tanh tables: exhaustive error against the exact functions within the
// bound documented per size (docs/numeric-contract.md), monotonicity, symmetry.
import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../../src/float/math.js';
import { LUT_SIZES, buildLuts, measureLutError } from '../../../src/fixed/lut.js';
import { lutSigmoid, lutTanh } from '../../../src/fixed/ops.js';

/**
 * Documented max abs error in Q0.15 LSBs (2^-15) per table size: the measured value
 * rounded up. Linear interpolation over step h = 8/N errs by at most h²/8·max|f''|
 * (tanh: 0.77, sigmoid: 0.096) plus about one LSB of rounding.
 */
const BOUND_LSB: Record<number, { sigmoid: number; tanh: number }> = {
  16: { sigmoid: 99, tanh: 764 },
  32: { sigmoid: 25, tanh: 196 },
  64: { sigmoid: 6.8, tanh: 49.5 },
  128: { sigmoid: 2.2, tanh: 12.9 },
  256: { sigmoid: 1.3, tanh: 3.8 },
  512: { sigmoid: 1.0, tanh: 1.6 },
  1024: { sigmoid: 1.0, tanh: 1.0 },
  2048: { sigmoid: 1.0, tanh: 1.0 },
  4096: { sigmoid: 1.0, tanh: 1.0 },
};

describe('LUT error per size', () => {
  for (const size of LUT_SIZES) {
    it(`size ${size}: within the documented bound and the interpolation theory`, () => {
      const e = measureLutError(buildLuts(size));
      const bound = BOUND_LSB[size]!;
      expect(e.sigmoid * 2 ** 15).toBeLessThanOrEqual(bound.sigmoid);
      expect(e.tanh * 2 ** 15).toBeLessThanOrEqual(bound.tanh);
      const h = 8 / size;
      const lsb = 2 ** -15;
      expect(e.tanh).toBeLessThanOrEqual((h * h / 8) * 0.7699 + 1.5 * lsb);
      expect(e.sigmoid).toBeLessThanOrEqual((h * h / 8) * 0.0963 + 1.5 * lsb);
    });
  }
});

describe('LUT shape', () => {
  for (const size of [16, 256, 4096]) {
    const luts = buildLuts(size);
    it(`size ${size}: tables are non-decreasing and end at the Q0.15 limits`, () => {
      for (const t of [luts.sigmoid, luts.tanh]) {
        expect(t).toHaveLength(size + 1);
        for (let k = 1; k <= size; k++) expect(t[k]!).toBeGreaterThanOrEqual(t[k - 1]!);
      }
      expect(luts.tanh[0]).toBe(0);
      expect(luts.sigmoid[0]).toBe(16384);
      expect(luts.tanh[size]).toBe(32767);
      expect(luts.sigmoid[size]).toBe(Math.round(sigmoid(8) * 32768));
    });
    it(`size ${size}: interpolated functions are monotone over every int16 input and symmetric`, () => {
      let ps = -Infinity;
      let pt = -Infinity;
      const bad: number[] = [];
      for (let x = -32768; x <= 32767; x++) {
        const s = lutSigmoid(luts.sigmoid, luts.log2Size, x);
        const t = lutTanh(luts.tanh, luts.log2Size, x);
        if (s < ps || t < pt) bad.push(x);
        ps = s;
        pt = t;
        // === rather than toBe: −0 and 0 are the same integer.
        if (x > -32768 && (lutTanh(luts.tanh, luts.log2Size, -x) !== -t || lutSigmoid(luts.sigmoid, luts.log2Size, -x) !== 32768 - s)) bad.push(x);
      }
      expect(bad).toEqual([]);
    });
  }
});
