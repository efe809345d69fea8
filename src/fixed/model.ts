/**
 * The fixed-point reference: integer-only execution of a quantized model, whole
 * sequence or streamed, exactly as the emitted C computes it. This is the
 * specification the C must match bit for bit.
 *
 * Each layer runs through its kind (kinds.ts; recurrent layers: recurrent.ts), with the
 * float reference's semantics; streaming emits the model output at every step.
 */
import { RnncError } from '../errors.js';
import { wholeSequenceOnly } from '../ir/kinds.js';
import { type QDecoder, type QRecurrentLayer, type QuantModel, hiddenFrac, isQRecurrent } from '../ir/qmodel.js';
import { lutLog2 } from './lut.js';
import type { FixedCellSpec, FixedCellState, FixedContext } from './cells/types.js';
import { FIXED_CELLS, type FixedEnv, fixedKind } from './kinds.js';
import { runRecurrent } from './recurrent.js';
import { runDecoderFixed } from './seq2seq.js';
import type { FixedObserver, Narrowing } from './observer.js';
import { narrowing } from './ops.js';

export function fixedContext(model: QuantModel): FixedContext {
  return { lut: model.lut, log2Lut: lutLog2(model.lut.size) };
}

function checkInput(model: QuantModel, xs: ArrayLike<ArrayLike<number>>): void {
  if (xs.length === 0) throw new RnncError('data/invalid', 'input sequence is empty: expected at least one timestep');
  for (let t = 0; t < xs.length; t++) {
    const x = xs[t]!;
    if (x.length !== model.inputSize) {
      throw new RnncError('data/invalid', `input timestep ${t}: expected ${model.inputSize} features, got ${x.length}`);
    }
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (!Number.isInteger(v) || v < -32768 || v > 32767) {
        throw new RnncError('data/invalid', `input timestep ${t}, feature ${i}: expected an int16, got ${v}`);
      }
    }
  }
}

/** Layer i's environment; with an observer, it watches as layer i. */
function envFor(model: QuantModel, ctx: FixedContext, i: number, observer?: FixedObserver): FixedEnv {
  return observer ? { ctx, model, watch: { observer, layer: i } } : { ctx, model };
}

/**
 * Whole-sequence inference on int16 inputs (already quantized: see quantizeInput). An
 * observer (fixed/observer.ts) sees every narrowed value; the outputs are the same.
 */
export function runFixed(model: QuantModel, xs: ArrayLike<ArrayLike<number>>, observer?: FixedObserver): Int16Array[] {
  if (model.decoder) return runFixedSeq2Seq(model, model.decoder, xs, observer);
  const perLayer = runFixedLayers(model, xs, observer);
  return perLayer[perLayer.length - 1] ?? Array.from({ length: xs.length }, (_, t) => Int16Array.from(xs[t]!));
}

/** Whole-sequence inference returning every layer's outputs (error reports compare them per layer). */
export function runFixedLayers(model: QuantModel, xs: ArrayLike<ArrayLike<number>>, observer?: FixedObserver): Int16Array[][] {
  checkInput(model, xs);
  const ctx = fixedContext(model);
  let seq: Int16Array[] = Array.from({ length: xs.length }, (_, t) => Int16Array.from(xs[t]!));
  return model.layers.map((layer, i) => (seq = fixedKind(layer).run(layer, seq, envFor(model, ctx, i, observer))));
}

/**
 * An encoder–decoder: the layers, then the decoder (the observer sees it as layer layers.length),
 * the last one's final state kept for init "copy", then the decoder's K outputs.
 */
