/**
 * `--weights auto` and `--max-flash N`: the weight width chosen by measured error under a
 * flash budget. The quantized format holds one width for the whole model (q.weightBits:
 * the C declares every weight table with it), so the candidates are int8 and int16 for
 * every layer, each with its default table size (256, 512), and int16 with int8's
 * 256-entry tables too (1 KiB less flash for a little more error); with --lut-size, that
 * size for both. A
 * candidate's flash is what `rnnc compile` reports for it before code: its weight tables
 * and its lookup tables as NAME.c declares them (codegen/plan.ts, host target). Among the
 * candidates within the budget, the one with the least RMS error of the model outputs
 * against float on the calibration data (its first MAX_STEPS steps) wins; without
 * calibration data int16 is taken when it fits (its error is the smaller on every model
 * measured: docs/numeric-contract.md). A budget no candidate fits is refused in one line
 * naming the smallest flash possible.
 */
import { planModel } from '../codegen/plan.js';
import { RnncError } from '../errors.js';
import type { FloatModel } from '../ir/model.js';
import type { QuantModel } from '../ir/qmodel.js';
import { type CalibData, type PipelineOptions, type PipelineResult, quantizeWithData } from '../quantize/pipeline.js';
import { errorBench, outputRms } from '../quantize/output-error.js';
import { defaultLutSize } from '../quantize/quantize.js';
import { getTarget } from '../target/targets.js';
import { int } from './numbers.js';

export interface WidthCandidate {
  weightBits: 8 | 16;
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
  chosen: 8 | 16;
  /** The chosen candidate's table size. */
  lutSize: number;
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

/** Quantizes each candidate width, keeps the most accurate within the budget. */
export function chooseWidth(
  model: FloatModel, data: CalibData | undefined, opts: PipelineOptions, weights: WidthChoice['weights'], maxFlash: number | undefined,
): PipelineResult & { choice: WidthChoice } {
  const widths: Array<8 | 16> = weights === 'auto' ? [8, 16] : [weights === 'int16' ? 16 : 8];
  // Each width with its default tables; int16 also with int8's smaller default tables.
  const runs = widths.flatMap((bits) => (bits === 16 && opts.lutSize === undefined
    ? [{ bits, lutSize: defaultLutSize(8) }, { bits, lutSize: undefined }]
    : [{ bits, lutSize: opts.lutSize }]));
  const bench = data ? errorBench(model, data.sequences) : undefined;
  const tried = runs.map(({ bits, lutSize }) => {
    const r = quantizeWithData(model, data, { ...opts, weightBits: bits, ...(lutSize !== undefined ? { lutSize } : {}) });
    const flash = tableFlash(r.model);
    const c: WidthCandidate = {
      weightBits: bits, lutSize: r.model.lut.size, flash, rms: bench ? outputRms(r.model, bench) : null,
      fits: maxFlash === undefined || flash.total <= maxFlash,
    };
    return { r, c };
  });
  const fitting = tried.filter((t) => t.c.fits);
  if (fitting.length === 0) {
    const least = tried.reduce((a, b) => (b.c.flash.total < a.c.flash.total ? b : a)).c;
    throw new RnncError('usage/invalid', `--max-flash ${maxFlash}: too small: the smallest flash is ${least.flash.total} bytes ` +
      `(int${least.weightBits} weights ${least.flash.weights} + ${least.lutSize}-entry LUTs ${least.flash.luts}, before code)`);
  }
  // Least measured error; without data, the wider weights, then the larger tables.
  const wider = (a: WidthCandidate, b: WidthCandidate) => b.weightBits > a.weightBits || (b.weightBits === a.weightBits && b.lutSize > a.lutSize);
  const best = fitting.reduce((a, b) => (a.c.rms !== null && b.c.rms !== null ? (b.c.rms < a.c.rms ? b : a) : (wider(a.c, b.c) ? b : a)));
  return { ...best.r, choice: { weights, maxFlash: maxFlash ?? null, chosen: best.c.weightBits, lutSize: best.c.lutSize, candidates: tried.map((t) => t.c) } };
}

/** The choice as the quantize report's text shows it. */
export function widthChoiceText(c: WidthChoice): string {
  const budget = c.maxFlash !== null ? ` under --max-flash ${c.maxFlash}` : '';
  const cands = c.candidates.map((k) => `int${k.weightBits} (LUT ${k.lutSize}) ${k.flash.total} B (weights ${k.flash.weights} + LUTs ${k.flash.luts})` +
    `${k.rms !== null ? `, rms ${k.rms.toExponential(2)}` : ''}${k.fits ? '' : ', over budget'}`);
  const chosen = c.candidates.find((k) => k.weightBits === c.chosen && k.lutSize === c.lutSize)!;
  return `weights ${c.weights}${budget}: int${c.chosen} for every layer, ${chosen.lutSize}-entry tables; ${cands.join('; ')}\n`;
}
