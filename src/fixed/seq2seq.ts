/**
 * The decoder of an encoder–decoder model in fixed point: ir/qmodel.ts qDecoderSchema
 * gives every integer step, this file runs them, each a fixed/ops.ts rule or a product's
 * accumulation of fixed/matmul.ts (exact sums whose bounds the schema's comment proves).
 * The float twin is float/seq2seq.ts.
 *
 * An observer (fixed/observer.ts) watches the decoder as layer `layers.length` (type
 * "decoder"): its cell's narrowings as a layer's, and each with a `quantity`: the bridge's
 * and Bahdanau's tanh inputs (Q3.12), general's keys, the scores and the projection's sat16.
 * Not observed: the rescales to a product's common input format (a rounding right shift of
 * an int16 into a coarser format cannot saturate) and ctx's sat16 (a convex blend of the
 * memory, beyond it only by the α's rounding, T/2^16 of it).
 */
import { RnncError } from '../errors.js';
import { type QDecoder, type QDenseLayer, type QRecurrentLayer, MAX_MEMORY } from '../ir/qmodel.js';
import type { FixedCellSpec, FixedCellState, FixedContext, FixedScratch } from './cells/types.js';
import { PREACTIVATION, gateInput, gateWide } from './cells/gate.js';
import { EXP_FRAC, denseFixed, denseNarrowing } from './dense.js';
import type { Narrowing } from './observer.js';
import { type LayerWatch, stepHook } from './recurrent.js';
import { FIXED_CELLS } from './kinds.js';
import { dotWide, matmul, weightedSum } from './matmul.js';
import { lutTanh, narrowing, rescaleS16, rshrS32, rshrSatS64, satS16, softmaxQ15 } from './ops.js';

/** The decoder's cell, typed as the recurrent layer it is. */
function cellOf(d: QDecoder): QRecurrentLayer {
  const c = d.cell;
  if (c.type !== 'lstm' && c.type !== 'gru' && c.type !== 'rnn') throw new Error(`decoder cell of type ${c.type}`);
  return c;
}

function denseOf(l: QDecoder['projection']): QDenseLayer {
  if (l.type !== 'dense') throw new Error(`decoder dense of type ${l.type}`);
  return l;
}

