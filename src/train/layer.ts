/** What the network needs from a trainable layer (recurrent.ts, dense.ts, conv.ts). */
import type { Layer } from '../ir/model.js';
import type { Rng } from '../util/rng.js';

/**
 * Activations are time-major: a sequence batch is T×B×F (row t·B + b holds sample b at
 * step t). Buffers are owned by the layer and reused between batches.
 */
export interface TrainLayer {
  readonly inputSize: number;
  readonly outputSize: number;
  /** Output of the last forward call; `outSteps` rows of B×outputSize. */
  readonly out: Float64Array;
  /** Runs the layer on x (T×B×inputSize); returns the number of output timesteps. */
  forward(x: Float64Array, steps: number, batch: number): number;
  /**
   * Given dL/d(out), accumulates parameter gradients and returns dL/dx (T×B×inputSize),
   * or nothing when `needInput` is false (the first layer).
   */
  backward(dout: Float64Array, needInput: boolean): Float64Array | undefined;
  /** Fresh weights (init.ts conventions). */
  init(rng: Rng): void;
  /** The layer as IR, weights copied out of the parameter vector. */
  toIr(): Layer;
}

/** Copies a row-major matrix out of a flat view into the IR's nested arrays. */
export function toRows(w: Float64Array, rows: number, cols: number, offset = 0): number[][] {
  return Array.from({ length: rows }, (_, r) => Array.from(w.subarray(offset + r * cols, offset + (r + 1) * cols)));
}
