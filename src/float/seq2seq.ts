/**
 * The decoder of an encoder–decoder model in float (docs/seq2seq.md gives the equations):
 * K steps after the encoder, each feeding back its previous output, attending over the
 * encoder's outputs (the memory) when the model has attention. Sums run in index order.
 */
import type { Decoder } from '../ir/seq2seq.js';
import { contextRoutes, feedbackWidth } from '../ir/seq2seq.js';
import { FLOAT_CELLS } from './kinds.js';
import { flatten, matVec, softmaxInPlace } from './math.js';
import type { FloatCellState, FloatCellWeights } from './cells/types.js';
import type { DecoderObserver } from './observer.js';
import { newCellState, scratchFor } from './recurrent.js';

export interface PreparedDecoder {
  d: Decoder;
  /** H_e: the width of each memory vector. */
  memoryWidth: number;
  cell: FloatCellWeights;
  projection: { kernel: Float64Array; bias: Float64Array; cols: number };
  routes: { input: boolean; output: boolean };
  feedbackWidth: number;
  /** The bridge (h_0 = tanh(kernel · m_{T−1} + bias)), flattened; absent for other inits. */
  bridge?: { kernel: Float64Array; bias: Float64Array };
  /** The attention's matrices, flattened: W_e, W_q, b, v (Bahdanau) or W_g (general). */
  attention?: { we: Float64Array; wq: Float64Array; b: Float64Array; v: Float64Array } | { wg: Float64Array };
}

export function prepareDecoder(d: Decoder, memoryWidth: number): PreparedDecoder {
  const routes = contextRoutes(d);
  const fw = feedbackWidth(d);
  const cell: FloatCellWeights = {
    units: d.units, inputSize: fw + (routes.input ? memoryWidth : 0),
    kernel: flatten(d.weights.kernel), recurrentKernel: flatten(d.weights.recurrentKernel), bias: Float64Array.from(d.weights.bias),
  };
  if (d.weights.recurrentBias) cell.recurrentBias = Float64Array.from(d.weights.recurrentBias);
  if (d.cell === 'gru') cell.resetAfter = d.resetAfter === true;
  const a = d.attention;
  return {
    d, memoryWidth, cell, routes, feedbackWidth: fw,
    projection: { kernel: flatten(d.projection.kernel), bias: Float64Array.from(d.projection.bias), cols: d.units + (routes.output ? memoryWidth : 0) },
    ...(d.init.kind === 'bridge' ? { bridge: { kernel: flatten(d.init.kernel), bias: Float64Array.from(d.init.bias) } } : {}),
    ...(a?.kind === 'bahdanau' ? { attention: { we: flatten(a.weights.encoderKernel), wq: flatten(a.weights.stateKernel), b: Float64Array.from(a.weights.bias), v: Float64Array.from(a.weights.v) } }
      : a?.kind === 'general' ? { attention: { wg: flatten(a.weights.kernel) } } : {}),
  };
}

/** Index of the first largest value. */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** The attention of `p` over `memory`: a function of the asking state q giving the context. */
function attention(p: PreparedDecoder, memory: readonly Float64Array[], observer?: DecoderObserver): ((q: Float64Array) => Float64Array) | undefined {
  const a = p.d.attention;
  if (!a) return undefined;
  const he = p.memoryWidth, s = p.d.units, T = memory.length;
  const e = new Float64Array(T);
  const dot = (x: ArrayLike<number>, y: ArrayLike<number>, n: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i]! * y[i]!;
    return sum;
  };
  // The scores e_j for one asking state q. What does not depend on the step is computed
  // once per sequence: W_e m_j (Bahdanau), W_g m_j (general).
  let scores: (q: Float64Array) => void;
  const w = p.attention;
  if (a.kind === 'bahdanau' && w && 'we' in w) {
    const A = a.units;
    const { we, wq, b, v } = w;
    const keys = memory.map((m) => { const k = new Float64Array(A); matVec(we, m, A, he, k); return k; });
    const qa = new Float64Array(A);
    const t = new Float64Array(A);
    scores = (q) => {
      matVec(wq, q, A, s, qa, b);
      for (let j = 0; j < T; j++) {
        for (let i = 0; i < A; i++) t[i] = Math.tanh(keys[j]![i]! + qa[i]!);
        e[j] = dot(v, t, A);
      }
    };
  } else {
    const wg = w && 'wg' in w ? w.wg : undefined;
    const keys = wg ? memory.map((m) => { const k = new Float64Array(s); matVec(wg, m, s, he, k); return k; }) : memory;
    if (wg) observer?.keys?.(keys);
    scores = (q) => { for (let j = 0; j < T; j++) e[j] = dot(q, keys[j]!, s); };
  }
  return (q) => {
    scores(q);
    observer?.scores?.(e);
    softmaxInPlace(e);
    const ctx = new Float64Array(he);
    for (let j = 0; j < T; j++) for (let i = 0; i < he; i++) ctx[i] = ctx[i]! + e[j]! * memory[j]![i]!;
    return ctx;
  };
}

/**
 * The decoder's outputs (K, or fewer with endToken) after an encoder that produced
 * `memory` (its last layer's outputs); `copied`: the last encoder layer's final state,
 * for init "copy". An observer sees the values calibration records; it changes nothing.
 */
export function runDecoder(p: PreparedDecoder, memory: readonly Float64Array[], copied?: FloatCellState, observer?: DecoderObserver): Float64Array[] {
  const { d, routes } = p;
  const cell = FLOAT_CELLS[d.cell];
  const state = newCellState(d.units);
  if (d.init.kind === 'copy' && copied) {
    state.h.set(copied.h);
    if (d.cell === 'lstm') state.c.set(copied.c);
  } else if (p.bridge) {
    matVec(p.bridge.kernel, memory[memory.length - 1]!, d.units, p.memoryWidth, state.h, p.bridge.bias);
    for (let i = 0; i < d.units; i++) state.h[i] = Math.tanh(state.h[i]!);
  }
  const scratch = scratchFor(p.cell);
  const attend = attention(p, memory, observer);
  const pre = observer?.step ? new Float64Array(cell.gates * d.units) : undefined;
  const x = new Float64Array(p.cell.inputSize);
  const r = new Float64Array(p.projection.cols);
  const fb = d.feedback;
  let u: ArrayLike<number> = fb.kind === 'prediction' ? fb.start : fb.table[fb.start]!;
  const outs: Float64Array[] = [];
  for (let k = 0; k < d.steps; k++) {
    x.set(u);
    let ctx: Float64Array | undefined;
    if (attend && routes.input) {
      ctx = attend(state.h.slice());
      x.set(ctx, p.feedbackWidth);
    }
    cell.step(p.cell, x, state, scratch);
    if (pre) { cell.preactivations(p.cell, scratch, pre); observer!.step!(pre, state); }
    if (attend && !routes.input) ctx = attend(state.h.slice());
    r.set(state.h);
    if (routes.output) r.set(ctx!, d.units);
    const y = new Float64Array(d.outputSize);
    matVec(p.projection.kernel, r, d.outputSize, p.projection.cols, y, p.projection.bias);
    observer?.projection?.(y);
    if (d.projection.activation === 'softmax') softmaxInPlace(y);
    outs.push(y);
    if (fb.kind === 'embedding') {
      const c = argmax(y);
      if (d.endToken === c) break;
      u = fb.table[c]!;
    } else {
      u = y;
    }
  }
  return outs;
}
