// The ssm layer (ir/model.ts ssmLayer: Mamba's selective state-space mixer without its output
// projection) for training. E = units, N = stateSize, k = convSize, R = dtRank; row r = t·B + b
// of a T×B batch is sample b at step t. Forward, every product over all n = T·B rows at once:
//   XZ = X·W_inᵀ + b_in                      n × 2E: x' then z
//   c_t = b_conv + Σ_j w_conv[·][j] ⊙ x'_{t−k+1+j}   x'_s = 0 for s < 0 (the previous call's when carrying)
//   U = silu(C)
//   DBC = U·W_xᵀ                              n × (R + 2N): δ, B, C
//   P = δ·W_dtᵀ + b_dt,  Δ = softplus(P)
// then the selective scan, per sequence in time order:
//   h_t[e][n] = a_t[e][n]·h_{t−1}[e][n] + Δ_t[e]·u_t[e]·B_t[n],   a = exp(Δ·A),  A = −exp(aLog)
//   y_t[e] = Σ_n C_t[n]·h_t[e][n] + D_e·u_t[e],   out_t = y_t ⊙ silu(z_t)
// Backward (full BPTT); g_t[e][n] is dL/dh_t, from y_t and through h_{t+1}:
//   dy = dout ⊙ silu(z),   dz = dout ⊙ y ⊙ silu'(z),   silu'(v) = σ(v)·(1 + v·(1 − σ(v)))
//   g_t = dy_t[e]·C_t[n] + a_{t+1}·g_{t+1}
//   dC_t[n] = Σ_e dy_t[e]·h_t[e][n]            dB_t[n] = Σ_e g_t[e][n]·Δ_t[e]·u_t[e]
//   du_t[e] = dy_t[e]·D_e + Σ_n g_t[e][n]·Δ_t[e]·B_t[n]      dD_e = Σ dy_t[e]·u_t[e]
//   dΔ_t[e] = Σ_n g_t[e][n]·(a·A·h_{t−1} + u_t[e]·B_t[n])
//   daLog[e][n] = Σ g_t·a·Δ·h_{t−1}·A          (∂a/∂A = a·Δ, ∂A/∂aLog = A)
//   dP = dΔ ⊙ softplus'(P),  softplus' = σ
// and the products back as dense.ts does: dW_dt += dPᵀ·δ, dδ = dP·W_dt, dW_x += dDBCᵀ·U,
// dU += dDBC·W_x, dC = dU ⊙ silu'(C), each conv tap back onto the x' it read (as conv.ts),
// dW_in += dXZᵀ·X, dX = dXZ·W_in. What a carrying call starts from (h and the last k−1 x')
// gets no gradient: that is the truncation.
import type { Layer } from '../ir/model.js';
import { silu, softplus } from '../float/ssm.js';
import type { Rng } from '../util/rng.js';
import { sigmoid, sized } from './cells/common.js';
import { gemmNN, gemmNT, gemmTN, sumRows } from './gemm.js';
import { type TrainLayer, toRows } from './layer.js';
import type { ParamStore, ParamView } from './params.js';

export interface SsmSpec {
  type: 'ssm';
  units: number;
  stateSize: number;
  convSize: number;
  /** Rank of Δ's projection; absent: Mamba's ⌈inputs / 16⌉ (ssmDtRank). */
  dtRank?: number | undefined;
  returnSequences: boolean;
}

/** R when the description leaves it out: Mamba's dt_rank = ⌈d_model / 16⌉ of the layer's input width, at least 1. */
export function ssmDtRank(spec: Pick<SsmSpec, 'dtRank'>, inputSize: number): number {
  return spec.dtRank ?? Math.max(1, Math.ceil(inputSize / 16));
}

/** Parameters in the schema's order: inKernel, inBias, convKernel, convBias, xKernel, dtKernel, dtBias, aLog, d. */
export function ssmParamCount(spec: SsmSpec, inputSize: number): number {
  const { units: e, stateSize: n, convSize: k } = spec, r = ssmDtRank(spec, inputSize);
  return 2 * e * (inputSize + 1) + e * (k + 1) + (r + 2 * n) * e + e * (r + 1) + e * n + e;
}

