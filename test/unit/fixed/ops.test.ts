// Each primitive of src/fixed/ops.ts against exact BigInt arithmetic: edge cases first,
// then seeded random cases (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INT16_MAX, INT16_MIN, INT32_MAX, INT32_MIN, addSatS32, divQ15, lutLookup, mulQ15S32, mulRshrS16, requantS32,
  rescaleS16, rshrS32, rshrSatS64, satS16, satS32,
} from '../../../src/fixed/ops.js';

const big = (x: number) => BigInt(x);
/** floor(p / 2^s) for BigInt p, s >= 0 (BigInt >> is a floor shift). */
const floorShift = (p: bigint, s: number) => p >> BigInt(s);
/** Round half up: floor((p + 2^(s−1)) / 2^s). */
const roundHalfUp = (p: bigint, s: number) => (s === 0 ? p : floorShift(p + (1n << BigInt(s - 1)), s));
const clamp = (p: bigint, lo: number, hi: number) => Number(p < big(lo) ? big(lo) : p > big(hi) ? big(hi) : p);

const int16 = fc.integer({ min: INT16_MIN, max: INT16_MAX });
const int32 = fc.integer({ min: INT32_MIN, max: INT32_MAX });
const runs = { numRuns: 3000, seed: 42 };

describe('saturation', () => {
  it('satS16 and satS32 clamp at the type bounds', () => {
    expect([satS16(-32769), satS16(-32768), satS16(32767), satS16(32768), satS16(0)]).toEqual([-32768, -32768, 32767, 32767, 0]);
    expect([satS32(INT32_MIN - 1), satS32(INT32_MAX + 1), satS32(5)]).toEqual([INT32_MIN, INT32_MAX, 5]);
  });
  it('addSatS32 saturates instead of wrapping', () => {
    expect(addSatS32(INT32_MAX, 1)).toBe(INT32_MAX);
    expect(addSatS32(INT32_MIN, -1)).toBe(INT32_MIN);
    fc.assert(fc.property(int32, int32, (a, b) => addSatS32(a, b) === clamp(big(a) + big(b), INT32_MIN, INT32_MAX)), runs);
  });
});

describe('rshrS32: round half up', () => {
  it('ties go toward +infinity', () => {
    expect([rshrS32(1, 1), rshrS32(-1, 1), rshrS32(3, 1), rshrS32(-3, 1), rshrS32(2, 2), rshrS32(-2, 2)]).toEqual([1, 0, 2, -1, 1, 0]);
  });
  it('never overflows at the int32 ends', () => {
    expect(rshrS32(INT32_MAX, 1)).toBe(1073741824);
    expect(rshrS32(INT32_MIN, 31)).toBe(-1);
    expect(rshrS32(INT32_MAX, 31)).toBe(1);
  });
  it('equals floor((x + 2^(s-1)) / 2^s) exactly', () => {
    fc.assert(fc.property(int32, fc.integer({ min: 0, max: 31 }), (x, s) => rshrS32(x, s) === Number(roundHalfUp(big(x), s))), runs);
  });
});

describe('products', () => {
  it('mulRshrS16: Q15 product saturates only for -1 * -1', () => {
    expect(mulRshrS16(INT16_MIN, INT16_MIN, 15)).toBe(INT16_MAX);
    expect(mulRshrS16(INT16_MIN, INT16_MAX, 15)).toBe(-32767);
    expect(mulRshrS16(16384, 16384, 15)).toBe(8192);
    fc.assert(fc.property(int16, int16, fc.integer({ min: 1, max: 31 }), (a, b, s) =>
      mulRshrS16(a, b, s) === clamp(roundHalfUp(big(a) * big(b), s), INT16_MIN, INT16_MAX)), runs);
  });
  it('mulQ15S32: a gate times any int32, rounded, never saturating', () => {
    expect(mulQ15S32(32767, 65535)).toBe(65533);
    expect(mulQ15S32(32767, -65535)).toBe(-65533);
    expect(mulQ15S32(32767, INT32_MAX)).toBe(2147418111);
    expect(mulQ15S32(32767, INT32_MIN)).toBe(-2147418112);
    expect(mulQ15S32(16384, -1)).toBe(0);  // −0.5 rounds up to 0
    fc.assert(fc.property(fc.integer({ min: 0, max: 32767 }), int32, (a, b) =>
      mulQ15S32(a, b) === Number(roundHalfUp(big(a) * big(b), 15))), runs);
  });
});

