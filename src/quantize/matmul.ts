/**
 * Quantizing one float matrix product into a QMatmul: symmetric per-row weights,
 * the bias at the accumulator scale, the requantization multiplier to the consumer's
 * format, and the worst-case accumulator bound that decides int32 or int64.
 */
import { RnncError } from '../errors.js';
import type { QMatmul } from '../ir/qmodel.js';
import { quantizeMultiplier } from './multiplier.js';

/** int16 inputs can reach −32768: the bound uses this magnitude for every input. */
const INPUT_ABS_MAX = 32768;
const INT32_LIMIT = 2 ** 31 - 1;
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
  /** Fractional bits of the int32 output the requantization produces. */
  outFrac: number;
}

/** Round half away from zero: the weight quantization rule (symmetric around 0). */
function roundSym(x: number): number {
  return Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
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
  let accBound = 0;
  for (let r = 0; r < rows; r++) {
    const row = spec.kernel[r]!;
    let absMax = 0;
    for (const w of row) absMax = Math.max(absMax, Math.abs(w));
    // An all-zero row keeps scale 1 so its bias still quantizes sensibly.
    const s = absMax > 0 ? absMax / qmax : 2 ** -spec.inFrac;
    let rowAbs = 0;
    for (let c = 0; c < cols; c++) {
      const q = roundSym(row[c]! / s);
      weights[r * cols + c] = q;
      rowAbs += Math.abs(q);
    }
    // Accumulator unit: s·2^−inFrac real per integer step.
    const accScale = s * 2 ** -spec.inFrac;
    const b = roundSym((spec.bias?.[r] ?? 0) / accScale);
    if (Math.abs(b) > INT32_LIMIT) {
      throw new RnncError('quantize/range_overflow', `${spec.what}: bias[${r}] = ${spec.bias?.[r]} is too large for the row's scale (int32 overflow)`);
    }
    bias.push(b);
    const m = quantizeMultiplier(accScale * 2 ** spec.outFrac, `${spec.what} row ${r}`);
    mult.push(m.mult);
    shift.push(m.shift);
    scale.push(s);
    accBound = Math.max(accBound, rowAbs * INPUT_ABS_MAX + Math.abs(b));
  }
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
      const m = quantizeMultiplier(scale[r]! * 2 ** -spec.inFrac * 2 ** spec.outFrac * 2 ** preShift, `${spec.what} row ${r}`);
      mult[r] = m.mult;
      shift[r] = m.shift;
    }
  }
  return { rows, cols, weights, bias, mult, shift, acc, preShift, accBound, scale };
}
