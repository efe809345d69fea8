/**
 * Float IR → quantized IR. Weights are symmetric per output row (int8 by default),
 * h and gate activations are Q0.15, gate pre-activations Q3.12; the formats that
 * depend on data (model input, LSTM cell state, linear/relu/softmax dense outputs) come
 * from calibrated ranges, or from conservative defaults when there are none.
 */
import { createHash } from 'node:crypto';
import { RnncError } from '../errors.js';
import { type FloatModel, type RecurrentLayer, type RecurrentWeights, gateActivationOf, rnnActivationOf } from '../ir/model.js';
import type { QDirection, QLayer, QuantModel } from '../ir/qmodel.js';
import { modelToJson } from '../ir/io.js';
import { validateQuantModel } from '../ir/qio.js';
import { FRAC_RANGE } from '../ir/qmodel.js';
import { inferShapes } from '../ir/shapes.js';
import { EXP_FRAC } from '../fixed/dense.js';
import { DEFAULT_LUT_SIZE, buildLuts } from '../fixed/lut.js';
import { PRE_FRAC, Q15_FRAC } from '../fixed/ops.js';
import { fracFor } from './formats.js';
import { quantizeMatmul } from './matmul.js';
import { withInitialState } from './state.js';

/** Largest absolute values seen on calibration data (real units, after normalisation). */
export interface Ranges {
  input: number;
  /** Which input feature reached `input` (for messages). */
  inputFeature?: number;
  /**
   * Per layer: LSTM cell state |c|, a dense layer's pre-activation |W x + b|, or a relu
   * RNN's hidden state |h| (unbounded, unlike tanh's).
   */
  layers: Array<{ cell?: number; dense?: number; hidden?: number }>;
}

export interface QuantizeOptions {
  weightBits?: 8 | 16;
  lutSize?: number;
  /** Calibrated ranges; without them the defaults below apply (and callers warn). */
  ranges?: Ranges;
  /** Headroom over the calibrated maximum, for data the calibration did not show. */
  margin?: number;
  producer?: string;
  /** Where the ranges come from (the calibration file), for messages. */
  rangesSource?: string;
}

/**
 * Table size when none is asked for: 256 entries (1 KiB for both tables) with int8
 * weights, whose own error hides any larger table; 512 with int16 weights, where it
 * lowers the error of h by about 20 % (measured: docs/numeric-contract.md).
 */
export function defaultLutSize(weightBits: 8 | 16): number {
  return weightBits === 16 ? 2 * DEFAULT_LUT_SIZE : DEFAULT_LUT_SIZE;
}

/** Defaults without calibration: normalised inputs within ±8, |c| within ±16, dense within ±64. */
export const DEFAULT_RANGES = { input: 7.9, cell: 15.9, dense: 63.9 } as const;

/**
 * Both products of a direction, requantized to `preFrac` (Q.12 for the tables; a relu
 * RNN's h format, so h' = max(0, X + H) needs no rescale) from `hFrac` (h's format:
 * Q0.15, or a relu RNN's calibrated one).
 */
function quantizeDirection(
  layer: RecurrentLayer, w: RecurrentWeights, inFrac: number, bits: 8 | 16, what: string, hFrac = Q15_FRAC, preFrac = PRE_FRAC,
): QDirection {
  return {
    x: quantizeMatmul({ what: `${what}.kernel`, kernel: w.kernel, bias: w.bias, weightBits: bits, inFrac, outFrac: preFrac }),
    h: quantizeMatmul({
      what: `${what}.recurrentKernel`, kernel: w.recurrentKernel, bias: layer.type === 'gru' && layer.resetAfter ? w.recurrentBias : undefined,
      weightBits: bits, inFrac: hFrac, outFrac: preFrac,
    }),
  };
}

/** Largest |value| of a layer's initial h or c over its directions (0 without one). */
function initialAbs(layer: RecurrentLayer, key: 'initialH' | 'initialC'): number {
  let m = 0;
  for (const w of [layer.weights, layer.backwardWeights]) for (const v of w?.[key] ?? []) m = Math.max(m, Math.abs(v));
  return m;
}

/** The quantized layer with each direction's initial state (quantize/state.ts). */
function withInitialStates<L extends Exclude<QLayer, { type: 'dense' }>>(layer: RecurrentLayer, q: L): L {
  const init = (w: RecurrentWeights | undefined, dir: QDirection) => withInitialState(q, dir, { h: w?.initialH, c: w?.initialC }).dir;
  const out = { ...q, forward: init(layer.weights, q.forward) };
  if (q.backward) out.backward = init(layer.backwardWeights, q.backward);
  return out;
}

