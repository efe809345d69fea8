/** Float64 building blocks of the float reference. */
import type { GateActivation } from '../ir/model.js';

export function sigmoid(x: number): number {
  // Two branches so exp never overflows.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Keras 2 / TF.js / ONNX HardSigmoid(0.2, 0.5): clip(0.2·x + 0.5, 0, 1). */
export function hardSigmoid(x: number): number {
  return Math.min(1, Math.max(0, 0.2 * x + 0.5));
}

/** Keras 3 hard_sigmoid: relu6(x + 3)/6 = clip(x/6 + 0.5, 0, 1). */
export function hardSigmoidV3(x: number): number {
  return Math.min(1, Math.max(0, x / 6 + 0.5));
}

export function relu(x: number): number {
  return x > 0 ? x : 0;
}

/** The function of a gate activation (ir/model.ts GATE_ACTIVATIONS). */
export const GATE_FUNCTIONS: Record<GateActivation, (x: number) => number> = {
  sigmoid, hard_sigmoid: hardSigmoid, hard_sigmoid_v3: hardSigmoidV3,
};

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
