/**
 * A recurrent layer over a batch of equal-length sequences (batch.ts): recurrent.ts's
 * directions, merges, reverse and last-index outputs, with the input product of a
 * direction over every step and row in one gemm and each step's recurrent product over
 * every row in one (the cell's stepRows). Same values as recurrent.ts, bit for bit.
 */
import { lastOutputOf } from '../ir/model.js';
import { rowScratch, type FloatCell, type FloatCellWeights } from './cells/types.js';
import { gemmRows } from './gemm.js';
import { type SeqBatch, stepOf } from './seq-batch.js';
import type { BatchObserver } from './observer.js';
import type { PreparedRecurrent } from './prepare.js';

type OnRows = (pre: Float64Array, h: Float64Array, c: Float64Array) => void;

/** One direction: h after the last step it runs, and (keepAll) h at every step. */
function runDirectionRows(cell: FloatCell, w: FloatCellWeights, x: SeqBatch, reverse: boolean, keepAll: boolean, onStep?: OnRows): { all?: Float64Array; last: Float64Array } {
  const { steps: T, rows: B } = x;
  const u = w.units;
  const G = cell.gates * u;
  // W x + b for every step and row: T·B rows of G.
  const xw = new Float64Array(T * B * G);
  gemmRows(T * B, G, w.inputSize, x.data, 0, w.inputSize, w.kernel, 0, w.bias, xw, 0, G);
  const h = new Float64Array(B * u);
  const c = new Float64Array(B * u);
  for (let b = 0; b < B; b++) {
    if (w.h0) h.set(w.h0, b * u);
    if (w.c0) c.set(w.c0, b * u);
  }
  const pre = new Float64Array(B * G);
  const scratch = rowScratch(w, B);
  const all = keepAll ? new Float64Array(T * B * u) : undefined;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    cell.stepRows(w, B, xw, t * B * G, h, c, pre, scratch);
    onStep?.(pre, h, c);
    all?.set(h, t * B * u);
  }
  return all ? { all, last: h } : { last: h };
}

/** Row by row: [a, b] (concat) or a + b (sum), `n` rows of `u` each. */
function mergeRows(a: Float64Array, b: Float64Array, n: number, u: number, mode: 'concat' | 'sum'): Float64Array {
  if (mode === 'sum') return a.map((v, i) => v + b[i]!);
  const out = new Float64Array(2 * n * u);
  for (let r = 0; r < n; r++) {
    out.set(a.subarray(r * u, (r + 1) * u), 2 * r * u);
    out.set(b.subarray(r * u, (r + 1) * u), (2 * r + 1) * u);
  }
  return out;
}

/** Layer `i` over the batch: recurrent.ts runRecurrent on every row. */
export function runRecurrentBatch(cell: FloatCell, p: PreparedRecurrent, x: SeqBatch, i: number, obs?: BatchObserver): SeqBatch {
  const { steps: T, rows: B } = x;
  const u = p.forward.units;
  const onStep = (backward: boolean): OnRows | undefined => (obs?.step
    ? (pre, h, c) => obs.step!(i, backward, B, pre, h, c)
    : undefined);
  const seqOut = p.layer.returnSequences;
  const out = (steps: number, width: number, data: Float64Array): SeqBatch => ({ steps, rows: B, width, data });
  // reverse: the one direction's last output is at t = 0, the last step it runs.
  const reverse = p.layer.reverse === true;
  if (!p.backward || !p.layer.bidirectional) {
    const f = runDirectionRows(cell, p.forward, x, reverse, seqOut, onStep(false));
    return seqOut ? out(T, u, f.all!) : out(1, u, f.last);
  }
  const mode = p.layer.bidirectional;
  const width = mode === 'concat' ? 2 * u : u;
  // (rules.ts refuses reverse on a bidirectional layer: the forward direction runs forwards.)
  const f = runDirectionRows(cell, p.forward, x, false, seqOut, onStep(false));
  if (!seqOut && lastOutputOf(p.layer) === 'last-index') {
    // bwd_{T−1}: the backward direction's one step on x_{T−1} from its initial state.
    const b = runDirectionRows(cell, p.backward, stepOf(x, T - 1), true, false, onStep(true));
    return out(1, width, mergeRows(f.last, b.last, B, u, mode));
  }
  const b = runDirectionRows(cell, p.backward, x, true, seqOut, onStep(true));
  if (seqOut) return out(T, width, mergeRows(f.all!, b.all!, T * B, u, mode));
  // Keras: the forward direction's last output with the backward one's, produced at t = 0.
  return out(1, width, mergeRows(f.last, b.last, B, u, mode));
}
