/**
 * Post-training tuning of one weight row: which integers q, scale s and integer bias the
 * row stores, chosen to minimise its output error on the calibration data instead of by
 * max-abs scaling and rounding to nearest. The stored format is unchanged (symmetric
 * per-row weights, bias at the accumulator scale s·2^−inFrac), so the fixed-point
 * contract and the C are too. With e = q·s − w (real weight error) and β = b̂ − b (real
 * bias error), the row's mean squared output error over the calibration vectors is
 *   J = eᵀ G e + 2 β μ·e + β²                 (tune-stats.ts: μ = E[x], G = E[x xᵀ])
 * The techniques, each alone or together:
 *   scale  per-row scale search: s = α·max|w|/qmax for α = 1, 0.98, …, 0.5 (smaller α
 *          clips the largest weights to ±qmax for a finer step on the rest), the α of
 *          least J with nearest rounding;
 *   round  adaptive rounding (AdaRound's choice, solved greedily): each q_k may be
 *          ⌊w_k/s⌋ or ⌈w_k/s⌉; coordinate descent flips one at a time while J drops,
 *          ΔJ = 2d (H e)_k + d² H_kk + d L_k for a flip of d = ±s, at most MAX_PASSES
 *          sweeps (H = G and L = 2βμ; with bias correction H = G − μμᵀ, L = 0: the
 *          objective left after correcting the bias);
 *   bias   bias correction: J is β² + 2βμ·e + … , least at β = −μ·e, so the stored bias
 *          becomes round((b − μ·e)/accUnit): E[(ŵ − w)·x] folded into the bias.
 * Every choice is kept only if its J (computed exactly, with the integer bias) is no
 * larger than the baseline row's: no technique can make a row worse on the data it saw.
 */
import type { InputMoments } from './tune-stats.js';

export const TECHNIQUES = ['scale', 'bias', 'round'] as const;
export type Technique = (typeof TECHNIQUES)[number];

/** Scale candidates α = 1 − 0.02k, k = 0 … SCALE_STEPS. */
const SCALE_STEPS = 25;
/** Coordinate-descent sweeps of adaptive rounding (each costs ≤ cols² per row). */
const MAX_PASSES = 8;

/**
 * Calibration vectors a product needs per input column before it is tuned: with fewer,
 * G is (nearly) singular and the tuning fits the few directions it saw at the expense of
 * the others. Measured (bench/tune.ts) on the 6-step ONNX fixtures: tuned on their 6
 * steps, int8 round+bias errs 0.35× the baseline on those steps but 0.92× (max 3.6×)
 * on fresh inputs; with 2 per column, 1.36× on fresh inputs. 16 per column leaves such
 * data untuned.
 */
export const MIN_VECTORS_PER_COL = 16;

/** Whether the moments were taken over enough vectors to tune against. */
export function enoughData(m: InputMoments): boolean {
  return m.n >= MIN_VECTORS_PER_COL * m.cols;
}

/** Round half away from zero: the weight quantization rule (symmetric around 0). */
export function roundSym(x: number): number {
  return Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
}

export interface RowSpec {
  /** Float weights of the row. */
  w: ArrayLike<number>;
  /** Float bias (0 for none). */
  b: number;
  /** Largest |q|: 127 or 32767. */
  qmax: number;
  /** Smallest scale whose bias still fits the accumulator (matmul.ts). */
  sMin: number;
  /** Largest |integer bias| allowed. */
  biasLimit: number;
  /** 2^−inFrac: the accumulator unit is s·accUnit. */
  accUnit: number;
}

/** A row as stored: integer weights, real scale, integer bias. */
export interface RowChoice {
  q: number[];
  s: number;
  bias: number;
}

/** The baseline: s = max(max|w|/qmax, sMin), round to nearest. */
export function baselineRow(r: RowSpec): RowChoice {
  let absMax = 0;
  for (let k = 0; k < r.w.length; k++) absMax = Math.max(absMax, Math.abs(r.w[k]!));
  const s = Math.max(absMax / r.qmax, r.sMin) || 1;
  return nearestRow(r, s);
}