/** The Qm.n name of an int16 format with `frac` fractional bits. */
function qName(frac: number): string {
  return `Q${15 - frac}.${frac}`;
}

/**
 * Fractional bits of an int16 format holding |x| <= absMax·margin. A range no int16
 * format of the quantized IR spans (frac below FRAC_RANGE.min: beyond ±2^31) comes from
 * the data, not from a bug: it is refused with what reached it.
 */
function int16Frac(absMax: number, margin: number, what: () => string): number {
  const frac = Number.isFinite(absMax) ? fracFor(absMax, 16, margin, FRAC_RANGE.max) : -Infinity;
  if (frac >= FRAC_RANGE.min) return frac;
  const limit = 2 ** (15 - FRAC_RANGE.min);
  throw new RnncError('quantize/range_overflow',
    `${what()} reach ${absMax.toPrecision(3)}${margin !== 1 ? ` (${(absMax * margin).toPrecision(3)} with margin ${margin})` : ''}: beyond ±2^${15 - FRAC_RANGE.min} ` +
    `(${limit.toPrecision(3)}), the widest int16 format (${qName(FRAC_RANGE.min)})`);
}

export function sha256Model(model: FloatModel): string {
  return createHash('sha256').update(modelToJson(model)).digest('hex');
}

export function quantizeModel(model: FloatModel, opts: QuantizeOptions = {}): QuantModel {
  const bits = opts.weightBits ?? 8;
  const margin = opts.margin ?? 1.25;
  const lutSize = opts.lutSize ?? defaultLutSize(bits);
  let luts;
  try {
    luts = buildLuts(lutSize);
  } catch (e) {
    throw new RnncError('quantize/invalid', (e as Error).message);
  }
  const ranges = opts.ranges;
  const shapes = inferShapes(model);
  const from = opts.rangesSource ? `${opts.rangesSource}: ` : '';
  const inputFrac = int16Frac(ranges?.input ?? DEFAULT_RANGES.input, ranges ? margin : 1, () => {
    const f = ranges?.inputFeature;
    if (!model.normalization) return `${from}the inputs${f !== undefined ? ` (feature ${f})` : ''}`;
    const std = f !== undefined ? ` (feature ${f}, normalization.std[${f}] = ${model.normalization.std[f]})` : '';
    return `${from}the normalised inputs (x − mean) / std${std}`;
  });
  let inFrac = inputFrac;
  let needsExp = false;
  const layers = model.layers.map((layer, i): QLayer => {
    const what = `layers[${i}]`;
    const r = ranges?.layers[i];
    if (layer.type === 'dense') {
      const act = layer.activation;
      const absMax = r?.dense ?? DEFAULT_RANGES.dense;
      const m = r?.dense !== undefined ? margin : 1;
      let outFrac = Q15_FRAC;
      let mmFrac = PRE_FRAC;
      let logitFrac: number | undefined;
      const reached = () => `${from}the ${act === 'softmax' ? 'logits' : 'outputs'} W x + b of ${what} (dense ${act})`;
      if (act === 'linear' || act === 'relu') {
        outFrac = int16Frac(absMax, m, reached);
        mmFrac = outFrac;
      } else if (act === 'softmax') {
        logitFrac = int16Frac(absMax, m, reached);
        mmFrac = logitFrac;
        needsExp = true;
      }
      const q: QLayer = {
        type: 'dense', units: layer.units, activation: act, inFrac, outFrac,
        mm: quantizeMatmul({ what: `${what}.weights.kernel`, kernel: layer.weights.kernel, bias: layer.weights.bias, weightBits: bits, inFrac, outFrac: mmFrac }),
      };
      if (logitFrac !== undefined) q.logitFrac = logitFrac;
      inFrac = outFrac;
      return q;
    }
    // h is Q0.15 (tanh and gates keep it within ±1), but a relu RNN's h is unbounded: its
    // format comes from the calibrated |h| (or the dense default), like a relu dense output.
    const relu = layer.type === 'rnn' && rnnActivationOf(layer) === 'relu';
    // A relu h and an LSTM c take formats that also hold the initial state exactly.
    const h0Abs = initialAbs(layer, 'initialH');
    const hFrac = relu
      ? int16Frac(Math.max(r?.hidden ?? DEFAULT_RANGES.dense, h0Abs), r?.hidden !== undefined ? margin : 1, () => `${from}the hidden state h of ${what} (rnn relu)`)
      : Q15_FRAC;
    if (layer.bidirectional === 'sum' && hFrac - 1 < FRAC_RANGE.min) {
      throw new RnncError('quantize/range_overflow', `${from}${what} (rnn relu, bidirectional sum): the hidden state is too large for the sum's format (${qName(FRAC_RANGE.min)})`);
    }
    const preFrac = relu ? hFrac : PRE_FRAC;
    const outFrac = layer.bidirectional === 'sum' ? hFrac - 1 : hFrac;
    const common = {
      units: layer.units,
      returnSequences: layer.returnSequences,
      inFrac,
      outFrac,
      forward: quantizeDirection(layer, layer.weights, inFrac, bits, `${what}.weights`, hFrac, preFrac),
      ...(layer.bidirectional && layer.backwardWeights
        ? { bidirectional: layer.bidirectional, backward: quantizeDirection(layer, layer.backwardWeights, inFrac, bits, `${what}.backwardWeights`, hFrac, preFrac) }
        : {}),
      ...(layer.lastOutput === 'last-index' ? { lastOutput: layer.lastOutput } : {}),
      ...(layer.reverse ? { reverse: true } : {}),
    };
    inFrac = outFrac;
    if (layer.type === 'lstm') {
      const cAbs = Math.max(r?.cell ?? DEFAULT_RANGES.cell, initialAbs(layer, 'initialC'));
      const m = r?.cell !== undefined ? margin : 1;
      const frac16 = fracFor(cAbs, 16, m, 15);
      // Below 8 fractional bits int16 loses too much precision: widen to int32 instead.
      const cell = frac16 >= 8 ? { bits: 16 as const, frac: frac16 } : { bits: 32 as const, frac: Math.min(24, fracFor(cAbs, 32, m, 24)) };
      if (!(cell.frac >= 0)) {
        // |c| grows by at most 1 per step: only a sequence of about 2^31 steps gets here.
        throw new RnncError('quantize/range_overflow', `${from}${what} (lstm): the cell state reaches ${cAbs.toPrecision(3)}, beyond the ±2^31 an int32 cell spans`);
      }
      return withInitialStates(layer, { type: 'lstm', ...common, recurrentActivation: gateActivationOf(layer), cell });
    }
    if (layer.type === 'gru') return withInitialStates(layer, { type: 'gru', ...common, recurrentActivation: gateActivationOf(layer), resetAfter: layer.resetAfter });
    return withInitialStates(layer, { type: 'rnn', ...common, activation: relu ? 'relu' : 'tanh' });
  });
  const last = shapes[shapes.length - 1]!;
  const q: QuantModel = {
    format: 'rnnc-qmodel',
    version: 1,
    name: model.name,
    producer: opts.producer ?? 'rnnc',
    sourceSha256: sha256Model(model),
    inputSize: model.inputSize,
    outputSize: last.outputSize,
    weightBits: bits,
    input: { frac: inputFrac, ...(model.normalization ? { normalization: model.normalization } : {}) },
    lut: { size: luts.size, sigmoid: luts.sigmoid, tanh: luts.tanh },
    layers,
    output: { frac: inFrac, sequence: last.sequenceOut },
  };
  if (needsExp) q.tables = { exp: buildExpTable(luts.size) };
  if (model.stateInputs) q.stateInputs = model.stateInputs;
  if (model.meta) q.meta = { ...model.meta };
  assertValid(q);
  return q;
}

/**
 * The quantizer's output passes the very check every reader of a model.q.json applies
 * (ir/qio.ts), so rnnc never writes a file it would then refuse. Inputs that could make
 * it fail are refused above (or by the float validator) with exit 2: a failure here is
 * a bug in the quantizer.
 */
function assertValid(q: QuantModel): void {
  try {
    validateQuantModel(q, 'the quantized model');
  } catch (e) {
    if (!(e instanceof RnncError)) throw e;
    throw new RnncError('internal/bug', `the quantizer produced an invalid model (please report this): ${e.message}`);
  }
}

/** exp(−u) for u = 16·k/N, k = 0..N, Q0.15 (input Q4.11, see fixed/dense.ts). */
export function buildExpTable(size: number): number[] {
  const span = 2 ** (15 - EXP_FRAC);
  return Array.from({ length: size + 1 }, (_, k) => Math.min(32767, Math.round(Math.exp((-span * k) / size) * 32768)));
}
