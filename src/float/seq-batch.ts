/** A batch of equal-length sequences, the shape the batched float forward (batch.ts) works on. */
import { RnncError } from '../errors.js';

/**
 * `rows` sequences of `steps` vectors of `width` values, time-major:
 * sequence b at step t is data[(t·rows + b)·width …].
 */
export interface SeqBatch {
  steps: number;
  rows: number;
  width: number;
  data: Float64Array;
}

/** Equal-length sequences (already normalised) into one batch. */
export function packBatch(seqs: readonly (readonly Float64Array[])[]): SeqBatch {
  const rows = seqs.length;
  const steps = seqs[0]?.length ?? 0;
  const width = seqs[0]?.[0]?.length ?? 0;
  const data = new Float64Array(steps * rows * width);
  seqs.forEach((seq, b) => {
    if (seq.length !== steps) throw new RnncError('internal/bug', `a batch holds sequences of one length: ${seq.length} ≠ ${steps}`);
    seq.forEach((x, t) => data.set(x, (t * rows + b) * width));
  });
  return { steps, rows, width, data };
}

/** The batch back as one array of vectors per sequence (runFloat's shape). */
export function unpackBatch(x: SeqBatch): Float64Array[][] {
  return Array.from({ length: x.rows }, (_, b) => Array.from({ length: x.steps }, (_, t) => {
    const at = (t * x.rows + b) * x.width;
    return x.data.slice(at, at + x.width);
  }));
}

/** Step t of the batch (every row) as a batch of one step, sharing its data. */
export function stepOf(x: SeqBatch, t: number): SeqBatch {
  const n = x.rows * x.width;
  return { steps: 1, rows: x.rows, width: x.width, data: x.data.subarray(t * n, (t + 1) * n) };
}