function runFixedSeq2Seq(model: QuantModel, d: QDecoder, xs: ArrayLike<ArrayLike<number>>, observer?: FixedObserver): Int16Array[] {
  checkInput(model, xs);
  const ctx = fixedContext(model);
  let seq: Int16Array[] = Array.from({ length: xs.length }, (_, t) => Int16Array.from(xs[t]!));
  const lastIndex = model.layers.length - 1;
  const final: FixedCellState = { h: new Int16Array(0), c: new Int32Array(0) };
  model.layers.forEach((layer, i) => {
    const env = envFor(model, ctx, i, observer);
    if (i === lastIndex && d.init.kind === 'copy' && isQRecurrent(layer)) {
      const cell = FIXED_CELLS[layer.type] as FixedCellSpec<QRecurrentLayer>;
      seq = runRecurrent(cell, layer, seq, ctx, env.watch, final);
    } else {
      seq = fixedKind(layer).run(layer, seq, env);
    }
  });
  const last = model.layers[lastIndex];
  const copied = d.init.kind === 'copy' && last && isQRecurrent(last) ? { state: final, hFrac: hiddenFrac(last), lstm: last.type === 'lstm' } : undefined;
  const watch = observer ? { observer, layer: model.layers.length } : undefined;
  return runDecoderFixed(d, seq, ctx, model.tables?.exp, copied, watch);
}

export interface FixedStream {
  reset(): void;
  step(x: ArrayLike<number>): Int16Array;
}

/** Streaming inference; a model that reads whole sequences (ir/kinds.ts wholeSequenceOnly) cannot stream. */
export function streamFixed(model: QuantModel, observer?: FixedObserver): FixedStream {
  if (model.decoder) throw new RnncError('unsupported/feature', 'an encoder–decoder model writes its outputs after the whole input sequence; run whole sequences');
  const whole = wholeSequenceOnly(model.layers);
  if (whole) throw new RnncError('unsupported/feature', `a model with ${whole.phrase} cannot be streamed one step at a time; run whole sequences`);
  const ctx = fixedContext(model);
  const layers = model.layers.map((layer, i) => fixedKind(layer).stream(layer, envFor(model, ctx, i, observer)));
  return {
    reset() {
      for (const l of layers) l.reset();
    },
    step(x) {
      checkInput(model, [x]);
      let v: Int16Array = Int16Array.from(x);
      for (const l of layers) v = l.step(v);
      return v;
    },
  };
}

/**
 * The float helper's input quantization, NAME_quantize_input's twin operation by
 * operation in float32 (so the device's helper and this one agree on every input):
 *   v = f32(f32(f32(x − mean) / std) · 2^frac) + 0.5f    (f32: round to float32; x, mean,
 *                                                         std are float32 in the C)
 *   q = 32767 if v ≥ 32767, floor(v) if v > −32768, else −32768 (NaN included)
 * Each float32 operation is the double result rounded once to float32, which is exactly
 * IEEE single precision for + − × ÷ (double has more than 2·24 + 2 bits). The product
 * by 2^frac is exact, so a fused multiply-add cannot change it either. An observer sees
 * every v before the clamp (floorSatS16), as layer −1.
 */
export function quantizeInput(model: QuantModel, x: ArrayLike<number>, observer?: FixedObserver): Int16Array {
  const f32 = Math.fround;
  const out = new Int16Array(x.length);
  const wide = observer ? new Float64Array(x.length) : undefined;
  const norm = model.input.normalization;
  const scale = 2 ** model.input.frac;
  const { floorSatS16 } = narrowing;
  for (let i = 0; i < x.length; i++) {
    const xi = f32(x[i]!);
    const z = norm ? f32(f32(xi - f32(norm.mean[i]!)) / f32(norm.std[i]!)) : xi;
    const v = f32(f32(z * scale) + 0.5);
    out[i] = floorSatS16(v);
    if (wide) wide[i] = v;
  }
  if (observer) observer.values(-1, inputNarrowing(model), wide!);
  return out;
}

/** The input helper's clamp to int16 in the model's input format. */
export function inputNarrowing(model: QuantModel): Narrowing {
  return { kind: 'input', frac: model.input.frac, bits: 16, positiveOnly: false, saturates: narrowing.saturatesInput };
}

export function dequantizeOutput(model: QuantModel, y: ArrayLike<number>): Float64Array {
  return Float64Array.from(y as ArrayLike<number>, (v) => v / 2 ** model.output.frac);
}
