/**
 * A causal conv1d in float (ir/model.ts): with k taps spaced d apart,
 *   y_t = act(b + Σ_{j=0}^{k−1} W_j x_{t−(k−1−j)·d}),  x_t = 0 for t < 0,
 * i.e. a dense layer over the window w_t = [x_{t−(k−1)·d}, …, x_{t−d}, x_t] (oldest
 * first, the kernel's row layout). Streaming keeps the last (k−1)·d inputs.
 */
import { denseForward } from './dense.js';
import type { PreparedConv, PreparedDense } from './prepare.js';

/** The conv's product as the dense layer over its window it is. */
export function windowDense(p: PreparedConv): PreparedDense {
  return { kind: 'dense', activation: p.activation, units: p.units, inputSize: p.kernelSize * p.inputSize, kernel: p.kernel, bias: p.bias };
}

/** w_t from the input at step t and `past(s)`, the input s steps back (undefined before the start: zeros). */
function window(p: PreparedConv, x: ArrayLike<number>, past: (s: number) => ArrayLike<number> | undefined): Float64Array {
  const k = p.kernelSize;
  const w = new Float64Array(k * p.inputSize);
  for (let j = 0; j < k - 1; j++) {
    const v = past((k - 1 - j) * p.dilation);
    if (v) w.set(v, j * p.inputSize);
  }
  w.set(x, (k - 1) * p.inputSize);
  return w;
}

/** Over a whole sequence: one output per step; `onPre` sees each W w_t + b. */
export function runConv(p: PreparedConv, xs: Float64Array[], onPre?: (pre: Float64Array) => void): Float64Array[] {
  const d = windowDense(p);
  return xs.map((x, t) => denseForward(d, window(p, x, (s) => xs[t - s]), onPre));
}

/** One streaming instance: the last (k−1)·d inputs, most recent last. */
export function convStream(p: PreparedConv): { reset(): void; step(x: Float64Array): Float64Array } {
  const d = windowDense(p);
  const keep = (p.kernelSize - 1) * p.dilation;
  let past: Float64Array[] = [];
  return {
    reset() { past = []; },
    step(x) {
      const y = denseForward(d, window(p, x, (s) => past[past.length - s]));
      past.push(Float64Array.from(x));
      if (past.length > keep) past.shift();
      return y;
    },
  };
}
