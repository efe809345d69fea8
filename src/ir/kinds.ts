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
import { GRU_GATES, type LayerType, LSTM_GATES, MINGRU_GATES, MINLSTM_GATES, RNN_GATES, type StateKind } from './model.js';

export interface KindInfo {
  /** Carries state along the sequence (and so has directions, returnSequences, ...). */
  recurrent: boolean;
  /** Reads one input per timestep in order (recurrent layers, conv1d): needs a sequence in. */
  needsSequence: boolean;
  /** Gate blocks stacked in the weight matrices, in order (ir/model.ts layout). */
  gates: readonly string[];
  /** The state fields of one direction (see the header). */
  state: readonly StateKind[];
  /**
   * Has a recurrent product U h (recurrentKernel). False for the minimal kinds (minGRU, minLSTM),
   * whose gates read x only: their last gate block is the unbounded candidate h̃, and h
   * takes a calibrated format.
   */
  recurrentProduct: boolean;
}

export const KINDS: Record<LayerType, KindInfo> = {
  rnn: { recurrent: true, needsSequence: true, gates: RNN_GATES, state: ['h'], recurrentProduct: true },
  lstm: { recurrent: true, needsSequence: true, gates: LSTM_GATES, state: ['c', 'h'], recurrentProduct: true },
  gru: { recurrent: true, needsSequence: true, gates: GRU_GATES, state: ['h'], recurrentProduct: true },
  mingru: { recurrent: true, needsSequence: true, gates: MINGRU_GATES, state: ['h'], recurrentProduct: false },
  minlstm: { recurrent: true, needsSequence: true, gates: MINLSTM_GATES, state: ['h'], recurrentProduct: false },
  dense: { recurrent: false, needsSequence: false, gates: [], state: [], recurrentProduct: false },
  // Its state is the last (k−1)·d inputs, not per unit: codegen/kinds.ts declares it.
  conv1d: { recurrent: false, needsSequence: true, gates: [], state: [], recurrentProduct: false },
  // Its state is h (units × stateSize) and the conv's last k−1 inputs: codegen/kinds.ts declares it.
  ssm: { recurrent: false, needsSequence: true, gates: ['x', 'z'], state: [], recurrentProduct: false },
};

/** Whether a kind carries state `s` (the LSTM's cell state c, say). */
export function hasState(type: LayerType, s: StateKind): boolean {
  return KINDS[type].state.includes(s);
}

/** Whether a recurrent kind has a recurrent product (KindInfo.recurrentProduct); false for minGRU, minLSTM. */
export function hasRecurrentProduct(type: LayerType): boolean {
  return KINDS[type].recurrent && KINDS[type].recurrentProduct;
}

/** Number of stacked gate blocks of a kind (0 for dense). */
export function gateCount(type: LayerType): number {
  return KINDS[type].gates.length;
}

/** What `wholeSequenceOnly` reads of a layer, in either model format. */
export interface SequenceLayer {
  type: LayerType;
  bidirectional?: unknown;
  reverse?: boolean | undefined;
  lookahead?: number | undefined;
}

/** Why a model reads whole sequences: a short word, and the phrase "a model with …" completes. */
export interface WholeSequenceReason {
  word: 'bidirectional' | 'reverse' | 'centred conv1d';
  phrase: string;
}

/**
 * Why a model must read a whole sequence before its first output (undefined: it streams
 * one step at a time). A bidirectional or reverse layer reads the sequence backwards; a
 * conv1d with lookahead reads future inputs.
 */
export function wholeSequenceOnly(layers: readonly SequenceLayer[]): WholeSequenceReason | undefined {
  if (layers.some((l) => KINDS[l.type].recurrent && l.bidirectional)) return { word: 'bidirectional', phrase: 'a bidirectional layer' };
  if (layers.some((l) => KINDS[l.type].recurrent && l.reverse)) return { word: 'reverse', phrase: 'a reverse layer' };
  const a = layers.find((l) => l.type === 'conv1d' && (l.lookahead ?? 0) > 0)?.lookahead;
  if (a) return { word: 'centred conv1d', phrase: `a centred conv1d (it reads ${a} future ${a === 1 ? 'input' : 'inputs'})` };
  return undefined;
}
