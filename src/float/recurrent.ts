/**
 * A recurrent layer in float, whatever its cell: one direction over a sequence, a
 * bidirectional merge, reverse and last-index outputs. The cell (cells/*.ts) steps one
 * direction once; this is what every recurrent kind shares (float/kinds.ts).
 */
import { lastOutputOf } from '../ir/model.js';
import type { FloatCell, FloatCellState, FloatCellWeights } from './cells/types.js';
import type { PreparedRecurrent } from './prepare.js';
import type { FloatObserver } from './observer.js';

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

export function scratchFor(w: FloatCellWeights): Float64Array {
  return new Float64Array(8 * w.units);
}

/** Runs one direction of a recurrent layer over a sequence; returns h at every step. */
function runDirection(
  cell: FloatCell, w: FloatCellWeights, xs: Float64Array[], reverse: boolean,
  onStep?: (pre: Float64Array, state: FloatCellState) => void,
): Float64Array[] {
  const state = initialCellState(w);
  const scratch = scratchFor(w);
  const pre = onStep ? new Float64Array(cell.gates * w.units) : undefined;
  const out = new Array<Float64Array>(xs.length);
  for (let k = 0; k < xs.length; k++) {
    const t = reverse ? xs.length - 1 - k : k;
    cell.step(w, xs[t]!, state, scratch);
    if (onStep) {
      cell.preactivations(w, scratch, pre!);
      onStep(pre!, state);
    }
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

/** Layer `i`'s outputs over a whole sequence: one per step, or one. */
export function runRecurrent(cell: FloatCell, p: PreparedRecurrent, xs: Float64Array[], i: number, obs?: FloatObserver): Float64Array[] {
  const onStep = (backward: boolean) => (obs?.step
    ? (pre: Float64Array, s: FloatCellState) => obs.step!(i, backward, pre, s)
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
