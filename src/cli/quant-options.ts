/** Parsing of the quantizer options shared by `rnnc quantize` and `rnnc run --fixed`. */
import type { Command } from 'commander';
import { RnncError } from '../errors.js';
import { LUT_SIZES } from '../fixed/lut.js';
import { defaultLutSize } from '../quantize/quantize.js';
import type { FloatModel } from '../ir/model.js';
import { readCalibData } from '../quantize/calib-data.js';
import { type CalibData, DEFAULT_MARGIN, type PipelineOptions, type PipelineResult, quantizeWithData } from '../quantize/pipeline.js';
import type { CliIo } from './context.js';
import { VERSION } from './main.js';

export interface QuantCliOptions {
  calib?: string;
  weights: string;
  lutSize?: string;
  percentile: string;
  margin: string;
}

/** Adds --calib, --weights, --lut-size, --percentile, --margin to a command. */
export function addQuantOptions(cmd: Command): Command {
  return cmd
    .option('--calib <file>', 'calibration data: JSON array of sequences, one sequence (JSON or CSV)')
    .option('--weights <type>', 'weight precision: int8 or int16', 'int8')
    .option('--lut-size <n>', `sigmoid/tanh table entries: ${LUT_SIZES.join(', ')} (default ${defaultLutSize(8)} with int8, ${defaultLutSize(16)} with int16)`)
    .option('--percentile <p>', 'calibrated range = this percentile of |x| (100: max-abs)', '100')
    .option('--margin <m>', 'headroom factor over calibrated ranges', String(DEFAULT_MARGIN));
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
  const data = o.calib !== undefined ? readCalibData(o.calib) : undefined;
  const result = quantizeWithData(model, data, opts);
  for (const w of result.warnings) io.err(`rnnc: warning: ${w}\n`);
  return { ...result, data };
}
