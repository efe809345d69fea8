/**
 * Losses over N output rows of K values, averaged over rows (and, for MSE, values).
 * Each returns the loss and writes its gradient into `grad` (N×K).
 */

/**
 * Softmax cross-entropy from logits, numerically stable through log-sum-exp:
 *   L = (1/N) Σ_n [log Σ_k exp(a_nk − m_n) + m_n − a_n,y_n],  m_n = max_k a_nk
 *   dL/da_nk = (softmax(a_n)_k − [k = y_n]) / N
 */
export function crossEntropy(logits: Float64Array, labels: Int32Array, rows: number, k: number, grad: Float64Array): number {
  let total = 0;
  for (let n = 0; n < rows; n++) {
    const o = n * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (logits[o + j]! > max) max = logits[o + j]!;
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[o + j]! - max);
    const y = labels[n]!;
    total += Math.log(sum) + max - logits[o + y]!;
    for (let j = 0; j < k; j++) grad[o + j] = (Math.exp(logits[o + j]! - max) / sum - (j === y ? 1 : 0)) / rows;
  }
  return total / rows;
}

/** L = (1/(N·K)) Σ (y − t)²,  dL/dy = 2(y − t)/(N·K). */
export function meanSquared(y: Float64Array, t: Float64Array, rows: number, k: number, grad: Float64Array): number {
  const count = rows * k;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const e = y[i]! - t[i]!;
    total += e * e;
    grad[i] = (2 * e) / count;
  }
  return total / count;
}

/** Index of the largest of k values from offset o (first one on ties). */
export function argmax(v: Float64Array, o: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (v[o + j]! > v[o + best]!) best = j;
  return best;
}
