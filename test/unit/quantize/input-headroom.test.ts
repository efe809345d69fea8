// The model input's headroom (pipeline.ts INPUT_HEADROOM): with int8 weights the input
// format takes one more integer bit than the margin alone gives (data beyond the
// calibration data clips less), with int16 weights the margin alone; meta records it; and
// the headroom never refuses a range the margin holds.
import { describe, expect, it } from 'vitest';
import { randomModel } from '../../../src/ir/random.js';
import type { QuantizationMeta } from '../../../src/quantize/meta.js';
import { INPUT_HEADROOM, quantizeWithData } from '../../../src/quantize/pipeline.js';
import { quantizeModel } from '../../../src/quantize/quantize.js';

const model = randomModel({ inputSize: 2, layers: [{ type: 'gru', units: 3 }, { type: 'dense', units: 1, activation: 'linear' }] }, 7);
// |x| up to 3: with margin 1.25, 3.75 needs 2 integer bits (Q2.13); doubled, 7.5 needs 3 (Q3.12).
const data = { sequences: [[[3, -1], [0.5, 2]], [[-2.5, 1]]], source: 'calib' };

describe('input headroom', () => {
  it('int8: one more integer bit than the margin gives; int16: the margin alone', () => {
    expect(INPUT_HEADROOM).toEqual({ 8: 2, 16: 1 });
    const q8 = quantizeWithData(model, data, { weightBits: 8 }).model;
    const q16 = quantizeWithData(model, data, { weightBits: 16 }).model;
    expect(q8.input.frac).toBe(12);
    expect(q16.input.frac).toBe(13);
    expect((q8.meta!.quantization as QuantizationMeta).inputMargin).toBe(2.5);
    expect((q16.meta!.quantization as QuantizationMeta).inputMargin).toBe(1.25);
    // Without data the default range decides, as before.
    expect(quantizeWithData(model, undefined, { weightBits: 8 }).model.input.frac).toBe(12);
  });

  it('never refuses a range the margin holds: the widest format instead', () => {
    // 1.5e9 · 1.25 is within ±2^31, 1.5e9 · 2.5 is not.
    const ranges = { input: 1.5e9, layers: [{}, { dense: 1 }] };
    expect(quantizeModel(model, { ranges, inputMargin: 2.5 }).input.frac).toBe(-16);
    expect(quantizeModel(model, { ranges }).input.frac).toBe(-16);
    expect(() => quantizeModel(model, { ranges: { ...ranges, input: 2e9 }, inputMargin: 2.5 })).toThrow(/with margin 1\.25/);
  });
});
