// h' = act(W x + b + U h), act = tanh or relu(v) = max(0, v)
import { gemmRows } from '../gemm.js';
import { matVec } from '../math.js';
import type { FloatCell } from './types.js';

export const rnnCell: FloatCell = {
  gates: 1,
  step(w, x, state, scratch) {
    const u = w.units;
    const pre = scratch.subarray(0, u);
    const rec = scratch.subarray(u, 2 * u);
    matVec(w.kernel, x, u, w.inputSize, pre, w.bias);
    matVec(w.recurrentKernel, state.h, u, u, rec);
    const act = w.act ?? Math.tanh;
    for (let j = 0; j < u; j++) state.h[j] = act(pre[j]! + rec[j]!);
  },
  // p = W x + b + U h
  preactivations(w, scratch, out) {
    const u = w.units;
    for (let j = 0; j < u; j++) out[j] = scratch[j]! + scratch[u + j]!;
  },
  // The same per row, U h for every row in one product (rec: rows × u in scratch).
  stepRows(w, rows, xw, xwOff, h, _c, pre, scratch) {
    const u = w.units;
    const act = w.act ?? Math.tanh;
    gemmRows(rows, u, u, h, 0, u, w.recurrentKernel, 0, undefined, scratch, 0, u);
    for (let k = 0; k < rows * u; k++) {
      const p = xw[xwOff + k]! + scratch[k]!;
      pre[k] = p;
      h[k] = act(p);
    }
  },
};
