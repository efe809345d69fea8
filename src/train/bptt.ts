/**
 * Backpropagation through time on one batch: forward over all timesteps, the loss on
 * the output rows, and the backward pass that fills the network's gradient vector.
 * Truncated BPTT (loop.ts) calls this once per chunk with the recurrent state carried.
 */
import type { Net } from './net.js';
import { crossEntropy, meanSquared } from './loss.js';
import { sized } from './cells/common.js';

/** Targets for the output rows (t-major, row t·B + b), one kind per task. */
export type Targets =
  | { kind: 'class'; labels: Int32Array }
  | { kind: 'value'; values: Float64Array };

export class Bptt {
  private dout: Float64Array = new Float64Array(0);

  constructor(readonly net: Net) {}

  /**
   * Loss of the batch x (T×B×F) against targets; with `learn`, also dL/dθ added to
   * net.grad (the caller zeroes it first). The output must have as many rows as targets.
   */
  run(x: Float64Array, steps: number, batch: number, targets: Targets, learn: boolean): number {
    const net = this.net;
    const { out, steps: outSteps } = net.forward(x, steps, batch);
    const rows = outSteps * batch, k = net.outputSize;
    this.dout = sized(this.dout, rows * k);
    let loss: number;
    if (targets.kind === 'class') {
      const head = net.softmaxHead;
      if (!head) throw new Error('classification needs a softmax head');
      loss = crossEntropy(head.pre, targets.labels, rows, k, this.dout);
    } else {
      loss = meanSquared(out, targets.values, rows, k, this.dout);
    }
    if (learn) net.backward(this.dout, targets.kind === 'class');
    return loss;
  }
}
