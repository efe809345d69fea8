/**
 * The decoder of an encoder–decoder model in fixed point: ir/qmodel.ts qDecoderSchema
 * gives every integer step, this file runs them, each a fixed/ops.ts rule (or a product's
 * accumulation, as in fixed/matmul.ts: exact sums whose bounds the schema's comment
 * proves). The float twin is float/seq2seq.ts.
 */
import { RnncError } from '../errors.js';
import { type QDecoder, type QDenseLayer, type QRecurrentLayer, MAX_MEMORY } from '../ir/qmodel.js';
import type { FixedCellState, FixedContext, FixedScratch } from './cells/types.js';
import { gateInput } from './cells/gate.js';
import { denseFixed } from './dense.js';
import { EXP_FRAC } from './dense.js';
import { FIXED_CELLS } from './kinds.js';
import { matmul } from './matmul.js';
import { lutTanh, rescaleS16, rshrS32, rshrSatS64, satS16, softmaxQ15 } from './ops.js';

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

/**
 * Σ_i a_i·b_i of two int16 vectors over n values, exact: |Σ| ≤ n·2^30 < 2^53 for n < 2^23
 * (int64 in C, the matmul loops' accumulation).
 */
function dotWide(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += a[i]! * b[i]!;
  return acc;
}

/** Index of the first largest int16 value: the class an embedding decoder feeds back. */
export function argmaxS16(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** The attention over `memory`: the context (memFrac) for an asking Q0.15 state q. */
function attention(d: QDecoder, memory: readonly Int16Array[], ctx: FixedContext, exp: readonly number[] | undefined): ((q: Int16Array) => Int16Array) | undefined {
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
    score = (q) => {
      matmul(a.query!, q, qa);
      for (let j = 0; j < T; j++) {
        const kj = keys[j]!;
        for (let i = 0; i < A; i++) t[i] = lutTanh(ctx.lut.tanh, ctx.log2Lut, gateInput(kj[i]!, qa[i]!));
        matmul(a.v!, t, e);
        scores[j] = e[0]!;
      }
    };
  } else {
    const keyFrac = a.kind === 'general' ? a.keyFrac! : d.memFrac;
    const keys = a.kind === 'general'
      ? memory.map((m) => { const k = new Int32Array(s); matmul(a.keys!, m, k); return Int16Array.from(k, satS16); })
      : memory;
    const shift = 15 + keyFrac - a.logitFrac;
    score = (q) => { for (let j = 0; j < T; j++) scores[j] = rshrSatS64(dotWide(q, keys[j]!, s), shift); };
  }
  const sum = new Int32Array(he);
  return (q) => {
    score(q);
    softmaxQ15(exp, ctx.log2Lut, scores, alpha, a.logitFrac, EXP_FRAC);
    sum.fill(0);
    // |Σ_j α_j·m_j[i]| ≤ (2^15 + T/2)·2^15 < 2^31 (qmodel.ts): exact in int32.
    for (let j = 0; j < T; j++) {
      const m = memory[j]!, w = alpha[j]!;
      for (let i = 0; i < he; i++) sum[i] = sum[i]! + w * m[i]!;
    }
    return Int16Array.from(sum, (v) => satS16(rshrS32(v, 15)));
  };
}

/**
 * The decoder's outputs (K int16 vectors at the projection's outFrac, fewer with
 * endToken) from the memory (the last encoder layer's outputs, memFrac) and, for init
 * "copy", that layer's final state in its own formats (`copiedHFrac`: its h's).
 */
export function runDecoderFixed(
  d: QDecoder, memory: readonly Int16Array[], ctx: FixedContext, exp: readonly number[] | undefined,
  copied?: { state: FixedCellState; hFrac: number; lstm: boolean },
): Int16Array[] {
  if (memory.length > MAX_MEMORY) {
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
    state.h.set(denseFixed(denseOf(d.init.dense), memory[memory.length - 1]!, ctx));
  }
  const input = d.attention?.into === 'input' || d.attention?.into === 'both';
  const output = d.attention?.into === 'output' || d.attention?.into === 'both';
  const attend = attention(d, memory, ctx, exp);
  const rows = cell.forward.x.rows;
  const scratch: FixedScratch = { xg: new Int32Array(rows), hg: new Int32Array(rows), rh: new Int16Array(s), cw: new Float64Array(s) };
  const step = FIXED_CELLS[cell.type] as { step(l: QRecurrentLayer, dir: QRecurrentLayer['forward'], x: ArrayLike<number>, st: FixedCellState, c: FixedContext, sc: FixedScratch): void };
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
    if (attend && !input) c = attend(state.h.slice());
    for (let i = 0; i < s; i++) r[i] = rescaleS16(state.h[i]!, 15, proj.inFrac);
    if (output) for (let i = 0; i < c!.length; i++) r[s + i] = rescaleS16(c![i]!, d.memFrac, proj.inFrac);
    const y = denseFixed(proj, r, ctx, exp);
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
