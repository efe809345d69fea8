/**
 * Normalisation statistics, computed on the training split only and stored in the
 * model so the compiled C takes raw units:  x' = (x − mean) / std  per feature, over
 * every timestep of every training sequence (std: population standard deviation; a
 * constant feature gets std 1 so it maps to 0 instead of dividing by zero).
 */
export interface Stats {
  mean: number[];
  std: number[];
}

/** Per-column statistics of the rows (width `k`) of the given arrays. */
export function columnStats(arrays: Float64Array[], k: number): Stats {
  const sum = new Float64Array(k), sq = new Float64Array(k);
  let rows = 0;
  for (const a of arrays) {
    for (let o = 0; o < a.length; o += k) {
      for (let j = 0; j < k; j++) sum[j] = sum[j]! + a[o + j]!;
    }
    rows += a.length / k;
  }
  const mean = Array.from(sum, (s) => s / rows);
  for (const a of arrays) {
    for (let o = 0; o < a.length; o += k) {
      for (let j = 0; j < k; j++) sq[j] = sq[j]! + (a[o + j]! - mean[j]!) ** 2;
    }
  }
  const std = Array.from(sq, (s) => { const v = Math.sqrt(s / rows); return v > 1e-12 ? v : 1; });
  return { mean, std };
}

/** Applies (a − mean) / std column-wise, returning a new array. */
export function applyStats(a: Float64Array, s: Stats): Float64Array {
  const k = s.mean.length, out = new Float64Array(a.length);
  for (let o = 0; o < a.length; o += k) {
    for (let j = 0; j < k; j++) out[o + j] = (a[o + j]! - s.mean[j]!) / s.std[j]!;
  }
  return out;
}
