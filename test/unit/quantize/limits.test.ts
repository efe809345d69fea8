// The quantizer never returns a model.q.json the rest of rnnc would refuse: ranges no
// int16 format spans are refused (exit 2) with what reached them, and its output passes
// the very check every reader applies.
import { describe, expect, it, vi } from 'vitest';
import { RnncError } from '../../../src/errors.js';
import type { FloatModel } from '../../../src/ir/model.js';
import { validateQuantModel } from '../../../src/ir/qio.js';
import { randomModel } from '../../../src/ir/random.js';
import { calibrate } from '../../../src/quantize/calibrate.js';
import { quantizeWithData } from '../../../src/quantize/pipeline.js';
import { quantizeModel } from '../../../src/quantize/quantize.js';

function failure(f: () => unknown): { code: string; message: string } | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof RnncError) return { code: e.code, message: e.message };
    throw e;
  }
  return undefined;
}

const withStd = (std: number[]): FloatModel => {
  const m = randomModel({ name: 'n', inputSize: 2, normalization: true, layers: [{ type: 'lstm', units: 3 }, { type: 'dense', units: 2, activation: 'linear' }] }, 3);
  m.normalization = { mean: [0, 0], std };
  return m;
};
const data = { sequences: [[[1, 2], [3, -4]], [[0.5, 1]]], source: 'calib.json' };

describe('quantizer limits', () => {
  it('a tiny std with calibration data: refused, naming the data, the feature and its std', () => {
    const r = failure(() => quantizeWithData(withStd([1, 1e-9]), data));
    expect(r?.code).toBe('quantize/range_overflow');
    expect(r?.message).toBe('calib.json: the normalised inputs (x − mean) / std (feature 1, normalization.std[1] = 1e-9) reach 4.00e+9 ' +
      '(5.00e+9 with margin 1.25): beyond ±2^31 (2.15e+9), the widest int16 format (Q31.-16)');
  });

  it('the same std without calibration data: default ranges, a valid model', () => {
    const q = quantizeWithData(withStd([1, 1e-9]), undefined).model;
    expect(q.input.frac).toBe(12);
    expect(() => validateQuantModel(q, 'q')).not.toThrow();
  });

  it('calibration names the feature that reached the input range', () => {
    expect(calibrate(withStd([1, 1]), data.sequences).ranges.inputFeature).toBe(1);
    expect(calibrate(withStd([1e-3, 1]), data.sequences).ranges.inputFeature).toBe(0);
  });

  it('dense outputs beyond ±2^31: refused instead of an output format the readers refuse', () => {
    const m = randomModel({ name: 'd', inputSize: 2, layers: [{ type: 'dense', units: 2, activation: 'linear' }, { type: 'dense', units: 2, activation: 'softmax' }] }, 4);
    for (const l of m.layers) if (l.type === 'dense') l.weights.kernel = l.weights.kernel.map((row) => row.map(() => 1e6));
    const r = failure(() => quantizeWithData(m, { sequences: [[[1e4, 1e4]]], source: 'd.csv' }));
    expect(r?.code).toBe('quantize/range_overflow');
    expect(r?.message).toMatch(/^d\.csv: the outputs W x \+ b of layers\[0\] \(dense linear\) reach 2\.00e\+10 .*beyond ±2\^31/);
  });

  it('what the quantizer returns passes the readers\' check', () => {
    const q = quantizeModel(withStd([2, 0.5]));
    expect(() => validateQuantModel(q, 'q')).not.toThrow();
  });

  it('an output the readers would refuse is a bug (exit 3), never a file', async () => {
    // Only a broken quantizer gets here: simulate one whose sigmoid table has a 0 entry.
    vi.resetModules();
    vi.doMock('../../../src/fixed/lut.js', async (original) => {
      const lut = await original<typeof import('../../../src/fixed/lut.js')>();
      return { ...lut, buildLuts: (size: number) => { const t = lut.buildLuts(size); t.sigmoid[0] = 0; return t; } };
    });
    try {
      const { quantizeModel: broken } = await import('../../../src/quantize/quantize.js');
      const { RnncError: Err } = await import('../../../src/errors.js');
      let caught: unknown;
      try { broken(withStd([2, 0.5])); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(Err);
      expect((caught as RnncError).code).toBe('internal/bug');
      expect((caught as RnncError).message).toBe('the quantizer produced an invalid model (please report this): the quantized model: lut.sigmoid: entries outside [1, 32767]');
    } finally {
      vi.doUnmock('../../../src/fixed/lut.js');
      vi.resetModules();
    }
  });

  it('a float model that skipped validation is refused as such before anything is quantized', () => {
    const bad = randomModel({ name: 'b', inputSize: 2, layers: [{ type: 'rnn', units: 2 }, { type: 'rnn', units: 2 }] }, 5);
    expect(failure(() => quantizeModel(bad))).toEqual({ code: 'ir/invalid', message: 'model: layers[1]: a rnn layer needs a sequence, but layers[0] has returnSequences false' });
  });
});
