// lastOutput on a bidirectional layer without returnSequences (ir/model.ts LAST_OUTPUTS):
//   final       merge(fwd_{T−1}, bwd_0)
//   last-index  merge(fwd_{T−1}, bwd_{T−1})
// Both equal one row of the same layer run with returnSequences true (row t merges fwd_t
// with bwd_t), which is how they are checked here, in float, in fixed point and in the trainer.
import { describe, expect, it } from 'vitest';
import { runFixed } from '../../../src/fixed/model.js';
import { runFloat } from '../../../src/float/model.js';
import { modelToJson } from '../../../src/ir/io.js';
import type { FloatModel, Layer } from '../../../src/ir/model.js';
import { randomModel, randomSequence } from '../../../src/ir/random.js';
import { validateModel } from '../../../src/ir/validate.js';
import { quantizeModel } from '../../../src/quantize/quantize.js';
import { type ArchLayer, resolveArch } from '../../../src/train/arch.js';
import { Net } from '../../../src/train/net.js';
import { Rng } from '../../../src/util/rng.js';

const T = 7;

function bidir(type: 'rnn' | 'lstm' | 'gru', merge: 'concat' | 'sum', seed: number): FloatModel {
  return randomModel({ inputSize: 3, layers: [{ type, units: 4, bidirectional: merge, returnSequences: true }] }, seed);
}

function withLayer(m: FloatModel, patch: Partial<Layer>): FloatModel {
  return { ...m, layers: [{ ...m.layers[0]!, ...patch } as Layer] };
}

function concatRows(seq: ArrayLike<number>[], fwdRow: number, bwdRow: number, units: number, sum: boolean): number[] {
  const f = Array.from(seq[fwdRow]!).slice(0, units);
  const b = Array.from(seq[bwdRow]!).slice(sum ? 0 : units, sum ? units : 2 * units);
  return sum ? f : [...f, ...b];
}

describe('lastOutput in the float and fixed references', () => {
  for (const type of ['rnn', 'lstm', 'gru'] as const) {
    it(`${type} concat: final takes bwd at 0, last-index bwd at T−1`, () => {
      const seqModel = bidir(type, 'concat', 3);
      const xs = randomSequence(3, T, 4);
      const rows = runFloat(seqModel, xs);
      const final = runFloat(withLayer(seqModel, { returnSequences: false }), xs)[0]!;
      const last = runFloat(withLayer(seqModel, { returnSequences: false, lastOutput: 'last-index' }), xs)[0]!;
      expect(Array.from(final)).toEqual(concatRows(rows, T - 1, 0, 4, false));
      expect(Array.from(last)).toEqual(concatRows(rows, T - 1, T - 1, 4, false));
      expect(Array.from(last)).not.toEqual(Array.from(final));
    });
  }
  it('sum, fixed point: last-index equals the sequence output at T−1 bit for bit', () => {
    for (const type of ['rnn', 'lstm', 'gru'] as const) {
      const seqModel = bidir(type, 'sum', 5);
      const q = quantizeModel(seqModel, { weightBits: 8 });
      const qLast = quantizeModel(withLayer(seqModel, { returnSequences: false, lastOutput: 'last-index' }), { weightBits: 8 });
      expect(qLast.layers[0]).toMatchObject({ lastOutput: 'last-index' });
      const rng = new Rng(9);
      const xs = Array.from({ length: T }, () => Array.from({ length: 3 }, () => rng.int(-20000, 20000)));
      const rows = runFixed(q, xs);
      expect(Array.from(runFixed(qLast, xs)[0]!)).toEqual(Array.from(rows[T - 1]!));
    }
  });
});

describe('lastOutput in the IR', () => {
  const base = withLayer(bidir('gru', 'concat', 7), { returnSequences: false });
  it('absent stays absent in the canonical file; last-index is written and read back', () => {
    expect(modelToJson(base)).not.toContain('lastOutput');
    const text = modelToJson(withLayer(base, { lastOutput: 'last-index' }));
    expect(text).toContain('"lastOutput": "last-index"');
    expect(validateModel(JSON.parse(text), 'm').layers[0]).toMatchObject({ lastOutput: 'last-index' });
  });
  it('last-index needs a bidirectional layer with one output per sequence', () => {
    const why = /layers\[0\]\.lastOutput: "last-index" needs a bidirectional layer with returnSequences false/;
    expect(() => validateModel(withLayer(base, { lastOutput: 'last-index', returnSequences: true }), 'm')).toThrow(why);
    const uni = randomModel({ inputSize: 3, layers: [{ type: 'lstm', units: 2 }] }, 1);
    expect(() => validateModel(withLayer(uni, { lastOutput: 'last-index' }), 'm')).toThrow(why);
    expect(() => validateModel(withLayer(base, { lastOutput: 'first' as never }), 'm')).toThrow(/lastOutput/);
  });
});

describe('lastOutput in the trainer', () => {
  it('the batched forward equals runFloat on the written model', () => {
    const F = 3, B = 4;
    for (const type of ['lstm', 'gru'] as const) {
      const arch: ArchLayer[] = [
        { type, units: 4, resetAfter: true, bidirectional: 'concat', lastOutput: 'last-index' },
        { type: 'dense', units: 3, activation: 'softmax' },
      ];
      const net = new Net(resolveArch(arch, false), F);
      net.init(21);
      const rng = new Rng(22);
      const x = Float64Array.from({ length: T * B * F }, () => rng.uniform(-2, 2));
      const { out } = net.forward(x, T, B);
      const model = validateModel(JSON.parse(JSON.stringify(net.toModel('t', {}))), 'trained');
      expect(model.layers[0]).toMatchObject({ lastOutput: 'last-index' });
      for (let b = 0; b < B; b++) {
        const seq = Array.from({ length: T }, (_, t) => Array.from(x.subarray((t * B + b) * F, (t * B + b + 1) * F)));
        const ref = runFloat(model, seq)[0]!;
        ref.forEach((v, j) => expect(Math.abs(v - out[b * 3 + j]!)).toBeLessThan(1e-12));
      }
    }
  });
});
