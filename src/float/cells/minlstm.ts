// minLSTM (Feng et al. 2024), gates f, i, h̃ at rows [0,U), [U,2U), [2U,3U) of W x + b:
//   f = σ(W_f x + b_f),  i = σ(W_i x + b_i),  h̃ = W_h x + b_h
//   f' = f / (f + i),  i' = i / (f + i),  h' = f'⊙h + i'⊙h̃
// No recurrent product: h enters only the blend.
import { matVec, sigmoid } from '../math.js';
import type { FloatCell } from './types.js';

export const minLstmCell: FloatCell = {
  gates: 3,
  step(w, x, state, scratch) {
    const u = w.units;
    const pre = scratch.subarray(0, 3 * u);
    matVec(w.kernel, x, 3 * u, w.inputSize, pre, w.bias);
    for (let j = 0; j < u; j++) {
      const f = sigmoid(pre[j]!), i = sigmoid(pre[u + j]!);
      state.h[j] = (f / (f + i)) * state.h[j]! + (i / (f + i)) * pre[2 * u + j]!;
    }
  },
  // f, i: the sigmoid table's inputs; h̃: W_h x + b_h (no table reads it)
  preactivations(w, scratch, out) {
    out.set(scratch.subarray(0, 3 * w.units));
  },
  // The same per row: no recurrent product, so the rows' W x + b (xw) is all a step reads.
  stepRows(w, rows, xw, xwOff, h, _c, pre, _scratch) {
    const u = w.units;
    const g = 3 * u;
    for (let b = 0; b < rows; b++) {
      const x = xwOff + b * g, q = b * g, s = b * u;
      for (let j = 0; j < u; j++) {
        const pf = xw[x + j]!, pi = xw[x + u + j]!, ph = xw[x + 2 * u + j]!;
        pre[q + j] = pf;
        pre[q + u + j] = pi;
        pre[q + 2 * u + j] = ph;
        const f = sigmoid(pf), i = sigmoid(pi);
        h[s + j] = (f / (f + i)) * h[s + j]! + (i / (f + i)) * ph;
      }
    }
  },
};
