/**
 * How large a data value may be: float32's largest finite number. The emitted C's input
 * helper computes in float32, and the normalisation statistics of larger values overflow
 * (the square of 1e300 is Infinity), so such a value is refused where it is read.
 */
import { RnncError } from '../errors.js';

export const FLOAT32_MAX = 3.4028234663852886e38;

/** Throws for the first of `values` beyond ±FLOAT32_MAX; `at(i)` says where value i is. */
export function checkMagnitudes(values: ArrayLike<number>, source: string, at: (i: number) => string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Math.abs(v) > FLOAT32_MAX) {
      throw new RnncError('data/invalid', `${source}: ${at(i)}: ${v} is beyond float32's range (±3.4e38), in which the device reads inputs; rescale the data`, source);
    }
  }
}
