/**
 * Quantizing one float matrix product into a QMatmul: symmetric per-row weights,
 * the bias at the accumulator scale, the requantization multiplier to the consumer's
 * format, and the worst-case accumulator bound that decides int32 or int64.
 */
import { RnncError } from '../errors.js';
import type { QMatmul } from '../ir/qmodel.js';
import { quantizeMultiplier } from './multiplier.js';
import { type RowChoice, type RowSpec, type Technique, baselineRow, enoughData, tuneRow } from './tune-rows.js';
import type { InputMoments } from './tune-stats.js';

/** int16 inputs can reach −32768: the bound uses this magnitude for every input. */
const INPUT_ABS_MAX = 32768;
const INT32_LIMIT = 2 ** 31 - 1;
/** Largest |bias| chosen by the row scale: a little under int32 so rounding cannot cross it. */
const BIAS_LIMIT = 2 ** 31 - 2 ** 8;
/** int64 accumulators must stay exact in the TypeScript reference (doubles). */
const INT64_LIMIT = 2 ** 52;

export interface MatmulSpec {
  /** What the product is, for messages: `layers[0].forward.kernel`. */
  what: string;
  /** Float rows (one per output), all the same length. */
  kernel: number[][];
  /** Float bias per row, or undefined for none. */
  bias?: number[] | undefined;
  weightBits: 8 | 16;
  /** Fractional bits of the int16 input vector. */
  inFrac: number;
  /**
   * Fractional bits of the int32 output the requantization produces: one for every row,
   * or one per row (a minGRU's or minLSTM's gate rows go to Q.12, its h̃ rows to h's format).
   */
  outFrac: number | readonly number[];
  /**
   * Post-training tuning of the rows (tune-rows.ts) against the moments of this
   * product's calibration inputs; absent: max-abs scale, rounding to nearest.
   */
  tune?: { moments: InputMoments; techniques: ReadonlySet<Technique>; cache?: TunedRows } | undefined;
}

/**
 * Tuned rows by product and input format: the cell search (cells.ts) quantizes the model
 * once per candidate cell format, and the rows do not depend on it.
 */
export type TunedRows = Map<string, RowChoice[]>;

/** Every row's integers and scale: the baseline, or tuned (tune-rows.ts). */
function chooseRows(spec: MatmulSpec, qmax: number): RowChoice[] {
  const specs = spec.kernel.map((row, r): RowSpec => {
    // The bias is stored at the accumulator scale s·2^−inFrac and must fit int32: a row
    // whose bias is large next to its weights (or whose weights are all zero) takes the
    // coarser scale that makes it fit, giving up weight resolution rather than failing.
    const b = spec.bias?.[r] ?? 0;
    return { w: row, b, qmax, sMin: (Math.abs(b) * 2 ** spec.inFrac) / BIAS_LIMIT, biasLimit: BIAS_LIMIT, accUnit: 2 ** -spec.inFrac };
  });
  const base = specs.map(baselineRow);
  const t = spec.tune;
  if (!t || t.techniques.size === 0 || !enoughData(t.moments)) return base;
  const key = `${spec.what}|${qmax}|${spec.inFrac}`;
  const tuned = t.cache?.get(key) ?? specs.map((r) => tuneRow(t.moments, r, t.techniques));
  t.cache?.set(key, tuned);
  // Tuning may enlarge Σ|q| (a finer scale); it must not cost an int32 product its width.
  return bound(tuned) > INT32_LIMIT && bound(base) <= INT32_LIMIT ? base : tuned;
}

/** The worst-case accumulator over any int16 input (numeric-contract.md). */
function bound(rows: readonly RowChoice[]): number {
  let m = 0;
  for (const r of rows) m = Math.max(m, r.q.reduce((s, q) => s + Math.abs(q), 0) * INPUT_ABS_MAX + Math.abs(r.bias));
  return m;
}

export function quantizeMatmul(spec: MatmulSpec): QMatmul {
  const rows = spec.kernel.length;
  const cols = rows > 0 ? spec.kernel[0]!.length : 0;
  const qmax = spec.weightBits === 8 ? 127 : 32767;
  const weights = new Array<number>(rows * cols);
  const bias: number[] = [];
  const mult: number[] = [];
  const shift: number[] = [];
  const scale: number[] = [];
  const outFrac = (r: number) => (typeof spec.outFrac === 'number' ? spec.outFrac : spec.outFrac[r]!);
  let accBound = 0;
  chooseRows(spec, qmax).forEach((row, r) => {
    let rowAbs = 0;
    for (let c = 0; c < cols; c++) {
      weights[r * cols + c] = row.q[c]!;
      rowAbs += Math.abs(row.q[c]!);
    }
    const b = row.bias;
    if (Math.abs(b) > INT32_LIMIT) {
      throw new RnncError('quantize/range_overflow', `${spec.what}: bias[${r}] = ${spec.bias?.[r]} is too large for the row's scale (int32 overflow)`);
    }
    bias.push(b);
    // Accumulator unit: s·2^−inFrac real per integer step.
    const m = quantizeMultiplier(row.s * 2 ** -spec.inFrac * 2 ** outFrac(r), `${spec.what} row ${r}`);
    mult.push(m.mult);
    shift.push(m.shift);
    scale.push(row.s);
    accBound = Math.max(accBound, rowAbs * INPUT_ABS_MAX + Math.abs(b));
  });
  if (accBound >= INT64_LIMIT) {
    throw new RnncError('quantize/range_overflow', `${spec.what}: worst-case accumulator ${accBound.toExponential(3)} exceeds 2^52`);
  }
  let acc: QMatmul['acc'] = 'int32';
  let preShift = 0;
  if (accBound > INT32_LIMIT) {
    acc = 'int64';
    while (accBound / 2 ** preShift > INT32_LIMIT) preShift++;
    // Narrowing by preShift multiplies the remaining scale by 2^preShift.
    for (let r = 0; r < rows; r++) {
      const m = quantizeMultiplier(scale[r]! * 2 ** -spec.inFrac * 2 ** outFrac(r) * 2 ** preShift, `${spec.what} row ${r}`);
      mult[r] = m.mult;
      shift[r] = m.shift;
    }
  }
  return { rows, cols, weights, bias, mult, shift, acc, preShift, accBound, scale };
}
