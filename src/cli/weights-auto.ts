/**
 * `--weights auto` and `--max-flash N`: the weight width of every layer chosen by measured
 * error under a flash budget.
 *
 * Candidates, each quantized and measured (RMS error of the model outputs against float
 * on the calibration data, its first MAX_STEPS steps, output-error.ts):
 *   - one width for every layer with its default table size: int8 (256 entries), int16
 *     (512), and int16 with int8's 256-entry tables (1 KiB less flash); with --lut-size,
 *     that size for both;
 *   - (auto, with data, more than one layer, no decoder) mixed widths by a greedy search from all
 *     int8: each round widens to int16 the one layer that lowers the error most per byte
 *     of flash it adds, among the widenings that fit, and stops when none lowers it. A
 *     layer's weights cost it 2× the flash at int16 and their rounding error falls about
 *     256×, but how much of that reaches the output depends on the layer (a recurrent
 *     layer's error circulates, a dense head's does not): hence measured, not estimated.
 *     The search costs at most L·(L+1)/2 quantizations for L layers (the calibration
 *     passes are shared: pipeline.ts prepareQuantization).
 * A candidate's flash is what `rnnc compile` reports for it before code: its weight and
 * lookup tables as NAME.c declares them (codegen/plan.ts, host target). The candidate
 * with the least error among those that fit wins; without calibration data, the one with
 * the most int16 weights, then the larger tables (int16's error is the smaller on every
 * model measured: docs/numeric-contract.md). A budget no candidate fits is refused in one
 * line naming the smallest flash possible.
 */
import { planModel } from '../codegen/plan.js';
import { RnncError } from '../errors.js';
import type { FloatModel } from '../ir/model.js';
import { type QuantModel, widthsText } from '../ir/qmodel.js';
import { type CalibData, type PipelineOptions, type PipelineResult, prepareQuantization, quantizePrepared } from '../quantize/pipeline.js';
import { errorBench, outputRms } from '../quantize/output-error.js';
import { defaultLutSize } from '../quantize/quantize.js';
import { getTarget } from '../target/targets.js';
import { int } from './numbers.js';

type Bits = 8 | 16;

export interface WidthCandidate {
  /** Every layer's weight width. */
  layers: Bits[];
  /** The widths in words: "int8 weights", "int16 weights in layer 0, int8 in layer 1". */
  widths: string;
  lutSize: number;
  /** Flash of the weight tables and of the lookup tables, bytes. */
  flash: { weights: number; luts: number; total: number };
  /** RMS error of the outputs against float on the calibration data (null: no data). */
  rms: number | null;
  fits: boolean;
}

export interface WidthChoice {
  /** What was asked: auto, or one width checked against the budget. */
  weights: 'auto' | 'int8' | 'int16';
  maxFlash: number | null;
  /** The chosen candidate's widths per layer, in words, and its table size. */
  chosen: Bits[];
  widths: string;
  lutSize: number;
  /** In the order measured: the uniform widths first, then the greedy search's rounds. */
  candidates: WidthCandidate[];
}

export function parseMaxFlash(text: string): number {
  return int('--max-flash', text, { kind: 'int', min: 1, max: 2 ** 31 - 1 });
}

/** Flash the compiled tables take (weights, LUTs), as compile reports them. */
export function tableFlash(q: QuantModel): WidthCandidate['flash'] {
  const m = planModel(q, getTarget('host'), { version: 'flash', source: 'flash', maxSeq: 1 }).memory;
  return { weights: m.weightBytes, luts: m.lutBytes, total: m.weightBytes + m.lutBytes };
}

interface Tried { r: PipelineResult; c: WidthCandidate }

