/** Parsing of the quantizer options shared by `rnnc quantize` and `rnnc run --fixed`. */
import type { Command } from 'commander';
import { RnncError } from '../errors.js';
import { LUT_SIZES } from '../fixed/lut.js';
import { defaultLutSize } from '../quantize/quantize.js';
import type { FloatModel } from '../ir/model.js';
import { type DataOptions, readCalibData } from '../quantize/calib-data.js';
import { type CalibData, DEFAULT_MARGIN, type PipelineOptions, type PipelineResult, quantizeWithData } from '../quantize/pipeline.js';
import type { CliIo } from './context.js';
import { VERSION } from './version.js';

export interface QuantCliOptions {
  calib?: string;
  window?: string;
  horizon?: string;
  stride?: string;
  idColumn?: string;
  labelColumn?: string;
  features?: string;
  weights: string;
  lutSize?: string;
  percentile: string;
  margin: string;
}

/** Adds --calib, --weights, --lut-size, --percentile, --margin and the data-file options to a command. */
export function addQuantOptions(cmd: Command): Command {
  return cmd
    .option('--calib <file>', 'calibration data: a training data file (docs/data-format.md), or JSON sequences')
    .option('--weights <type>', 'weight precision: int8 or int16', 'int8')
    .option('--lut-size <n>', `sigmoid/tanh table entries: ${LUT_SIZES.join(', ')} (default ${defaultLutSize(8)} with int8, ${defaultLutSize(16)} with int16)`)
    .option('--percentile <p>', 'calibrated range = this percentile of |x| (100: max-abs)', '100')
    .option('--margin <m>', 'headroom factor over calibrated ranges', String(DEFAULT_MARGIN))
    .option('--window <n>', 'data files: cut one long series into windows of n steps (as rnnc train)')
    .option('--horizon <n>', 'with --window: target this many rows after the window')
    .option('--stride <n>', 'with --window: rows between window starts (default 1)')
    .option('--id-column <name>', 'labelled CSV: sequence-id column (default seq)')
    .option('--label-column <names>', 'labelled data: target column(s), comma-separated')
    .option('--features <names>', 'data files: feature columns, comma-separated (default: all others)');
}

function usage(msg: string): never {
  throw new RnncError('usage/invalid', msg);
}

export function parseWeights(s: string): 8 | 16 {
  if (s === 'int8') return 8;
  if (s === 'int16') return 16;
  return usage(`--weights: expected int8 or int16, got '${s}'`);
}

export function parseLutSize(s: string): number {
  const n = Number(s);
  if (!(LUT_SIZES as readonly number[]).includes(n) || !/^\d+$/.test(s)) usage(`--lut-size: expected one of ${LUT_SIZES.join(', ')}, got '${s}'`);
  return n;
}

function parseNumber(flag: string, s: string, ok: (v: number) => boolean, expected: string): number {
  const v = Number(s);
  if (s.trim() === '' || !Number.isFinite(v) || !ok(v)) usage(`${flag}: expected ${expected}, got '${s}'`);
  return v;
}

function intOption(flag: string, s: string | undefined, min: number): number | undefined {
  return s === undefined ? undefined : parseNumber(flag, s, (v) => Number.isInteger(v) && v >= min, `an integer >= ${min}`);
}

/** Column and window options for --calib and --eval files (docs/data-format.md). */
export function dataOptions(o: QuantCliOptions): DataOptions {
  const window = intOption('--window', o.window, 1);
  if (window === undefined && (o.horizon !== undefined || o.stride !== undefined)) usage(`${o.horizon !== undefined ? '--horizon' : '--stride'} needs --window`);
  const list = (v: string | undefined) => v?.split(',').map((c) => c.trim());
  return {
    window, horizon: intOption('--horizon', o.horizon, 0), stride: intOption('--stride', o.stride, 1),
    idColumn: o.idColumn, labelColumns: list(o.labelColumn), featureColumns: list(o.features),
  };
}

export function pipelineOptions(o: QuantCliOptions): PipelineOptions {
  return {
    weightBits: parseWeights(o.weights),
    ...(o.lutSize !== undefined ? { lutSize: parseLutSize(o.lutSize) } : {}),
    percentile: parseNumber('--percentile', o.percentile, (v) => v > 0 && v <= 100, 'a number in (0, 100]'),
    margin: parseNumber('--margin', o.margin, (v) => v >= 1 && v <= 16, 'a number from 1 to 16'),
    producer: `rnnc ${VERSION}`,
  };
}

/** Validates the options, reads calibration data, quantizes, prints warnings to stderr. */
export function quantizeFromCli(model: FloatModel, o: QuantCliOptions, io: CliIo): PipelineResult & { data: CalibData | undefined } {
  const opts = pipelineOptions(o);
  const dataOpts = dataOptions(o);
  const data = o.calib !== undefined ? readCalibData(o.calib, model, dataOpts) : undefined;
  const result = quantizeWithData(model, data, opts);
  for (const w of result.warnings) io.err(`rnnc: warning: ${w}\n`);
  return { ...result, data };
}