function nearestRow(r: RowSpec, s: number): RowChoice {
  const q = Array.from(r.w, (w) => Math.max(-r.qmax, Math.min(r.qmax, roundSym(w / s))));
  return { q, s, bias: roundSym(r.b / (s * r.accUnit)) };
}

/** J of a row: the mean squared output error over the calibration vectors (formula above). */
export function rowError(m: InputMoments, r: RowSpec, c: RowChoice): number {
  const n = m.cols;
  const e = new Float64Array(n);
  for (let k = 0; k < n; k++) e[k] = c.q[k]! * c.s - r.w[k]!;
  const beta = c.bias * c.s * r.accUnit - r.b;
  let quad = 0;
  let lin = 0;
  for (let i = 0; i < n; i++) {
    if (e[i] === 0) continue;
    let gi = 0;
    for (let j = 0; j < n; j++) gi += m.gram[i * n + j]! * e[j]!;
    quad += e[i]! * gi;
    lin += m.mean[i]! * e[i]!;
  }
  return quad + 2 * beta * lin + beta * beta;
}

function scaleSearch(m: InputMoments, r: RowSpec, base: RowChoice): RowChoice {
  let best = base;
  let bestJ = rowError(m, r, base);
  for (let k = 1; k <= SCALE_STEPS; k++) {
    const s = base.s * (1 - 0.02 * k);
    if (s < r.sMin) break;
    const c = nearestRow(r, s);
    const j = rowError(m, r, c);
    if (j < bestJ) { best = c; bestJ = j; }
  }
  return best;
}

/** Greedy adaptive rounding between ⌊w/s⌋ and ⌈w/s⌉ (formula above). */
function adaptiveRound(m: InputMoments, r: RowSpec, start: RowChoice, correctBias: boolean): RowChoice {
  const n = m.cols;
  const s = start.s;
  const q = start.q.slice();
  const e = new Float64Array(n);
  for (let k = 0; k < n; k++) e[k] = q[k]! * s - r.w[k]!;
  // H = G, or G − μμᵀ once the bias absorbs the mean error.
  const H = correctBias ? m.cov : m.gram;
  const beta = start.bias * s * r.accUnit - r.b;
  const He = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += H[i * n + j]! * e[j]!;
    He[i] = acc;
  }
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let flipped = false;
    for (let k = 0; k < n; k++) {
      const lo = Math.floor(r.w[k]! / s);
      const alt = q[k] === lo ? lo + 1 : q[k] === lo + 1 ? lo : undefined;
      if (alt === undefined || Math.abs(alt) > r.qmax) continue;
      const d = (alt - q[k]!) * s;
      const lin = correctBias ? 0 : 2 * beta * m.mean[k]!;
      const delta = 2 * d * He[k]! + d * d * H[k * n + k]! + d * lin;
      if (!(delta < 0)) continue;
      q[k] = alt;
      e[k]! += d;
      for (let i = 0; i < n; i++) He[i]! += d * H[i * n + k]!;
      flipped = true;
    }
    if (!flipped) break;
  }
  return { q, s, bias: start.bias };
}

/** The integer bias absorbing the row's mean output error, if it fits. */
function correctedBias(m: InputMoments, r: RowSpec, c: RowChoice): RowChoice {
  let meanErr = 0;
  for (let k = 0; k < m.cols; k++) meanErr += (c.q[k]! * c.s - r.w[k]!) * m.mean[k]!;
  const bias = roundSym((r.b - meanErr) / (c.s * r.accUnit));
  return Math.abs(bias) <= r.biasLimit ? { ...c, bias } : c;
}

/** The tuned row (or the baseline, when nothing chosen does better on the data). */
export function tuneRow(m: InputMoments, r: RowSpec, techniques: ReadonlySet<Technique>): RowChoice {
  const base = baselineRow(r);
  if (m.n === 0 || techniques.size === 0) return base;
  let c = techniques.has('scale') ? scaleSearch(m, r, base) : base;
  if (techniques.has('round')) c = adaptiveRound(m, r, c, techniques.has('bias'));
  if (techniques.has('bias')) c = correctedBias(m, r, c);
  return rowError(m, r, c) <= rowError(m, r, base) ? c : base;
}
