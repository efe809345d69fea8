/**
 * Float model + optional calibration data → quantized model with its decisions in
 * `meta.quantization`. The one entry point the CLI (`rnnc quantize`, `rnnc run
 * --fixed`) and the code generator's implicit quantization use.
 */
import type { FloatModel } from '../ir/model.js';
import type { QuantModel } from '../ir/qmodel.js';
import { type Calibration, calibrate } from './calibrate.js';
import { quantizationMeta } from './meta.js';
import { DEFAULT_RANGES } from './formats.js';
import { type QuantizeOptions, quantizeModel } from './quantize.js';
import { type CellChoice, chooseCells } from './cells.js';
import { initialStateWarnings } from './state.js';
import { BatchedMoments } from './moments-batch.js';
import type { Technique } from './tune-rows.js';
import { DEFAULT_TUNE, parseTechniques, techniquesText, tuneOption } from './tune.js';

export interface PipelineOptions {
  weightBits?: 8 | 16;
  /** Per layer: its weight width, when the model mixes int8 and int16 (QuantizeOptions). */
  layerBits?: ReadonlyArray<8 | 16>;
  lutSize?: number;
  /** Headroom over calibrated ranges (default 1.25). */
  margin?: number;
  /** Percentile of |x| used as each calibrated range (default 100: max-abs). */
  percentile?: number;
  producer?: string;
  /** LSTM cell formats: chosen by measured error on the calibration data (cells.ts); default auto. */
  cell?: CellChoice;
  /** Post-training tuning of the weights (tune.ts); default DEFAULT_TUNE, applied only with data. */
  tune?: ReadonlySet<Technique>;
}

export interface CalibData {
  sequences: number[][][];
  /** File name, for messages. */
  source: string;
}

export interface PipelineResult {
  model: QuantModel;
  calibration: Calibration | undefined;
  /** One-line warnings for stderr (without the `rnnc: warning:` prefix). */
  warnings: string[];
}

export const DEFAULT_MARGIN = 1.25;

/**
 * The model input's headroom over `margin`, by weight width. The input is the one range
 * the deployment sets rather than the model: data beyond the calibration data clips in
 * the int16 input helper, and the error of a clipped input is the whole excursion (the
 * held-out sunspots of 1947–2008 reach 1.3× the normalised peak of the 1700–1946
 * calibration years: clipped, the int8 GRU forecaster of bench/peer.ts errs 0.99
 * sunspots, with this headroom 0.14). With int8 weights one more integer bit (×2) costs
 * nothing measurable, the input's rounding 2^−(f+1) staying far below the weights':
 * bench/peer.ts, int8, the 40 other LSTM/GRU models, error 0.98× in geometric mean
 * (0.64× to 1.13×). With int16 weights the input rounding is a visible share of the
 * error: the same bit costs the ONNX fixtures 1.06× in geometric mean (up to 1.8×), the
 * saturating GRU 3.2×, so their input keeps `margin` (--margin raises it).
 */
export const INPUT_HEADROOM = { 8: 2, 16: 1 } as const;

/**
 * Said by what is known: the default ranges are not "conservative" for every model (a
 * cell or output beyond them saturates), nor always coarser (the range rule itself can
 * be worse than a default that saturates rarely).
 */
export const NO_CALIBRATION_WARNING =
  `no calibration data (--data): formats come from default ranges (normalised input ±${DEFAULT_RANGES.input}, ` +
  `LSTM cell ±${DEFAULT_RANGES.cell}, dense ±${DEFAULT_RANGES.dense}), not from your data: values beyond them saturate, ` +
  'much smaller ones lose resolution; pass representative sequences with --data';

export function quantizeWithData(model: FloatModel, data: CalibData | undefined, opts: PipelineOptions = {}): PipelineResult {
  return quantizePrepared(prepareQuantization(model, data, opts), opts);
}

/** What the widths do not change: the calibrated ranges and the tuning statistics. */
export interface Prepared {
  model: FloatModel;
  data: CalibData | undefined;
  calibration: Calibration | undefined;
  techniques: ReadonlySet<Technique>;
  /** The quantizer's options without the widths and the cell formats. */
  qopts: QuantizeOptions;
  warnings: string[];
}

/**
 * The passes over the calibration data that do not depend on the weight widths (ranges,
 * the tuning's moments), done once so that a search over widths (cli/weights-auto.ts)
 * only quantizes and measures each candidate.
 */
export function prepareQuantization(model: FloatModel, data: CalibData | undefined, opts: PipelineOptions = {}): Prepared {
  const techniques = data ? (opts.tune ?? parseTechniques(DEFAULT_TUNE)!) : new Set<Technique>();
  // The tuning moments come from calibration's float run (moments-batch.ts): one pass, not two.
  const moments = data && techniques.size > 0 ? new BatchedMoments(model, data.sequences) : undefined;
  const calibration = data
    ? calibrate(model, data.sequences, opts.percentile !== undefined ? { percentile: opts.percentile } : {}, data.source, moments)
    : undefined;
  const warnings = [...(data ? [] : [NO_CALIBRATION_WARNING]), ...initialStateWarnings(model)];
  const qopts: QuantizeOptions = {
    ...(calibration ? { ranges: calibration.ranges } : {}),
    ...(opts.producer ? { producer: opts.producer } : {}),
    ...(data ? { rangesSource: data.source } : {}),
    margin: opts.margin ?? DEFAULT_MARGIN,
  };
  const tune = data ? tuneOption(model, data.sequences, techniques, moments?.moments()) : undefined;
  if (tune) qopts.tune = tune;
  return { model, data, calibration, techniques, qopts, warnings };
}

/** Quantizes a prepared model with the widths, table size and cell choice of `opts`. */
export function quantizePrepared(p: Prepared, opts: Pick<PipelineOptions, 'weightBits' | 'layerBits' | 'lutSize' | 'cell'>): PipelineResult {
  const { model, data, calibration } = p;
  const qopts: QuantizeOptions = {
    ...p.qopts,
    ...(opts.weightBits ? { weightBits: opts.weightBits } : {}),
    ...(opts.layerBits ? { layerBits: opts.layerBits } : {}),
    ...(opts.lutSize ? { lutSize: opts.lutSize } : {}),
    // The input feeds the first layer: its weight width sets the input's headroom.
    inputMargin: p.qopts.margin! * INPUT_HEADROOM[opts.layerBits?.[0] ?? opts.weightBits ?? 8],
  };
  // Without data there is nothing to measure a cell format on: the range rule decides.
  const chosen = data ? chooseCells(model, data.sequences, qopts, opts.cell ?? 'auto') : undefined;
  const q = quantizeModel(model, { ...qopts, ...(chosen ? { cells: chosen.cells } : {}) });
  const margin = qopts.margin!;
  q.meta = { ...(q.meta ?? {}), quantization: { ...quantizationMeta(q, margin, calibration?.summary, qopts.inputMargin), ...(chosen?.decisions.length ? { cells: chosen.decisions } : {}), tune: techniquesText(p.techniques) } };
  return { model: q, calibration, warnings: p.warnings.slice() };
}
