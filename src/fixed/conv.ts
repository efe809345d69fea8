/**
 * A conv1d in fixed point: the dense product of fixed/dense.ts over the window
 *   w_t = [x_{t+a−(k−1)·d}, …, x_{t+a−d}, x_{t+a}]   (int16, the input's format; zeros outside the sequence)
 * so y_t is exactly what a dense layer with the conv's product gives on w_t. Streaming
 * (lookahead a = 0 only) keeps the last (k−1)·d inputs, as the C's state does.
 */
import { RnncError } from '../errors.js';
import type { QConv1dLayer, QDenseLayer } from '../ir/qmodel.js';
import type { FixedContext } from './cells/types.js';
import { denseFixed, denseHook } from './dense.js';
import type { LayerWatch } from './recurrent.js';

/** The conv's product as the dense layer over its window it is. */
export function windowDense(layer: QConv1dLayer): QDenseLayer {
  return { type: 'dense', units: layer.units, activation: layer.activation, inFrac: layer.inFrac, outFrac: layer.outFrac, mm: layer.mm };
}

/** w_t, reading tap j from `at(o)`, the input o = a − (k−1−j)·d steps from t (undefined outside the sequence: zeros). */
function window(layer: QConv1dLayer, n: number, at: (o: number) => ArrayLike<number> | undefined): Int16Array {
  const k = layer.kernelSize;
  const a = layer.lookahead ?? 0;
  const w = new Int16Array(k * n);
  for (let j = 0; j < k; j++) {
    const v = at(a - (k - 1 - j) * layer.dilation);
    if (v) w.set(v, j * n);
  }
  return w;
}

export function runConvFixed(layer: QConv1dLayer, xs: Int16Array[], ctx: FixedContext, watch?: LayerWatch): Int16Array[] {
  const d = windowDense(layer);
  const hook = denseHook(d, watch);
  return xs.map((x, t) => denseFixed(d, window(layer, x.length, (o) => xs[t + o]), ctx, undefined, hook));
}

export function convStreamFixed(layer: QConv1dLayer, ctx: FixedContext, watch?: LayerWatch): { reset(): void; step(x: Int16Array): Int16Array } {
  // The model-level check (wholeSequenceOnly) refuses a centred conv before this.
  if ((layer.lookahead ?? 0) > 0) throw new RnncError('internal/bug', 'a centred conv1d cannot stream');
  const d = windowDense(layer);
  const hook = denseHook(d, watch);
  const keep = (layer.kernelSize - 1) * layer.dilation;
  let past: Int16Array[] = [];
  return {
    reset() { past = []; },
    step(x) {
      const y = denseFixed(d, window(layer, x.length, (o) => (o === 0 ? x : past[past.length + o])), ctx, undefined, hook);
      past.push(Int16Array.from(x));
      if (past.length > keep) past.shift();
      return y;
    },
  };
}
