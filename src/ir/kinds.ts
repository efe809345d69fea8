/**
 * The layer kinds, declared once: what every phase needs to know about a kind before it
 * looks at its own part (float/kinds.ts, fixed/kinds.ts, train/kinds.ts,
 * codegen/kinds.ts, each a Record over these kinds, so a kind missing from a phase is a
 * type error). docs/adding-a-layer.md is the recipe.
 *
 * `state` lists the per-direction state a recurrent kind carries from step to step, in
 * the order the C state struct declares it (wider types first, so no padding): each is
 * an array of `units` values, in fixed point int16 or the type its format needs.
 */
import { GRU_GATES, type LayerType, LSTM_GATES, RNN_GATES, type StateKind } from './model.js';

export interface KindInfo {
  /** Carries state along the sequence (and so has directions, returnSequences, ...). */
  recurrent: boolean;
  /** Reads one input per timestep in order (recurrent layers, conv1d): needs a sequence in. */
  needsSequence: boolean;
  /** Gate blocks stacked in the weight matrices, in order (ir/model.ts layout). */
  gates: readonly string[];
  /** The state fields of one direction (see the header). */
  state: readonly StateKind[];
}

export const KINDS: Record<LayerType, KindInfo> = {
  rnn: { recurrent: true, needsSequence: true, gates: RNN_GATES, state: ['h'] },
  lstm: { recurrent: true, needsSequence: true, gates: LSTM_GATES, state: ['c', 'h'] },
  gru: { recurrent: true, needsSequence: true, gates: GRU_GATES, state: ['h'] },
  dense: { recurrent: false, needsSequence: false, gates: [], state: [] },
  // Its state is the last (k−1)·d inputs, not per unit: codegen/kinds.ts declares it.
  conv1d: { recurrent: false, needsSequence: true, gates: [], state: [] },
};

/** Whether a kind carries state `s` (the LSTM's cell state c, say). */
export function hasState(type: LayerType, s: StateKind): boolean {
  return KINDS[type].state.includes(s);
}

/** Number of stacked gate blocks of a kind (0 for dense). */
export function gateCount(type: LayerType): number {
  return KINDS[type].gates.length;
}
