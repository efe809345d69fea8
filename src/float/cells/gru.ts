// Gates r, z, n (ir/model.ts GRU_GATES):
//   r = σ(W_r x + b_r + U_r h + b'_r),  z = σ(W_z x + b_z + U_z h + b'_z)
//   resetAfter:  n = tanh(W_n x + b_n + r⊙(U_n h + b'_n))
//   else:        n = tanh(W_n x + b_n + U_n (r⊙h))
//   h' = (1 − z)⊙n + z⊙h      (σ: the logistic sigmoid or the layer's hard sigmoid)
import { gemmRows } from '../gemm.js';
import { matVec, sigmoid as logistic } from '../math.js';
import type { FloatCell } from './types.js';

export const gruCell: FloatCell = {
  gates: 3,
  step(w, x, state, scratch) {
    const u = w.units;
    const h = state.h;
    const pre = scratch.subarray(0, 3 * u);
    const rec = scratch.subarray(3 * u, 6 * u);
    const rh = scratch.subarray(6 * u, 7 * u);
    const sigmoid = w.gate ?? logistic;
    matVec(w.kernel, x, 3 * u, w.inputSize, pre, w.bias);
    if (w.resetAfter) {
      matVec(w.recurrentKernel, h, 3 * u, u, rec, w.recurrentBias);
    } else {
      // r and z need U h; n needs U_n (r⊙h), computed once r is known.
      matVec(w.recurrentKernel, h, 2 * u, u, rec);
    }
    const r = scratch.subarray(7 * u, 8 * u);
    for (let j = 0; j < u; j++) r[j] = sigmoid(pre[j]! + rec[j]!);
    if (!w.resetAfter) {
      for (let j = 0; j < u; j++) rh[j] = r[j]! * h[j]!;
      matVec(w.recurrentKernel.subarray(2 * u * u), rh, u, u, rec.subarray(2 * u));
    }
    for (let j = 0; j < u; j++) {
      const z = sigmoid(pre[u + j]! + rec[u + j]!);
      const recN = rec[2 * u + j]!;
      const n = Math.tanh(pre[2 * u + j]! + (w.resetAfter ? r[j]! * recN : recN));
      rh[j] = (1 - z) * n + z * h[j]!;
    }
    h.set(rh);
  },
  // r, z: W x + b + U h (+ b'); n: W_n x + b_n + r⊙(U_n h + b'_n), or + U_n (r⊙h) (in rec)
  preactivations(w, scratch, out) {
    const u = w.units;
    for (let r = 0; r < 2 * u; r++) out[r] = scratch[r]! + scratch[3 * u + r]!;
    for (let j = 0; j < u; j++) {
      const recN = scratch[5 * u + j]!;
      out[2 * u + j] = scratch[2 * u + j]! + (w.resetAfter ? scratch[7 * u + j]! * recN : recN);
    }
  },
  // The same per row, each product for every row at once. Scratch: rec (rows × 3u), then
  // r (rows × u), then r⊙h (rows × u).
  stepRows(w, rows, xw, xwOff, h, _c, pre, scratch) {
    const u = w.units;
    const g = 3 * u;
    const sigmoid = w.gate ?? logistic;
    const rOff = rows * g, rhOff = rOff + rows * u;
    if (w.resetAfter) gemmRows(rows, g, u, h, 0, u, w.recurrentKernel, 0, w.recurrentBias, scratch, 0, g);
    else gemmRows(rows, 2 * u, u, h, 0, u, w.recurrentKernel, 0, undefined, scratch, 0, g);
    for (let b = 0; b < rows; b++) {
      const x = xwOff + b * g, q = b * g, s = b * u;
      for (let j = 0; j < u; j++) {
        const p = xw[x + j]! + scratch[q + j]!;
        pre[q + j] = p;
        const r = sigmoid(p);
        scratch[rOff + s + j] = r;
        scratch[rhOff + s + j] = r * h[s + j]!;
      }
    }
    if (!w.resetAfter) gemmRows(rows, u, u, scratch, rhOff, u, w.recurrentKernel, 2 * u * u, undefined, scratch, 2 * u, g);
    for (let b = 0; b < rows; b++) {
      const x = xwOff + b * g, q = b * g, s = b * u;
      for (let j = 0; j < u; j++) {
        const pz = xw[x + u + j]! + scratch[q + u + j]!;
        const z = sigmoid(pz);
        const recN = scratch[q + 2 * u + j]!;
        const pn = xw[x + 2 * u + j]! + (w.resetAfter ? scratch[rOff + s + j]! * recN : recN);
        pre[q + u + j] = pz;
        pre[q + 2 * u + j] = pn;
        h[s + j] = (1 - z) * Math.tanh(pn) + z * h[s + j]!;
      }
    }
  },
};
