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
  /**
   * Right after `step`, from what it left in `scratch`: the gate pre-activations the
   * fixed-point tables will see (gates·units values into `out`; calibration reports how
   * often they leave the tables' range). Reading them off the step costs no product.
   */
  preactivations(w: FloatCellWeights, scratch: Float64Array, out: Float64Array): void;
  /**
   * `step` on `rows` independent sequences at once (batch.ts), bit for bit: `xw` holds
   * each row's W x + b (gates·units per row, from gemm.ts gemmRows), `h` and `c` each
   * row's state (units per row, updated in place), and `pre` receives each row's gate
   * pre-activations (what `preactivations` gives). `scratch`: rowScratch(w, rows) values.
   */
  stepRows(w: FloatCellWeights, rows: number, xw: Float64Array, xwOff: number, h: Float64Array, c: Float64Array, pre: Float64Array, scratch: Float64Array): void;
}

/** Scratch a cell's stepRows needs for `rows` rows. */
export function rowScratch(w: FloatCellWeights, rows: number): Float64Array {
  return new Float64Array(5 * w.units * rows);
}
