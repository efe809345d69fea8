/** A dense layer in float: y = act(W x + b) on one vector, or on many rows at once. */
import { gemmRows } from './gemm.js';
import { matVec, sigmoid, softmaxInPlace } from './math.js';
import type { PreparedDense } from './prepare.js';

/** Dense layer on one vector, activation included; `onPre` sees W x + b. */
export function denseForward(d: PreparedDense, x: ArrayLike<number>, onPre?: (pre: Float64Array) => void): Float64Array {
  const out = new Float64Array(d.units);
  matVec(d.kernel, x, d.units, d.inputSize, out, d.bias);
  onPre?.(out);
  activate(d.activation, out);
  return out;
}

/** The activation in place on one vector (softmax over all of it). */
function activate(activation: PreparedDense['activation'], out: Float64Array): void {
  switch (activation) {
    case 'linear': break;
    case 'relu': for (let i = 0; i < out.length; i++) out[i] = Math.max(0, out[i]!); break;
    case 'tanh': for (let i = 0; i < out.length; i++) out[i] = Math.tanh(out[i]!); break;
    case 'sigmoid': for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]!); break;
    case 'softmax': softmaxInPlace(out); break;
  }
}

/**
 * denseForward on `n` rows of x (inputSize each) at once: n rows of units. `onPre` sees
 * every row's W x + b, each equal bit for bit to denseForward's (gemm.ts).
 */
export function denseRows(d: PreparedDense, n: number, x: Float64Array, onPre?: (pre: Float64Array) => void): Float64Array {
  const out = new Float64Array(n * d.units);
  gemmRows(n, d.units, d.inputSize, x, 0, d.inputSize, d.kernel, 0, d.bias, out, 0, d.units);
  onPre?.(out);
  if (d.activation === 'softmax') {
    for (let r = 0; r < n; r++) softmaxInPlace(out.subarray(r * d.units, (r + 1) * d.units));
  } else {
    activate(d.activation, out);
  }
  return out;
}
