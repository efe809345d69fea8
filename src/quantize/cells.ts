/**
 * Choosing each LSTM cell state's format by measured error. The range rule (kinds.ts
 * rangeCellFormat: the finest int16 format holding max|c| with margin, int32 below 8
 * fractional bits) is blind to what matters: a cell sized for a rare peak loses
 * resolution on every other step, while a finer format that saturates on the peak can be
 * more accurate overall. So, with calibration data, each LSTM layer in turn (earlier ones
 * at their chosen formats) tries
 *   int16 Q(15−n).n for n from the range rule's n − 2 up to 15 (at most 10 of them),
 *   int32 with the range rule's int32 format,
 * quantizes the model with each, runs the fixed-point reference on the calibration
 * sequences (the first MAX_STEPS steps of them, output-error.ts) and keeps the one whose
 * model outputs have the least RMS error against the float reference. An int16 format within 2 % of
 * the best wins over int32 (half the state RAM, cheaper cell update).
 */
import { type FloatModel } from '../ir/model.js';
import { type CellFormat, cellRangeFormats } from './kinds.js';
import { errorBench, outputRms } from './output-error.js';
import { type QuantizeOptions, quantizeModel } from './quantize.js';

/** `--cell`: int16 or int32 only, or the best of both. */
export const CELL_CHOICES = ['int16', 'int32', 'auto'] as const;
export type CellChoice = (typeof CELL_CHOICES)[number];

export interface CellDecision {
  layer: number;
  chosen: CellFormat;
  /** What the range rule alone would have chosen. */
  rangeRule: CellFormat;
  /** Every candidate with its RMS output error (real units). */
  candidates: Array<CellFormat & { rms: number }>;
}

/**
 * Cell formats for every LSTM layer (undefined elsewhere) and the measurements behind
 * them. `opts` are the quantizer's options with the calibrated ranges.
 */
export function chooseCells(model: FloatModel, seqs: readonly number[][][], opts: QuantizeOptions, choice: CellChoice): { cells: Array<CellFormat | undefined>; decisions: CellDecision[] } {
  const cells: Array<CellFormat | undefined> = model.layers.map(() => undefined);
  const decisions: CellDecision[] = [];
  if (!model.layers.some((l) => l.type === 'lstm')) return { cells, decisions };
  const bench = errorBench(model, seqs);
  const base = quantizeModel(model, opts);
  model.layers.forEach((layer, i) => {
    if (layer.type !== 'lstm') return;
    const ruled = base.layers[i]!;
    if (ruled.type !== 'lstm') return;
    const rangeRule: CellFormat = { ...ruled.cell };
    const ranged = cellRangeFormats(layer, { range: opts.ranges?.layers[i], margin: opts.margin ?? 1.25 });
    const candidates: CellFormat[] = [];
    if (choice !== 'int32') for (let n = Math.max(0, ranged.int16.frac - 2); n <= 15 && candidates.length < 10; n++) candidates.push({ bits: 16, frac: n });
    if (choice !== 'int16') candidates.push(ranged.int32);
    const measured = candidates.map((format) => {
      const trial = cells.slice();
      trial[i] = format;
      return { ...format, rms: outputRms(quantizeModel(model, { ...opts, cells: trial }), bench) };
    });
    const best = Math.min(...measured.map((m) => m.rms));
    const int16 = measured.filter((m) => m.bits === 16).sort((a, b) => a.rms - b.rms)[0];
    const chosen = int16 && int16.rms <= best * 1.02 + 1e-12 ? int16 : measured.find((m) => m.rms === best)!;
    cells[i] = { bits: chosen.bits, frac: chosen.frac };
    decisions.push({ layer: i, chosen: cells[i]!, rangeRule, candidates: measured });
  });
  return { cells, decisions };
}
