// Range-excursion counting (src/fixed/excursions.ts through the observer of
// src/fixed/observer.ts): one small model per kind of saturation, weights set by hand and
// inputs chosen well clear of each limit, so every count is known in advance; streaming
// counts as the whole-sequence run does; and observing changes no output.
import { describe, expect, it } from 'vitest';
import { ExcursionCounter, type ExcursionTally, excursionSummary } from '../../../src/fixed/excursions.js';
import { quantizeInput, runFixed, streamFixed } from '../../../src/fixed/model.js';
import type { Layer } from '../../../src/ir/model.js';
import type { QuantModel } from '../../../src/ir/qmodel.js';
import { type LayerSpec, randomModel } from '../../../src/ir/random.js';
import { type Ranges, quantizeModel } from '../../../src/quantize/quantize.js';
import { goldenCases } from '../../../src/codegen/testdata.js';

/** A one-input model whose layers' weights `set` overwrites; quantized with these ranges and no margin. */
function model(layers: LayerSpec[], set: (ls: Layer[]) => void, ranges: Ranges, weightBits: 8 | 16 = 16): QuantModel {
  const m = randomModel({ name: 'k', inputSize: 1, layers }, 3);
  set(m.layers);
  return quantizeModel(m, { weightBits, ranges, margin: 1 });
}

/** Runs real-valued inputs (one feature) through the input helper and the reference, counting. */
function count(q: QuantModel, xs: number[]): ExcursionTally[] {
  const c = new ExcursionCounter();
  runFixed(q, xs.map((x) => quantizeInput(q, [x], c)), c);
  return c.tallyList();
}

const pick = (ts: ExcursionTally[], layer: number, kind: string) => {
  const t = ts.find((x) => x.layer === layer && x.kind === kind);
  if (!t) throw new Error(`no tally for layer ${layer} ${kind}`);
  return { steps: t.steps, stepsSaturated: t.stepsSaturated, values: t.values, valuesSaturated: t.valuesSaturated };
};

const rec = (w: Layer, kernel: number[][], recurrent: number[][], bias: number[]) => {
  if (w.type === 'dense' || w.type === 'conv1d') throw new Error('not recurrent');
  w.weights = { kernel, recurrentKernel: recurrent, bias, ...(w.type === 'gru' && w.weights.recurrentBias ? { recurrentBias: recurrent.map(() => 0) } : {}) };
};