/** silu'(v) = σ(v)·(1 + v·(1 − σ(v))). */
function siluGrad(v: number): number {
  const s = sigmoid(v);
  return s * (1 + v * (1 - s));
}

/** softplus'(v) = σ(v), and 1 where the float reference's softplus is v itself (v > 20). */
function softplusGrad(v: number): number {
  return v > 20 ? 1 : sigmoid(v);
}

export class SsmLayer implements TrainLayer {
  readonly outputSize: number;
  readonly dtRank: number;
  out: Float64Array = new Float64Array(0);
  /** Start from the previous call's final h and last k−1 x' instead of zeros (truncated BPTT). */
  carry = false;
  // The weights, named as in the IR (tests set some of them directly).
  readonly inKernel: ParamView;
  readonly inBias: ParamView;
  readonly convKernel: ParamView;
  readonly convBias: ParamView;
  readonly xKernel: ParamView;
  readonly dtKernel: ParamView;
  readonly dtBias: ParamView;
  readonly aLog: ParamView;
  readonly d: ParamView;
  /** A = −exp(aLog), E × N, refreshed by every forward call. */
  private readonly a: Float64Array;
  // The last forward call's intermediates (row-major, one row per t·B + b).
  private x: Float64Array = new Float64Array(0);
  private xz: Float64Array = new Float64Array(0);
  private c: Float64Array = new Float64Array(0);
  private u: Float64Array = new Float64Array(0);
  private dbc: Float64Array = new Float64Array(0);
  private p: Float64Array = new Float64Array(0);
  private delta: Float64Array = new Float64Array(0);
  /** h after every step: row r holds E × N values. */
  private hs: Float64Array = new Float64Array(0);
  private y: Float64Array = new Float64Array(0);
  /** h before the first step (B × E × N): zeros, or the previous call's last h when carrying. */
  private h0: Float64Array = new Float64Array(0);
  /**
   * x' of the k−1 steps before this call ((k−1) × B × E, oldest first): zeros, or the previous
   * call's last k−1 when carrying; `past` is the same for the next call, and `stateBatch` the
   * batch size it and the last h belong to (0: none yet).
   */
  private pastIn: Float64Array = new Float64Array(0);
  private past: Float64Array = new Float64Array(0);
  private stateBatch = 0;
  // Backward buffers.
  private dxz: Float64Array = new Float64Array(0);
  private du: Float64Array = new Float64Array(0);
  private ddbc: Float64Array = new Float64Array(0);
  private dp: Float64Array = new Float64Array(0);
  private g: Float64Array = new Float64Array(0);
  private dx: Float64Array = new Float64Array(0);
  private steps = 0;
  private batch = 0;

  constructor(readonly spec: SsmSpec, readonly inputSize: number, store: ParamStore) {
    const { units: e, stateSize: n, convSize: k } = spec, r = ssmDtRank(spec, inputSize);
    this.outputSize = e;
    this.dtRank = r;
    this.inKernel = store.take(2 * e * inputSize);
    this.inBias = store.take(2 * e);
    this.convKernel = store.take(e * k);
    this.convBias = store.take(e);
    this.xKernel = store.take((r + 2 * n) * e);
    this.dtKernel = store.take(e * r);
    this.dtBias = store.take(e);
    this.aLog = store.take(e * n);
    this.d = store.take(e);
    this.a = new Float64Array(e * n);
  }

