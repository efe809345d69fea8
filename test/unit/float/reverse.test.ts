// reverse: true on a forward-only layer (ONNX direction "reverse"): the direction reads
// x_{T−1} … x_0, so with xr_k = x_{T−1−k},
//   reverse layer on x, output at t  =  the same layer without reverse on xr, output at T−1−t
// and without returnSequences its output is the one at t = 0 (= the plain layer's last
// output on xr). Checked in float, in fixed point, in the trainer and in the IR rules.
import { describe, expect, it } from 'vitest';
import { runFixed, streamFixed } from '../../../src/fixed/model.js';
import { runFloat, streamFloat } from '../../../src/float/model.js';
import { modelToJson } from '../../../src/ir/io.js';
import type { FloatModel, Layer } from '../../../src/ir/model.js';
import { randomModel, randomSequence } from '../../../src/ir/random.js';
import { validateModel } from '../../../src/ir/validate.js';
import { quantizeModel } from '../../../src/quantize/quantize.js';
import { type ArchLayer, resolveArch } from '../../../src/train/arch.js';
import { Net } from '../../../src/train/net.js';
import { Rng } from '../../../src/util/rng.js';

const T = 6;

function plain(type: 'rnn' | 'lstm' | 'gru', returnSequences: boolean, seed: number): FloatModel {
  return randomModel({ inputSize: 3, layers: [{ type, units: 4, returnSequences }, { type: 'dense', units: 2, activation: 'tanh' }] }, seed);
}

function reversed(m: FloatModel): FloatModel {
  return { ...m, layers: [{ ...m.layers[0]!, reverse: true } as Layer, m.layers[1]!] };
}

const rows = (ys: ArrayLike<number>[]) => ys.map((y) => Array.from(y));

describe('reverse layers in the float and fixed references', () => {
  for (const type of ['rnn', 'lstm', 'gru'] as const) {
    it(`${type}: the plain layer on the reversed sequence, outputs reversed back`, () => {
      const xs = randomSequence(3, T, 5);
      const xr = [...xs].reverse();
      const seq = plain(type, true, 2);
      expect(rows(runFloat(reversed(seq), xs))).toEqual(rows(runFloat(seq, xr)).reverse());
      const last = plain(type, false, 2);
      expect(rows(runFloat(reversed(last), xs))).toEqual(rows(runFloat(last, xr)));
      expect(rows(runFloat(reversed(last), xs))).not.toEqual(rows(runFloat(last, xs)));
    });
    it(`${type}: the same in fixed point, bit for bit; no streaming`, () => {
      const rng = new Rng(7);
      const xs = Array.from({ length: T }, () => Array.from({ length: 3 }, () => rng.int(-20000, 20000)));
      const xr = [...xs].reverse();
      for (const returnSequences of [true, false]) {
        const m = plain(type, returnSequences, 3);
        const q = quantizeModel(m, { weightBits: 8 });
        const qr = quantizeModel(reversed(m), { weightBits: 8 });
        expect(qr.layers[0]).toMatchObject({ reverse: true });
        const want = rows(runFixed(q, xr));
        expect(rows(runFixed(qr, xs))).toEqual(returnSequences ? want.reverse() : want);
        expect(() => streamFixed(qr)).toThrow(/reverse layer cannot be streamed/);
        expect(() => streamFloat(reversed(m))).toThrow(/reverse layer cannot be streamed/);
      }
    });
  }
});

describe('reverse in the IR', () => {
  it('written only when true; refused on a bidirectional layer', () => {
    const m = plain('gru', false, 4);
    expect(modelToJson(m)).not.toContain('reverse');
    expect(modelToJson(reversed(m))).toContain('"reverse": true');
    const bi = randomModel({ inputSize: 3, layers: [{ type: 'lstm', units: 2, bidirectional: 'sum' }] }, 1);
    expect(() => validateModel(reversed({ ...bi, layers: [bi.layers[0]!, { type: 'dense', units: 1, activation: 'linear', weights: { kernel: [[1, 1]], bias: [0] } }] }), 'm'))
      .toThrow(/layers\[0\]\.reverse: a bidirectional layer already reads the sequence both ways/);
  });
});

describe('reverse in the trainer', () => {
  it('the batched forward equals runFloat on the written model, last step and per step', () => {
    const F = 3, B = 4;
    for (const perStep of [false, true]) {
      const arch: ArchLayer[] = [{ type: 'gru', units: 4, resetAfter: true, reverse: true }, { type: 'dense', units: 2, activation: 'linear' }];
      const net = new Net(resolveArch(arch, perStep), F);
      net.init(31);
      const rng = new Rng(32);
      const x = Float64Array.from({ length: T * B * F }, () => rng.uniform(-2, 2));
      const { out, steps } = net.forward(x, T, B);
      const model = validateModel(JSON.parse(JSON.stringify(net.toModel('t', {}))), 'trained');
      expect(model.layers[0]).toMatchObject({ reverse: true });
      for (let b = 0; b < B; b++) {
        const seq = Array.from({ length: T }, (_, t) => Array.from(x.subarray((t * B + b) * F, (t * B + b + 1) * F)));
        const ref = runFloat(model, seq);
        expect(ref.length).toBe(steps);
        ref.forEach((row, t) => row.forEach((v, j) => expect(Math.abs(v - out[(t * B + b) * 2 + j]!)).toBeLessThan(1e-12)));
      }
    }
  });
});