describe('excursion counts equal the saturations built into the model', () => {
  it('input: |x| beyond the input format (±16) clips on 3 of 5 steps', () => {
    const q = model([{ type: 'dense', units: 1, activation: 'linear' }], (ls) => {
      ls[0]!.weights = { kernel: [[1]], bias: [0] } as never;
    }, { input: 10, layers: [{ dense: 100 }] });
    expect(q.input.frac).toBe(11);
    const ts = count(q, [1, 20, -30, 3, 17]);
    expect(pick(ts, -1, 'input')).toEqual({ steps: 5, stepsSaturated: 3, values: 5, valuesSaturated: 3 });
    expect(ts.find((t) => t.layer === -1)!.maxAbs).toBeCloseTo(30, 2);
    expect(ts.find((t) => t.layer === -1)!.limit).toBe(16);
    expect(pick(ts, 0, 'output')).toEqual({ steps: 5, stepsSaturated: 0, values: 5, valuesSaturated: 0 });
  });

  it('tanh RNN: pre-activation beyond ±8 on 3 of 5 steps', () => {
    const q = model([{ type: 'rnn', units: 1, returnSequences: true }], (ls) => rec(ls[0]!, [[1]], [[0]], [0]), { input: 40, layers: [{}] });
    const ts = count(q, [2, 12, -20, 5, 9]);
    expect(pick(ts, 0, 'preactivation')).toEqual({ steps: 5, stepsSaturated: 3, values: 5, valuesSaturated: 3 });
    expect(ts.find((t) => t.kind === 'preactivation')!.maxAbs).toBeCloseTo(20, 1);
    expect(ts.find((t) => t.kind === 'preactivation')!.limit).toBe(8);
  });

  for (const resetAfter of [true, false]) {
    it(`GRU (resetAfter ${resetAfter}): the n pre-activation beyond ±8 on 2 of 4 steps, r and z at 0 never`, () => {
      const q = model([{ type: 'gru', units: 1, returnSequences: true, resetAfter }], (ls) => rec(ls[0]!, [[0], [0], [1]], [[0], [0], [0]], [0, 0, 0]), { input: 40, layers: [{}] });
      const ts = count(q, [12, 2, -20, 3]);
      expect(pick(ts, 0, 'preactivation')).toEqual({ steps: 4, stepsSaturated: 2, values: 12, valuesSaturated: 2 });
    });
  }

  it('LSTM: the cell state beyond ±2 (int16 Q1.14) on 3 of 10 steps, no gate beyond ±8', () => {
    // i, f at σ(7) ≈ 0.999 (bias 7), g = tanh(x), o = σ(0): c' ≈ 0.999·c + 0.999·tanh(x).
    // tanh(0.8673) = 0.7: c = 0.70, 1.40, 2.10*, 2.70*, then x < 0: 1.30, 0.60, −0.10, −0.80, −1.50, −2.20*.
    const q = model([{ type: 'lstm', units: 1, returnSequences: true }], (ls) => rec(ls[0]!, [[0], [0], [1], [0]], [[0], [0], [0], [0]], [7, 7, 0, 0]),
      { input: 1, layers: [{ cell: 1.5 }] });
    expect((q.layers[0] as { cell: unknown }).cell).toEqual({ bits: 16, frac: 14 });
    const x = 0.8673;
    const ts = count(q, [x, x, x, x, -x, -x, -x, -x, -x, -x]);
    expect(pick(ts, 0, 'cell')).toEqual({ steps: 10, stepsSaturated: 3, values: 10, valuesSaturated: 3 });
    expect(pick(ts, 0, 'preactivation')).toEqual({ steps: 10, stepsSaturated: 0, values: 40, valuesSaturated: 0 });
    expect(ts.find((t) => t.kind === 'cell')!.maxAbs).toBeCloseTo(2.7, 1);
  });

  it('bidirectional tanh RNN: each direction\'s steps count, 2 × 2 of 2 × 4', () => {
    const q = model([{ type: 'rnn', units: 1, returnSequences: true, bidirectional: 'concat' }], (ls) => {
      rec(ls[0]!, [[1]], [[0]], [0]);
      const l = ls[0] as { backwardWeights?: unknown };
      l.backwardWeights = { kernel: [[1]], recurrentKernel: [[0]], bias: [0] };
    }, { input: 40, layers: [{}] });
    const ts = count(q, [2, 12, -20, 5]);
    expect(pick(ts, 0, 'preactivation')).toEqual({ steps: 8, stepsSaturated: 4, values: 8, valuesSaturated: 4 });
  });

  it('relu RNN: h beyond +4 on 2 of 5 steps; a negative value (relu gives 0 either way) is not counted', () => {
    const q = model([{ type: 'rnn', units: 1, returnSequences: true, activation: 'relu' }], (ls) => rec(ls[0]!, [[1]], [[0]], [0]), { input: 10, layers: [{ hidden: 3 }] });
    const ts = count(q, [1, 5, -9, 6, 2]);
    expect(pick(ts, 0, 'hidden')).toEqual({ steps: 5, stepsSaturated: 2, values: 5, valuesSaturated: 2 });
    expect(ts.find((t) => t.kind === 'hidden')!.limit).toBe(4);
  });

  it('dense linear: outputs beyond ±4 in 2 of 4 steps, 4 of 8 values', () => {
    const q = model([{ type: 'dense', units: 2, activation: 'linear' }], (ls) => {
      ls[0]!.weights = { kernel: [[1], [-1]], bias: [0, 0] } as never;
    }, { input: 10, layers: [{ dense: 3 }] });
    const ts = count(q, [1, 5, -6, 2]);
    expect(pick(ts, 0, 'output')).toEqual({ steps: 4, stepsSaturated: 2, values: 8, valuesSaturated: 4 });
  });

  it('dense sigmoid and conv1d tanh: their table inputs beyond ±8 count as pre-activations', () => {
    const q = model([{ type: 'conv1d', units: 1, kernelSize: 1, activation: 'tanh' }, { type: 'dense', units: 1, activation: 'sigmoid' }], (ls) => {
      ls[0]!.weights = { kernel: [[1]], bias: [0] } as never;
      ls[1]!.weights = { kernel: [[20]], bias: [0] } as never;
    }, { input: 40, layers: [{ dense: 40 }, { dense: 40 }] });
    // conv: x beyond ±8 at 12 and −30; dense: 20·tanh(x) beyond ±8 whenever |tanh(x)| > 0.4: x = 12, −30, 1.
    const ts = count(q, [12, 0.1, -30, 1, 0.2]);
    expect(pick(ts, 0, 'preactivation')).toEqual({ steps: 5, stepsSaturated: 2, values: 5, valuesSaturated: 2 });
    expect(pick(ts, 1, 'preactivation')).toEqual({ steps: 5, stepsSaturated: 3, values: 5, valuesSaturated: 3 });
  });
});

