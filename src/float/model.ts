/**
 * The float reference: float64 inference of a whole model, over a whole sequence or
 * streamed one timestep at a time. This is what training optimises and what the
 * fixed-point reference is measured against.
 *
 * Streaming semantics: every step emits the model output as if the sequence ended at
 * that step, so for a many-to-one model the last streamed output equals the
 * whole-sequence output.
 */
import { RnncError } from '../errors.js';
import { type FloatModel, type RecurrentType, lastOutputOf } from '../ir/model.js';
import { gruCell } from './cells/gru.js';
import { lstmCell } from './cells/lstm.js';
import { rnnCell } from './cells/rnn.js';
import type { FloatCell, FloatCellState, FloatCellWeights } from './cells/types.js';
import { matVec, sigmoid, softmaxInPlace } from './math.js';
import { type PreparedDense, type PreparedLayer, prepareModel } from './prepare.js';

export const FLOAT_CELLS: Record<RecurrentType, FloatCell> = { rnn: rnnCell, lstm: lstmCell, gru: gruCell };

export function newCellState(units: number): FloatCellState {
  return { h: new Float64Array(units), c: new Float64Array(units) };
}

/** A direction's state before its first step: its initial state, or zeros. */
export function initialCellState(w: FloatCellWeights): FloatCellState {
  const s = newCellState(w.units);
  if (w.h0) s.h.set(w.h0);
  if (w.c0) s.c.set(w.c0);
  return s;
}

function scratchFor(w: FloatCellWeights): Float64Array {
  return new Float64Array(8 * w.units);
}

/**
 * Optional observation of a whole-sequence run, for calibration and error reports
 * (src/quantize/). Observing never changes a result.
 */
export interface FloatObserver {
  /** After each recurrent step of layer `layer`: its input, h before the step, the state after. */
  step?(layer: number, backward: boolean, x: ArrayLike<number>, hPrev: Float64Array, state: FloatCellState): void;
  /** A dense layer's pre-activation W x + b, before its activation. */
  dense?(layer: number, pre: Float64Array): void;
  /** The outputs a layer passes on (one per timestep, or one). */
  layer?(layer: number, outputs: Float64Array[]): void;
}

/** Dense layer on one vector, activation included. */
export function denseForward(d: PreparedDense, x: ArrayLike<number>, onPre?: (pre: Float64Array) => void): Float64Array {
  const out = new Float64Array(d.units);
  matVec(d.kernel, x, d.units, d.inputSize, out, d.bias);
  onPre?.(out);
  switch (d.activation) {
    case 'linear': break;
    case 'relu': for (let i = 0; i < out.length; i++) out[i] = Math.max(0, out[i]!); break;
    case 'tanh': for (let i = 0; i < out.length; i++) out[i] = Math.tanh(out[i]!); break;
    case 'sigmoid': for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]!); break;
    case 'softmax': softmaxInPlace(out); break;
  }
  return out;
}

/** Runs one direction of a recurrent layer over a sequence; returns h at every step. */
function runDirection(
  cell: FloatCell, w: FloatCellWeights, xs: Float64Array[], reverse: boolean,
  onStep?: (x: Float64Array, hPrev: Float64Array, state: FloatCellState) => void,
): Float64Array[] {
  const state = initialCellState(w);
  const scratch = scratchFor(w);
  const out = new Array<Float64Array>(xs.length);
  for (let k = 0; k < xs.length; k++) {
    const t = reverse ? xs.length - 1 - k : k;
    const hPrev = onStep ? state.h.slice() : state.h;
    cell.step(w, xs[t]!, state, scratch);
    onStep?.(xs[t]!, hPrev, state);
    out[t] = state.h.slice();
  }
  return out;
}

