// A recurrent layer (rnn, lstm, gru, mingru, minlstm; optionally bidirectional) for training.
//   Z = X·Wᵀ + b for all T·B rows at once (one matrix product), then the cell's
//   recurrence per timestep (cells/*.ts).
// Backward: the cell turns dL/dh into dL/dZ; then dW += dZᵀ·X, db += Σ dZ, dX = Σ_dir dZ·W.
// Output: every h_t (returnSequences) or only the last one; bidirectional merges the
// forward h_t with the backward h_t (concat or sum), and without returnSequences takes
// the backward direction's output at t = 0 (Keras semantics, as in float/model.ts), or
// with lastOutput "last-index" at t = T−1 (torch out[:, -1]). The backward direction
// still runs over the whole sequence here: its output at T−1 is its first step, from the
// zero state, so it is the same number, and dL/dh reaching only that step flows into
// nothing earlier (the cell's BPTT carries the zero gradient of the later steps).
import type { GateActivation, Layer, MergeMode, RecurrentType, RecurrentWeights, RnnActivation } from '../ir/model.js';
import { gateCount, hasRecurrentProduct } from '../ir/kinds.js';
import type { LastOutput } from '../ir/model.js';
import type { Rng } from '../util/rng.js';
import { sized } from './cells/common.js';
import type { TrainCell } from './cells/types.js';
import { sumRows } from './gemm.js';
import { glorotUniform, orthogonal } from './init.js';
import { TRAIN_KINDS } from './kinds.js';
import { type TrainLayer, toRows } from './layer.js';
import type { ParamStore, ParamView } from './params.js';
import { productNN, productNT, productTN } from './wasm-gemm.js';

export interface RecurrentSpec {
  type: RecurrentType;
  units: number;
  returnSequences: boolean;
  bidirectional?: MergeMode | undefined;
  /** GRU only. */
  resetAfter: boolean;
  /** Bidirectional without returnSequences: where the backward output is taken (ir/model.ts LAST_OUTPUTS). */
  lastOutput?: LastOutput | undefined;
  /** Forward-only: the one direction reads the sequence backwards (its last output is at t = 0). */
  reverse?: boolean | undefined;
  /** LSTM and GRU: the i, f, o / r, z gate function (default sigmoid). */
  recurrentActivation?: GateActivation | undefined;
  /** rnn: tanh (default) or relu. */
  activation?: RnnActivation | undefined;
  /** mingru, minlstm: train the recurrence by a prefix scan (cells/scan.ts); not part of the model. */
  scan?: boolean | undefined;
}

function hasRecurrentBias(spec: RecurrentSpec): boolean {
  return spec.type === 'gru' && spec.resetAfter;
}

/** Columns of the recurrent kernel: units, or none for a minGRU or minLSTM (its gates read x only). */
function recurrentCols(spec: RecurrentSpec): number {
  return hasRecurrentProduct(spec.type) ? spec.units : 0;
}

export function recurrentParamCount(spec: RecurrentSpec, inputSize: number): number {
  const rows = gateCount(spec.type) * spec.units;
  const one = rows * (inputSize + recurrentCols(spec) + 1) + (hasRecurrentBias(spec) ? rows : 0);
  return spec.bidirectional ? 2 * one : one;
}

class Direction {
  readonly kernel: ParamView;
  readonly recurrent: ParamView;
  readonly bias: ParamView;
  readonly recurrentBias: ParamView | undefined;
  readonly cell: TrainCell;
  zin: Float64Array = new Float64Array(0);
  dzin: Float64Array = new Float64Array(0);
  hs: Float64Array = new Float64Array(0);
  dhs: Float64Array = new Float64Array(0);
  h0: Float64Array = new Float64Array(0);
  c0: Float64Array = new Float64Array(0);

  constructor(readonly spec: RecurrentSpec, readonly inputSize: number, store: ParamStore, readonly reverse: boolean) {
    const rows = gateCount(spec.type) * spec.units;
    this.kernel = store.take(rows * inputSize);
    this.recurrent = store.take(rows * recurrentCols(spec));
    this.bias = store.take(rows);
    this.recurrentBias = hasRecurrentBias(spec) ? store.take(rows) : undefined;
    const p = { u: this.recurrent.w, du: this.recurrent.g, ...(this.recurrentBias ? { rb: this.recurrentBias.w, drb: this.recurrentBias.g } : {}) };
    this.cell = TRAIN_KINDS[spec.type].cell(spec, p);
  }

