// Dense layer applied to every row (every timestep of every sequence):
//   y = act(x·Wᵀ + b),  W: units × inputs (one row per output unit, as in the IR)
// Backward: da = dy⊙act'(a) (softmax: da = y⊙(dy − Σ dy⊙y)); dW += daᵀ·x, db += Σ da, dx = da·W.
// When the loss hands over dL/da directly (softmax + cross-entropy), act' is skipped.
import type { DenseActivation, Layer } from '../ir/model.js';
import type { Rng } from '../util/rng.js';
import { sigmoid, sized } from './cells/common.js';
import { gemmNN, gemmNT, gemmTN, sumRows } from './gemm.js';
import { glorotUniform } from './init.js';
import type { TrainLayer } from './layer.js';
import { toRows } from './layer.js';
import type { ParamStore, ParamView } from './params.js';

export function denseParamCount(units: number, inputSize: number): number {
  return units * (inputSize + 1);
}

export class DenseLayer implements TrainLayer {
  out: Float64Array = new Float64Array(0);
  /** Pre-activations of the last forward call (logits for softmax). */
  pre: Float64Array = new Float64Array(0);
  /** When set, backward takes dL/d(pre) instead of dL/d(out). */
  gradIsPre = false;
  private x: Float64Array = new Float64Array(0);
  private da: Float64Array = new Float64Array(0);
  private dx: Float64Array = new Float64Array(0);
  private rows = 0;
  private readonly kernel: ParamView;
  private readonly bias: ParamView;

  constructor(readonly inputSize: number, readonly outputSize: number, readonly activation: DenseActivation, store: ParamStore) {
    this.kernel = store.take(outputSize * inputSize);
    this.bias = store.take(outputSize);
  }

  init(rng: Rng): void {
    glorotUniform(this.kernel.w, this.outputSize, this.inputSize, rng);
    this.bias.w.fill(0);
  }

  forward(x: Float64Array, steps: number, batch: number): number {
    const n = steps * batch, u = this.outputSize, size = n * u;
    this.x = x;
    this.rows = n;
    this.pre = sized(this.pre, size);
    this.out = sized(this.out, size);
    const { pre, out } = this;
    gemmNT(n, u, this.inputSize, x, 0, this.inputSize, this.kernel.w, 0, this.inputSize, pre, 0, u, false);
    const b = this.bias.w;
    for (let r = 0; r < n; r++) {
      const o = r * u;
      for (let j = 0; j < u; j++) pre[o + j] = pre[o + j]! + b[j]!;
      activate(this.activation, pre, out, o, u);
    }
    return steps;
  }

  backward(dout: Float64Array, needInput: boolean): Float64Array | undefined {
    const n = this.rows, u = this.outputSize, size = n * u;
    let da = dout;
    if (!this.gradIsPre && this.activation !== 'linear') {
      this.da = sized(this.da, size);
      da = this.da;
      for (let r = 0; r < n; r++) activationGrad(this.activation, this.out, dout, da, r * u, u);
    }
    gemmTN(u, this.inputSize, n, da, 0, u, this.x, 0, this.inputSize, this.kernel.g, 0, this.inputSize);
    sumRows(n, u, da, 0, u, this.bias.g, 0);
    if (!needInput) return undefined;
    const xs = n * this.inputSize;
    this.dx = sized(this.dx, xs);
    gemmNN(n, this.inputSize, u, da, 0, u, this.kernel.w, 0, this.inputSize, this.dx, 0, this.inputSize, false);
    return this.dx;
  }

  toIr(): Layer {
    return {
      type: 'dense', units: this.outputSize, activation: this.activation,
      weights: { kernel: toRows(this.kernel.w, this.outputSize, this.inputSize), bias: Array.from(this.bias.w) },
    };
  }
}

/** out[o … o+u) = act(pre[o … o+u)): one row (softmax normalises over the row). */
export function activate(act: DenseActivation, pre: Float64Array, out: Float64Array, o: number, u: number): void {
  switch (act) {
    case 'linear': for (let j = o; j < o + u; j++) out[j] = pre[j]!; break;
    case 'relu': for (let j = o; j < o + u; j++) out[j] = Math.max(0, pre[j]!); break;
    case 'tanh': for (let j = o; j < o + u; j++) out[j] = Math.tanh(pre[j]!); break;
    case 'sigmoid': for (let j = o; j < o + u; j++) out[j] = sigmoid(pre[j]!); break;
    case 'softmax': {
      // Shift by the row maximum so exp never overflows.
      let max = -Infinity;
      for (let j = o; j < o + u; j++) if (pre[j]! > max) max = pre[j]!;
      let sum = 0;
      for (let j = o; j < o + u; j++) { const e = Math.exp(pre[j]! - max); out[j] = e; sum += e; }
      for (let j = o; j < o + u; j++) out[j] = out[j]! / sum;
      break;
    }
  }
}

/** da[o … o+u) = dL/d(pre) from dy = dL/d(out) and the row's outputs y. */
export function activationGrad(act: DenseActivation, y: Float64Array, dy: Float64Array, da: Float64Array, o: number, u: number): void {
  switch (act) {
    case 'linear': for (let j = o; j < o + u; j++) da[j] = dy[j]!; break;
    case 'relu': for (let j = o; j < o + u; j++) da[j] = y[j]! > 0 ? dy[j]! : 0; break;
    case 'tanh': for (let j = o; j < o + u; j++) da[j] = dy[j]! * (1 - y[j]! * y[j]!); break;
    case 'sigmoid': for (let j = o; j < o + u; j++) da[j] = dy[j]! * y[j]! * (1 - y[j]!); break;
    case 'softmax': {
      let dot = 0;
      for (let j = o; j < o + u; j++) dot += dy[j]! * y[j]!;
      for (let j = o; j < o + u; j++) da[j] = y[j]! * (dy[j]! - dot);
      break;
    }
  }
}
