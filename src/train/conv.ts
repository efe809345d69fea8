// 1-D convolution over time (ir/model.ts conv1d) for training. With k taps spaced d apart,
// lookahead a and P = (k−1)·d, the output at step t is a dense layer over the window
//   w_t = [x_{t+a−(k−1)d}, …, x_{t+a−d}, x_{t+a}]   (k·I values, oldest first: the kernel's row layout),
//   y_t = act(W·w_t + b),  x_s = 0 outside 0 ≤ s < T,
// or, when carrying (truncated BPTT), x_s for s < 0 is the previous call's last P inputs.
// Forward: the T·B windows are gathered into one n × k·I matrix, then one product
// (gemmNT). Backward: da = dy⊙act'(a); dW += daᵀ·win (gemmTN, already in the kernel's
// layout), db += Σ da, dwin = da·W (gemmNN), and every tap of every window is added back
// onto the input it was copied from: dx_s = Σ_j dwin_{s−a+(k−1−j)d, j}. Inputs carried from
// the previous call get no gradient (the truncation).
import type { ConvActivation, Layer } from '../ir/model.js';
import type { Rng } from '../util/rng.js';
import { sized } from './cells/common.js';
import { activate, activationGrad } from './dense.js';
import { gemmNN, gemmNT, gemmTN, sumRows } from './gemm.js';
import { glorotUniformFans } from './init.js';
import { type TrainLayer, toRows } from './layer.js';
import type { ParamStore, ParamView } from './params.js';

export interface Conv1dSpec {
  type: 'conv1d';
  units: number;
  kernelSize: number;
  /** Steps between taps (1: adjacent). */
  dilation: number;
  /** Future inputs each output reads (0: causal; whole sequences only, so never carried). */
  lookahead: number;
  activation: ConvActivation;
}

export function convParamCount(spec: Conv1dSpec, inputSize: number): number {
  return spec.units * (spec.kernelSize * inputSize + 1);
}

export class Conv1dLayer implements TrainLayer {
  readonly outputSize: number;
  out: Float64Array = new Float64Array(0);
  /** Start from the previous call's last (k−1)·d inputs instead of zeros (truncated BPTT). */
  carry = false;
  private pre: Float64Array = new Float64Array(0);
  /** The windows of the last forward call: row t·B + b is w_t of sample b. */
  private win: Float64Array = new Float64Array(0);
  private da: Float64Array = new Float64Array(0);
  private dwin: Float64Array = new Float64Array(0);
  private dx: Float64Array = new Float64Array(0);
  /** The last P inputs seen (P×B×I, oldest first) and the batch size they belong to. */
  private past: Float64Array = new Float64Array(0);
  private pastBatch = 0;
  private steps = 0;
  private batch = 0;
  private readonly kernel: ParamView;
  private readonly bias: ParamView;

  constructor(readonly spec: Conv1dSpec, readonly inputSize: number, store: ParamStore) {
    this.outputSize = spec.units;
    this.kernel = store.take(spec.units * spec.kernelSize * inputSize);
    this.bias = store.take(spec.units);
  }

  init(rng: Rng): void {
    const { units, kernelSize: k } = this.spec;
    glorotUniformFans(this.kernel.w, units * k * this.inputSize, k * this.inputSize, k * units, rng);
    this.bias.w.fill(0);
  }

  forward(x: Float64Array, steps: number, batch: number): number {
    const { units: u, kernelSize: k, dilation: d, lookahead: a } = this.spec, I = this.inputSize, wI = k * I, n = steps * batch;
    const P = (k - 1) * d;
    const usePast = this.carry && P > 0 && this.pastBatch === batch;
    this.steps = steps; this.batch = batch;
    this.win = sized(this.win, n * wI);
    this.pre = sized(this.pre, n * u);
    this.out = sized(this.out, n * u);
    const { win, pre, out, past } = this;
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batch; b++) {
        const row = (t * batch + b) * wI;
        for (let j = 0; j < k; j++) {
          const s = t + a - (k - 1 - j) * d, dst = row + j * I;
          if (s >= 0 && s < steps) copy(x, (s * batch + b) * I, win, dst, I);
          else if (s >= steps) win.fill(0, dst, dst + I);
          else if (usePast) copy(past, ((P + s) * batch + b) * I, win, dst, I);
          else win.fill(0, dst, dst + I);
        }
      }
    }
    gemmNT(n, u, wI, win, 0, wI, this.kernel.w, 0, wI, pre, 0, u, false);
    const bias = this.bias.w;
    for (let r = 0; r < n; r++) {
      const o = r * u;
      for (let j = 0; j < u; j++) pre[o + j] = pre[o + j]! + bias[j]!;
      activate(this.spec.activation, pre, out, o, u);
    }
    this.keepPast(x, steps, batch, usePast);
    return steps;
  }

  /**
   * Keeps the last P inputs (steps T−P … T−1) for a carrying next call; when the call was
   * shorter than P, the older ones come from the previous past (or are zeros). Step q of
   * the new past reads step T + q of the old one, never one already overwritten.
   */
  private keepPast(x: Float64Array, steps: number, batch: number, usePast: boolean): void {
    const P = (this.spec.kernelSize - 1) * this.spec.dilation, I = this.inputSize, row = batch * I;
    this.past = sized(this.past, P * row);
    this.pastBatch = batch;
    const past = this.past;
    for (let q = 0; q < P; q++) {
      const s = steps - P + q;
      if (s >= 0) copy(x, s * row, past, q * row, row);
      else if (usePast) copy(past, (P + s) * row, past, q * row, row);
      else past.fill(0, q * row, (q + 1) * row);
    }
  }

  backward(dout: Float64Array, needInput: boolean): Float64Array | undefined {
    const { units: u, kernelSize: k, dilation: d, lookahead: a, activation } = this.spec, I = this.inputSize, wI = k * I;
    const { steps, batch } = this, n = steps * batch;
    let da = dout;
    if (activation !== 'linear') {
      this.da = sized(this.da, n * u);
      da = this.da;
      for (let r = 0; r < n; r++) activationGrad(activation, this.out, dout, da, r * u, u);
    }
    gemmTN(u, wI, n, da, 0, u, this.win, 0, wI, this.kernel.g, 0, wI);
    sumRows(n, u, da, 0, u, this.bias.g, 0);
    if (!needInput) return undefined;
    this.dwin = sized(this.dwin, n * wI);
    gemmNN(n, wI, u, da, 0, u, this.kernel.w, 0, wI, this.dwin, 0, wI, false);
    this.dx = sized(this.dx, n * I);
    const { dwin, dx } = this;
    dx.fill(0);
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batch; b++) {
        const row = (t * batch + b) * wI;
        for (let j = 0; j < k; j++) {
          const s = t + a - (k - 1 - j) * d;
          if (s < 0 || s >= steps) continue;
          const src = row + j * I, dst = (s * batch + b) * I;
          for (let c = 0; c < I; c++) dx[dst + c] = dx[dst + c]! + dwin[src + c]!;
        }
      }
    }
    return dx;
  }

  toIr(): Layer {
    const { units, kernelSize, dilation, lookahead, activation } = this.spec;
    return {
      type: 'conv1d', units, kernelSize, ...(dilation !== 1 ? { dilation } : {}), ...(lookahead > 0 ? { lookahead } : {}), activation,
      weights: { kernel: toRows(this.kernel.w, units, kernelSize * this.inputSize), bias: Array.from(this.bias.w) },
    };
  }
}

function copy(from: Float64Array, at: number, to: Float64Array, dst: number, count: number): void {
  for (let c = 0; c < count; c++) to[dst + c] = from[at + c]!;
}
