/**
 * The fixed-point reference: integer-only execution of a quantized model, whole
 * sequence or streamed, exactly as the emitted C computes it. This is the
 * specification the C must match bit for bit.
 *
 * Semantics mirror the float reference (src/float/model.ts): bidirectional layers run
 * the backward direction over the reversed sequence; a layer with returnSequences false
 * passes on its last output (bidirectional: forward last merged with backward at t = 0,
 * or with "last-index" at t = T−1: the backward direction's one step on x_{T−1});
 * streaming emits the model output at every step.
 */
import { RnncError } from '../errors.js';
import type { QDirection, QLayer, QRecurrentLayer, QuantModel } from '../ir/qmodel.js';
import { lastOutputOf } from '../ir/model.js';
import { lutLog2 } from './lut.js';
import { denseFixed } from './dense.js';
import { gruFixed } from './cells/gru.js';
import { lstmFixed } from './cells/lstm.js';
import { rnnFixed } from './cells/rnn.js';
import type { FixedCellState, FixedContext, FixedScratch } from './cells/types.js';
import { rshrS32 } from './ops.js';

export function fixedContext(model: QuantModel): FixedContext {
  return { lut: model.lut, log2Lut: lutLog2(model.lut.size) };
}

/** A direction's state before its first step: its initial state h0 / c0, or zeros. */
function initialState(units: number, dir: QDirection): FixedCellState {
  const st = { h: new Int16Array(units), c: new Int32Array(units) };
  if (dir.h0) st.h.set(dir.h0);
  if (dir.c0) st.c.set(dir.c0);
  return st;
}

function newScratch(layer: QRecurrentLayer): FixedScratch {
  const rows = layer.forward.x.rows;
  return { xg: new Int32Array(rows), hg: new Int32Array(rows), rh: new Int16Array(layer.units) };
}

function stepCell(layer: QRecurrentLayer, dir: QDirection, x: ArrayLike<number>, st: FixedCellState, ctx: FixedContext, sc: FixedScratch): void {
  switch (layer.type) {
    case 'rnn': rnnFixed.step(layer, dir, x, st, ctx, sc); break;
    case 'lstm': lstmFixed.step(layer, dir, x, st, ctx, sc); break;
    case 'gru': gruFixed.step(layer, dir, x, st, ctx, sc); break;
  }
}

/** Bidirectional merge: concat keeps Q0.15; sum is rshr(a + b, 1) in Q1.14. */
function merge(a: Int16Array, b: Int16Array, mode: 'concat' | 'sum'): Int16Array {
  if (mode === 'sum') return a.map((v, i) => rshrS32(v + b[i]!, 1));
  const out = new Int16Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function runDirection(layer: QRecurrentLayer, dir: QDirection, xs: Int16Array[], reverse: boolean, ctx: FixedContext): Int16Array[] {
  const st = initialState(layer.units, dir);
  const sc = newScratch(layer);
  const out = new Array<Int16Array>(xs.length);
  for (let k = 0; k < xs.length; k++) {
    const t = reverse ? xs.length - 1 - k : k;
    stepCell(layer, dir, xs[t]!, st, ctx, sc);
    out[t] = st.h.slice();
  }
  return out;
}

function runLayer(model: QuantModel, layer: QLayer, xs: Int16Array[], ctx: FixedContext): Int16Array[] {
  if (layer.type === 'dense') return xs.map((x) => denseFixed(layer, x, ctx, model.tables?.exp));
  // reverse: the one direction reads x_{T−1} … x_0, so its last output is at t = 0.
  const reverse = layer.reverse === true;
  const fwd = runDirection(layer, layer.forward, xs, reverse, ctx);
  if (!layer.bidirectional || !layer.backward) return layer.returnSequences ? fwd : [fwd[reverse ? 0 : fwd.length - 1]!];
  const mode = layer.bidirectional;
  const last = xs.length - 1;
  if (!layer.returnSequences && lastOutputOf(layer) === 'last-index') {
    // bwd_{T−1}: the backward direction's first step, on x_{T−1} from its initial state.
    const bwdLast = runDirection(layer, layer.backward, [xs[last]!], true, ctx);
    return [merge(fwd[last]!, bwdLast[0]!, mode)];
  }
  const bwd = runDirection(layer, layer.backward, xs, true, ctx);
  if (layer.returnSequences) return fwd.map((f, t) => merge(f, bwd[t]!, mode));
  return [merge(fwd[last]!, bwd[0]!, mode)];
}

function checkInput(model: QuantModel, xs: ArrayLike<ArrayLike<number>>): void {
  if (xs.length === 0) throw new RnncError('data/invalid', 'input sequence is empty: expected at least one timestep');
  for (let t = 0; t < xs.length; t++) {
    const x = xs[t]!;
    if (x.length !== model.inputSize) {
      throw new RnncError('data/invalid', `input timestep ${t}: expected ${model.inputSize} features, got ${x.length}`);
    }
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (!Number.isInteger(v) || v < -32768 || v > 32767) {
        throw new RnncError('data/invalid', `input timestep ${t}, feature ${i}: expected an int16, got ${v}`);
      }
    }
  }
}