function merge(a: Float64Array, b: Float64Array, mode: 'concat' | 'sum'): Float64Array {
  if (mode === 'sum') return a.map((v, i) => v + b[i]!);
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function runLayer(p: PreparedLayer, xs: Float64Array[], i: number, obs?: FloatObserver): Float64Array[] {
  const onPre = obs?.dense ? (pre: Float64Array) => obs.dense!(i, pre) : undefined;
  if (p.kind === 'dense') return xs.map((x) => denseForward(p, x, onPre));
  const cell = FLOAT_CELLS[p.layer.type];
  const onStep = (backward: boolean) => (obs?.step
    ? (x: Float64Array, hPrev: Float64Array, s: FloatCellState) => obs.step!(i, backward, x, hPrev, s)
    : undefined);
  // reverse: the one direction reads x_{T−1} … x_0, so its last output is at t = 0.
  const reverse = p.layer.reverse === true;
  const fwd = runDirection(cell, p.forward, xs, reverse, onStep(false));
  if (!p.backward || !p.layer.bidirectional) {
    return p.layer.returnSequences ? fwd : [fwd[reverse ? 0 : fwd.length - 1]!];
  }
  const mode = p.layer.bidirectional;
  const last = xs.length - 1;
  if (!p.layer.returnSequences && lastOutputOf(p.layer) === 'last-index') {
    // bwd_{T−1} is the backward direction's first step, on x_{T−1} from its initial state:
    // one step computes it, and the observer sees exactly the steps the C runs.
    const bwdLast = runDirection(cell, p.backward, [xs[last]!], true, onStep(true));
    return [merge(fwd[last]!, bwdLast[0]!, mode)];
  }
  const bwd = runDirection(cell, p.backward, xs, true, onStep(true));
  if (p.layer.returnSequences) return fwd.map((f, t) => merge(f, bwd[t]!, mode));
  // Keras semantics: the forward direction's last output with the backward direction's
  // last output, which it produced at t = 0.
  return [merge(fwd[last]!, bwd[0]!, mode)];
}

/** Applies the model's input normalisation, if any. */
export function normalizeInput(model: FloatModel, x: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(x as ArrayLike<number>);
  if (model.normalization) {
    const { mean, std } = model.normalization;
    for (let i = 0; i < out.length; i++) out[i] = (out[i]! - mean[i]!) / std[i]!;
  }
  return out;
}

function checkInput(model: FloatModel, xs: ArrayLike<ArrayLike<number>>): void {
  if (xs.length === 0) throw new RnncError('data/invalid', 'input sequence is empty: expected at least one timestep');
  for (let t = 0; t < xs.length; t++) {
    const x = xs[t]!;
    if (x.length !== model.inputSize) {
      throw new RnncError('data/invalid', `input timestep ${t}: expected ${model.inputSize} features, got ${x.length}`);
    }
  }
}

/**
 * Whole-sequence inference. Returns one output per timestep when the model ends in a
 * sequence, else a single output.
 */
export function runFloat(
  model: FloatModel, xs: ArrayLike<ArrayLike<number>>, prepared = prepareModel(model), observer?: FloatObserver,
): Float64Array[] {
  checkInput(model, xs);
  let seq = Array.from({ length: xs.length }, (_, t) => normalizeInput(model, xs[t]!));
  prepared.forEach((p, i) => {
    seq = runLayer(p, seq, i, observer);
    observer?.layer?.(i, seq);
  });
  return seq;
}

export interface FloatStream {
  reset(): void;
  /** One timestep in, the model output at this step out. */
  step(x: ArrayLike<number>): Float64Array;
}

/** Streaming inference, one timestep at a time. Bidirectional models cannot stream. */
export function streamFloat(model: FloatModel, prepared = prepareModel(model)): FloatStream {
  const bi = prepared.find((p) => p.kind === 'recurrent' && p.backward);
  if (bi) {
    throw new RnncError('unsupported/feature', 'a bidirectional model cannot be streamed one step at a time; run whole sequences');
  }
  if (prepared.some((p) => p.kind === 'recurrent' && p.layer.reverse)) {
    throw new RnncError('unsupported/feature', 'a model with a reverse layer cannot be streamed one step at a time; run whole sequences');
  }
  const states = prepared.map((p) => (p.kind === 'recurrent' ? initialCellState(p.forward) : undefined));
  const scratches = prepared.map((p) => (p.kind === 'recurrent' ? scratchFor(p.forward) : undefined));
  return {
    reset() {
      prepared.forEach((p, i) => {
        if (p.kind !== 'recurrent') return;
        const init = initialCellState(p.forward);
        states[i]!.h.set(init.h);
        states[i]!.c.set(init.c);
      });
    },
    step(x) {
      checkInput(model, [x]);
      let v: Float64Array = normalizeInput(model, x);
      prepared.forEach((p, i) => {
        if (p.kind === 'dense') { v = denseForward(p, v); return; }
        const s = states[i]!;
        FLOAT_CELLS[p.layer.type].step(p.forward, v, s, scratches[i]!);
        v = s.h.slice();
      });
      return v;
    },
  };
}
