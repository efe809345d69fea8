/**
 * The quantized matrix product with per-row requantization (see QMatmul in
 * src/ir/qmodel.ts), and the attention's two accumulations over data (dotWide,
 * weightedSum). C twin: the matmul loops of the generated code.
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

/**
 * Σ_i a_i·b_i of two int16 vectors over n values (an attention score before its narrowing),
 * exact: |Σ| ≤ n·2^30 < 2^53 for n < 2^23 (int64 in C).
 */
export function dotWide(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += a[i]! * b[i]!;
  return acc;
}

/**
 * out_i = Σ_j w_j·v_j[i] (the attention's context before its narrowing) of Q0.15 weights
 * w_j ≥ 0 from softmaxQ15 and int16 vectors v_j: Σ_j w_j ≤ 2^15 + T/2 (divQ15 rounds each
 * half up), so |out_i| ≤ (2^15 + T/2)·2^15 < 2^31 for T ≤ 4096: int32, exact.
 */
export function weightedSum(w: ArrayLike<number>, v: readonly ArrayLike<number>[], out: Int32Array): void {
  out.fill(0);
  for (let j = 0; j < v.length; j++) {
    const m = v[j]!, wj = w[j]!;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + wj * m[i]!;
  }
}