/** Whole-sequence inference on int16 inputs (already quantized: see quantizeInput). */
export function runFixed(model: QuantModel, xs: ArrayLike<ArrayLike<number>>): Int16Array[] {
  const perLayer = runFixedLayers(model, xs);
  return perLayer[perLayer.length - 1] ?? Array.from({ length: xs.length }, (_, t) => Int16Array.from(xs[t]!));
}

/** Whole-sequence inference returning every layer's outputs (error reports compare them per layer). */
export function runFixedLayers(model: QuantModel, xs: ArrayLike<ArrayLike<number>>): Int16Array[][] {
  checkInput(model, xs);
  const ctx = fixedContext(model);
  let seq: Int16Array[] = Array.from({ length: xs.length }, (_, t) => Int16Array.from(xs[t]!));
  return model.layers.map((layer) => (seq = runLayer(model, layer, seq, ctx)));
}

export interface FixedStream {
  reset(): void;
  step(x: ArrayLike<number>): Int16Array;
}

/** Streaming inference; bidirectional models cannot stream. */
export function streamFixed(model: QuantModel): FixedStream {
  if (model.layers.some((l) => l.type !== 'dense' && l.bidirectional)) {
    throw new RnncError('unsupported/feature', 'a bidirectional model cannot be streamed one step at a time; run whole sequences');
  }
  if (model.layers.some((l) => l.type !== 'dense' && l.reverse)) {
    throw new RnncError('unsupported/feature', 'a model with a reverse layer cannot be streamed one step at a time; run whole sequences');
  }
  const ctx = fixedContext(model);
  const states = model.layers.map((l) => (l.type === 'dense' ? undefined : initialState(l.units, l.forward)));
  const scratch = model.layers.map((l) => (l.type === 'dense' ? undefined : newScratch(l)));
  return {
    reset() {
      model.layers.forEach((l, i) => {
        if (l.type === 'dense') return;
        const init = initialState(l.units, l.forward);
        states[i]!.h.set(init.h);
        states[i]!.c.set(init.c);
      });
    },
    step(x) {
      checkInput(model, [x]);
      let v: Int16Array = Int16Array.from(x);
      model.layers.forEach((layer, i) => {
        if (layer.type === 'dense') { v = denseFixed(layer, v, ctx, model.tables?.exp); return; }
        const st = states[i]!;
        stepCell(layer, layer.forward, v, st, ctx, scratch[i]!);
        v = st.h.slice();
      });
      return v;
    },
  };
}

/** The float helper's input quantization: sat16(round((x − mean)/std · 2^frac)), round half up. */
export function quantizeInput(model: QuantModel, x: ArrayLike<number>): Int16Array {
  const out = new Int16Array(x.length);
  const norm = model.input.normalization;
  const scale = 2 ** model.input.frac;
  for (let i = 0; i < x.length; i++) {
    const v = norm ? (x[i]! - norm.mean[i]!) / norm.std[i]! : x[i]!;
    out[i] = Math.max(-32768, Math.min(32767, Math.floor(v * scale + 0.5)));
  }
  return out;
}

export function dequantizeOutput(model: QuantModel, y: ArrayLike<number>): Float64Array {
  return Float64Array.from(y as ArrayLike<number>, (v) => v / 2 ** model.output.frac);
}
