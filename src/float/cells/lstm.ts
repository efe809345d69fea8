// Gates i, f, g, o (ir/model.ts LSTM_GATES):
//   [i f g o] = W x + b + U h;  i,f,o = σ(·) (or the layer's hard sigmoid), g = tanh(·)
//   c' = f⊙c + i⊙g;  h' = o⊙tanh(c')
import { gemmRows } from '../gemm.js';
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
  // The same per row, U h for every row in one product (rec: rows × 4u in scratch).
  stepRows(w, rows, xw, xwOff, h, c, pre, scratch) {
    const u = w.units;
    const g = 4 * u;
    const sigmoid = w.gate ?? logistic;
    gemmRows(rows, g, u, h, 0, u, w.recurrentKernel, 0, undefined, scratch, 0, g);
    for (let b = 0; b < rows; b++) {
      const x = xwOff + b * g, r = b * g, s = b * u;
      for (let k = 0; k < g; k++) pre[r + k] = xw[x + k]! + scratch[r + k]!;
      for (let j = 0; j < u; j++) {
        const i = sigmoid(pre[r + j]!);
        const f = sigmoid(pre[r + u + j]!);
        const gg = Math.tanh(pre[r + 2 * u + j]!);
        const o = sigmoid(pre[r + 3 * u + j]!);
        const cc = f * c[s + j]! + i * gg;
        c[s + j] = cc;
        h[s + j] = o * Math.tanh(cc);
      }
    }
  },
};