describe('divQ15', () => {
  it('is round(num·2^15/den) half up, saturating at 1.0', () => {
    expect(divQ15(1, 2)).toBe(16384);
    expect(divQ15(5, 5)).toBe(32767);
    expect(divQ15(0, 7)).toBe(0);
    expect(divQ15(1, 3)).toBe(10923);
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 27 - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (den, f) => {
      const num = Math.floor(f * den);
      const exact = (big(num) * 65536n + big(den)) / (2n * big(den));
      return divQ15(num, den) === Math.min(32767, Number(exact));
    }), runs);
  });
});

describe('requantS32', () => {
  const mult = fc.integer({ min: 2 ** 30, max: 2 ** 31 - 1 });
  const exact = (acc: number, m: number, t: number) => clamp(roundHalfUp(big(acc) * big(m), t), INT32_MIN, INT32_MAX);
  it('edge cases: extreme accumulators, ties, both shift paths', () => {
    for (const acc of [INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX]) {
      for (const m of [2 ** 30, 2 ** 31 - 1, 1518500250]) {
        for (const t of [1, 2, 15, 16, 17, 31, 32, 46, 62]) expect(requantS32(acc, m, t)).toBe(exact(acc, m, t));
      }
    }
    // a tie: 3·2^30 / 2^31 = 1.5 → 2, and −1.5 → −1
    expect(requantS32(3, 2 ** 30, 31)).toBe(2);
    expect(requantS32(-3, 2 ** 30, 31)).toBe(-1);
  });
  it('matches BigInt on random inputs', () => {
    fc.assert(fc.property(int32, mult, fc.integer({ min: 1, max: 62 }), (acc, m, t) => requantS32(acc, m, t) === exact(acc, m, t)), runs);
  });
});

describe('rshrSatS64', () => {
  it('matches BigInt for |acc| < 2^52 and saturates to int32', () => {
    const acc = fc.integer({ min: -(2 ** 52), max: 2 ** 52 });
    fc.assert(fc.property(acc, fc.integer({ min: 1, max: 40 }), (a, k) =>
      rshrSatS64(a, k) === clamp(roundHalfUp(big(a), k), INT32_MIN, INT32_MAX)), runs);
    expect(rshrSatS64(2 ** 52, 1)).toBe(INT32_MAX);
    expect(rshrSatS64(-(2 ** 52), 1)).toBe(INT32_MIN);
  });
});

describe('rescaleS16', () => {
  it('rounds right shifts, saturates left shifts', () => {
    expect(rescaleS16(3, 12, 11)).toBe(2);
    expect(rescaleS16(-3, 12, 11)).toBe(-1);
    expect(rescaleS16(20000, 11, 12)).toBe(INT16_MAX);
    expect(rescaleS16(-20000, 11, 12)).toBe(INT16_MIN);
    expect(rescaleS16(123, 12, 12)).toBe(123);
    expect(rescaleS16(INT32_MAX, 20, 12)).toBe(INT16_MAX);
    expect(rescaleS16(INT32_MIN, 8, 12)).toBe(INT16_MIN);
  });
});

describe('lutLookup', () => {
  const table = Array.from({ length: 17 }, (_, k) => k * 1000); // linear table, N = 16
  it('interpolates between entries with rounding and hits the last entry at 32768', () => {
    // step = 2^11: x = 2^10 is halfway between T[0] = 0 and T[1] = 1000
    expect(lutLookup(table, 4, 1024)).toBe(500);
    expect(lutLookup(table, 4, 2048 + 1)).toBe(1000 + 0); // 1000/2048 rounds to 0
    expect(lutLookup(table, 4, 2048 + 3)).toBe(1001);     // 3000/2048 = 1.46 → 1
    expect(lutLookup(table, 4, -32768)).toBe(16000);
    expect(lutLookup(table, 4, 32767)).toBe(16000);       // 15000 + round(1000·2047/2048)
  });
});
