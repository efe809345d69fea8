/**
 * A recurrent layer in fixed point, whatever its cell: one direction over a sequence,
 * a bidirectional merge, reverse and last-index outputs, streaming. The cell itself
 * (cells/*.ts) only steps one direction once; this file is what every recurrent kind
 * shares (fixed/kinds.ts).
 *
 * Semantics mirror the float reference (src/float/model.ts): the backward direction runs
 * over the reversed sequence; returnSequences false passes on the last output
 * (bidirectional: forward last merged with backward at t = 0, or with "last-index" at
 * t = T−1: the backward direction's one step on x_{T−1}).
 */
import type { QDirection, QRecurrentLayer } from '../ir/qmodel.js';
import { lastOutputOf } from '../ir/model.js';
import type { FixedCellSpec, FixedCellState, FixedContext, FixedScratch } from './cells/types.js';
import type { FixedObserver } from './observer.js';
import { avgS16 } from './ops.js';

/** An observer and the index of the layer it watches (fixed/observer.ts). */
export interface LayerWatch {
  observer: FixedObserver;
  layer: number;
}

/** After-step hand-over of the cell's wide values to the observer; undefined without one. */
export type StepHook = ((s: FixedScratch) => void) | undefined;

export function stepHook<L>(cell: FixedCellSpec<L>, layer: L, watch: LayerWatch | undefined): StepHook {
  if (!watch) return undefined;
  const list = cell.narrowings(layer);
  return (s) => { for (const n of list) watch.observer.values(watch.layer, n.how, n.wide(s)); };
}

/** A direction's state before its first step: its initial state h0 / c0, or zeros. */
export function initialState(units: number, dir: QDirection): FixedCellState {
  const st = { h: new Int16Array(units), c: new Int32Array(units) };
  if (dir.h0) st.h.set(dir.h0);
  if (dir.c0) st.c.set(dir.c0);
  return st;
}

export function newScratch(layer: QRecurrentLayer): FixedScratch {
  const rows = layer.forward.x.rows;
  return { xg: new Int32Array(rows), hg: new Int32Array(rows), rh: new Int16Array(layer.units), cw: new Float64Array(layer.units) };
}

/** Bidirectional merge: concat keeps Q0.15; sum is rshr(a + b, 1) in Q1.14. */
function merge(a: Int16Array, b: Int16Array, mode: 'concat' | 'sum'): Int16Array {
  if (mode === 'sum') return a.map((v, i) => avgS16(v, b[i]!));
  const out = new Int16Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function runDirection<L extends QRecurrentLayer>(
  cell: FixedCellSpec<L>, layer: L, dir: QDirection, xs: Int16Array[], reverse: boolean, ctx: FixedContext, hook: StepHook, final?: FixedCellState,
): Int16Array[] {
  const st = initialState(layer.units, dir);
  const sc = newScratch(layer);
  const out = new Array<Int16Array>(xs.length);
  for (let k = 0; k < xs.length; k++) {
    const t = reverse ? xs.length - 1 - k : k;
    cell.step(layer, dir, xs[t]!, st, ctx, sc);
    if (hook) hook(sc);
    out[t] = st.h.slice();
  }
  if (final) { final.h = st.h; final.c = st.c; }
  return out;
}

/**
 * The layer's outputs over a whole sequence: one per step, or one. `final` receives the
 * forward direction's state after its last step (a decoder's init "copy").
 */
export function runRecurrent<L extends QRecurrentLayer>(
  cell: FixedCellSpec<L>, layer: L, xs: Int16Array[], ctx: FixedContext, watch?: LayerWatch, final?: FixedCellState,
): Int16Array[] {
  const hook = stepHook(cell, layer, watch);
  // reverse: the one direction reads x_{T−1} … x_0, so its last output is at t = 0.
  const reverse = layer.reverse === true;
  const fwd = runDirection(cell, layer, layer.forward, xs, reverse, ctx, hook, final);
  if (!layer.bidirectional || !layer.backward) return layer.returnSequences ? fwd : [fwd[reverse ? 0 : fwd.length - 1]!];
  const mode = layer.bidirectional;
  const last = xs.length - 1;
  if (!layer.returnSequences && lastOutputOf(layer) === 'last-index') {
    // bwd_{T−1}: the backward direction's first step, on x_{T−1} from its initial state.
    const bwdLast = runDirection(cell, layer, layer.backward, [xs[last]!], true, ctx, hook);
    return [merge(fwd[last]!, bwdLast[0]!, mode)];
  }
  const bwd = runDirection(cell, layer, layer.backward, xs, true, ctx, hook);
  if (layer.returnSequences) return fwd.map((f, t) => merge(f, bwd[t]!, mode));
  return [merge(fwd[last]!, bwd[0]!, mode)];
}
