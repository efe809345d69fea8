/**
 * Whole-model semantics of the float reference against values computed by hand:
 * dense with every activation, bidirectional merging (concat / sum, sequences or last
 * output, Keras semantics), input normalisation, input checks.
 */
import { describe, expect, it } from 'vitest';
import { isRnncError } from '../../../src/errors.js';
import { runFloat } from '../../../src/float/model.js';
import type { DenseActivation, FloatModel, Layer } from '../../../src/ir/model.js';

const sig = (x: number) => 1 / (1 + Math.exp(-x));

function model(inputSize: number, layers: Layer[], extra: Partial<FloatModel> = {}): FloatModel {
  return { format: 'rnnc-model', version: 1, name: 'tiny', inputSize, layers, ...extra };
}

function values(out: Float64Array[]): number[][] {
  return out.map((v) => Array.from(v));
}

function expectClose(got: number[][], want: number[][]): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, t) => {
    expect(row.length).toBe(want[t]!.length);
    row.forEach((v, i) => expect(v).toBeCloseTo(want[t]![i]!, 14));
  });
}

describe('dense, hand-computed', () => {
  // z = W x + b with W = [[1, −2], [0.5, 0.5], [−1, 3]], b = [0.1, −0.2, 0.3]
  const dense = (activation: DenseActivation, bias = [0.1, -0.2, 0.3]): Layer => ({
    type: 'dense', units: 3, activation, weights: { kernel: [[1, -2], [0.5, 0.5], [-1, 3]], bias },
  });
  const xs = [[0.4, -0.6], [-1, 0.25]];
  const z = [[0.4 + 1.2 + 0.1, 0.2 - 0.3 - 0.2, -0.4 - 1.8 + 0.3], [-1 - 0.5 + 0.1, -0.5 + 0.125 - 0.2, 1 + 0.75 + 0.3]];
  const softmax = (v: number[]) => {
    const e = v.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  };
  const expected: Record<DenseActivation, number[][]> = {
    linear: z,
    relu: z.map((v) => v.map((x) => Math.max(0, x))),
    tanh: z.map((v) => v.map(Math.tanh)),
    sigmoid: z.map((v) => v.map(sig)),
    softmax: z.map(softmax),
  };
  for (const activation of Object.keys(expected) as DenseActivation[]) {
    it(`${activation}, applied at every timestep of a sequence input`, () => {
      expectClose(values(runFloat(model(2, [dense(activation)]), xs)), expected[activation]);
    });
  }

  it('relu passes negatives as exact zeros', () => {
    const out = runFloat(model(2, [dense('relu')]), [[0.4, -0.6]])[0]!;
    expect(Array.from(out).slice(1)).toEqual([0, 0]);
  });

  it('softmax is stable for large logits and sums to 1', () => {
    const [out] = values(runFloat(model(2, [dense('softmax', [1000, 999, -1000])]), [[0, 0]]));
    expect(out![0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 14);
    expect(out![1]).toBeCloseTo(Math.exp(-1) / (1 + Math.exp(-1)), 14);
    expect(out![2]).toBe(0);
  });

  it('sigmoid does not overflow for large negative inputs', () => {
    const [out] = values(runFloat(model(2, [dense('sigmoid', [-800, 800, 0])]), [[0, 0]]));
    expect(out).toEqual([0, 1, 0.5]);
  });
});

describe('bidirectional, hand-computed (one-unit Elman RNN)', () => {
  // forward: h_t = tanh(0.5 x_t − 0.8 h_{t−1} + 0.1), from t = 0 upwards
  // backward: h_t = tanh(−x_t + 0.3 h_{t+1} + 0.2), from the last t downwards
  const xs = [[2], [-1], [0.5]];
  const f: number[] = [];
  for (let t = 0, h = 0; t < 3; t++) f[t] = h = Math.tanh(0.5 * xs[t]![0]! - 0.8 * h + 0.1);
  const b: number[] = [];
  for (let t = 2, h = 0; t >= 0; t--) b[t] = h = Math.tanh(-xs[t]![0]! + 0.3 * h + 0.2);
  const layer = (bidirectional: 'concat' | 'sum', returnSequences: boolean): Layer => ({
    type: 'rnn', units: 1, returnSequences, bidirectional,
    weights: { kernel: [[0.5]], recurrentKernel: [[-0.8]], bias: [0.1] },
    backwardWeights: { kernel: [[-1]], recurrentKernel: [[0.3]], bias: [0.2] },
  });
  const run = (mode: 'concat' | 'sum', seq: boolean) => values(runFloat(model(1, [layer(mode, seq)]), xs));

  it('concat, sequences: [forward_t, backward_t] at each t (backward output re-aligned to its timestep)', () => {
    expectClose(run('concat', true), [0, 1, 2].map((t) => [f[t]!, b[t]!]));
  });
  it('sum, sequences: forward_t + backward_t', () => {
    expectClose(run('sum', true), [0, 1, 2].map((t) => [f[t]! + b[t]!]));
  });
  it('concat, last: forward at the last step with backward at t = 0 (its own last step), as Keras', () => {
    expectClose(run('concat', false), [[f[2]!, b[0]!]]);
  });
  it('sum, last: forward at the last step + backward at t = 0', () => {
    expectClose(run('sum', false), [[f[2]! + b[0]!]]);
  });
  it('the two directions really differ (the test would catch a swap)', () => {
    expect(Math.abs(b[0]! - b[2]!)).toBeGreaterThan(0.1);
    expect(Math.abs(f[2]! - b[2]!)).toBeGreaterThan(0.1);
  });
});

describe('input normalisation and input checks', () => {
  const rnn: Layer = { type: 'rnn', units: 1, returnSequences: true, weights: { kernel: [[0.5, -1]], recurrentKernel: [[0]], bias: [0] } };

  it("x' = (x − mean) / std per feature, before the first layer", () => {
    const m = model(2, [rnn], { normalization: { mean: [10, -2], std: [4, 0.5] } });
    const [out] = values(runFloat(m, [[12, -1]]));
    expect(out![0]).toBeCloseTo(Math.tanh(0.5 * ((12 - 10) / 4) - 1 * ((-1 + 2) / 0.5)), 14);
  });

  it('refuses an empty sequence and a wrong feature count with a data error', () => {
    const m = model(2, [rnn]);
    const code = (f: () => unknown) => { try { f(); } catch (e) { return isRnncError(e) ? `${e.code}: ${e.message}` : 'other'; } return 'none'; };
    expect(code(() => runFloat(m, []))).toMatch(/^data\/invalid: input sequence is empty/);
    expect(code(() => runFloat(m, [[1, 2], [1, 2, 3]]))).toBe('data/invalid: input timestep 1: expected 2 features, got 3');
  });
});
