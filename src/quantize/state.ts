/**
 * Recurrent states in fixed point: the initial states of the float model (initialH /
 * initialC) and the states `rnnc run --state` sets. Each value v becomes
 *   q = sat(floor(v · 2^frac + 0.5))          (round half up, as the input helper)
 * in the state's C type: h int16 in h's format (Q0.15, or a relu RNN's calibrated one),
 * c (LSTM) int16 or int32 in the cell format. The C loads these integers as they are
 * (NAME_reset), so this one function is what "the state as the C holds it" means.
 */
import { hasRecurrentProduct } from '../ir/kinds.js';
import { type FloatModel, isRecurrent, rnnActivationOf } from '../ir/model.js';
import type { QDirection, QRecurrentLayer } from '../ir/qmodel.js';
import { hiddenFrac } from '../ir/qmodel.js';

export interface QuantizedState {
  values: number[];
  /** How many values were beyond the format and saturated. */
  saturated: number;
}

export function quantizeStateValues(values: ArrayLike<number>, frac: number, bits: 16 | 32): QuantizedState {
  const max = bits === 16 ? 32767 : 2 ** 31 - 1;
  const min = -max - 1;
  const scale = 2 ** frac;
  let saturated = 0;
  const out = Array.from(values, (v) => {
    const q = Math.floor(v * scale + 0.5);
    if (q > max || q < min) saturated++;
    return Math.max(min, Math.min(max, q));
  });
  return { values: out, saturated };
}

export interface DirectionState {
  h?: ArrayLike<number> | undefined;
  c?: ArrayLike<number> | undefined;
}

/**
 * `dir` with its initial state set from real values: h0 / c0 from `state` where given,
 * the direction's own where not; all-zero states are left out (the C emits no table
 * for them). Returns the direction and the count of saturated values.
 */
export function withInitialState(layer: QRecurrentLayer, dir: QDirection, state: DirectionState): { dir: QDirection; saturated: number } {
  const out: QDirection = { ...dir };
  let saturated = 0;
  if (state.h) {
    const q = quantizeStateValues(state.h, hiddenFrac(layer), 16);
    saturated += q.saturated;
    if (q.values.some((v) => v !== 0)) out.h0 = q.values;
    else delete out.h0;
  }
  if (state.c && layer.type === 'lstm') {
    const q = quantizeStateValues(state.c, layer.cell.frac, layer.cell.bits);
    saturated += q.saturated;
    if (q.values.some((v) => v !== 0)) out.c0 = q.values;
    else delete out.c0;
  }
  return { dir: out, saturated };
}

/**
 * Initial h values a Q0.15 h cannot hold (|h| >= 1; tanh and the gates keep a computed h
 * inside ±1, so only a given initial state gets there): one warning per layer. A relu
 * RNN's h and an LSTM's c take formats wide enough for their initial state (quantize.ts).
 */
export function initialStateWarnings(model: FloatModel): string[] {
  const out: string[] = [];
  model.layers.forEach((l, i) => {
    if (!isRecurrent(l) || (l.type === 'rnn' && rnnActivationOf(l) === 'relu') || !hasRecurrentProduct(l.type)) return;
    const beyond = [l.weights, l.backwardWeights].reduce((n, w) => n + (w?.initialH ?? []).filter((v) => Math.abs(v) >= 1).length, 0);
    if (beyond > 0) out.push(`layers[${i}]: ${beyond} initial h value${beyond > 1 ? 's are' : ' is'} at or beyond ±1, which Q0.15 cannot hold; ${beyond > 1 ? 'they saturate' : 'it saturates'} to ±(1 − 2^-15)`);
  });
  return out;
}
