/**
 * A conv1d in float (ir/model.ts): with k taps spaced d apart and lookahead a,
 *   y_t = act(b + Σ_{j=0}^{k−1} W_j x_{t+a−(k−1−j)·d}),  x_s = 0 outside the sequence,
 * i.e. a dense layer over the window w_t = [x_{t+a−(k−1)·d}, …, x_{t+a−d}, x_{t+a}] (oldest
 * first, the kernel's row layout). Streaming (a = 0 only) keeps the last (k−1)·d inputs.
 */
import { RnncError } from '../errors.js';
import { denseForward, denseRows } from './dense.js';
import type { PreparedConv, PreparedDense } from './prepare.js';
import type { SeqBatch } from './seq-batch.js';

/** The conv's product as the dense layer over its window it is. */
export function windowDense(p: PreparedConv): PreparedDense {
  return { kind: 'dense', activation: p.activation, units: p.units, inputSize: p.kernelSize * p.inputSize, kernel: p.kernel, bias: p.bias };
}

/** w_t, reading tap j from `at(o)`, the input o = a − (k−1−j)·d steps from t (undefined outside the sequence: zeros). */
function window(p: PreparedConv, at: (o: number) => ArrayLike<number> | undefined): Float64Array {
  const k = p.kernelSize;
  const w = new Float64Array(k * p.inputSize);
  for (let j = 0; j < k; j++) {
    const v = at(p.lookahead - (k - 1 - j) * p.dilation);
    if (v) w.set(v, j * p.inputSize);
  }
  return w;
}

/** Over a whole sequence: one output per step; `onPre` sees each W w_t + b. */
export function runConv(p: PreparedConv, xs: Float64Array[], onPre?: (pre: Float64Array) => void): Float64Array[] {
  const d = windowDense(p);
  return xs.map((_, t) => denseForward(d, window(p, (o) => xs[t + o]), onPre));
}

/** runConv on every row of a batch: the windows of every step and row, then one dense product over them all. */
export function runConvBatch(p: PreparedConv, x: SeqBatch, onPre?: (pre: Float64Array) => void): SeqBatch {
  const { steps: T, rows: B } = x;
  const n = p.inputSize;
  const span = p.kernelSize * n;
  const win = new Float64Array(T * B * span);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < p.kernelSize; j++) {
      const src = t + p.lookahead - (p.kernelSize - 1 - j) * p.dilation;
      if (src < 0 || src >= T) continue; // outside the sequence: zeros
      for (let b = 0; b < B; b++) win.set(x.data.subarray((src * B + b) * n, (src * B + b + 1) * n), (t * B + b) * span + j * n);
    }
  }
  return { steps: T, rows: B, width: p.units, data: denseRows(windowDense(p), T * B, win, onPre) };
}

/** One streaming instance: the last (k−1)·d inputs, most recent last. */
export function convStream(p: PreparedConv): { reset(): void; step(x: Float64Array): Float64Array } {
  // The model-level check (wholeSequenceOnly) refuses a centred conv before this.
  if (p.lookahead > 0) throw new RnncError('internal/bug', 'a centred conv1d cannot stream');
  const d = windowDense(p);
  const keep = (p.kernelSize - 1) * p.dilation;
  let past: Float64Array[] = [];
  return {
    reset() { past = []; },
    step(x) {
      const y = denseForward(d, window(p, (o) => (o === 0 ? x : past[past.length + o])));
      past.push(Float64Array.from(x));
      if (past.length > keep) past.shift();
      return y;
    },
  };
}
