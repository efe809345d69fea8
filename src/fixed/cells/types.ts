import type { QDirection, QuantModel } from '../../ir/qmodel.js';
import type { Narrowing } from '../observer.js';

/** Mutable integer state of one direction: h (Q0.15) and, for LSTM, c. */
export interface FixedCellState {
  h: Int16Array;
  /** LSTM cell state; int16 or int32 values per the layer's cell format. */
  c: Int32Array;
}

/** What a cell step needs besides its weights: the model's activation tables. */
export interface FixedContext {
  lut: QuantModel['lut'];
  log2Lut: number;
}

/** Scratch for one step: gate pre-activations from the input and recurrent products. */
export interface FixedScratch {
  /** The input product; after a step, each row's wide pre-activation (gateWide) before sat16. */
  xg: Int32Array;
  hg: Int32Array;
  /** GRU resetAfter false: r⊙h, the input of the n-rows of the recurrent product. */
  rh: Int16Array;
  /** LSTM: after a step, the cell update before its saturation (lstmCellWide). */
  cw: Float64Array;
}

/** Values a cell narrows in one step, left in its scratch: what they are and where. */
export interface CellNarrowing {
  how: Narrowing;
  wide(scratch: FixedScratch): ArrayLike<number>;
}

export interface FixedCellSpec<L> {
  /** One timestep: updates `state` in place from the int16 input `x`. */
  step(layer: L, dir: QDirection, x: ArrayLike<number>, state: FixedCellState, ctx: FixedContext, scratch: FixedScratch): void;
  /** What an observer may read from the scratch after each step (fixed/observer.ts). */
  narrowings(layer: L): CellNarrowing[];
}
