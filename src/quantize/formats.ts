/**
 * Choosing power-of-two formats from calibrated ranges. A value with `frac`
 * fractional bits in a signed `bits`-bit integer spans ±2^(bits − 1 − frac).
 */

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
