/**
 * Float IR → quantized IR. Weights are symmetric per output row (int8 by default),
 * h and gate activations are Q0.15, gate pre-activations Q3.12; the formats that
 * depend on data (model input, LSTM cell state, linear/relu/softmax dense outputs) come
 * from calibrated ranges, or from conservative defaults when there are none.
 */
import { createHash } from 'node:crypto';
import { RnncError } from '../errors.js';
import type { FloatModel } from '../ir/model.js';
import { FRAC_RANGE, type QDecoder, type QLayer, type QuantModel } from '../ir/qmodel.js';
import { modelToJson } from '../ir/io.js';
import { validateQuantModel } from '../ir/qio.js';
import { inferShapes } from '../ir/shapes.js';
import { DEFAULT_LUT_SIZE, buildExpFineTable, buildExpTable, buildLuts, buildSoftplusTable } from '../fixed/lut.js';
import { DEFAULT_RANGES, fracFor, int16Frac } from './formats.js';
import { type CellFormat, type TableName, quantizeKind } from './kinds.js';
import type { TunedRows } from './matmul.js';
import type { Technique } from './tune-rows.js';
import type { LayerMoments } from './tune-stats.js';
import type { SsmQuantity } from './ssm-ranges.js';
import { quantizeDecoder } from './seq2seq.js';

/** Largest absolute values seen on calibration data (real units, after normalisation). */
export interface Ranges {
  input: number;
  /** Which input feature reached `input` (for messages). */
  inputFeature?: number;
  /**
   * Per layer: LSTM cell state |c|, a dense layer's pre-activation |W x + b|, or a relu
   * RNN's hidden state |h| (unbounded, unlike tanh's).
   */
  layers: Array<{ cell?: number; dense?: number; hidden?: number; ssm?: Record<SsmQuantity, number> }>;
  /** An encoder–decoder's decoder: LSTM |c|, the projection's |W r + b|, the scores |e|, general's keys |W_g m|. */
  decoder?: { cell?: number; projection: number; scores?: number; keys?: number };
}

export interface QuantizeOptions {
  weightBits?: 8 | 16;
  /** Per layer: its weight width when it differs from weightBits (a mixed-width model). */
  layerBits?: ReadonlyArray<8 | 16>;
  lutSize?: number;
  /** Calibrated ranges; without them the defaults below apply (and callers warn). */
  ranges?: Ranges;
  /** Headroom over the calibrated maximum, for data the calibration did not show. */
  margin?: number;
  /** Headroom over the calibrated input range (default: `margin`); pipeline.ts says why it is wider. */
  inputMargin?: number;
  producer?: string;
  /** Where the ranges come from (the calibration file), for messages. */
  rangesSource?: string;
  /** Per layer: an LSTM cell format chosen elsewhere (cells.ts), instead of the range rule. */
  cells?: ReadonlyArray<CellFormat | undefined>;
  /**
   * Post-training tuning of the weight rows (tune-rows.ts): per layer, the moments of
   * its products' calibration inputs (tune-stats.ts), and the techniques to apply.
   */
  tune?: { moments: readonly LayerMoments[]; techniques: ReadonlySet<Technique>; cache?: TunedRows };
}

/**
 * Table size when none is asked for: 256 entries (1 KiB for both tables) with int8
 * weights, whose own error hides any larger table; 512 with int16 weights, where it
 * lowers the error of h by about 20 % (measured: docs/numeric-contract.md).
 */
export function defaultLutSize(weightBits: 8 | 16): number {
  return weightBits === 16 ? 2 * DEFAULT_LUT_SIZE : DEFAULT_LUT_SIZE;
}

export function sha256Model(model: FloatModel): string {
  return createHash('sha256').update(modelToJson(model)).digest('hex');
}

