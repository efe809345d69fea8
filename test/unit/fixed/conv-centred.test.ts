// A centred conv1d (lookahead a > 0): in float, y_t = act(b + Σ_j W_j x_{t+a−(k−1−j)·d})
// with zeros outside the sequence, checked against that sum written out; in fixed point
// and in float, its outputs are the causal conv's (same weights) on the sequence followed
// by a zero steps, shifted by a — which is how the C computes it (codegen/passes.ts); and
// a model with one cannot stream, in one line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runFixed, streamFixed } from '../../../src/fixed/model.js';
import { runFloat, streamFloat } from '../../../src/float/model.js';
import type { FloatModel } from '../../../src/ir/model.js';
import { randomModel, randomSequence } from '../../../src/ir/random.js';
import { validateModel } from '../../../src/ir/validate.js';
import { quantizeModel } from '../../../src/quantize/quantize.js';

const ACTS = { linear: (v: number) => v, relu: (v: number) => Math.max(0, v), tanh: Math.tanh, sigmoid: (v: number) => 1 / (1 + Math.exp(-v)) };

function convModel(k: number, d: number, a: number, inputs: number, units: number, act: keyof typeof ACTS, seed: number): FloatModel {
  return randomModel({ name: 'c', inputSize: inputs, layers: [{ type: 'conv1d', units, kernelSize: k, dilation: d, lookahead: a, activation: act }] }, seed);
}

/** The same model read causally (lookahead removed). */
function causal(m: FloatModel): FloatModel {
  const c = structuredClone(m);
  for (const l of c.layers) if (l.type === 'conv1d') delete l.lookahead;
  return c;
}

const shape = fc.record({
  k: fc.integer({ min: 2, max: 5 }), d: fc.integer({ min: 1, max: 3 }), inputs: fc.integer({ min: 1, max: 4 }), units: fc.integer({ min: 1, max: 5 }),
  steps: fc.integer({ min: 1, max: 12 }), seed: fc.integer({ min: 1, max: 1e6 }), act: fc.constantFrom(...(Object.keys(ACTS) as Array<keyof typeof ACTS>)),
  frac: fc.double({ min: 0.01, max: 1, noNaN: true }),
});

describe('centred conv1d', () => {
  it('float: the written-out sum, zeros before t = 0 and after t = T − 1', () => {
    fc.assert(fc.property(shape, ({ k, d, inputs, units, steps, seed, act, frac }) => {
      const a = Math.max(1, Math.round(frac * (k - 1) * d));
      const m = validateModel(convModel(k, d, a, inputs, units, act, seed), 'test');
      const xs = randomSequence(inputs, steps, seed + 1);
      const ys = runFloat(m, xs);
      const l = m.layers[0]!;
      if (l.type !== 'conv1d') throw new Error('conv');
      for (let t = 0; t < steps; t++) {
        for (let o = 0; o < units; o++) {
          let s = l.weights.bias[o]!;
          for (let j = 0; j < k; j++) {
            const x = xs[t + a - (k - 1 - j) * d];
            if (x) for (let i = 0; i < inputs; i++) s += l.weights.kernel[o]![j * inputs + i]! * x[i]!;
          }
          expect(ys[t]![o]).toBeCloseTo(ACTS[act](s), 12);
        }
      }
    }), { numRuns: 60 });
  });

  it('fixed point and float: the causal conv on the sequence and a zeros, shifted by a (bit-exact in fixed point)', () => {
    fc.assert(fc.property(shape, ({ k, d, inputs, units, steps, seed, act, frac }) => {
      const a = Math.max(1, Math.round(frac * (k - 1) * d));
      const m = convModel(k, d, a, inputs, units, act, seed);
      const xs = randomSequence(inputs, steps, seed + 1);
      const padded = [...xs, ...Array.from({ length: a }, () => new Array<number>(inputs).fill(0))];
      const f = runFloat(m, xs), fc0 = runFloat(causal(m), padded).slice(a);
      f.forEach((row, t) => row.forEach((v, o) => expect(v).toBeCloseTo(fc0[t]![o]!, 12)));
      for (const weightBits of [8, 16] as const) {
        const q = quantizeModel(m, { weightBits });
        const qc = quantizeModel(causal(m), { weightBits });
        const ints = xs.map((x) => x.map((v) => Math.round(v * 2 ** q.input.frac)));
        const intsPadded = [...ints, ...Array.from({ length: a }, () => new Array<number>(inputs).fill(0))];
        expect(runFixed(q, ints).map((r) => Array.from(r))).toEqual(runFixed(qc, intsPadded).slice(a).map((r) => Array.from(r)));
      }
    }), { numRuns: 40 });
  });

  it('a model with one runs whole sequences only: streaming is refused in one line', () => {
    const m = convModel(3, 2, 2, 2, 3, 'relu', 5);
    expect(() => streamFloat(m)).toThrow('a model with a centred conv1d (it reads 2 future inputs) cannot be streamed one step at a time; run whole sequences');
    expect(() => streamFixed(quantizeModel(m, { weightBits: 8 }))).toThrow(/^a model with a centred conv1d \(it reads 2 future inputs\) cannot be streamed/);
  });

  it('the lookahead lies in 0 … (k−1)·d', () => {
    const m = convModel(3, 2, 2, 2, 3, 'relu', 5);
    for (const bad of [5, -1, 1.5]) {
      const c = structuredClone(m);
      (c.layers[0] as { lookahead?: number }).lookahead = bad;
      expect(() => validateModel(c, 'm.json')).toThrow(Number.isInteger(bad)
        ? `m.json: layers[0].lookahead: expected an integer from 0 to 4 ((kernelSize − 1) · dilation), got ${bad}`
        : 'm.json: layers[0].lookahead: expected an integer, got 1.5');
    }
  });
});
