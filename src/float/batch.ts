/**
 * The float reference over many sequences of one length at once: each layer's products
 * become matrix–matrix products (gemm.ts) over every sequence of the batch, the input
 * product over every timestep in one call. Each value is computed by the same operations
 * in the same order as runFloat on one sequence (model.ts), so the results are equal bit
 * for bit; what changes is speed (the weights are read once per batch, not per sequence).
 * Calibration (quantize/calibrate.ts) runs its sequences through this.
 */
import { RnncError } from '../errors.js';
import type { FloatModel } from '../ir/model.js';
import type { BatchObserver } from './observer.js';
import type { SeqBatch } from './seq-batch.js';
import { floatKind, prepareModel } from './kinds.js';

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
