// Property tests (fast-check, fixed seed): quantize → dequantize round trips of
// weights, biases, requantization multipliers, model inputs, and format choice.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantizeInput } from '../../../src/fixed/model.js';
import type { QuantModel } from '../../../src/ir/qmodel.js';
import { fracFor, formatRange } from '../../../src/quantize/formats.js';
import { quantizeMatmul } from '../../../src/quantize/matmul.js';
import { multiplierValue, quantizeMultiplier } from '../../../src/quantize/multiplier.js';

const runs = { numRuns: 300, seed: 7 };
const weight = fc.double({ min: -4, max: 4, noNaN: true });

describe('weights and biases', () => {
  it('each weight dequantizes to within half a step of its row scale; |q| fits the type', () => {
    const spec = fc.record({
      rows: fc.array(fc.array(weight, { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
      bias: fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: 6, maxLength: 6 }),
      bits: fc.constantFrom(8 as const, 16 as const),
      inFrac: fc.integer({ min: 0, max: 15 }),
    });
    fc.assert(fc.property(spec, ({ rows, bias, bits, inFrac }) => {
      const b = bias.slice(0, rows.length);
      const mm = quantizeMatmul({ what: 'w', kernel: rows, bias: b, weightBits: bits, inFrac, outFrac: 12 });
      const qmax = bits === 8 ? 127 : 32767;
      rows.forEach((row, r) => {
        const s = mm.scale[r]!;
        row.forEach((w, c) => {
          const q = mm.weights[r * 5 + c]!;
          expect(Math.abs(q)).toBeLessThanOrEqual(qmax);
          expect(Math.abs(q * s - w)).toBeLessThanOrEqual(s / 2 + 1e-12 * Math.abs(w));
        });
        const accScale = s * 2 ** -inFrac;
        expect(Math.abs(mm.bias[r]!)).toBeLessThanOrEqual(2 ** 31 - 1);
        expect(Math.abs(mm.bias[r]! * accScale - b[r]!)).toBeLessThanOrEqual(accScale / 2 + 1e-12 * Math.abs(b[r]!));
      });
    }), runs);
  });
});

describe('requantization multipliers', () => {
  it('m·2^−t equals the scale to 31 significant bits, m normalised, t in [1, 62]', () => {
    fc.assert(fc.property(fc.double({ min: -31.99, max: 29.99, noNaN: true }), (e) => {
      const scale = 2 ** e;
      const m = quantizeMultiplier(scale, 'test');
      expect(m.mult).toBeGreaterThanOrEqual(2 ** 30);
      expect(m.mult).toBeLessThan(2 ** 31);
      expect(m.shift).toBeGreaterThanOrEqual(1);
      expect(m.shift).toBeLessThanOrEqual(62);
      expect(Math.abs(multiplierValue(m) - scale)).toBeLessThanOrEqual(scale * 2 ** -31);
    }), runs);
  });
  it('a scale below 2^−32 (every int32 accumulator rounds to 0) becomes 0; one at 2^31 or more is refused', () => {
    expect(quantizeMultiplier(2 ** -33, 'test')).toEqual({ mult: 0, shift: 1 });
    expect(quantizeMultiplier(0, 'test')).toEqual({ mult: 0, shift: 1 });
    expect(() => quantizeMultiplier(2 ** 31, 'test')).toThrow(/too large/);
  });
});

describe('model input', () => {
  const model = (frac: number, norm?: { mean: number[]; std: number[] }) =>
    ({ input: { frac, ...(norm ? { normalization: norm } : {}) } }) as unknown as QuantModel;

  it('dequantizes to within half an LSB inside the format, saturates outside', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 15 }), fc.double({ min: -1.2, max: 1.2, noNaN: true }), (frac, u) => {
      const span = formatRange(16, frac);
      const x = u * span;
      const q = quantizeInput(model(frac), [x])[0]!;
      // Within half an LSB of x as float32 (the helper's input type, fixed/model.ts).
      const x32 = Math.fround(x);
      if (x32 >= -span && x32 < span - 2 ** -frac) expect(Math.abs(q * 2 ** -frac - x32)).toBeLessThanOrEqual(2 ** -(frac + 1));
      else expect(q === 32767 || q === -32768 || Math.abs(q * 2 ** -frac - x) <= 2 ** -frac).toBe(true);
    }), runs);
  });

  it('folds normalisation in: raw x quantizes as (x − mean)/std would', () => {
    fc.assert(fc.property(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true }),
      fc.double({ min: 0.5, max: 50, noNaN: true }), (x, mean, std) => {
        const z = (x - mean) / std;
        const q = quantizeInput(model(11, { mean: [mean], std: [std] }), [x])[0]!;
        // Half an LSB, plus the float32 rounding of x, mean, x − mean and the quotient
        // (each a relative 2^-24, on values up to |x| + |mean| = 150 before the division).
        const f32 = (150 / std + Math.abs(z)) * 2 ** -22;
        if (Math.abs(z) < 15.9) expect(Math.abs(q * 2 ** -11 - z)).toBeLessThanOrEqual(2 ** -12 + f32);
      }), runs);
  });
});

describe('format choice', () => {
  it('fracFor gives the finest format whose range holds absMax·margin (unless capped)', () => {
    fc.assert(fc.property(fc.double({ min: 1e-6, max: 1e4, noNaN: true }), fc.double({ min: 1, max: 2, noNaN: true }),
      fc.constantFrom(16, 32), (absMax, margin, bits) => {
        const maxFrac = bits === 16 ? 15 : 24;
        const f = fracFor(absMax, bits, margin, maxFrac);
        if (f >= 0) expect(formatRange(bits, f)).toBeGreaterThan(absMax * margin);
        if (f < maxFrac && f >= 0) expect(formatRange(bits, f + 1)).toBeLessThanOrEqual(absMax * margin);
      }), runs);
  });
});
