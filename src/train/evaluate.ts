/**
 * Loss and task metric of a network on a set of sequences, forward only, in large
 * batches: accuracy (classification) or RMSE in the original target units (regression;
 * `targetStd` undoes the training-time target scaling).
 */
import { Gather, type TrainData, planBatches } from './batches.js';
import { Bptt } from './bptt.js';
import { argmax } from './loss.js';
import type { Net } from './net.js';

export interface Evaluation {
  loss: number;
  /** accuracy in [0, 1] or RMSE */
  metric: number;
}

const EVAL_BATCH = 256;

export function evaluate(net: Net, data: TrainData, indices: number[], targetStd: number[] | undefined): Evaluation {
  const bptt = new Bptt(net);
  const gather = new Gather(data);
  const K = net.outputSize;
  let loss = 0, rows = 0, hits = 0, sq = 0;
  net.setCarry(false);
  for (const batch of planBatches(indices, data.lengths, EVAL_BATCH, undefined)) {
    const T = data.lengths[batch[0]!]!;
    gather.fill(batch, 0, T);
    const targets = data.kind === 'class' ? { kind: 'class' as const, labels: gather.labels } : { kind: 'value' as const, values: gather.values };
    const l = bptt.run(gather.x, T, batch.length, targets, false);
    const out = net.layers[net.layers.length - 1]!.out;
    const n = data.perStep ? T * batch.length : batch.length;
    loss += l * n;
    rows += n;
    for (let r = 0; r < n; r++) {
      if (data.kind === 'class') {
        if (argmax(out, r * K, K) === gather.labels[r]) hits++;
      } else {
        for (let k = 0; k < K; k++) sq += ((out[r * K + k]! - gather.values[r * K + k]!) * (targetStd?.[k] ?? 1)) ** 2;
      }
    }
  }
  return { loss: loss / rows, metric: data.kind === 'class' ? hits / rows : Math.sqrt(sq / (rows * K)) };
}
