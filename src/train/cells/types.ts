/**
 * One direction of a recurrent layer during training: the recurrence only. The layer
 * around it computes the input projections Z = X·Wᵀ + b for all timesteps at once and
 * turns their gradients back into dW, db and dX (src/train/recurrent.ts).
 *
 * Shapes (row-major, time-major): T timesteps, B sequences, U units, G gates.
 *   zin  T×B×(G·U)  input projections; the cell overwrites it with its gate activations
 *   hs   T×B×U      h at every timestep (written by forward)
 *   h0, c0  B×U     initial state
 *   dhs  T×B×U      dLoss/dh_t from above (read only)
 *   dzin T×B×(G·U)  dLoss/dZ (written by backward)
 * A reverse cell walks t = T−1 … 0; its "previous" state at t is the one at t+1.
 */

/** Views into the flat parameter and gradient vectors for one direction. */
export interface CellParams {
  /** (G·U) × U recurrent kernel and its gradient. */
  u: Float64Array;
  du: Float64Array;
  /** GRU resetAfter only: G·U recurrent bias and its gradient. */
  rb?: Float64Array;
  drb?: Float64Array;
}

export interface TrainCell {
  readonly gates: number;
  forward(zin: Float64Array, hs: Float64Array, h0: Float64Array, c0: Float64Array, steps: number, batch: number, reverse: boolean): void;
  /**
   * Accumulates dU (and dRb) into the gradient views; writes dzin. `dcLast` (LSTM only):
   * dL/dc of the state after the last processed step, from beyond the sequence (a decoder
   * that copied it, or the next decoding step); otherwise that gradient is 0.
   */
  backward(dhs: Float64Array, dzin: Float64Array, hs: Float64Array, dcLast?: Float64Array): void;
  /**
   * After backward: dL/dh0 (and dL/dc0 for an LSTM) into h and c (B×U), the gradient
   * reaching the initial state. rnn, lstm and gru have it (a decoder's cells).
   */
  initialStateGrad?(h: Float64Array, c: Float64Array): void;
  /** Copies the state after the last processed timestep into h and c (B×U). */
  finalState(hs: Float64Array, h: Float64Array, c: Float64Array): void;
}
