/**
 * Optional observation of a whole-sequence float run, for calibration and error reports
 * (src/quantize/). Observing never changes a result.
 */
import type { FloatCellState } from './cells/types.js';
import type { SeqBatch } from './seq-batch.js';
import type { SsmProbe } from './ssm.js';

export interface FloatObserver {
  /** After each recurrent step of layer `layer`: its gate pre-activations (FloatCell.preactivations) and the state after. */
  step?(layer: number, backward: boolean, pre: Float64Array, state: FloatCellState): void;
  /** A dense layer's pre-activation W x + b, before its activation. */
  dense?(layer: number, pre: Float64Array): void;
  /** The outputs a layer passes on (one per timestep, or one). */
  layer?(layer: number, outputs: Float64Array[]): void;
  /** After each step of an ssm layer: every intermediate (views, valid during the call). */
  ssm?(layer: number, probe: SsmProbe): void;
  /** An encoder–decoder's decoder (float/seq2seq.ts). */
  decoder?: DecoderObserver;
}

/** What the decoder's run shows (calibration's decoder ranges); views, valid during the call. */
export interface DecoderObserver {
  /** After each decoder step: the cell's gate pre-activations and its state after. */
  step?(pre: Float64Array, state: FloatCellState): void;
  /** Each step's attention scores e_j, before the softmax. */
  scores?(e: Float64Array): void;
  /** general attention: the keys W_g m_j, once per sequence. */
  keys?(keys: readonly Float64Array[]): void;
  /** Each step's projection W r + b, before its activation. */
  projection?(pre: Float64Array): void;
}

/**
 * The same observation of a batched run (batch.ts), each call covering every row
 * (sequence) of the batch at once. Rows are in the batch's order.
 */
export interface BatchObserver {
  /** After each recurrent step: `rows` rows of gate pre-activations, of h and of c (c meaningful for LSTM only). */
  step?(layer: number, backward: boolean, rows: number, pre: Float64Array, h: Float64Array, c: Float64Array): void;
  /** A dense or conv1d layer's W x + b, every step and row (units per row). */
  dense?(layer: number, pre: Float64Array): void;
  /** The outputs a layer passes on. */
  layer?(layer: number, out: SeqBatch): void;
  /** An ssm layer's steps, one row after another (FloatObserver.ssm). */
  ssm?(layer: number, probe: SsmProbe): void;
}
