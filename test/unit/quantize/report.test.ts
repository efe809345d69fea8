// The error report: per-layer errors agree with a direct comparison, task metrics are
// computed as documented.
import { describe, expect, it } from 'vitest';
import { quantizeInput, runFixed } from '../../../src/fixed/model.js';
import { runFloat } from '../../../src/float/model.js';
import { randomModel, randomSequence } from '../../../src/ir/random.js';
import { quantizeWithData } from '../../../src/quantize/pipeline.js';
import { layerErrors, taskKind, taskMetric } from '../../../src/quantize/report.js';

describe('layerErrors', () => {
  it('the last layer\'s max error is the direct fixed-vs-float comparison; RMS <= max', () => {
    const m = randomModel({ inputSize: 2, weightScale: 0.5, layers: [{ type: 'gru', units: 4, returnSequences: true }, { type: 'dense', units: 2, activation: 'linear' }] }, 2);
    const seqs = [1, 2].map((s) => randomSequence(2, 15, s));
    const q = quantizeWithData(m, { sequences: seqs, source: 'c' }).model;
    const errs = layerErrors(m, q, seqs);
    let max = 0;
    for (const seq of seqs) {
      const f = runFloat(m, seq);
      runFixed(q, seq.map((x) => quantizeInput(q, x))).forEach((y, t) => y.forEach((v, j) => { max = Math.max(max, Math.abs(v * 2 ** -q.output.frac - f[t]![j]!)); }));
    }
    expect(errs[1]!.maxAbs).toBe(max);
    expect(errs.map((e) => e.count)).toEqual([2 * 15 * 4, 2 * 15 * 2]);
    for (const e of errs) expect(e.rms).toBeLessThanOrEqual(e.maxAbs);
  });
});

describe('taskMetric', () => {
  const data = { sequences: [[[0]], [[1]], [[2]]], targets: [[[0]], [[1]], [[1]]], source: 'd' };
  it('accuracy: argmax for softmax heads, >= 0.5 for one sigmoid unit', () => {
    const probs = [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]];
    expect(taskMetric('classification', (s) => [probs[s[0]![0]!]!], data, 2)).toBeCloseTo(2 / 3, 12);
    expect(taskMetric('classification', (s) => [[[0.2], [0.5], [0.7]][s[0]![0]!]!], data, 1)).toBe(1);
  });
  it('RMSE over every target value, and a clear error for a mismatched target', () => {
    expect(taskMetric('regression', (s) => [[s[0]![0]!]], data, 1)).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(() => taskMetric('regression', () => [[0, 0]], data, 2)).toThrow('d: sequence 0: target has 1 values, the model outputs 2');
    expect(() => taskMetric('classification', () => [[1, 0]], { ...data, targets: [[[3]], [[0]], [[0]]] }, 2)).toThrow(/not a class index below 2/);
  });
  it('task kind from the head', () => {
    const cls = randomModel({ inputSize: 1, layers: [{ type: 'rnn', units: 2 }, { type: 'dense', units: 3, activation: 'softmax' }] }, 1);
    const reg = randomModel({ inputSize: 1, layers: [{ type: 'rnn', units: 2 }, { type: 'dense', units: 1, activation: 'linear' }] }, 1);
    expect([taskKind(cls), taskKind(reg)]).toEqual(['classification', 'regression']);
  });
});