describe('observing', () => {
  it('streaming counts what the whole-sequence run counts', () => {
    const q = model([{ type: 'lstm', units: 1, returnSequences: true }], (ls) => rec(ls[0]!, [[0], [0], [1], [0]], [[0], [0], [0], [0]], [7, 7, 0, 0]),
      { input: 1, layers: [{ cell: 1.5 }] });
    const xs = [0.8673, 0.8673, 0.8673, 0.8673, -0.8673].map((x) => quantizeInput(q, [x]));
    const whole = new ExcursionCounter();
    runFixed(q, xs, whole);
    const streamed = new ExcursionCounter();
    const s = streamFixed(q, streamed);
    for (const x of xs) s.step(x);
    expect(streamed.tallyList()).toEqual(whole.tallyList());
  });

  it('changes no output: random models of every kind on typical and extreme inputs, with and without a counter', () => {
    const specs: LayerSpec[][] = [
      [{ type: 'lstm', units: 5, returnSequences: true, bidirectional: 'sum' }, { type: 'gru', units: 4, resetAfter: false }, { type: 'dense', units: 3, activation: 'softmax' }],
      [{ type: 'conv1d', units: 3, kernelSize: 2, activation: 'relu' }, { type: 'rnn', units: 6, activation: 'relu', returnSequences: true }, { type: 'dense', units: 2, activation: 'linear' }],
      [{ type: 'gru', units: 6, returnSequences: true, bidirectional: 'concat' }, { type: 'rnn', units: 3 }, { type: 'dense', units: 2, activation: 'tanh' }],
    ];
    let saturated = 0;
    specs.forEach((layers, k) => {
      for (const weightScale of [0.7, 20]) {
        const q = quantizeModel(randomModel({ name: 'r', inputSize: 3, layers, weightScale }, 11 + k), { weightBits: 8 });
        for (const c of goldenCases(q, { seed: k, count: 6, steps: 12 })) {
          const counter = new ExcursionCounter();
          const plain = c.mode === 0 ? runFixed(q, c.inputs) : (() => { const s = streamFixed(q); return c.inputs.map((x) => s.step(x)); })();
          const seen = c.mode === 0 ? runFixed(q, c.inputs, counter) : (() => { const s = streamFixed(q, counter); return c.inputs.map((x) => s.step(x)); })();
          expect(seen).toEqual(plain);
          expect(seen).toEqual(c.expected);
          if (counter.tallyList().some((t) => t.valuesSaturated > 0)) saturated++;
        }
      }
    });
    // The extreme cases do saturate, so the comparison covered the observed paths.
    expect(saturated).toBeGreaterThan(10);
  });

  it('summarises per layer with its type and the two fractions', () => {
    const q = model([{ type: 'rnn', units: 1, returnSequences: true }], (ls) => rec(ls[0]!, [[1]], [[0]], [0]), { input: 40, layers: [{}] });
    const c = new ExcursionCounter();
    const xs = [2, 12, -20, 5];
    runFixed(q, xs.map((x) => quantizeInput(q, [x], c)), c);
    const s = excursionSummary(q, c, { data: 'x.csv', sequences: 1, timesteps: 4 });
    expect(s.saturated).toBe(true);
    expect(s.items.map((i) => [i.layer, i.type, i.kind, i.stepFraction])).toEqual([[-1, 'input', 'input', 0], [0, 'rnn', 'preactivation', 0.5]]);
  });
});
