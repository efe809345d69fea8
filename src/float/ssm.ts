/**
 * The ssm layer in float (ir/model.ts ssmLayer: Mamba's mixer without its output
 * projection). E = units, N = stateSize, k = convSize, R = dtRank; each step:
 *   [x'; z] = W_in x + b_in
 *   c = b_conv + Σ_j w_conv[·][j] ⊙ x'_{t−k+1+j}        (zeros before the sequence)
 *   u = silu(c)
 *   [δ; B; C] = W_x u
 *   Δ = softplus(W_dt δ + b_dt)
 *   h[e][n] ← exp(Δ_e·A[e][n])·h[e][n] + (Δ_e·u_e)·B_n,   A = −exp(aLog)
 *   y_e = (Σ_n C_n·h[e][n] + D_e·u_e) · silu(z_e)
 * Every sum is taken in index order (the fixed-point reference and the trainer mirror
 * the formulas, not the order). A batch runs row by row, so it equals `run` bit for bit.
 */
import type { SsmLayer } from '../ir/model.js';
import { flatten, matVec, sigmoid } from './math.js';
import type { SeqBatch } from './seq-batch.js';

export interface PreparedSsm {
  kind: 'ssm';
  units: number;
  inputSize: number;
  stateSize: number;
  convSize: number;
  dtRank: number;
  returnSequences: boolean;
  /** 2E × I, 2E */
  inKernel: Float64Array;
  inBias: Float64Array;
  /** E × k, oldest tap first */
  convKernel: Float64Array;
  convBias: Float64Array;
  /** (R + 2N) × E */
  xKernel: Float64Array;
  /** E × R, E */
  dtKernel: Float64Array;
  dtBias: Float64Array;
  /** A = −exp(aLog), E × N */
  a: Float64Array;
  d: Float64Array;
}

/**
 * What one step computes, for calibration (quantize/) and tests: every intermediate the
 * fixed point gives a format. Views into the stream's buffers: valid until its next step.
 */
export interface SsmProbe {
  /** W_in x + b_in: x' then z. */
  xz: Float64Array;
  /** The conv's output before silu. */
  c: Float64Array;
  u: Float64Array;
  /** W_x u: δ, B, C. */
  dbc: Float64Array;
  /** W_dt δ + b_dt, before softplus. */
  dtPre: Float64Array;
  delta: Float64Array;
  /** h after the step, E × N. */
  h: Float64Array;
  /** Σ_n C_n·h[e][n] + D_e·u_e, before the gate. */
  y: Float64Array;
  /** The layer's output y ⊙ silu(z). */
  out: Float64Array;
}

export function prepareSsm(layer: SsmLayer, inputSize: number): PreparedSsm {
  const w = layer.weights;
  return {
    kind: 'ssm', units: layer.units, inputSize, stateSize: layer.stateSize, convSize: layer.convSize, dtRank: layer.dtRank,
    returnSequences: layer.returnSequences,
    inKernel: flatten(w.inKernel), inBias: Float64Array.from(w.inBias),
    convKernel: flatten(w.convKernel), convBias: Float64Array.from(w.convBias),
    xKernel: flatten(w.xKernel), dtKernel: flatten(w.dtKernel), dtBias: Float64Array.from(w.dtBias),
    a: Float64Array.from(flatten(w.aLog), (v) => -Math.exp(v)), d: Float64Array.from(w.d),
  };
}

/** silu(v) = v·σ(v). */
export function silu(v: number): number {
  return v * sigmoid(v);
}

/** softplus(v) = ln(1 + e^v), and v itself beyond 20 (torch's threshold; the difference is below 2e-9). */
export function softplus(v: number): number {
  return v > 20 ? v : Math.log1p(Math.exp(v));
}

/** One streaming instance: its state (h and the conv's last k−1 inputs x'), and a step that fills a probe. */
export function ssmStream(p: PreparedSsm): { reset(): void; step(x: ArrayLike<number>): SsmProbe } {
  const { units: e, stateSize: n, convSize: k, dtRank: r } = p;
  const h = new Float64Array(e * n);
  // The last k−1 values of x', oldest first (row j holds x'_{t−k+1+j} before the step).
  const hist = new Float64Array(Math.max(0, k - 1) * e);
  const probe: SsmProbe = {
    xz: new Float64Array(2 * e), c: new Float64Array(e), u: new Float64Array(e), dbc: new Float64Array(r + 2 * n),
    dtPre: new Float64Array(e), delta: new Float64Array(e), h, y: new Float64Array(e), out: new Float64Array(e),
  };
  return {
    reset() {
      h.fill(0);
      hist.fill(0);
    },
    step(x) {
      const { xz, c, u, dbc, dtPre, delta, y, out } = probe;
      matVec(p.inKernel, x, 2 * e, p.inputSize, xz, p.inBias);
      for (let ch = 0; ch < e; ch++) {
        let s = p.convBias[ch]!;
        for (let j = 0; j < k - 1; j++) s += p.convKernel[ch * k + j]! * hist[j * e + ch]!;
        s += p.convKernel[ch * k + k - 1]! * xz[ch]!;
        c[ch] = s;
        u[ch] = silu(s);
      }
      // Shift the history by one input: drop the oldest, append x'_t.
      if (k > 1) {
        hist.copyWithin(0, e);
        hist.set(xz.subarray(0, e), (k - 2) * e);
      }
      matVec(p.xKernel, u, r + 2 * n, e, dbc);
      matVec(p.dtKernel, dbc, e, r, dtPre, p.dtBias);
      for (let ch = 0; ch < e; ch++) {
        const dl = softplus(dtPre[ch]!);
        delta[ch] = dl;
        const du = dl * u[ch]!;
        let s = 0;
        for (let j = 0; j < n; j++) {
          const at = ch * n + j;
          h[at] = Math.exp(dl * p.a[at]!) * h[at]! + du * dbc[r + j]!;
          s += dbc[r + n + j]! * h[at]!;
        }
        y[ch] = s + p.d[ch]! * u[ch]!;
        out[ch] = y[ch]! * silu(xz[e + ch]!);
      }
      return probe;
    },
  };
}

/** Over a whole sequence: one output per step, or the last step's; `onStep` sees each step's probe. */
export function runSsm(p: PreparedSsm, xs: readonly Float64Array[], onStep?: (probe: SsmProbe) => void): Float64Array[] {
  const s = ssmStream(p);
  const outs = xs.map((x) => {
    const probe = s.step(x);
    onStep?.(probe);
    return probe.out.slice();
  });
  return p.returnSequences ? outs : outs.slice(-1);
}

/** runSsm on every row of a batch, one row after another. */
export function runSsmBatch(p: PreparedSsm, x: SeqBatch, onStep?: (probe: SsmProbe) => void): SeqBatch {
  const { steps: T, rows: B, width: w } = x;
  const outSteps = p.returnSequences ? T : 1;
  const data = new Float64Array(outSteps * B * p.units);
  for (let b = 0; b < B; b++) {
    const seq = Array.from({ length: T }, (_, t) => x.data.subarray((t * B + b) * w, (t * B + b + 1) * w));
    runSsm(p, seq, onStep).forEach((y, t) => data.set(y, (t * B + b) * p.units));
  }
  return { steps: outSteps, rows: B, width: p.units, data };
}