/** Index of the first largest int16 value: the class an embedding decoder feeds back. */
export function argmaxS16(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** A sat16 into `frac`, as an observer sees it (fixed/observer.ts). */
function s16(frac: number, quantity: string): Narrowing {
  return { kind: 'output', frac, bits: 16, positiveOnly: false, saturates: narrowing.saturatesS16, quantity };
}

/** A dense layer's accumulators handed to the observer as `quantity`; undefined without one. */
function denseWatch(layer: QDenseLayer, watch: LayerWatch | undefined, quantity: string): ((acc: Int32Array) => void) | undefined {
  if (!watch) return undefined;
  const how = { ...denseNarrowing(layer), quantity };
  return (acc) => watch.observer.values(watch.layer, how, acc);
}

/** The attention over `memory`: the context (memFrac) for an asking Q0.15 state q. */
function attention(d: QDecoder, memory: readonly Int16Array[], ctx: FixedContext, exp: readonly number[] | undefined, watch?: LayerWatch): ((q: Int16Array) => Int16Array) | undefined {
  const a = d.attention;
  if (!a) return undefined;
  if (!exp) throw new Error('attention without tables.exp');
  const T = memory.length, he = memory[0]!.length, s = d.units;
  const scores = new Int32Array(T);
  const alpha = new Int16Array(T);
  let score: (q: Int16Array) => void;
  if (a.kind === 'bahdanau') {
    const A = a.keys!.rows;
    const keys = memory.map((m) => { const k = new Int32Array(A); matmul(a.keys!, m, k); return k; });
    const qa = new Int32Array(A);
    const t = new Int16Array(A);
    const e = new Int32Array(1);
    const wide = watch ? new Float64Array(T * A) : undefined;
    score = (q) => {
      matmul(a.query!, q, qa);
      for (let j = 0; j < T; j++) {
        const kj = keys[j]!;
        for (let i = 0; i < A; i++) t[i] = lutTanh(ctx.lut.tanh, ctx.log2Lut, gateInput(kj[i]!, qa[i]!));
        if (wide) for (let i = 0; i < A; i++) wide[j * A + i] = gateWide(kj[i]!, qa[i]!);
        matmul(a.v!, t, e);
        scores[j] = e[0]!;
      }
      if (wide) watch!.observer.values(watch!.layer, { ...PREACTIVATION, quantity: 'attention tanh input' }, wide);
    };
  } else {
    const keyFrac = a.kind === 'general' ? a.keyFrac! : d.memFrac;
    const keys = a.kind === 'general'
      ? memory.map((m) => {
        const k = new Int32Array(s);
        matmul(a.keys!, m, k);
        watch?.observer.values(watch.layer, s16(keyFrac, 'attention keys W_g m'), k);
        return Int16Array.from(k, satS16);
      })
      : memory;
    const shift = 15 + keyFrac - a.logitFrac;
    score = (q) => { for (let j = 0; j < T; j++) scores[j] = rshrSatS64(dotWide(q, keys[j]!, s), shift); };
  }
  const sum = new Int32Array(he);
  const scoreNarrowing = s16(a.logitFrac, 'attention scores');
  return (q) => {
    score(q);
    watch?.observer.values(watch.layer, scoreNarrowing, scores);
    softmaxQ15(exp, ctx.log2Lut, scores, alpha, a.logitFrac, EXP_FRAC);
    weightedSum(alpha, memory, sum);
    const out = new Int16Array(he);
    for (let i = 0; i < he; i++) out[i] = satS16(rshrS32(sum[i]!, 15));
    return out;
  };
}

/**
 * The decoder's outputs (K int16 vectors at the projection's outFrac, fewer with
 * endToken) from the memory (the last encoder layer's outputs, memFrac) and, for init
 * "copy", that layer's final state in its own formats (`copiedHFrac`: its h's).
 */
export function runDecoderFixed(
  d: QDecoder, memory: readonly Int16Array[], ctx: FixedContext, exp: readonly number[] | undefined,
  copied?: { state: FixedCellState; hFrac: number; lstm: boolean }, watch?: LayerWatch,
): Int16Array[] {
  // The bound is attention's (the softmax over T and the context's sum): without it any length runs.
  if (d.attention && memory.length > MAX_MEMORY) {
    throw new RnncError('data/invalid', `an encoder–decoder attends over at most ${MAX_MEMORY} encoder outputs in fixed point, got ${memory.length}`);
  }
  const cell = cellOf(d);
  const proj = denseOf(d.projection);
  const s = d.units;
  const state: FixedCellState = { h: new Int16Array(s), c: new Int32Array(s) };
  if (d.init.kind === 'copy' && copied) {
    for (let i = 0; i < s; i++) state.h[i] = rescaleS16(copied.state.h[i]!, copied.hFrac, 15);
    if (cell.type === 'lstm' && copied.lstm) state.c.set(copied.state.c);
  } else if (d.init.kind === 'bridge') {
    const bridge = denseOf(d.init.dense);
    state.h.set(denseFixed(bridge, memory[memory.length - 1]!, ctx, undefined, denseWatch(bridge, watch, 'bridge tanh input')));
  }
  const input = d.attention?.into === 'input' || d.attention?.into === 'both';
  const output = d.attention?.into === 'output' || d.attention?.into === 'both';
  const attend = attention(d, memory, ctx, exp, watch);
  const rows = cell.forward.x.rows;
  const scratch: FixedScratch = { xg: new Int32Array(rows), hg: new Int32Array(rows), rh: new Int16Array(s), cw: new Float64Array(s) };
  const step = FIXED_CELLS[cell.type] as FixedCellSpec<QRecurrentLayer>;
  const hook = stepHook(step, cell, watch);
  const projHook = denseWatch(proj, watch, proj.activation === 'softmax' ? 'projection logits' : 'projection output');
  const fb = d.feedback;
  const row = (c: number) => (fb.kind === 'embedding' ? fb.table.slice(c * fb.width, (c + 1) * fb.width) : []);
  let u: ArrayLike<number> = fb.kind === 'prediction' ? fb.start : row(fb.start);
  const uw = u.length;
  const x = new Int16Array(cell.forward.x.cols);
  const r = new Int16Array(proj.mm.cols);
  const outs: Int16Array[] = [];
  for (let k = 0; k < d.steps; k++) {
    for (let i = 0; i < uw; i++) x[i] = rescaleS16(u[i]!, d.uFrac, cell.inFrac);
    let c: Int16Array | undefined;
    if (attend && input) {
      c = attend(state.h.slice());
      for (let i = 0; i < c.length; i++) x[uw + i] = rescaleS16(c[i]!, d.memFrac, cell.inFrac);
    }
    step.step(cell, cell.forward, x, state, ctx, scratch);
    if (hook) hook(scratch);
    if (attend && !input) c = attend(state.h.slice());
    for (let i = 0; i < s; i++) r[i] = rescaleS16(state.h[i]!, 15, proj.inFrac);
    if (output) for (let i = 0; i < c!.length; i++) r[s + i] = rescaleS16(c![i]!, d.memFrac, proj.inFrac);
    const y = denseFixed(proj, r, ctx, exp, projHook);
    outs.push(y);
    if (fb.kind === 'embedding') {
      const cls = argmaxS16(y);
      if (d.endToken === cls) break;
      u = row(cls);
    } else {
      u = y;
    }
  }
  return outs;
}
