// The trainable encoder–decoder (src/train/seq2seq.ts):
// - analytic gradients (BPTT through the projection, the decoder cell, the attention, the
//   init and the encoder) against finite differences, per parameter group:
//     g_num = (L(θ + h e_i) − L(θ − h e_i)) / 2h,  h = 1e-5,
//   relative error ‖g − g_num‖ / (‖g‖ + ‖g_num‖) < 1e-6 in every group;
// - the written model.json run by the float reference (runFloat) equals the trainer's own
//   free-running forward to 1e-12;
// - teacher forcing feeds y*_{k−1} at step k, and scheduled sampling at ratio 1 is free running.
import { describe, expect, it } from 'vitest';
import { runFloat } from '../../../src/float/model.js';
import { validateModel } from '../../../src/ir/validate.js';
import { type ArchLayer, resolveArch } from '../../../src/train/arch.js';
import type { Targets } from '../../../src/train/bptt.js';
import { type DecoderSpec, type Sampling, Seq2SeqNet } from '../../../src/train/seq2seq.js';
import { argmax } from '../../../src/train/loss.js';
import { Rng } from '../../../src/util/rng.js';

const F = 2, T = 4, B = 2, K = 3;

interface Case {
  name: string;
  encoder: ArchLayer[];
  decoder: DecoderSpec;
}

const lstm = (units: number, seq = true): ArchLayer => ({ type: 'lstm', units, resetAfter: true, returnSequences: seq });
const CASES: Case[] = [
  {
    name: 'Bahdanau into input, LSTM encoder → LSTM decoder, copy, prediction feedback',
    encoder: [lstm(3)],
    decoder: { cell: 'lstm', units: 3, outputSize: 2, steps: K, feedback: { kind: 'prediction', start: [0.3, -0.2] }, init: 'copy', attention: { kind: 'bahdanau', units: 3, into: 'input' } },
  },
  {
    name: 'general into output, bidirectional GRU encoder → GRU decoder, bridge, embedding feedback',
    encoder: [{ type: 'gru', units: 2, resetAfter: true, bidirectional: 'concat', returnSequences: true }],
    decoder: { cell: 'gru', units: 3, resetAfter: true, outputSize: 4, steps: K, feedback: { kind: 'embedding', dims: 3, start: 1 }, init: 'bridge', attention: { kind: 'general', into: 'output' } },
  },
  {
    name: 'dot into both, RNN encoder → RNN decoder, copy, prediction feedback',
    encoder: [{ type: 'rnn', units: 3, resetAfter: true, returnSequences: true }],
    decoder: { cell: 'rnn', units: 3, outputSize: 2, steps: K, feedback: { kind: 'prediction' }, init: 'copy', attention: { kind: 'dot', into: 'both' } },
  },
  {
    name: 'Bahdanau into both, two-layer encoder (GRU, LSTM) → GRU reset-before decoder, copy (h only), embedding feedback',
    encoder: [{ type: 'gru', units: 3, resetAfter: false, returnSequences: true }, lstm(3)],
    decoder: { cell: 'gru', units: 3, resetAfter: false, outputSize: 3, steps: K, feedback: { kind: 'embedding', dims: 2, start: 0 }, init: 'copy', attention: { kind: 'bahdanau', units: 2, into: 'both' } },
  },
  {
    name: 'no attention, LSTM encoder without sequences → LSTM decoder, bridge',
    encoder: [lstm(3, false)],
    decoder: { cell: 'lstm', units: 2, outputSize: 2, steps: K, feedback: { kind: 'prediction' }, init: 'bridge' },
  },
  {
    name: 'dot into output, reverse LSTM encoder (its final state at t = 0) → LSTM decoder, copy',
    encoder: [{ type: 'lstm', units: 3, resetAfter: true, reverse: true, returnSequences: true }],
    decoder: { cell: 'lstm', units: 3, outputSize: 2, steps: K, feedback: { kind: 'prediction' }, init: 'copy', attention: { kind: 'dot', into: 'output' } },
  },
  {
    name: 'general into input, RNN encoder + dense → LSTM decoder, zeros',
    encoder: [{ type: 'rnn', units: 3, resetAfter: true, returnSequences: true }, { type: 'dense', units: 2, activation: 'tanh' }],
    decoder: { cell: 'lstm', units: 3, outputSize: 2, steps: K, feedback: { kind: 'prediction' }, init: 'zeros', attention: { kind: 'general', into: 'input' } },
  },
];

function setup(c: Case, seed = 3) {
  const net = new Seq2SeqNet(resolveArch(c.encoder, true), F, c.decoder);
  net.init(seed);
  const rng = new Rng(seed + 1);
  // Random offsets everywhere, so no gate or bias sits at a symmetric point.
  for (let i = 0; i < net.theta.length; i++) net.theta[i] = net.theta[i]! + rng.uniform(-0.3, 0.3);
  const x = Float64Array.from({ length: T * B * F }, () => rng.uniform(-1.5, 1.5));
  const o = c.decoder.outputSize;
  const targets: Targets = c.decoder.feedback.kind === 'embedding'
    ? { kind: 'class', labels: Int32Array.from({ length: K * B }, () => rng.int(0, o - 1)) }
    : { kind: 'value', values: Float64Array.from({ length: K * B * o }, () => rng.uniform(-1, 1)) };
  return { net, x, targets };
}

