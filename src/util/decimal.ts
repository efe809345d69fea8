/**
 * The one rule for numbers rnnc reads from text: command-line options, the numbers
 * inside --arch and --schedule, and CSV cells. Plain decimal notation only:
 *
 *   decimal   [+-]? ( digits [. digits?] | . digits ) ( [eE] [+-]? digits )?
 *             e.g. 3, -1.5e-3, 0.25, .5, 1E6
 *   integer   [+-]? digits
 *
 * Refused: hexadecimal, octal and binary prefixes (0x10, 0o7, 0b1), Infinity and NaN,
 * whitespace anywhere, digit separators (1_000, 1,000), the empty string, and numerals
 * whose value overflows a float64 (1e999) or, for integers, lies beyond ±(2^53 − 1).
 * Every number JSON can write is a decimal, so a CSV cell and a JSON value accept the
 * same numbers.
 */

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** Whether text is a decimal numeral (its value may still overflow). */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/** Whether text is an integer numeral (its value may still be beyond 2^53 − 1). */
export function isInteger(text: string): boolean {
  return INTEGER.test(text);
}

/** The value of a decimal numeral, or undefined when text is not one or its value is not finite. */
export function decimalValue(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? v : undefined;
}

/** The value of an integer numeral, or undefined when text is not one or it is not a safe integer. */
export function integerValue(text: string): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const v = Number(text);
  // -0 is 0: an integer option never distinguishes them.
  return Number.isSafeInteger(v) ? v + 0 : undefined;
}
