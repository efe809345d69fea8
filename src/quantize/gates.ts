/**
 * Gate pre-activations of one float recurrent step, as the fixed-point LUTs will see
 * them (their format is fixed at Q3.12, so calibration only reports how often they
 * leave ±8). Recomputed from the weights, x and h before the step, so the float cells
 * stay untouched:
 *   rnn, lstm:  p = W x + b + U h
 *   gru r, z:   p = W x + b + U h (+ b')
 *   gru n:      resetAfter: W_n x + b_n + r⊙(U_n h + b'_n);  else W_n x + b_n + U_n (r⊙h)
 */
import type { FloatCellWeights } from '../float/cells/types.js';
import { matVec, sigmoid } from '../float/math.js';

export function gatePreactivations(type: 'rnn' | 'lstm' | 'gru', w: FloatCellWeights, x: ArrayLike<number>, h: ArrayLike<number>): Float64Array {
  const u = w.units;
  const rows = w.bias.length;
  const pre = new Float64Array(rows);
  const rec = new Float64Array(rows);
  matVec(w.kernel, x, rows, w.inputSize, pre, w.bias);
  matVec(w.recurrentKernel, h, rows, u, rec, type === 'gru' && w.resetAfter ? w.recurrentBias : undefined);
  if (type !== 'gru') {
    for (let r = 0; r < rows; r++) pre[r]! += rec[r]!;
    return pre;
  }
  const reset = new Float64Array(u);
  const gate = w.gate ?? sigmoid;
  for (let j = 0; j < u; j++) reset[j] = gate(pre[j]! + rec[j]!);
  for (let r = 0; r < 2 * u; r++) pre[r]! += rec[r]!;
  if (w.resetAfter) {
    for (let j = 0; j < u; j++) pre[2 * u + j]! += reset[j]! * rec[2 * u + j]!;
  } else {
    const rh = Float64Array.from(reset, (r, j) => r * h[j]!);
    const recN = new Float64Array(u);
    matVec(w.recurrentKernel.subarray(2 * u * u), rh, u, u, recN);
    for (let j = 0; j < u; j++) pre[2 * u + j]! += recN[j]!;
  }
  return pre;
}
