/**
 * The float reference: float64 inference of a whole model, over a whole sequence or
 * streamed one timestep at a time. This is what training optimises and what the
 * fixed-point reference is measured against.
 *
 * Streaming semantics: every step emits the model output as if the sequence ended at
 * that step, so for a many-to-one model the last streamed output equals the
 * whole-sequence output.
 */
import { RnncError } from '../errors.js';
import { wholeSequenceOnly } from '../ir/kinds.js';
import type { FloatModel } from '../ir/model.js';
import type { FloatObserver } from './observer.js';
import { floatKind, prepareModel } from './kinds.js';
import type { FloatCellState } from './cells/types.js';
import { prepareDecoder, runDecoder } from './seq2seq.js';

/** Applies the model's input normalisation, if any. */
export function normalizeInput(model: FloatModel, x: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(x as ArrayLike<number>);
  if (model.normalization) {
    const { mean, std } = model.normalization;
    for (let i = 0; i < out.length; i++) out[i] = (out[i]! - mean[i]!) / std[i]!;
  }
  return out;
}

function checkInput(model: FloatModel, xs: ArrayLike<ArrayLike<number>>): void {
  if (xs.length === 0) throw new RnncError('data/invalid', 'input sequence is empty: expected at least one timestep');
  for (let t = 0; t < xs.length; t++) {
    const x = xs[t]!;
    if (x.length !== model.inputSize) {
      throw new RnncError('data/invalid', `input timestep ${t}: expected ${model.inputSize} features, got ${x.length}`);
    }
  }
}

/**
 * Whole-sequence inference. Returns one output per timestep when the model ends in a
 * sequence, else a single output.
 */
export function runFloat(
  model: FloatModel, xs: ArrayLike<ArrayLike<number>>, prepared = prepareModel(model), observer?: FloatObserver,
): Float64Array[] {
  checkInput(model, xs);
  let seq = Array.from({ length: xs.length }, (_, t) => normalizeInput(model, xs[t]!));
  // A decoder that copies the encoder's final state reads the last layer's state after its last step.
  const last = prepared.length - 1;
  let final: FloatCellState | undefined;
  const watch: FloatObserver | undefined = model.decoder?.init.kind === 'copy'
    ? { ...observer, step(i, backward, pre, state) { observer?.step?.(i, backward, pre, state); if (i === last && !backward) final = { h: state.h.slice(), c: state.c.slice() }; } }
    : observer;
  prepared.forEach((p, i) => {
    seq = floatKind(p).run(p, seq, i, watch);
    observer?.layer?.(i, seq);
  });
  if (!model.decoder) return seq;
  return runDecoder(prepareDecoder(model.decoder, seq[0]!.length), seq, final, observer?.decoder);
}

export interface FloatStream {
  reset(): void;
  /** One timestep in, the model output at this step out. */
  step(x: ArrayLike<number>): Float64Array;
}

/** Streaming inference, one timestep at a time; a model that reads whole sequences (ir/kinds.ts wholeSequenceOnly) cannot stream. */
export function streamFloat(model: FloatModel, prepared = prepareModel(model)): FloatStream {
  if (model.decoder) throw new RnncError('unsupported/feature', 'an encoder–decoder model writes its outputs after the whole input sequence; run whole sequences');
  const whole = wholeSequenceOnly(model.layers);
  if (whole) throw new RnncError('unsupported/feature', `a model with ${whole.phrase} cannot be streamed one step at a time; run whole sequences`);
  const layers = prepared.map((p) => floatKind(p).stream(p));
  return {
    reset() {
      for (const l of layers) l.reset();
    },
    step(x) {
      checkInput(model, [x]);
      let v: Float64Array = normalizeInput(model, x);
      for (const l of layers) v = l.step(v);
      return v;
    },
  };
}
