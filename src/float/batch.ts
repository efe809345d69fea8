/**
 * The float reference over many sequences of one length at once: each layer's products
 * become matrix–matrix products (gemm.ts) over every sequence of the batch, the input
 * product over every timestep in one call. Each value is computed by the same operations
 * in the same order as runFloat on one sequence (model.ts), so the results are equal bit
 * for bit; what changes is speed (the weights are read once per batch, not per sequence).
 * Calibration, the tuning moments and the error measures (src/quantize/) run their
 * sequences through this.
 */
import { RnncError } from '../errors.js';
import type { FloatModel } from '../ir/model.js';
import type { BatchObserver } from './observer.js';
import { type SeqBatch, packBatch, unpackBatch } from './seq-batch.js';
import { floatKind, prepareModel } from './kinds.js';
import { normalizeInput } from './model.js';

/**
 * Sequences a caller runs together. Measured on LSTM 96 × 2 (bench/calibrate.ts), 8 to 64
 * run at about the same speed per sequence: by 8 the weights are read seldom enough.
 */
export const BATCH_ROWS = 32;

/**
 * runFloat on every sequence of the batch (inputs normalised, as normalizeInput gives
 * them): the model's outputs, one step per timestep, or one.
 */
export function runFloatBatch(model: FloatModel, x: SeqBatch, prepared = prepareModel(model), observer?: BatchObserver): SeqBatch {
  if (x.width !== model.inputSize) throw new RnncError('internal/bug', `batch of width ${x.width}, model input ${model.inputSize}`);
  let seq = x;
  prepared.forEach((p, i) => {
    seq = floatKind(p).runBatch(p, seq, i, observer);
    observer?.layer?.(i, seq);
  });
  return seq;
}

/**
 * The sequences' indices grouped by length, each group in sequence order and at most
 * `max` long: batches as large as the lengths allow, for callers the order of sequences
 * does not matter to.
 */
export function lengthGroups(seqs: readonly ArrayLike<unknown>[], max = BATCH_ROWS): number[][] {
  const open = new Map<number, number[]>();
  const groups: number[][] = [];
  seqs.forEach((seq, s) => {
    let g = open.get(seq.length);
    if (!g || g.length === max) {
      g = [];
      open.set(seq.length, g);
      groups.push(g);
    }
    g.push(s);
  });
  return groups;
}

/** [start, end) of each run of consecutive sequences of one length, at most `max` long: batches that keep the sequences' order. */
export function equalLengthRuns(seqs: readonly ArrayLike<unknown>[], max = BATCH_ROWS): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (let at = 0; at < seqs.length;) {
    let end = at + 1;
    while (end < seqs.length && end - at < max && seqs[end]!.length === seqs[at]!.length) end++;
    runs.push([at, end]);
    at = end;
  }
  return runs;
}

/**
 * runFloat on each sequence (real inputs, checked and normalised as runFloat does), in
 * batches of consecutive equal-length sequences: each sequence's outputs, equal to
 * runFloat's bit for bit. `onRun` sees each batch's per-layer outputs, first row `start`.
 */
export function runFloatEach(
  model: FloatModel, seqs: readonly (readonly ArrayLike<number>[])[], prepared = prepareModel(model),
  onRun?: (start: number, layers: SeqBatch[]) => void,
): Float64Array[][] {
  const out: Float64Array[][] = [];
  for (const [start, end] of equalLengthRuns(seqs)) {
    const run = seqs.slice(start, end).map((seq) => {
      if (seq.length === 0) throw new RnncError('data/invalid', 'input sequence is empty: expected at least one timestep');
      return seq.map((x, t) => {
        if (x.length !== model.inputSize) throw new RnncError('data/invalid', `input timestep ${t}: expected ${model.inputSize} features, got ${x.length}`);
        return normalizeInput(model, x);
      });
    });
    const layers: SeqBatch[] = [];
    const y = runFloatBatch(model, packBatch(run), prepared, { layer: (i, o) => { layers[i] = o; } });
    onRun?.(start, layers);
    out.push(...unpackBatch(y));
  }
  return out;
}
