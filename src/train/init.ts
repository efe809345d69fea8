/**
 * Weight initialisation (Keras' defaults for recurrent layers):
 * - input kernels and dense kernels: Glorot uniform, U(−l, l) with l = √(6 / (fan_in + fan_out));
 *   a conv1d kernel counts its k taps in both fans (fan_in = k·inputs, fan_out = k·units,
 *   as Keras' Conv1D);
 * - recurrent kernels: orthogonal, one U×U orthogonal block per gate, so repeated
 *   multiplication by U neither explodes nor vanishes at the start;
 * - biases 0, except the LSTM forget gate's bias 1 (remember by default).
 */
import type { Rng } from '../util/rng.js';

/** Fills rows×cols values of w from `offset` with Glorot-uniform numbers. */
export function glorotUniform(w: Float64Array, rows: number, cols: number, rng: Rng, offset = 0): void {
  glorotUniformFans(w, rows * cols, cols, rows, rng, offset);
}

/** Fills `count` values of w from `offset` with U(−l, l), l = √(6 / (fanIn + fanOut)). */
export function glorotUniformFans(w: Float64Array, count: number, fanIn: number, fanOut: number, rng: Rng, offset = 0): void {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let k = 0; k < count; k++) w[offset + k] = rng.uniform(-limit, limit);
}

/**
 * Fills an n×n block at `offset` with a random orthogonal matrix: Gram–Schmidt (twice,
 * for float64 accuracy) on the rows of a standard normal matrix. Rows of the result
 * are orthonormal, which for a square matrix makes it orthogonal.
 */
export function orthogonal(w: Float64Array, n: number, rng: Rng, offset = 0): void {
  const m = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) m[k] = rng.normal();
  for (let i = 0; i < n; i++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let c = 0; c < n; c++) dot += m[i * n + c]! * m[j * n + c]!;
        for (let c = 0; c < n; c++) m[i * n + c] = m[i * n + c]! - dot * m[j * n + c]!;
      }
    }
    let norm = 0;
    for (let c = 0; c < n; c++) norm += m[i * n + c]! ** 2;
    norm = Math.sqrt(norm);
    for (let c = 0; c < n; c++) m[i * n + c] = m[i * n + c]! / norm;
  }
  w.set(m, offset);
}
