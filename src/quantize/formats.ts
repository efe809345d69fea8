/**
 * Choosing power-of-two formats from calibrated ranges. A value with `frac`
 * fractional bits in a signed `bits`-bit integer spans ±2^(bits − 1 − frac).
 */
import { RnncError } from '../errors.js';
import { FRAC_RANGE } from '../ir/qmodel.js';

/** Defaults without calibration: normalised inputs within ±8, |c| within ±16, dense within ±64. */
export const DEFAULT_RANGES = { input: 7.9, cell: 15.9, dense: 63.9 } as const;


/** Fractional bits that keep |x| <= absMax·margin representable in `bits` bits, capped at maxFrac. */
export function fracFor(absMax: number, bits: number, margin: number, maxFrac: number): number {
  const need = Math.max(absMax * margin, 2 ** -maxFrac);
  // smallest integer-bit count i with 2^i > need
  let i = Math.max(0, Math.ceil(Math.log2(need)));
  if (2 ** i <= need) i++;
  return Math.min(maxFrac, bits - 1 - i);
}

/** The real range a format spans. */
export function formatRange(bits: number, frac: number): number {
  return 2 ** (bits - 1 - frac);
}

/** The Qm.n name of an int16 format with `frac` fractional bits. */
export function qName(frac: number): string {
  return `Q${15 - frac}.${frac}`;
}

/**
 * Fractional bits of an int16 format holding |x| <= absMax·margin. A range no int16
 * format of the quantized IR spans (frac below FRAC_RANGE.min: beyond ±2^31) comes from
 * the data, not from a bug: it is refused with what reached it.
 */
export function int16Frac(absMax: number, margin: number, what: () => string): number {
  const frac = Number.isFinite(absMax) ? fracFor(absMax, 16, margin, FRAC_RANGE.max) : -Infinity;
  if (frac >= FRAC_RANGE.min) return frac;
  const limit = 2 ** (15 - FRAC_RANGE.min);
  throw new RnncError('quantize/range_overflow',
    `${what()} reach ${absMax.toPrecision(3)}${margin !== 1 ? ` (${(absMax * margin).toPrecision(3)} with margin ${margin})` : ''}: beyond ±2^${15 - FRAC_RANGE.min} ` +
    `(${limit.toPrecision(3)}), the widest int16 format (${qName(FRAC_RANGE.min)})`);
}

