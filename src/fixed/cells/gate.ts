import { addSatS32, satS16 } from '../ops.js';

/**
 * A gate's Q3.12 LUT input from its two requantized products (both int32, Q.12):
 *   p = sat16(xg + hg)   (saturating int32 add first, so no term wraps)
 */
export function gateInput(xg: number, hg: number): number {
  return satS16(addSatS32(xg, hg));
}
