// The DSP blocks drop the int64 narrowing's saturation only where it cannot happen
// (narrowExact): decided from the product's integers, never from a model file's declared
// accBound, which a hand-edited or foreign model.q.json may understate (the C would then
// wrap where the reference saturates).
import { describe, expect, it } from 'vitest';
import { narrowExact } from '../../../src/codegen/cells/common.js';
import type { QMatmul } from '../../../src/ir/qmodel.js';
import { worstCaseAcc } from '../../../src/ir/qcheck.js';

const mm = (weights: number[], preShift: number, accBound: number): QMatmul => ({
  rows: 1, cols: weights.length, weights, bias: [0], mult: [2 ** 30], shift: [40], acc: 'int64', preShift, accBound,
} as unknown as QMatmul);

describe('narrowExact', () => {
  it('follows the integers, not the declared accBound', () => {
    const full = mm([32767, 32767, 32767, 32767, 32767], 1, 1);
    expect(worstCaseAcc(full)).toBe(5 * 32767 * 32768);
    expect(narrowExact(full)).toBe(false); // 5·32767·32768 / 2 > 2^31 − 1, whatever accBound says
    expect(narrowExact({ ...full, preShift: 2 })).toBe(true); // / 4 fits
    expect(narrowExact({ ...full, acc: 'int32', preShift: 0 })).toBe(false);
  });
});
