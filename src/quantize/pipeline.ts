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
 * Said by what is known: the default ranges are not "conservative" for every model (a
 * cell or output beyond them saturates), nor always coarser (the range rule itself can
 * be worse than a default that saturates rarely).
 */
export const NO_CALIBRATION_WARNING =
  `no calibration data (--data): formats come from default ranges (normalised input ±${DEFAULT_RANGES.input}, ` +
  `LSTM cell ±${DEFAULT_RANGES.cell}, dense ±${DEFAULT_RANGES.dense}), not from your data: values beyond them saturate, ` +
  'much smaller ones lose resolution; pass representative sequences with --data';

export function quantizeWithData(model: FloatModel, data: CalibData | undefined, opts: PipelineOptions = {}): PipelineResult {
  const margin = opts.margin ?? DEFAULT_MARGIN;
  const techniques = data ? (opts.tune ?? parseTechniques(DEFAULT_TUNE)!) : new Set<Technique>();
  // The tuning moments come from calibration's float run (moments-batch.ts): one pass, not two.
  const moments = data && techniques.size > 0 ? new BatchedMoments(model, data.sequences) : undefined;
  const calibration = data
    ? calibrate(model, data.sequences, opts.percentile !== undefined ? { percentile: opts.percentile } : {}, data.source, moments)
    : undefined;
  const warnings = [...(data ? [] : [NO_CALIBRATION_WARNING]), ...initialStateWarnings(model)];
  const qopts: QuantizeOptions = {
    ...(opts.weightBits ? { weightBits: opts.weightBits } : {}),
    ...(opts.lutSize ? { lutSize: opts.lutSize } : {}),
    ...(calibration ? { ranges: calibration.ranges } : {}),
    ...(opts.producer ? { producer: opts.producer } : {}),
    ...(data ? { rangesSource: data.source } : {}),
    margin,
  };
  const tune = data ? tuneOption(model, data.sequences, techniques, moments?.moments()) : undefined;
  if (tune) qopts.tune = tune;
  // Without data there is nothing to measure a cell format on: the range rule decides.
  const chosen = data ? chooseCells(model, data.sequences, qopts, opts.cell ?? 'auto') : undefined;
  const q = quantizeModel(model, { ...qopts, ...(chosen ? { cells: chosen.cells } : {}) });
  q.meta = { ...(q.meta ?? {}), quantization: { ...quantizationMeta(q, margin, calibration?.summary), ...(chosen?.decisions.length ? { cells: chosen.decisions } : {}), tune: techniquesText(techniques) } };
  return { model: q, calibration, warnings };
}
