import { describe, expect, it } from 'vitest';
import type { FloatModel } from '../../../src/ir/model.js';
import { runFloat } from '../../../src/float/model.js';

const sig = (x: number) => 1 / (1 + Math.exp(-x));

function oneUnit(layer: FloatModel['layers'][number]): FloatModel {
  return { format: 'rnnc-model', version: 1, name: 'tiny', inputSize: 1, layers: [layer] };
}

describe('float cells, one unit, hand-computed', () => {
  it('rnn: h1 = tanh(w x + b), h2 = tanh(w x + u h1 + b)', () => {
    const m = oneUnit({ type: 'rnn', units: 1, returnSequences: true, weights: { kernel: [[0.5]], recurrentKernel: [[-0.8]], bias: [0.1] } });
    const [h1, h2] = runFloat(m, [[2], [-1]]).map((v) => v[0]!);
    const e1 = Math.tanh(0.5 * 2 + 0.1);
    expect(h1).toBeCloseTo(e1, 14);
    expect(h2).toBeCloseTo(Math.tanh(0.5 * -1 - 0.8 * e1 + 0.1), 14);
  });

  it('lstm: gate order i, f, g, o', () => {
    const m = oneUnit({
      type: 'lstm', units: 1, returnSequences: true,
      weights: { kernel: [[1], [2], [3], [4]], recurrentKernel: [[0.5], [0.25], [-0.5], [1]], bias: [0.1, 0.2, 0.3, 0.4] },
    });
    const [o1, o2] = runFloat(m, [[0.5], [-0.3]]).map((v) => v[0]!);
    let c = sig(0.6) * Math.tanh(1.8);
    const h = sig(2.4) * Math.tanh(c);
    expect(o1).toBeCloseTo(h, 14);
    const i = sig(-0.3 + 0.5 * h + 0.1), f = sig(-0.6 + 0.25 * h + 0.2), g = Math.tanh(-0.9 - 0.5 * h + 0.3), o = sig(-1.2 + h + 0.4);
    c = f * c + i * g;
    expect(o2).toBeCloseTo(o * Math.tanh(c), 14);
  });

  it('gru: both resetAfter variants, gate order r, z, n', () => {
    const w = { kernel: [[1], [2], [3]], recurrentKernel: [[0.5], [-0.5], [2]], bias: [0.1, 0.2, 0.3] };
    const x1 = 0.4, x2 = -0.7;
    // step 1 from h = 0: both variants agree except for the recurrent bias term
    const after = oneUnit({ type: 'gru', units: 1, returnSequences: true, resetAfter: true, weights: { ...w, recurrentBias: [0.05, -0.05, 0.2] } });
    const before = oneUnit({ type: 'gru', units: 1, returnSequences: true, resetAfter: false, weights: w });
    const step = (h: number, x: number, ra: boolean) => {
      const rb = ra ? [0.05, -0.05, 0.2] : [0, 0, 0];
      const r = sig(x + 0.1 + 0.5 * h + rb[0]!);
      const z = sig(2 * x + 0.2 - 0.5 * h + rb[1]!);
      const n = Math.tanh(3 * x + 0.3 + (ra ? r * (2 * h + rb[2]!) : 2 * (r * h)));
      return (1 - z) * n + z * h;
    };
    for (const [m, ra] of [[after, true], [before, false]] as const) {
      const [a, b] = runFloat(m, [[x1], [x2]]).map((v) => v[0]!);
      const e1 = step(0, x1, ra);
      expect(a).toBeCloseTo(e1, 14);
      expect(b).toBeCloseTo(step(e1, x2, ra), 14);
    }
  });
});
