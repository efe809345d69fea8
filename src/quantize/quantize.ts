/**
 * Float IR → quantized IR. Weights are symmetric per output row (int8 by default),
 * h and gate activations are Q0.15, gate pre-activations Q3.12; the formats that
 * depend on data (model input, LSTM cell state, linear/relu/softmax dense outputs) come
 * from calibrated ranges, or from conservative defaults when there are none.
 */
import { createHash } from 'node:crypto';
import { RnncError } from '../errors.js';
import type { FloatModel, RecurrentLayer, RecurrentWeights } from '../ir/model.js';
import type { QDirection, QLayer, QuantModel } from '../ir/qmodel.js';
import { modelToJson } from '../ir/io.js';
import { inferShapes } from '../ir/shapes.js';
import { EXP_FRAC } from '../fixed/dense.js';
import { DEFAULT_LUT_SIZE, buildLuts } from '../fixed/lut.js';
import { PRE_FRAC, Q15_FRAC } from '../fixed/ops.js';
import { fracFor } from './formats.js';
import { quantizeMatmul } from './matmul.js';

/** Largest absolute values seen on calibration data (real units, after normalisation). */
export interface Ranges {
  input: number;
  /** Per layer: LSTM cell state |c|, or a dense layer's pre-activation |W x + b|. */
  layers: Array<{ cell?: number; dense?: number }>;
}

export interface QuantizeOptions {
  weightBits?: 8 | 16;
  lutSize?: number;
  /** Calibrated ranges; without them the defaults below apply (and callers warn). */
  ranges?: Ranges;
  /** Headroom over the calibrated maximum, for data the calibration did not show. */
  margin?: number;
  producer?: string;
}

/** Defaults without calibration: normalised inputs within ±8, |c| within ±16, dense within ±64. */
export const DEFAULT_RANGES = { input: 7.9, cell: 15.9, dense: 63.9 } as const;

function quantizeDirection(layer: RecurrentLayer, w: RecurrentWeights, inFrac: number, bits: 8 | 16, what: string): QDirection {
  return {
    x: quantizeMatmul({ what: `${what}.kernel`, kernel: w.kernel, bias: w.bias, weightBits: bits, inFrac, outFrac: PRE_FRAC }),
    h: quantizeMatmul({
      what: `${what}.recurrentKernel`, kernel: w.recurrentKernel, bias: layer.type === 'gru' && layer.resetAfter ? w.recurrentBias : undefined,
      weightBits: bits, inFrac: Q15_FRAC, outFrac: PRE_FRAC,
    }),
  };
}

export function sha256Model(model: FloatModel): string {
  return createHash('sha256').update(modelToJson(model)).digest('hex');
}

export function quantizeModel(model: FloatModel, opts: QuantizeOptions = {}): QuantModel {
  const bits = opts.weightBits ?? 8;
  const margin = opts.margin ?? 1.25;
  const lutSize = opts.lutSize ?? DEFAULT_LUT_SIZE;
  let luts;
  try {
    luts = buildLuts(lutSize);
  } catch (e) {
    throw new RnncError('quantize/invalid', (e as Error).message);
  }
  const ranges = opts.ranges;
  const shapes = inferShapes(model);
  const inputFrac = fracFor(ranges?.input ?? DEFAULT_RANGES.input, 16, ranges ? margin : 1, 15);
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
      if (act === 'linear' || act === 'relu') {
        outFrac = fracFor(absMax, 16, m, 15);
        mmFrac = outFrac;
      } else if (act === 'softmax') {
        logitFrac = fracFor(absMax, 16, m, 15);
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
    const outFrac = layer.bidirectional === 'sum' ? Q15_FRAC - 1 : Q15_FRAC;
    const common = {
      units: layer.units,
      returnSequences: layer.returnSequences,
      inFrac,
      outFrac,
      forward: quantizeDirection(layer, layer.weights, inFrac, bits, `${what}.weights`),
      ...(layer.bidirectional && layer.backwardWeights
        ? { bidirectional: layer.bidirectional, backward: quantizeDirection(layer, layer.backwardWeights, inFrac, bits, `${what}.backwardWeights`) }
        : {}),
    };
    inFrac = outFrac;
    if (layer.type === 'lstm') {
      const cAbs = r?.cell ?? DEFAULT_RANGES.cell;
      const m = r?.cell !== undefined ? margin : 1;
      const frac16 = fracFor(cAbs, 16, m, 15);
      // Below 8 fractional bits int16 loses too much precision: widen to int32 instead.
      const cell = frac16 >= 8 ? { bits: 16 as const, frac: frac16 } : { bits: 32 as const, frac: Math.min(24, fracFor(cAbs, 32, m, 24)) };
      return { type: 'lstm', ...common, cell };
    }
    if (layer.type === 'gru') return { type: 'gru', ...common, resetAfter: layer.resetAfter };
    return { type: 'rnn', ...common };
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
  if (model.meta) q.meta = { ...model.meta };
  return q;
}

/** exp(−u) for u = 16·k/N, k = 0..N, Q0.15 (input Q4.11, see fixed/dense.ts). */
export function buildExpTable(size: number): number[] {
  const span = 2 ** (15 - EXP_FRAC);
  return Array.from({ length: size + 1 }, (_, k) => Math.min(32767, Math.round(Math.exp((-span * k) / size) * 32768)));
}