/** Quantizes the candidate widths, keeps the most accurate within the budget. */
export function chooseWidth(
  model: FloatModel, data: CalibData | undefined, opts: PipelineOptions, weights: WidthChoice['weights'], maxFlash: number | undefined,
): PipelineResult & { choice: WidthChoice } {
  const prepared = prepareQuantization(model, data, opts);
  const bench = data ? errorBench(model, data.sequences) : undefined;
  const L = model.layers.length;
  const tried = new Map<string, Tried>();
  const measure = (layers: Bits[], lutSize: number | undefined): Tried => {
    // A uniform width is stored as the model's; a mixed one as int8 with int16 layers.
    const uniform = layers.every((b) => b === layers[0]);
    const weightBits = uniform ? layers[0]! : 8;
    const size = lutSize ?? defaultLutSize(weightBits);
    const key = `${layers.join(',')}|${size}`;
    const seen = tried.get(key);
    if (seen) return seen;
    const r = quantizePrepared(prepared, { ...opts, weightBits, ...(uniform ? {} : { layerBits: layers }), lutSize: size });
    const flash = tableFlash(r.model);
    const c: WidthCandidate = {
      layers, widths: widthsText(layers), lutSize: r.model.lut.size, flash, rms: bench ? outputRms(r.model, bench) : null,
      fits: maxFlash === undefined || flash.total <= maxFlash,
    };
    const t = { r, c };
    tried.set(key, t);
    return t;
  };
  const all = (b: Bits): Bits[] => Array.from({ length: L }, () => b);
  const widths: Bits[] = weights === 'auto' ? [8, 16] : [weights === 'int16' ? 16 : 8];
  // Each width with its default tables; int16 also with int8's smaller default tables.
  for (const bits of widths) {
    if (bits === 16 && opts.lutSize === undefined) measure(all(16), defaultLutSize(8));
    measure(all(bits), opts.lutSize);
  }
  // Mixed widths are per encoder layer; an encoder–decoder's decoder has one width, the
  // model's, so it is measured at the uniform widths only (its error over the K outputs).
  if (weights === 'auto' && bench && L > 1 && !model.decoder) greedyMixed(measure, all(8), opts.lutSize ?? defaultLutSize(8));
  const list = [...tried.values()];
  const fitting = list.filter((t) => t.c.fits);
  if (fitting.length === 0) {
    const least = list.reduce((a, b) => (b.c.flash.total < a.c.flash.total ? b : a)).c;
    throw new RnncError('usage/invalid', `--max-flash ${maxFlash}: too small: the smallest flash is ${least.flash.total} bytes ` +
      `(${least.widths} ${least.flash.weights} + ${least.lutSize}-entry LUTs ${least.flash.luts}, before code)`);
  }
  const best = fitting.reduce((a, b) => (better(b.c, a.c) ? b : a));
  const choice: WidthChoice = {
    weights, maxFlash: maxFlash ?? null, chosen: best.c.layers, widths: best.c.widths, lutSize: best.c.lutSize, candidates: list.map((t) => t.c),
  };
  return { ...best.r, choice };
}

/**
 * Widens one layer at a time from `start` (see the file comment): each round measures
 * every remaining int8 layer widened, keeps the fitting one with the largest error drop
 * per added byte, and ends when no fitting widening lowers the error.
 */
function greedyMixed(measure: (layers: Bits[], lutSize: number) => Tried, start: Bits[], lutSize: number): void {
  let at = measure(start, lutSize);
  for (;;) {
    const steps = at.c.layers.flatMap((b, i) => (b === 8 ? [i] : [])).map((i) => {
      const next = at.c.layers.slice();
      next[i] = 16;
      return measure(next, lutSize);
    });
    const gain = (t: Tried) => (at.c.rms! - t.c.rms!) / Math.max(1, t.c.flash.total - at.c.flash.total);
    const useful = steps.filter((t) => t.c.fits && t.c.rms! < at.c.rms!);
    if (useful.length === 0) return;
    at = useful.reduce((a, b) => (gain(b) > gain(a) ? b : a));
  }
}

/** Less measured error; without data, more int16 weights, then the larger tables. */
function better(b: WidthCandidate, a: WidthCandidate): boolean {
  if (a.rms !== null && b.rms !== null) return b.rms < a.rms;
  const wide = (c: WidthCandidate) => c.layers.filter((x) => x === 16).length;
  return wide(b) > wide(a) || (wide(b) === wide(a) && b.lutSize > a.lutSize);
}

/** The choice as the quantize report's text shows it. */
export function widthChoiceText(c: WidthChoice): string {
  const budget = c.maxFlash !== null ? ` under --max-flash ${c.maxFlash}` : '';
  const cands = c.candidates.map((k) => `${k.widths} (LUT ${k.lutSize}) ${k.flash.total} B (weights ${k.flash.weights} + LUTs ${k.flash.luts})` +
    `${k.rms !== null ? `, rms ${k.rms.toExponential(2)}` : ''}${k.fits ? '' : ', over budget'}`);
  const uniform = c.chosen.every((b) => b === c.chosen[0]);
  const chosen = uniform ? `int${c.chosen[0]} for every layer` : c.widths;
  return `weights ${c.weights}${budget}: ${chosen}, ${c.lutSize}-entry tables; ${cands.join('; ')}\n`;
}