  /**
   * As Mamba initialises its mixer: the four products' weights as torch's default for a Linear
   * or Conv1d, U(±1/√fan_in) (fan_in: the inputs, the k taps of a depthwise conv, E, R), in_proj
   * and x_proj without bias (zeros here), the conv's bias U(±1/√k); Δ's bias softplus⁻¹(dt) with
   * dt log-uniform on [0.001, 0.1] (floored at 1e-4, as Mamba's dt_init_floor); A_n = −(n + 1),
   * i.e. aLog = ln(n + 1), the same for every channel; D = 1.
   */
  init(rng: Rng): void {
    const { units: e, stateSize: n, convSize: k } = this.spec, r = this.dtRank;
    const fill = (w: Float64Array, fanIn: number) => {
      const l = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-l, l);
    };
    fill(this.inKernel.w, this.inputSize);
    this.inBias.w.fill(0);
    fill(this.convKernel.w, k);
    fill(this.convBias.w, k);
    fill(this.xKernel.w, e);
    fill(this.dtKernel.w, r);
    for (let ch = 0; ch < e; ch++) {
      const dt = Math.max(1e-4, Math.exp(rng.uniform(Math.log(0.001), Math.log(0.1))));
      this.dtBias.w[ch] = dt + Math.log(-Math.expm1(-dt)); // softplus⁻¹(dt) = ln(e^dt − 1)
    }
    for (let ch = 0; ch < e; ch++) for (let j = 0; j < n; j++) this.aLog.w[ch * n + j] = Math.log(j + 1);
    this.d.w.fill(1);
  }

  forward(x: Float64Array, steps: number, batch: number): number {
    const { units: e, stateSize: nS, convSize: k, returnSequences } = this.spec, r = this.dtRank, I = this.inputSize;
    const n = steps * batch, w = r + 2 * nS, P = k - 1, en = e * nS;
    this.startState(batch, this.carry && this.stateBatch === batch);
    this.x = x; this.steps = steps; this.batch = batch;
    this.xz = sized(this.xz, n * 2 * e);
    this.c = sized(this.c, n * e);
    this.u = sized(this.u, n * e);
    this.dbc = sized(this.dbc, n * w);
    this.p = sized(this.p, n * e);
    this.delta = sized(this.delta, n * e);
    this.hs = sized(this.hs, n * en);
    this.y = sized(this.y, n * e);
    const { xz, c, u, dbc, p, delta, hs, y, h0, pastIn, a } = this;
    for (let j = 0; j < en; j++) a[j] = -Math.exp(this.aLog.w[j]!);

    gemmNT(n, 2 * e, I, x, 0, I, this.inKernel.w, 0, I, xz, 0, 2 * e, false);
    addBias(xz, n, 2 * e, this.inBias.w);
    const cw = this.convKernel.w, cb = this.convBias.w;
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batch; b++) {
        const row = t * batch + b;
        for (let ch = 0; ch < e; ch++) {
          let s = cb[ch]!;
          for (let j = 0; j < k; j++) {
            const src = t - P + j;
            const v = src >= 0 ? xz[(src * batch + b) * 2 * e + ch]! : pastIn[((P + src) * batch + b) * e + ch]!;
            s += cw[ch * k + j]! * v;
          }
          c[row * e + ch] = s;
          u[row * e + ch] = silu(s);
        }
      }
    }
    this.keepPast(steps, batch);
    gemmNT(n, w, e, u, 0, e, this.xKernel.w, 0, e, dbc, 0, w, false);
    gemmNT(n, e, r, dbc, 0, w, this.dtKernel.w, 0, r, p, 0, e, false);
    addBias(p, n, e, this.dtBias.w);
    for (let i = 0; i < n * e; i++) delta[i] = softplus(p[i]!);

    const dd = this.d.w;
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batch; b++) {
        const row = t * batch + b, bc = row * w;
        for (let ch = 0; ch < e; ch++) {
          const dl = delta[row * e + ch]!, uc = u[row * e + ch]!, du = dl * uc;
          const at = (row * e + ch) * nS, prev = t > 0 ? ((row - batch) * e + ch) * nS : (b * e + ch) * nS;
          const hp = t > 0 ? hs : h0;
          let s = 0;
          for (let j = 0; j < nS; j++) {
            const h = Math.exp(dl * a[ch * nS + j]!) * hp[prev + j]! + du * dbc[bc + r + j]!;
            hs[at + j] = h;
            s += dbc[bc + r + nS + j]! * h;
          }
          y[row * e + ch] = s + dd[ch]! * uc;
        }
      }
    }

    const outSteps = returnSequences ? steps : 1, t0 = steps - outSteps;
    this.out = sized(this.out, outSteps * batch * e);
    const out = this.out;
    for (let i = 0; i < outSteps * batch * e; i++) {
      const row = t0 * batch + Math.floor(i / e), ch = i % e;
      out[i] = y[row * e + ch]! * silu(xz[row * 2 * e + e + ch]!);
    }
    return outSteps;
  }

  /**
   * h0 and pastIn for this call: the previous call's last h and x' when carrying into a batch
   * of the same size, else zeros. Runs before this call resizes hs and past.
   */
  private startState(batch: number, carry: boolean): void {
    const e = this.spec.units, size = batch * e * this.spec.stateSize, pastSize = (this.spec.convSize - 1) * batch * e;
    this.h0 = sized(this.h0, size);
    this.pastIn = sized(this.pastIn, pastSize);
    if (carry) {
      // hs holds the previous call (exactly n·E·N values): its last step's rows are B × E × N in sample order.
      this.h0.set(this.hs.subarray(this.hs.length - size));
      this.pastIn.set(this.past);
    } else {
      this.h0.fill(0);
      this.pastIn.fill(0);
    }
  }

  /**
   * Keeps x' of the last k−1 steps for a carrying next call; when this call was shorter, the
   * older ones come from the x' it started from (pastIn: step q reads its step T + q).
   */
  private keepPast(steps: number, batch: number): void {
    const e = this.spec.units, P = this.spec.convSize - 1, row = batch * e;
    this.past = sized(this.past, P * row);
    this.stateBatch = batch;
    const { past, pastIn, xz } = this;
    for (let q = 0; q < P; q++) {
      const s = steps - P + q;
      for (let b = 0; b < batch; b++) {
        for (let ch = 0; ch < e; ch++) {
          const at = q * row + b * e + ch;
          past[at] = s >= 0 ? xz[(s * batch + b) * 2 * e + ch]! : pastIn[(P + s) * row + b * e + ch]!;
        }
      }
    }
  }

  backward(dout: Float64Array, needInput: boolean): Float64Array | undefined {
    const { units: e, stateSize: nS, convSize: k, returnSequences } = this.spec, r = this.dtRank, I = this.inputSize;
    const { steps, batch } = this, n = steps * batch, w = r + 2 * nS, P = k - 1, en = e * nS;
    this.dxz = sized(this.dxz, n * 2 * e);
    this.du = sized(this.du, n * e);
    this.ddbc = sized(this.ddbc, n * w);
    this.dp = sized(this.dp, n * e);
    this.g = sized(this.g, en);
    const { xz, c, u, dbc, p, delta, hs, y, h0, a, dxz, du, ddbc, dp, g } = this;
    dxz.fill(0);
    ddbc.fill(0);
    const dd = this.d.w, dD = this.d.g, daLog = this.aLog.g;
    // The gate, on the rows that have an output: dz into dxz's z half; dy stays in dxz's x' half
    // until the scan reads it (the conv overwrites that half afterwards).
    const outSteps = returnSequences ? steps : 1, t0 = steps - outSteps;
    for (let i = 0; i < outSteps * batch * e; i++) {
      const row = t0 * batch + Math.floor(i / e), ch = i % e, zv = xz[row * 2 * e + e + ch]!;
      dxz[row * 2 * e + ch] = dout[i]! * silu(zv);
      dxz[row * 2 * e + e + ch] = dout[i]! * y[row * e + ch]! * siluGrad(zv);
    }
    for (let b = 0; b < batch; b++) {
      g.fill(0);
      for (let t = steps - 1; t >= 0; t--) {
        const row = t * batch + b, bc = row * w;
        for (let ch = 0; ch < e; ch++) {
          const dy = dxz[row * 2 * e + ch]!, dl = delta[row * e + ch]!, uc = u[row * e + ch]!, dlu = dl * uc;
          const at = (row * e + ch) * nS, prev = t > 0 ? ((row - batch) * e + ch) * nS : (b * e + ch) * nS;
          const hp = t > 0 ? hs : h0;
          dD[ch] = dD[ch]! + dy * uc;
          let dDelta = 0, duc = dy * dd[ch]!;
          for (let j = 0; j < nS; j++) {
            const gi = g[ch * nS + j]! + dy * dbc[bc + r + nS + j]!;
            const aj = a[ch * nS + j]!, dec = Math.exp(dl * aj), hPrev = hp[prev + j]!, bj = dbc[bc + r + j]!;
            ddbc[bc + r + nS + j] = ddbc[bc + r + nS + j]! + dy * hs[at + j]!;
            ddbc[bc + r + j] = ddbc[bc + r + j]! + gi * dlu;
            dDelta += gi * (dec * aj * hPrev + uc * bj);
            duc += gi * dl * bj;
            daLog[ch * nS + j] = daLog[ch * nS + j]! + gi * dec * dl * hPrev * aj;
            g[ch * nS + j] = gi * dec;
          }
          du[row * e + ch] = duc;
          dp[row * e + ch] = dDelta * softplusGrad(p[row * e + ch]!);
        }
      }
    }
    gemmTN(e, r, n, dp, 0, e, dbc, 0, w, this.dtKernel.g, 0, r);
    sumRows(n, e, dp, 0, e, this.dtBias.g, 0);
    gemmNN(n, r, e, dp, 0, e, this.dtKernel.w, 0, r, ddbc, 0, w, false);
    gemmTN(w, e, n, ddbc, 0, w, u, 0, e, this.xKernel.g, 0, e);
    gemmNN(n, e, w, ddbc, 0, w, this.xKernel.w, 0, e, du, 0, e, true);
    // du becomes dL/dc; then every tap sends it back onto the x' it read.
    for (let i = 0; i < n * e; i++) du[i] = du[i]! * siluGrad(c[i]!);
    for (let i = 0; i < n; i++) dxz.fill(0, i * 2 * e, i * 2 * e + e);
    const cw = this.convKernel.w, dcw = this.convKernel.g, pastIn = this.pastIn;
    sumRows(n, e, du, 0, e, this.convBias.g, 0);
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batch; b++) {
        const row = t * batch + b;
        for (let ch = 0; ch < e; ch++) {
          const dc = du[row * e + ch]!;
          for (let j = 0; j < k; j++) {
            const src = t - P + j;
            if (src >= 0) {
              const at = (src * batch + b) * 2 * e + ch;
              dcw[ch * k + j] = dcw[ch * k + j]! + dc * xz[at]!;
              dxz[at] = dxz[at]! + dc * cw[ch * k + j]!;
            } else {
              // A carried x' (or a zero) is read, and passes no gradient further back.
              dcw[ch * k + j] = dcw[ch * k + j]! + dc * pastIn[((P + src) * batch + b) * e + ch]!;
            }
          }
        }
      }
    }
    gemmTN(2 * e, I, n, dxz, 0, 2 * e, this.x, 0, I, this.inKernel.g, 0, I);
    sumRows(n, 2 * e, dxz, 0, 2 * e, this.inBias.g, 0);
    if (!needInput) return undefined;
    this.dx = sized(this.dx, n * I);
    gemmNN(n, I, 2 * e, dxz, 0, 2 * e, this.inKernel.w, 0, I, this.dx, 0, I, false);
    return this.dx;
  }

  toIr(): Layer {
    const { units: e, stateSize: n, convSize: k, returnSequences } = this.spec, r = this.dtRank;
    return {
      type: 'ssm', units: e, stateSize: n, convSize: k, dtRank: r, returnSequences,
      weights: {
        inKernel: toRows(this.inKernel.w, 2 * e, this.inputSize), inBias: Array.from(this.inBias.w),
        convKernel: toRows(this.convKernel.w, e, k), convBias: Array.from(this.convBias.w),
        xKernel: toRows(this.xKernel.w, r + 2 * n, e), dtKernel: toRows(this.dtKernel.w, e, r), dtBias: Array.from(this.dtBias.w),
        aLog: toRows(this.aLog.w, e, n), d: Array.from(this.d.w),
      },
    };
  }
}

function addBias(m: Float64Array, rows: number, cols: number, bias: Float64Array): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m[i * cols + j] = m[i * cols + j]! + bias[j]!;
}
