/**
 * Numeric command-line options: one parser, one rule, one message shape.
 *
 * Every numeric option is decimal (src/util/decimal.ts: no hex, no Infinity or NaN,
 * no whitespace, nothing empty); an integer option takes digits only (no fraction,
 * no exponent); every option has the range stated in RANGES and in its help text.
 * Anything else is a usage error (exit 2) on one line:
 *   --epochs: expected an integer from 1 to 1000000, got '0x10'
 *   --lr: expected a number in (0, 10], got 'fast'
 */
import { RnncError } from '../errors.js';
import { decimalValue, integerValue } from '../util/decimal.js';
import { quote } from '../util/text.js';

export interface IntRange {
  readonly kind: 'int';
  readonly min: number;
  readonly max: number;
}

export interface RealRange {
  readonly kind: 'real';
  readonly min: number;
  readonly max: number;
  /** The bound itself is outside the range. */
  readonly minExcluded?: boolean;
  readonly maxExcluded?: boolean;
}

const ints = (min: number, max: number): IntRange => ({ kind: 'int', min, max });
const reals = (min: number, max: number, excluded: { min?: boolean; max?: boolean } = {}): RealRange =>
  ({ kind: 'real', min, max, minExcluded: excluded.min === true, maxExcluded: excluded.max === true });

/** The range of every numeric option of every command. */
export const RANGES = {
  // train
  epochs: ints(1, 1_000_000),
  batch: ints(1, 65_536),
  lr: reals(0, 10, { min: true }),
  clip: reals(0, 1_000_000),
  val: reals(0, 1, { max: true }),
  patience: ints(0, 1_000_000),
  seed: ints(0, 4_294_967_295),
  momentum: reals(0, 1, { max: true }),
  tbptt: ints(0, 65_535),
  sampling: reals(0, 1),
  // data files (train, and --calib / --eval of the quantizer)
  window: ints(1, 65_535),
  horizon: ints(0, 1_000_000),
  stride: ints(1, 1_000_000),
  // quantizer
  percentile: reals(0, 100, { min: true }),
  margin: reals(1, 16),
  // compile, verify, bench
  maxSeq: ints(1, 65_535),
  testCases: ints(1, 1_000),
  cases: ints(1, 10_000),
  steps: ints(1, 10_000),
} as const;

/** "an integer from 1 to 1000000", "a number in (0, 10]". */
export function expected(range: IntRange | RealRange): string {
  if (range.kind === 'int') return `an integer from ${range.min} to ${range.max}`;
  return `a number in ${range.minExcluded ? '(' : '['}${range.min}, ${range.max}${range.maxExcluded ? ')' : ']'}`;
}

/** The range for a help string: "1 to 1000000", "(0, 10]". */
export function rangeText(range: IntRange | RealRange): string {
  return range.kind === 'int' ? `${range.min} to ${range.max}` : expected(range).replace(/^a number in /, '');
}

function refuse(flag: string, text: string, range: IntRange | RealRange): never {
  throw new RnncError('usage/invalid', `${flag}: expected ${expected(range)}, got ${quote(text)}`);
}

/** An integer option: digits with an optional sign, within the range. */
export function int(flag: string, text: string, range: IntRange): number {
  const v = integerValue(text);
  if (v === undefined || v < range.min || v > range.max) refuse(flag, text, range);
  return v;
}

/** A real-valued option: a decimal number within the range. */
export function real(flag: string, text: string, range: RealRange): number {
  const v = decimalValue(text);
  if (v === undefined || v < range.min || v > range.max
    || (range.minExcluded === true && v === range.min) || (range.maxExcluded === true && v === range.max)) refuse(flag, text, range);
  return v;
}

/** An integer option that must be one of a few values (e.g. --lut-size). */
export function oneOf(flag: string, text: string, values: readonly number[]): number {
  const v = integerValue(text);
  if (v === undefined || !values.includes(v)) {
    throw new RnncError('usage/invalid', `${flag}: expected one of ${values.join(', ')}, got ${quote(text)}`);
  }
  return v;
}

export interface WindowTexts {
  window?: string | undefined;
  horizon?: string | undefined;
  stride?: string | undefined;
  reconstruct?: boolean | undefined;
}

export interface WindowOptions {
  window?: number | undefined;
  horizon?: number | undefined;
  stride?: number | undefined;
  /** The target of a window is the window itself (an autoencoder). */
  reconstruct?: boolean | undefined;
}

/**
 * --window, --horizon, --stride and --reconstruct of a data file (train, quantize
 * --calib/--eval). The others only mean something with --window: given without it they
 * are refused, not ignored; --reconstruct takes the window itself as the target, so a
 * --horizon beside it is refused too.
 */
export function windowOptions(o: WindowTexts): WindowOptions {
  const window = o.window === undefined ? undefined : int('--window', o.window, RANGES.window);
  if (window === undefined) {
    const orphan = o.horizon !== undefined ? '--horizon' : o.stride !== undefined ? '--stride' : o.reconstruct ? '--reconstruct' : undefined;
    if (orphan) throw new RnncError('usage/invalid', `${orphan} needs --window`);
  }
  if (o.reconstruct && o.horizon !== undefined) {
    throw new RnncError('usage/invalid', '--horizon: with --reconstruct the target is the window itself; drop --horizon');
  }
  return {
    window,
    horizon: o.horizon === undefined ? undefined : int('--horizon', o.horizon, RANGES.horizon),
    stride: o.stride === undefined ? undefined : int('--stride', o.stride, RANGES.stride),
    ...(o.reconstruct ? { reconstruct: true } : {}),
  };
}
