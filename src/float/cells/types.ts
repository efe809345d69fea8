/** The float weights of one direction of a recurrent layer, flattened row-major. */
export interface FloatCellWeights {
  units: number;
  inputSize: number;
  /** (gates·units) × inputSize */
  kernel: Float64Array;
  /** (gates·units) × units */
  recurrentKernel: Float64Array;
  bias: Float64Array;
  /** GRU resetAfter only. */
  recurrentBias?: Float64Array;
  resetAfter?: boolean;
  /** LSTM i, f, o and GRU r, z gate function; absent: the logistic sigmoid. */
  gate?: (x: number) => number;
  /** rnn: h' = act(·); absent: tanh. */
  act?: (x: number) => number;
  /** The state before the first step (the IR's initialH / initialC); absent: zeros. */
  h0?: Float64Array;
  c0?: Float64Array;
}

/** Mutable state of one direction: h (and c for LSTM). */
export interface FloatCellState {
  h: Float64Array;
  c: Float64Array;
}

/** A float cell: one timestep, updating `state` in place from input `x`. */
export interface FloatCell {
  gates: number;
  step(w: FloatCellWeights, x: ArrayLike<number>, state: FloatCellState, scratch: Float64Array): void;
}
