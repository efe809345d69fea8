/**
 * A causal conv1d in fixed point: the dense product of fixed/dense.ts over the window
 *   w_t = [x_{t−(k−1)·d}, …, x_{t−d}, x_t]   (int16, the input's format; zeros before t = 0)
 * so y_t is exactly what a dense layer with the conv's product gives on w_t. Streaming
 * keeps the last (k−1)·d inputs, as the C's state does.
 */
import type { QConv1dLayer, QDenseLayer } from '../ir/qmodel.js';
import type { FixedContext } from './cells/types.js';
import { denseFixed } from './dense.js';

/** The conv's product as the dense layer over its window it is. */
export function windowDense(layer: QConv1dLayer): QDenseLayer {
  return { type: 'dense', units: layer.units, activation: layer.activation, inFrac: layer.inFrac, outFrac: layer.outFrac, mm: layer.mm };
}

function window(layer: QConv1dLayer, x: ArrayLike<number>, past: (s: number) => ArrayLike<number> | undefined): Int16Array {
  const k = layer.kernelSize;
  const n = x.length;
  const w = new Int16Array(k * n);
  for (let j = 0; j < k - 1; j++) {
    const v = past((k - 1 - j) * layer.dilation);
    if (v) w.set(v, j * n);
  }
  w.set(x, (k - 1) * n);
  return w;
}

export function runConvFixed(layer: QConv1dLayer, xs: Int16Array[], ctx: FixedContext): Int16Array[] {
  const d = windowDense(layer);
  return xs.map((x, t) => denseFixed(d, window(layer, x, (s) => xs[t - s]), ctx));
}

export function convStreamFixed(layer: QConv1dLayer, ctx: FixedContext): { reset(): void; step(x: Int16Array): Int16Array } {
  const d = windowDense(layer);
  const keep = (layer.kernelSize - 1) * layer.dilation;
  let past: Int16Array[] = [];
  return {
    reset() { past = []; },
    step(x) {
      const y = denseFixed(d, window(layer, x, (s) => past[past.length - s]), ctx);
      past.push(Int16Array.from(x));
      if (past.length > keep) past.shift();
      return y;
    },
  };
}
