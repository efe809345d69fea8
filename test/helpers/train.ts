/** Shared checks and tasks of the trainer's tests. */
import { expect } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { runFloat } from '../../src/float/model.js';
import { validateModel } from '../../src/ir/validate.js';
import { parseArch, resolveArch } from '../../src/train/arch.js';
import { Net } from '../../src/train/net.js';
import { Rng } from '../../src/util/rng.js';

/**
 * Largest |trainer − runFloat| over every output of a random batch (F = 4, B = 5, T steps):
 * the trainer's forward on perturbed weights (then `tweak`ed) against the float reference on
 * the model.json it writes.
 */
export function maxForwardGap(arch: string, perStep: boolean, T: number, seed: number, tweak?: (net: Net, rng: Rng) => void): number {
  const F = 4, B = 5;
  const net = new Net(resolveArch(parseArch(arch).layers, perStep), F);
  net.init(seed);
  const rng = new Rng(seed);
  for (let i = 0; i < net.theta.length; i++) net.theta[i] = net.theta[i]! + rng.uniform(-0.5, 0.5);
  tweak?.(net, rng);
  const x = Float64Array.from({ length: T * B * F }, () => rng.uniform(-2, 2));
  const { out, steps } = net.forward(x, T, B);
  const model = validateModel(JSON.parse(JSON.stringify(net.toModel('t', {}))), 'trained');
  const k = net.outputSize;
  let gap = 0;
  for (let b = 0; b < B; b++) {
    const seq = Array.from({ length: T }, (_, t) => Array.from(x.subarray((t * B + b) * F, (t * B + b + 1) * F)));
    const ref = runFloat(model, seq);
    expect(ref.length).toBe(steps);
    ref.forEach((row, t) => row.forEach((v, j) => { gap = Math.max(gap, Math.abs(v - out[(t * B + b) * k + j]!)); }));
  }
  return gap;
}

/** Per-step regression task y_t = x_{t−delay} (0 before the start), x in {−1, 1}. */
export function delayTask(count: number, T: number, delay: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const seqs: Float64Array[] = [], values: Float64Array[] = [];
  for (let s = 0; s < count; s++) {
    const x = Float64Array.from({ length: T }, () => (rng.next() < 0.5 ? -1 : 1));
    seqs.push(x);
    values.push(Float64Array.from({ length: T }, (_, t) => (t >= delay ? x[t - delay]! : 0)));
  }
  return {
    source: 'delay', featureNames: ['x'], seqs, lengths: seqs.map(() => T), perStep: true, task: 'regression',
    labels: [], values, targetSize: 1, classes: [], ordered: false,
  };
}
