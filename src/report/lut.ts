/**
 * The lookup tables' error: over the whole Q3.12 input range, through the very
 * interpolation the C performs (fixed/ops.ts lutSigmoid, lutTanh, tables from
 * fixed/lut.ts), for this model's table size; and the largest error of every size rnnc
 * offers (fixed/lut.ts measureLutError, the figure `rnnc quantize` prints), so the
 * reader sees what --lut-size would buy.
 */
import { sigmoid } from '../float/math.js';
import { LUT_SIZES, buildLuts, lutLog2, measureLutError } from '../fixed/lut.js';
import { PRE_FRAC, Q15_FRAC, lutSigmoid, lutTanh } from '../fixed/ops.js';
import type { QuantModel } from '../ir/qmodel.js';
import type { LutData } from './types.js';

/** Slices of the input range the curve shows (each the largest error of its 128 inputs). */
const SLICES = 512;
const LSB = 2 ** Q15_FRAC;

export function lutData(q: QuantModel): LutData {
  const log2 = lutLog2(q.lut.size);
  const per = 65536 / SLICES;
  const curve: LutData['curve'] = [];
  for (let s = 0; s < SLICES; s++) {
    let es = 0;
    let et = 0;
    for (let x = -32768 + s * per; x < -32768 + (s + 1) * per; x++) {
      const real = x / 2 ** PRE_FRAC;
      es = Math.max(es, Math.abs(lutSigmoid(q.lut.sigmoid, log2, x) / LSB - sigmoid(real)) * LSB);
      et = Math.max(et, Math.abs(lutTanh(q.lut.tanh, log2, x) / LSB - Math.tanh(real)) * LSB);
    }
    curve.push({ x: (-32768 + (s + 0.5) * per) / 2 ** PRE_FRAC, sigmoid: es, tanh: et });
  }
  const sizes = LUT_SIZES.map((size) => {
    const e = measureLutError(buildLuts(size));
    return { size, sigmoid: e.sigmoid * LSB, tanh: e.tanh * LSB };
  });
  return {
    size: q.lut.size,
    maxLsb: { sigmoid: Math.max(...curve.map((c) => c.sigmoid)), tanh: Math.max(...curve.map((c) => c.tanh)) },
    curve, sizes,
  };
}
