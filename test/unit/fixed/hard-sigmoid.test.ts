// The fixed-point hard sigmoid gates (ops.ts hardSigmoidQ15) against the exact float
// function of the same Q3.12 input, over all 65,536 inputs: the bounds stated in
// docs/numeric-contract.md.
import { describe, expect, it } from 'vitest';
import { HARD_SIGMOID_MULT, hardSigmoidQ15 } from '../../../src/fixed/ops.js';

const SLOPE = { hard_sigmoid: 0.2, hard_sigmoid_v3: 1 / 6 } as const;

function measure(kind: keyof typeof SLOPE): { linear: number; all: number; monotone: boolean } {
  let linear = 0, all = 0, monotone = true, prev = -1;
  for (let x = -32768; x <= 32767; x++) {
    const exact = Math.min(1, Math.max(0, SLOPE[kind] * (x / 4096) + 0.5)) * 32768;
    const y = hardSigmoidQ15(HARD_SIGMOID_MULT[kind], x);
    const err = Math.abs(y - exact);
    all = Math.max(all, err);
    if (exact > 0 && exact < 32768) linear = Math.max(linear, err);
    if (y < prev) monotone = false;
    prev = y;
  }
  return { linear, all, monotone };
}

describe('hard sigmoid in fixed point', () => {
  for (const kind of ['hard_sigmoid', 'hard_sigmoid_v3'] as const) {
    it(`${kind}: within 0.5 LSB in the linear region, 1 LSB at the top, monotone`, () => {
      const m = measure(kind);
      expect(m.linear).toBeLessThanOrEqual(0.5);
      expect(m.all).toBeLessThanOrEqual(1);
      expect(m.monotone).toBe(true);
      expect(hardSigmoidQ15(HARD_SIGMOID_MULT[kind], 0)).toBe(16384);
      expect(hardSigmoidQ15(HARD_SIGMOID_MULT[kind], -32768)).toBe(0);
      expect(hardSigmoidQ15(HARD_SIGMOID_MULT[kind], 32767)).toBe(32767);
    });
  }
  it('the multipliers are round(slope · 8 · 2^16)', () => {
    expect(HARD_SIGMOID_MULT.hard_sigmoid).toBe(Math.round(0.2 * 8 * 65536));
    expect(HARD_SIGMOID_MULT.hard_sigmoid_v3).toBe(Math.round((8 / 6) * 65536));
  });
});