  init(rng: Rng): void {
    const u = this.spec.units, g = gateCount(this.spec.type);
    glorotUniform(this.kernel.w, g * u, this.inputSize, rng);
    if (recurrentCols(this.spec) > 0) for (let k = 0; k < g; k++) orthogonal(this.recurrent.w, u, rng, k * u * u);
    this.bias.w.fill(0);
    TRAIN_KINDS[this.spec.type].initBias?.(this.bias.w, u);
    this.recurrentBias?.w.fill(0);
  }

  /** Sets h0/c0 for a batch: zeros, or the previous call's final state when carrying. */
  startState(batch: number, carry: boolean): void {
    const size = batch * this.spec.units;
    if (carry && this.h0.length === size) {
      this.cell.finalState(this.hs, this.h0, this.c0);
      return;
    }
    if (this.h0.length !== size) {
      this.h0 = new Float64Array(size);
      this.c0 = new Float64Array(size);
    } else {
      this.h0.fill(0);
      this.c0.fill(0);
    }
  }

  forward(x: Float64Array, steps: number, batch: number): void {
    const u = this.spec.units, gu = this.cell.gates * u, n = steps * batch;
    this.zin = sized(this.zin, n * gu);
    this.hs = sized(this.hs, n * u);
    productNT(n, gu, this.inputSize, x, 0, this.inputSize, this.kernel.w, 0, this.inputSize, this.zin, 0, gu, false);
    const b = this.bias.w, z = this.zin;
    for (let r = 0; r < n; r++) {
      const o = r * gu;
      for (let j = 0; j < gu; j++) z[o + j] = z[o + j]! + b[j]!;
    }
    this.cell.forward(this.zin, this.hs, this.h0, this.c0, steps, batch, this.reverse);
  }

  /** Runs the cell backward on this.dhs (and dcLast, see TrainCell); accumulates dW, db; adds dZ·W into dx when given. */
  backward(x: Float64Array, steps: number, batch: number, dx: Float64Array | undefined, dcLast?: Float64Array): void {
    const gu = this.cell.gates * this.spec.units, n = steps * batch, i = this.inputSize;
    this.dzin = sized(this.dzin, n * gu);
    this.cell.backward(this.dhs, this.dzin, this.hs, dcLast);
    productTN(gu, i, n, this.dzin, 0, gu, x, 0, i, this.kernel.g, 0, i);
    sumRows(n, gu, this.dzin, 0, gu, this.bias.g, 0);
    if (dx) productNN(n, i, gu, this.dzin, 0, gu, this.kernel.w, 0, i, dx, 0, i, true);
  }

  toIr(): RecurrentWeights {
    const rows = this.cell.gates * this.spec.units;
    const w: RecurrentWeights = { kernel: toRows(this.kernel.w, rows, this.inputSize), bias: Array.from(this.bias.w) };
    if (recurrentCols(this.spec) > 0) w.recurrentKernel = toRows(this.recurrent.w, rows, this.spec.units);
    if (this.recurrentBias) w.recurrentBias = Array.from(this.recurrentBias.w);
    return w;
  }
}

export class RecurrentLayer implements TrainLayer {
  readonly outputSize: number;
  out: Float64Array = new Float64Array(0);
  /** Carry the final state of one call into the next (truncated BPTT); else start at 0. */
  carry = false;
  /**
   * dL/d(final state) of the forward direction from outside the layer (a decoder that
   * copies it): added to dL/dh at its last step, and dL/dc handed to an LSTM cell, by the
   * next backward call. B×U each.
   */
  finalGrad: { h: Float64Array; c: Float64Array } | undefined;
  private readonly dirs: Direction[];
  private x: Float64Array = new Float64Array(0);
  private dx: Float64Array = new Float64Array(0);
  private steps = 0;
  private batch = 0;

  constructor(readonly spec: RecurrentSpec, readonly inputSize: number, store: ParamStore) {
    this.dirs = [new Direction(spec, inputSize, store, !spec.bidirectional && spec.reverse === true)];
    if (spec.bidirectional) this.dirs.push(new Direction(spec, inputSize, store, true));
    this.outputSize = spec.bidirectional === 'concat' ? 2 * spec.units : spec.units;
  }

  init(rng: Rng): void {
    for (const d of this.dirs) d.init(rng);
  }

