/**
 * Real scales as integer multiplier + shift: scale ≈ m·2^−t with m in [2^30, 2^31),
 * t in [1, 62], as consumed by requantS32 (src/fixed/ops.ts).
 */
import { RnncError } from '../errors.js';

export interface Multiplier {
  mult: number;
  shift: number;
}

export function quantizeMultiplier(scale: number, what: string): Multiplier {
  if (!(scale >= 0) || !Number.isFinite(scale)) {
    throw new RnncError('internal/bug', `${what}: invalid scale ${scale}`);
  }
  if (scale === 0) return { mult: 0, shift: 1 };
  // scale = f·2^e with f in [0.5, 1)
  let e = Math.floor(Math.log2(scale)) + 1;
  let f = scale / 2 ** e;
  if (f >= 1) { f /= 2; e += 1; }
  if (f < 0.5) { f *= 2; e -= 1; }
  let mult = Math.round(f * 2 ** 31);
  if (mult === 2 ** 31) { mult = 2 ** 30; e += 1; }
  const shift = 31 - e;
  if (shift > 62) return { mult: 0, shift: 1 };
  if (shift < 1) {
    throw new RnncError('quantize/range_overflow', `${what}: scale ${scale.toExponential(3)} is too large to requantize (its weights times its input range far exceed the output format)`);
  }
  return { mult, shift };
}

/** The real scale a multiplier encodes. */
export function multiplierValue(m: Multiplier): number {
  return m.mult * 2 ** -m.shift;
}
