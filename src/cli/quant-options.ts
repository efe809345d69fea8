/** Parsing of the quantizer options shared by `rnnc quantize` and `rnnc run --fixed`. */
import type { Command } from 'commander';
import { addAlias, aliasNote } from './aliases.js';
import { RnncError } from '../errors.js';
import { LUT_SIZES } from '../fixed/lut.js';
import { defaultLutSize } from '../quantize/quantize.js';
import type { FloatModel } from '../ir/model.js';
import { type DataOptions, readCalibData } from './calib-data.js';
import { type CalibData, DEFAULT_MARGIN, type PipelineOptions, type PipelineResult, quantizeWithData } from '../quantize/pipeline.js';
import type { CliIo } from './context.js';
import { RANGES, oneOf, rangeText, real, windowOptions } from './numbers.js';
import { VERSION } from './version.js';
import { CELL_CHOICES, type CellChoice } from '../quantize/cells.js';

export interface QuantCliOptions {
  /** --data (or its alias --calib): calibration data. */
  data?: string;
  /** Set too when the user typed --calib (messages name the flag given). */
  calib?: string;
  window?: string;
  horizon?: string;
  stride?: string;
  idColumn?: string;
  labelColumn?: string;
  features?: string;
  header?: boolean;
  weights: string;
  lutSize?: string;
  percentile: string;
  margin: string;
  /** LSTM cell format: int16, int32 or auto (chosen by measured error with --data). */
  cell: string;
}

/** Adds --data (alias --calib), --weights, --lut-size, --percentile, --margin and the data-file options to a command. */
export function addQuantOptions(cmd: Command): Command {
  cmd.option('--data <file>', `calibration data: a training data file (docs/data-format.md), or JSON sequences${aliasNote('--calib')}`);
  addAlias(cmd, '--calib <file>', '--data', 'data');
  const c = cmd
    .option('--weights <type>', 'weight precision: int8 or int16', 'int8')
    .option('--lut-size <n>', `sigmoid/tanh table entries: ${LUT_SIZES.join(', ')} (default ${defaultLutSize(8)} with int8, ${defaultLutSize(16)} with int16)`)
    .option('--percentile <p>', `calibrated range = this percentile of |x|, in ${rangeText(RANGES.percentile)} (100: max-abs)`, '100')
    .option('--margin <m>', `headroom factor over calibrated ranges, in ${rangeText(RANGES.margin)}`, String(DEFAULT_MARGIN))
    .option('--cell <type>', `LSTM cell state: ${CELL_CHOICES.join(', ')} (auto: the format with the least measured error on --data; docs/quantize.md)`, 'auto')
    .option('--window <n>', `data files: cut one long series into windows of n steps, ${rangeText(RANGES.window)} (as rnnc train)`)
    .option('--horizon <n>', `with --window: target this many rows after the window, ${rangeText(RANGES.horizon)}`)
    .option('--stride <n>', `with --window: rows between window starts, ${rangeText(RANGES.stride)} (default 1)`)
    .option('--id-column <name>', 'labelled CSV: sequence-id column (default seq)')
    .option('--label-column <names>', 'labelled data: target column(s), comma-separated')
    .option('--features <names>', 'data files: feature columns, comma-separated (default: all others)');
  return addHeaderOptions(c);
}

/** --header / --no-header: whether a CSV file's first row names the columns (docs/data-format.md). */
export function addHeaderOptions(cmd: Command): Command {
  return cmd
    .option('--header', 'CSV files: the first row is a header even if every field is a number')
    .option('--no-header', 'CSV files: the first row is data (default: a header when none of its fields is a number)');
}

function usage(msg: string): never {
  throw new RnncError('usage/invalid', msg);
}

export function parseWeights(s: string): 8 | 16 {
  if (s === 'int8') return 8;
  if (s === 'int16') return 16;
  return usage(`--weights: expected int8 or int16, got '${s}'`);
}

export function parseCell(s: string): CellChoice {
  return (CELL_CHOICES as readonly string[]).includes(s) ? s as CellChoice : usage(`--cell: expected ${CELL_CHOICES.join(', ')}, got '${s}'`);
}

export function parseLutSize(s: string): number {
  return oneOf('--lut-size', s, LUT_SIZES);
}

/** Column and window options for --data (--calib) and --eval files (docs/data-format.md). */
export function dataOptions(o: QuantCliOptions): DataOptions {
  const list = (v: string | undefined) => v?.split(',').map((c) => c.trim());
  return {
    ...windowOptions(o),
    idColumn: o.idColumn, labelColumns: list(o.labelColumn), featureColumns: list(o.features), header: o.header,
  };
}

export function pipelineOptions(o: QuantCliOptions): PipelineOptions {
  return {
    weightBits: parseWeights(o.weights),
    ...(o.lutSize !== undefined ? { lutSize: parseLutSize(o.lutSize) } : {}),
    percentile: real('--percentile', o.percentile, RANGES.percentile),
    margin: real('--margin', o.margin, RANGES.margin),
    cell: parseCell(o.cell),
    producer: `rnnc ${VERSION}`,
  };
}

/** Validates the options, reads calibration data, quantizes, prints warnings to stderr. */
export function quantizeFromCli(model: FloatModel, o: QuantCliOptions, io: CliIo): PipelineResult & { data: CalibData | undefined } {
  const opts = pipelineOptions(o);
  const dataOpts = dataOptions(o);
  const data = o.data !== undefined ? readCalibData(o.data, model, dataOpts) : undefined;
  const result = quantizeWithData(model, data, opts);
  for (const w of result.warnings) io.err(`rnnc: warning: ${w}\n`);
  return { ...result, data };
}