  forward(x: Float64Array, steps: number, batch: number): number {
    this.x = x; this.steps = steps; this.batch = batch;
    for (const d of this.dirs) {
      d.startState(batch, this.carry);
      d.forward(x, steps, batch);
    }
    const outSteps = this.spec.returnSequences ? steps : 1;
    this.out = sized(this.out, outSteps * batch * this.outputSize);
    const out = this.out, f = this.dirs[0]!.hs, bw = this.dirs[1]?.hs;
    const mode = this.spec.bidirectional, u = this.spec.units;
    this.route(outSteps, (o, hf, hb) => {
      if (mode === 'sum') out[o] = f[hf]! + bw![hb]!;
      else out[o] = f[hf]!;
      if (mode === 'concat') out[o + u] = bw![hb]!;
    });
    return outSteps;
  }

  backward(dout: Float64Array, needInput: boolean): Float64Array | undefined {
    const { steps, batch } = this;
    for (const d of this.dirs) {
      d.dhs = sized(d.dhs, steps * batch * this.spec.units);
      d.dhs.fill(0);
    }
    const outSteps = this.spec.returnSequences ? steps : 1;
    const df = this.dirs[0]!.dhs, db = this.dirs[1]?.dhs;
    const mode = this.spec.bidirectional, u = this.spec.units;
    this.route(outSteps, (o, hf, hb) => {
      df[hf] = dout[o]!;
      if (mode === 'sum') db![hb] = dout[o]!;
      if (mode === 'concat') db![hb] = dout[o + u]!;
    });
    const fg = this.finalGrad;
    if (fg) {
      // The forward direction's last step: t = T−1, or t = 0 when it reads backwards.
      const tLast = !mode && this.spec.reverse ? 0 : steps - 1, base = tLast * batch * u;
      for (let k = 0; k < batch * u; k++) df[base + k] = df[base + k]! + fg.h[k]!;
    }
    let dx: Float64Array | undefined;
    if (needInput) {
      this.dx = sized(this.dx, steps * batch * this.inputSize);
      this.dx.fill(0);
      dx = this.dx;
    }
    this.dirs.forEach((d, i) => d.backward(this.x, steps, batch, dx, i === 0 ? fg?.c : undefined));
    return dx;
  }

  /** The forward direction's state after its last step of the last forward call (B×U each; c is 0 but for an LSTM). */
  finalState(h: Float64Array, c: Float64Array): void {
    const d = this.dirs[0]!;
    d.cell.finalState(d.hs, h, c);
  }

  /**
   * Visits every output element of the forward (or merged) half: o indexes `out`, hf and
   * hb the forward and backward directions' hs. Shared by forward and backward so the
   * two cannot disagree on the layout; a concatenation's backward half sits at o + U.
   */
  private route(outSteps: number, visit: (o: number, hf: number, hb: number) => void): void {
    const { steps, batch } = this, u = this.spec.units, w = this.outputSize;
    const bLast = this.spec.lastOutput === 'last-index' ? steps - 1 : 0;
    // A reverse layer's one direction ends at t = 0.
    const fLast = !this.spec.bidirectional && this.spec.reverse ? 0 : steps - 1;
    for (let s = 0; s < outSteps; s++) {
      const tf = this.spec.returnSequences ? s : fLast;
      const tb = this.spec.returnSequences ? s : bLast;
      for (let b = 0; b < batch; b++) {
        const o = (s * batch + b) * w, hf = (tf * batch + b) * u, hb = (tb * batch + b) * u;
        for (let j = 0; j < u; j++) visit(o + j, hf + j, hb + j);
      }
    }
  }

  toIr(): Layer {
    const common = {
      units: this.spec.units,
      returnSequences: this.spec.returnSequences,
      ...(this.spec.bidirectional ? { bidirectional: this.spec.bidirectional } : {}),
      ...(this.spec.bidirectional && !this.spec.returnSequences && this.spec.lastOutput === 'last-index' ? { lastOutput: this.spec.lastOutput } : {}),
      ...(!this.spec.bidirectional && this.spec.reverse ? { reverse: true } : {}),
      weights: this.dirs[0]!.toIr(),
      ...(this.dirs[1] ? { backwardWeights: this.dirs[1].toIr() } : {}),
    };
    const gate = this.spec.type !== 'rnn' && this.spec.recurrentActivation ? { recurrentActivation: this.spec.recurrentActivation } : {};
    if (this.spec.type === 'gru') return { type: 'gru', ...common, ...gate, resetAfter: this.spec.resetAfter };
    if (this.spec.type === 'lstm') return { type: 'lstm', ...common, ...gate };
    if (this.spec.type === 'mingru') return { type: 'mingru', ...common };
    if (this.spec.type === 'minlstm') return { type: 'minlstm', ...common };
    return { type: 'rnn', ...common, ...(this.spec.activation ? { activation: this.spec.activation } : {}) };
  }
}
