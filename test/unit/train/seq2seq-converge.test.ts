// A tiny encoder–decoder learns to write its input sequence reversed: T = 5 values in
// [−1, 1] in, the same five last-first out (prediction feedback, MSE). Training uses teacher
// forcing with a little scheduled sampling; the loss measured is free running (every step
// feeds back the model's own output, as runFloat and the device do) on sequences training
// never saw, and must fall well below its start and below the loss of always answering 0.
import { describe, expect, it } from 'vitest';
import { resolveArch } from '../../../src/train/arch.js';
import { clipGlobalNorm, makeOptimizer } from '../../../src/train/optim.js';
import { Seq2SeqNet } from '../../../src/train/seq2seq.js';
import { meanSquared } from '../../../src/train/loss.js';
import { Rng } from '../../../src/util/rng.js';

const T = 5, B = 32;

/** B sequences (T×B×1, time-major) and their reversals as targets (K×B×1). */
function batch(rng: Rng, size: number): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(T * size), y = new Float64Array(T * size);
  for (let b = 0; b < size; b++) for (let t = 0; t < T; t++) x[t * size + b] = rng.uniform(-1, 1);
  for (let b = 0; b < size; b++) for (let k = 0; k < T; k++) y[k * size + b] = x[(T - 1 - k) * size + b]!;
  return { x, y };
}

describe('encoder–decoder convergence', () => {
  it('learns to reverse a sequence (LSTM encoder, LSTM decoder, Bahdanau attention into the input, copy init)', () => {
    const net = new Seq2SeqNet(resolveArch([{ type: 'lstm', units: 8, resetAfter: true, returnSequences: true }], true), 1, {
      cell: 'lstm', units: 8, outputSize: 1, steps: T, feedback: { kind: 'prediction' }, init: 'copy',
      attention: { kind: 'bahdanau', units: 8, into: 'input' },
    });
    net.init(1);
    const test = batch(new Rng(99), 200);
    const freeLoss = () => {
      const out = net.forward(test.x, T, 200);
      return meanSquared(out, test.y, T * 200, 1, new Float64Array(T * 200));
    };
    const zeroLoss = meanSquared(new Float64Array(T * 200), test.y, T * 200, 1, new Float64Array(T * 200));
    const start = freeLoss();
    const rng = new Rng(2), sampling = { ratio: 0.25, rng: new Rng(3) };
    const opt = makeOptimizer('adam', net.theta.length, 0.9);
    const began = performance.now();
    let steps = 0;
    for (; steps < 450; steps++) {
      const { x, y } = batch(rng, B);
      net.grad.fill(0);
      net.loss(x, T, B, { kind: 'value', values: y }, true, sampling);
      clipGlobalNorm(net.grad, 1);
      opt.step(net.theta, net.grad, 0.03);
    }
    const ms = performance.now() - began;
    const end = freeLoss();
    console.log(`reverse T=${T}: free-running test MSE ${start.toFixed(4)} → ${end.toFixed(4)} (answering 0: ${zeroLoss.toFixed(4)}), ${steps} steps of ${B} in ${ms.toFixed(0)} ms`);
    expect(end).toBeLessThan(start / 5);
    expect(end).toBeLessThan(zeroLoss / 5);
  });
});
