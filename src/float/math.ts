/** Float64 building blocks of the float reference. */

export function sigmoid(x: number): number {
  // Two branches so exp never overflows.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** out[r] = bias[r] + Σ_c w[r·cols + c]·x[c] for r < rows (w row-major). */
export function matVec(
  w: Float64Array, x: ArrayLike<number>, rows: number, cols: number, out: Float64Array, bias?: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    let s = bias ? bias[r]! : 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) s += w[base + c]! * x[c]!;
    out[r] = s;
  }
}

export function flatten(m: number[][]): Float64Array {
  const rows = m.length;
  const cols = rows > 0 ? m[0]!.length : 0;
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) out.set(m[r]!, r * cols);
  return out;
}

/** In-place numerically stable softmax. */
export function softmaxInPlace(v: Float64Array): void {
  let max = -Infinity;
  for (const x of v) if (x > max) max = x;
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.exp(v[i]! - max);
    sum += v[i]!;
  }
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / sum;
}
