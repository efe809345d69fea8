// Gates i, f, g, o (ir/model.ts LSTM_GATES):
//   [i f g o] = W x + b + U h;  i,f,o = σ(·) (or the layer's hard sigmoid), g = tanh(·)
//   c' = f⊙c + i⊙g;  h' = o⊙tanh(c')
import { matVec, sigmoid as logistic } from '../math.js';
import type { FloatCell } from './types.js';

export const lstmCell: FloatCell = {
  gates: 4,
  step(w, x, state, scratch) {
    const u = w.units;
    const pre = scratch.subarray(0, 4 * u);
    const rec = scratch.subarray(4 * u, 8 * u);
    const sigmoid = w.gate ?? logistic;
    matVec(w.kernel, x, 4 * u, w.inputSize, pre, w.bias);
    matVec(w.recurrentKernel, state.h, 4 * u, u, rec);
    for (let j = 0; j < u; j++) {
      const i = sigmoid(pre[j]! + rec[j]!);
      const f = sigmoid(pre[u + j]! + rec[u + j]!);
      const g = Math.tanh(pre[2 * u + j]! + rec[2 * u + j]!);
      const o = sigmoid(pre[3 * u + j]! + rec[3 * u + j]!);
      const c = f * state.c[j]! + i * g;
      state.c[j] = c;
      state.h[j] = o * Math.tanh(c);
    }
  },
  // p = W x + b + U h, all four gates
  preactivations(w, scratch, out) {
    const n = 4 * w.units;
    for (let r = 0; r < n; r++) out[r] = scratch[r]! + scratch[n + r]!;
  },
};