/** Relative error of each parameter group; `sampling` is re-seeded for every evaluation so each sees the same draws. */
function groupErrors(net: Seq2SeqNet, loss: (learn: boolean) => number): Array<[string, number]> {
  net.grad.fill(0);
  loss(true);
  const analytic = Float64Array.from(net.grad);
  const h = 1e-5;
  return net.paramGroups().map((g) => {
    let diff = 0, na = 0, nn = 0;
    for (let i = g.from; i < g.to; i++) {
      const keep = net.theta[i]!;
      net.theta[i] = keep + h; const up = loss(false);
      net.theta[i] = keep - h; const down = loss(false);
      net.theta[i] = keep;
      const num = (up - down) / (2 * h);
      diff += (analytic[i]! - num) ** 2; na += analytic[i]! ** 2; nn += num ** 2;
    }
    expect(na, `${g.name}: the analytic gradient vanishes`).toBeGreaterThan(0);
    return [g.name, Math.sqrt(diff) / (Math.sqrt(na) + Math.sqrt(nn))];
  });
}

describe('encoder–decoder gradient check (teacher forcing), every parameter group', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const { net, x, targets } = setup(c);
      const errors = groupErrors(net, (learn) => net.loss(x, T, B, targets, learn));
      expect(errors.length).toBeGreaterThanOrEqual(6);
      for (const [name, e] of errors) expect(e, name).toBeLessThan(1e-6);
    });
  }

  it('embedding feedback with scheduled sampling (ratio 0.5): the argmax path has no gradient, so the check is exact', () => {
    const c = CASES[1]!;
    const { net, x, targets } = setup(c, 8);
    const sampling = (): Sampling => ({ ratio: 0.5, rng: new Rng(42) });
    const errors = groupErrors(net, (learn) => net.loss(x, T, B, targets, learn, sampling()));
    for (const [name, e] of errors) expect(e, name).toBeLessThan(1e-6);
  });
});

describe('the written model', () => {
  for (const c of CASES) {
    it(`runFloat equals the trainer's free-running forward: ${c.name}`, () => {
      const { net, x } = setup(c, 5);
      const model = validateModel(JSON.parse(JSON.stringify(net.toModel('s2s'))), 's2s.json');
      expect(model.decoder).toBeDefined();
      const out = net.forward(x, T, B);
      const o = c.decoder.outputSize;
      let diff = 0;
      for (let b = 0; b < B; b++) {
        const xs = Array.from({ length: T }, (_, t) => Array.from(x.subarray((t * B + b) * F, (t * B + b + 1) * F)));
        const y = runFloat(model, xs);
        expect(y).toHaveLength(K);
        y.forEach((v, k) => v.forEach((value, i) => { diff = Math.max(diff, Math.abs(value - out[(k * B + b) * o + i]!)); }));
      }
      expect(diff).toBeLessThan(1e-12);
    });
  }
});

describe('teacher forcing and scheduled sampling', () => {
  for (const c of [CASES[0]!, CASES[1]!]) {
    it(`feeds y*_{k−1} at step k; ratio 1 is free running: ${c.name}`, () => {
      const { net, x, targets } = setup(c, 6);
      const o = c.decoder.outputSize;
      const free = Float64Array.from(net.forward(x, T, B));
      // The model's own outputs (or their classes) as the truth: teacher forcing then feeds what free running feeds.
      const own: Targets = targets.kind === 'class'
        ? { kind: 'class', labels: Int32Array.from({ length: K * B }, (_, r) => argmax(free, r * o, o)) }
        : { kind: 'value', values: Float64Array.from(free) };
      expect(Array.from(net.forward(x, T, B, own))).toEqual(Array.from(free));
      const forced = Float64Array.from(net.forward(x, T, B, targets));
      expect(Array.from(forced.subarray(0, B * o))).toEqual(Array.from(free.subarray(0, B * o)));
      expect(Array.from(forced)).not.toEqual(Array.from(free));
      expect(Array.from(net.forward(x, T, B, targets, { ratio: 1, rng: new Rng(1) }))).toEqual(Array.from(free));
      expect(Array.from(net.forward(x, T, B, targets, { ratio: 0, rng: new Rng(1) }))).toEqual(Array.from(forced));
    });
  }
});

describe('refusals, one line each', () => {
  const dec = CASES[0]!.decoder;
  it('attention without sequences, copy across widths or from a bidirectional layer, dot across widths', () => {
    expect(() => new Seq2SeqNet(resolveArch([lstm(3, false)], false), F, dec)).toThrow(/needs returnSequences/);
    expect(() => new Seq2SeqNet(resolveArch([lstm(4)], true), F, dec)).toThrow(/4 units to equal the decoder's 3/);
    expect(() => new Seq2SeqNet(resolveArch([{ type: 'gru', units: 3, resetAfter: true, bidirectional: 'sum', returnSequences: true }], true), F, dec))
      .toThrow(/forward recurrent last encoder layer/);
    expect(() => new Seq2SeqNet(resolveArch([lstm(4)], true), F, { ...dec, init: 'zeros', attention: { kind: 'dot', into: 'input' } }))
      .toThrow(/"dot" attention needs the decoder's 3 units to equal the encoder's output width 4/);
  });
});
