/** A dense layer in float: y = act(W x + b) on one vector. */
import { matVec, sigmoid, softmaxInPlace } from './math.js';
import type { PreparedDense } from './prepare.js';

/** Dense layer on one vector, activation included; `onPre` sees W x + b. */
export function denseForward(d: PreparedDense, x: ArrayLike<number>, onPre?: (pre: Float64Array) => void): Float64Array {
  const out = new Float64Array(d.units);
  matVec(d.kernel, x, d.units, d.inputSize, out, d.bias);
  onPre?.(out);
  switch (d.activation) {
    case 'linear': break;
    case 'relu': for (let i = 0; i < out.length; i++) out[i] = Math.max(0, out[i]!); break;
    case 'tanh': for (let i = 0; i < out.length; i++) out[i] = Math.tanh(out[i]!); break;
    case 'sigmoid': for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]!); break;
    case 'softmax': softmaxInPlace(out); break;
  }
  return out;
}
