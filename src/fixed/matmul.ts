/**
 * The quantized matrix product with per-row requantization (see QMatmul in
 * src/ir/qmodel.ts). C twin: the matmul loops of the generated code.
 *   acc_r   = bias_r + Σ_k W[r,k]·v[k]          exact: |acc| <= accBound < 2^52
 *   acc32_r = acc_r, or rshrSatS64(acc_r, preShift) for an int64 accumulator
 *   out_r   = requantS32(acc32_r, mult_r, shift_r)
 */
import type { QMatmul } from '../ir/qmodel.js';
import { requantS32, rshrSatS64 } from './ops.js';

/** Rows [r0, r1) of the product with input v, written to out[r − r0 + outOffset]. */
export function matmulRows(
  mm: QMatmul, v: ArrayLike<number>, r0: number, r1: number, out: Int32Array, outOffset = 0,
): void {
  const { cols, weights: w } = mm;
  for (let r = r0; r < r1; r++) {
    let acc = mm.bias[r]!;
    const base = r * cols;
    for (let k = 0; k < cols; k++) acc += w[base + k]! * v[k]!;
    const acc32 = mm.acc === 'int64' ? rshrSatS64(acc, mm.preShift) : acc;
    out[r - r0 + outOffset] = requantS32(acc32, mm.mult[r]!, mm.shift[r]!);
  }
}

export function matmul(mm: QMatmul, v: ArrayLike<number>, out: Int32Array): void {
  matmulRows(mm, v, 0, mm.rows, out);
}
