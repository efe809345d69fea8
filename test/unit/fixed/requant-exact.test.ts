// requantS32 without BigInt (src/fixed/ops.ts roundShiftProduct) against the exact BigInt
// formula sat32(floor((acc·m + 2^(t−1)) / 2^t)), which lives only here: every shift
// t = 1..62 on every edge accumulator and multiplier, then random inputs weighted toward
// the short shifts (t < 17, the path that used BigInt), where results reach 2^61 and
// only their saturation must agree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INT32_MAX, INT32_MIN, requantS32 } from '../../../src/fixed/ops.js';

function exact(acc: number, m: number, t: number): number {
  const p = (BigInt(acc) * BigInt(m) + (1n << BigInt(t - 1))) >> BigInt(t);
  return Number(p < BigInt(INT32_MIN) ? BigInt(INT32_MIN) : p > BigInt(INT32_MAX) ? BigInt(INT32_MAX) : p);
}

/** Accumulators at the int32 ends, around zero, and around every power of two (both signs). */
const ACCS = [...new Set([
  INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1, 0, 1, -1, 2, -2, 3, -3,
  ...Array.from({ length: 31 }, (_, k) => [2 ** k, 2 ** k - 1, 2 ** k + 1]).flat().flatMap((v) => [v, -v]),
])].filter((v) => v >= INT32_MIN && v <= INT32_MAX);
/** Multipliers: 0, the ends of [2^30, 2^31), and values whose low 16 bits are 0, 1, 2^15 or all ones. */
const MULTS = [0, 2 ** 30, 2 ** 30 + 1, 2 ** 31 - 1, 2 ** 31 - 2 ** 16, 2 ** 30 + 0xffff, 2 ** 30 + 0x8000, 1518500250, 1518469120];

describe('requantS32 without BigInt', () => {
  it('equals the BigInt formula on every edge accumulator and multiplier, every shift 1..62', () => {
    let checked = 0;
    for (const acc of ACCS) for (const m of MULTS) for (let t = 1; t <= 62; t++) {
      const got = requantS32(acc, m, t);
      if (got !== exact(acc, m, t)) expect(`acc ${acc}, m ${m}, t ${t}: ${got}`).toBe(`acc ${acc}, m ${m}, t ${t}: ${exact(acc, m, t)}`);
      checked++;
    }
    expect(checked).toBe(ACCS.length * MULTS.length * 62);
  });

  it('ties round half up on the short-shift path', () => {
    // 3·2^30 / 2^16 = 49152 exactly; (3·2^30 + 2^15) / 2^16 is a tie → up.
    expect(requantS32(3, 2 ** 30, 16)).toBe(49152);
    expect(requantS32(1, 2 ** 30 + 2 ** 15, 16)).toBe(16385);
    expect(requantS32(-1, 2 ** 30 + 2 ** 15, 16)).toBe(-16384);
  });

  it('results far beyond int32 saturate exactly as the exact value', () => {
    expect(requantS32(INT32_MAX, 2 ** 31 - 1, 1)).toBe(INT32_MAX);
    expect(requantS32(INT32_MIN, 2 ** 31 - 1, 1)).toBe(INT32_MIN);
    // Just inside and just outside int32 at t = 16: acc·2^30 / 2^16 = acc·2^14.
    expect(requantS32(131071, 2 ** 30, 16)).toBe(131071 * 16384);
    expect(requantS32(131072, 2 ** 30, 16)).toBe(INT32_MAX);
    expect(requantS32(-131072, 2 ** 30, 16)).toBe(INT32_MIN);
  });

  it('equals the BigInt formula on random inputs, short and long shifts', () => {
    const acc = fc.integer({ min: INT32_MIN, max: INT32_MAX });
    const mult = fc.oneof(fc.constant(0), fc.integer({ min: 2 ** 30, max: 2 ** 31 - 1 }));
    const short = fc.integer({ min: 1, max: 16 });
    const any = fc.integer({ min: 1, max: 62 });
    fc.assert(fc.property(acc, mult, short, (a, m, t) => requantS32(a, m, t) === exact(a, m, t)), { numRuns: 20000, seed: 14 });
    fc.assert(fc.property(acc, mult, any, (a, m, t) => requantS32(a, m, t) === exact(a, m, t)), { numRuns: 20000, seed: 15 });
    // Small accumulators keep short-shift results inside int32, where every bit counts.
    const small = fc.integer({ min: -(2 ** 17), max: 2 ** 17 });
    fc.assert(fc.property(small, mult, short, (a, m, t) => requantS32(a, m, t) === exact(a, m, t)), { numRuns: 20000, seed: 16 });
  });
});
