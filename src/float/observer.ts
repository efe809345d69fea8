/**
 * Optional observation of a whole-sequence float run, for calibration and error reports
 * (src/quantize/). Observing never changes a result.
 */
import type { FloatCellState } from './cells/types.js';

export interface FloatObserver {
  /** After each recurrent step of layer `layer`: its gate pre-activations (FloatCell.preactivations) and the state after. */
  step?(layer: number, backward: boolean, pre: Float64Array, state: FloatCellState): void;
  /** A dense layer's pre-activation W x + b, before its activation. */
  dense?(layer: number, pre: Float64Array): void;
  /** The outputs a layer passes on (one per timestep, or one). */
  layer?(layer: number, outputs: Float64Array[]): void;
}
