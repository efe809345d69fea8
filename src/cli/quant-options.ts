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
import type { Technique } from '../quantize/tune-rows.js';
import { DEFAULT_TUNE, TUNE_CHOICES, parseTechniques } from '../quantize/tune.js';
import { type WidthChoice, chooseWidth, parseMaxFlash } from './weights-auto.js';

export interface QuantCliOptions {
  /** --data (or its alias --calib): calibration data. */
  data?: string;
  /** Set too when the user typed --calib (messages name the flag given). */
  calib?: string;
  /** Held-out data (quantize and report only): the data-file options apply to it too. */
  eval?: string;
  window?: string;
  horizon?: string;
  stride?: string;
  reconstruct?: boolean;
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
  /** Post-training tuning of the weights with --data: none, all, or techniques (comma-separated). */
  tune: string;
  /** Flash budget for the weight and lookup tables, bytes (with --weights auto: picks the width). */
  maxFlash?: string;
}

/** Adds --data (alias --calib), --weights, --lut-size, --percentile, --margin and the data-file options to a command. */
export function addQuantOptions(cmd: Command): Command {
  cmd.option('--data <file>', `calibration data: a training data file (docs/data-format.md), or JSON sequences${aliasNote('--calib')}`);
  addAlias(cmd, '--calib <file>', '--data', 'data');
  const c = cmd
    .option('--weights <type>', 'weight precision: int8, int16, or auto (the least error on --data within --max-flash)', 'int8')
    .option('--max-flash <bytes>', 'flash budget of the weight and lookup tables (as compile reports them); refused if nothing fits')
    .option('--tune <list>', `post-training tuning of the weights on --data: ${TUNE_CHOICES.join(', ')}, or a comma-separated list (docs/quantize.md)`, DEFAULT_TUNE)
    .option('--lut-size <n>', `sigmoid/tanh table entries: ${LUT_SIZES.join(', ')} (default ${defaultLutSize(8)} with int8, ${defaultLutSize(16)} with int16)`)
    .option('--percentile <p>', `calibrated range = this percentile of |x|, in ${rangeText(RANGES.percentile)} (100: max-abs)`, '100')
    .option('--margin <m>', `headroom factor over calibrated ranges, in ${rangeText(RANGES.margin)}`, String(DEFAULT_MARGIN))
    .option('--cell <type>', `LSTM cell state: ${CELL_CHOICES.join(', ')} (auto: the format with the least measured error on --data; docs/quantize.md)`, 'auto')
    .option('--window <n>', `data files: cut one long series into windows of n steps, ${rangeText(RANGES.window)} (as rnnc train)`)
    .option('--horizon <n>', `with --window: target this many rows after the window, ${rangeText(RANGES.horizon)}`)
    .option('--stride <n>', `with --window: rows between window starts, ${rangeText(RANGES.stride)} (default 1)`)
    .option('--reconstruct', 'with --window, for an autoencoder: the target of a window is the window itself (as rnnc train)')
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

/** --weights for the search: auto, or one width the budget is checked against. */
export function parseWeightChoice(s: string): WidthChoice['weights'] {
  if (s === 'auto') return 'auto';
  parseWeights(s);
  return s as 'int8' | 'int16';
}

export function parseTune(s: string): Set<Technique> {
  return parseTechniques(s) ?? usage(`--tune: expected ${TUNE_CHOICES.join(', ')} or a comma-separated list of ${TUNE_CHOICES.slice(1, -1).join(', ')}, got '${s}'`);
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
    // auto: int8 until quantizeFromCli has measured both widths.
    weightBits: parseWeightChoice(o.weights) === 'int16' ? 16 : 8,
    tune: parseTune(o.tune),
    ...(o.lutSize !== undefined ? { lutSize: parseLutSize(o.lutSize) } : {}),
    percentile: real('--percentile', o.percentile, RANGES.percentile),
    margin: real('--margin', o.margin, RANGES.margin),
    cell: parseCell(o.cell),
    producer: `rnnc ${VERSION}`,
  };
}

/** The data-file options say how to read a file: without --data or --eval they are refused, not ignored. */
export function refuseOrphanDataOptions(o: QuantCliOptions): void {
  if (o.data !== undefined || o.eval !== undefined) return;
  const orphan = ([['--window', o.window], ['--horizon', o.horizon], ['--stride', o.stride], ['--reconstruct', o.reconstruct],
    ['--id-column', o.idColumn], ['--label-column', o.labelColumn], ['--features', o.features]] as const).find(([, v]) => v !== undefined);
  if (orphan) throw new RnncError('usage/invalid', `${orphan[0]}: there is no data file to read with it; give --data (calibration data)`);
}

/** Validates the options, reads calibration data, quantizes, prints warnings to stderr. */
export function quantizeFromCli(model: FloatModel, o: QuantCliOptions, io: CliIo): PipelineResult & { data: CalibData | undefined; widthChoice?: WidthChoice } {
  const opts = pipelineOptions(o);
  const dataOpts = dataOptions(o);
  refuseOrphanDataOptions(o);
  const weights = parseWeightChoice(o.weights);
  const maxFlash = o.maxFlash !== undefined ? parseMaxFlash(o.maxFlash) : undefined;
  const data = o.data !== undefined ? readCalibData(o.data, model, dataOpts) : undefined;
  const searched = weights === 'auto' || maxFlash !== undefined ? chooseWidth(model, data, opts, weights, maxFlash) : undefined;
  const result = searched ?? quantizeWithData(model, data, opts);
  for (const w of result.warnings) io.err(`rnnc: warning: ${w}\n`);
  return { ...result, data, ...(searched ? { widthChoice: searched.choice } : {}) };
}