export function quantizeModel(model: FloatModel, opts: QuantizeOptions = {}): QuantModel {
  // layerBits all of one width is that width for the whole model, not a mixed one.
  const uniform = opts.layerBits?.length && opts.layerBits.every((b) => b === opts.layerBits![0]) ? opts.layerBits[0] : undefined;
  const bits = uniform ?? opts.weightBits ?? 8;
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
  const inputAbs = ranges?.input ?? DEFAULT_RANGES.input;
  const fitted = int16Frac(inputAbs, ranges ? margin : 1, () => {
    const f = ranges?.inputFeature;
    if (!model.normalization) return `${from}the inputs${f !== undefined ? ` (feature ${f})` : ''}`;
    const std = f !== undefined ? ` (feature ${f}, normalization.std[${f}] = ${model.normalization.std[f]})` : '';
    return `${from}the normalised inputs (x − mean) / std${std}`;
  });
  // The input's own headroom (inputMargin) widens the format but never refuses a range the
  // margin holds: at worst the widest format.
  const inputFrac = ranges && opts.inputMargin !== undefined
    ? Math.max(FRAC_RANGE.min, Math.min(fitted, fracFor(inputAbs, 16, opts.inputMargin, FRAC_RANGE.max)))
    : fitted;
  let inFrac = inputFrac;
  // A decoder that copies an LSTM encoder's c into its LSTM cell keeps the encoder's cell
  // format (the copy is exact): that format holds both cells' calibrated ranges.
  const dec = model.decoder;
  const lastIndex = model.layers.length - 1;
  const sharedCell = dec?.init.kind === 'copy' && dec.cell === 'lstm' && model.layers[lastIndex]?.type === 'lstm';
  const rangeOf = (i: number) => {
    const r = ranges?.layers[i];
    const dc = ranges?.decoder?.cell;
    return sharedCell && i === lastIndex && r?.cell !== undefined && dc !== undefined ? { ...r, cell: Math.max(r.cell, dc) } : r;
  };
  const tables = new Set<TableName>();
  const layers = model.layers.map((layer, i): QLayer => {
    const cell = opts.cells?.[i];
    const moments = opts.tune?.moments[i];
    const t = opts.tune;
    const tune = moments && t && t.techniques.size > 0 ? { tune: { moments, techniques: t.techniques, ...(t.cache ? { cache: t.cache } : {}) } } : {};
    const layerBits = opts.layerBits?.[i] ?? bits;
    const r = quantizeKind(layer).quantize(layer, { index: i, inFrac, bits: layerBits, margin, range: rangeOf(i), from, ...(cell ? { cell } : {}), ...tune });
    inFrac = r.layer.outFrac;
    for (const t of r.tables) tables.add(t);
    return layerBits === bits ? r.layer : { ...r.layer, weightBits: layerBits };
  });
  const last = shapes[shapes.length - 1]!;
  let decoder: QDecoder | undefined;
  if (dec) {
    const lastQ = layers[lastIndex]!;
    const r = quantizeDecoder(dec, {
      last: lastQ, bits, margin, ranges: ranges?.decoder, from, ...(sharedCell && lastQ.type === 'lstm' ? { cell: lastQ.cell } : {}),
    });
    decoder = r.decoder;
    for (const t of r.tables) tables.add(t);
    inFrac = decoder.projection.outFrac;
  }
  const q: QuantModel = {
    format: 'rnnc-qmodel',
    version: 1,
    name: model.name,
    producer: opts.producer ?? 'rnnc',
    sourceSha256: sha256Model(model),
    inputSize: model.inputSize,
    outputSize: dec ? dec.outputSize : last.outputSize,
    weightBits: bits,
    input: { frac: inputFrac, ...(model.normalization ? { normalization: model.normalization } : {}) },
    lut: { size: luts.size, sigmoid: luts.sigmoid, tanh: luts.tanh },
    layers,
    output: { frac: inFrac, sequence: dec ? true : last.sequenceOut },
    ...(decoder ? { decoder } : {}),
  };
  if (tables.size > 0) {
    const build: Record<TableName, (size: number) => number[]> = { exp: buildExpTable, softplus: buildSoftplusTable, expFine: buildExpFineTable };
    q.tables = Object.fromEntries([...tables].sort().map((t) => [t, build[t](luts.size)]));
  }
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
