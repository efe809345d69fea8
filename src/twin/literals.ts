/**
 * Typed-array literals of the TypeScript twin: the weights, tables and initial states as
 * `new Int8Array([...])` expressions. Values are integers (or float32 values for the
 * normalisation), checked here, so nothing from a model file reaches the module as text.
 */
import { RnncError } from '../errors.js';

export type ArrayType = 'Int8Array' | 'Int16Array' | 'Int32Array' | 'Uint8Array' | 'Float32Array';

const RANGE: Record<Exclude<ArrayType, 'Float32Array'>, [number, number]> = {
  Int8Array: [-128, 127], Int16Array: [-32768, 32767], Int32Array: [-2147483648, 2147483647], Uint8Array: [0, 255],
};

const PER_LINE: Record<ArrayType, number> = { Int8Array: 16, Uint8Array: 16, Int16Array: 12, Int32Array: 8, Float32Array: 6 };

/** Bytes per element, for the header's size figures. */
export const ELEMENT_BYTES: Record<ArrayType, number> = { Int8Array: 1, Uint8Array: 1, Int16Array: 2, Int32Array: 4, Float32Array: 4 };

function literal(v: number, t: ArrayType): string {
  if (t === 'Float32Array') {
    if (!Number.isFinite(v)) throw new RnncError('internal/bug', `non-finite float ${v} in a typed-array literal`);
    // The float32 the C's float table holds (ctables.ts prints Math.fround(v) exactly):
    // its shortest double text converts back to the same float32.
    return String(Math.fround(v));
  }
  const [lo, hi] = RANGE[t];
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RnncError('internal/bug', `${v} does not fit a ${t}`);
  return String(v);
}

/**
 * `new T([v0, v1, ...])`, a fixed count of values per line. The lines carry no indentation
 * of their own: ts-morph's printer indents the lines of a multi-line initializer.
 */
export function typedArray(t: ArrayType, values: readonly number[]): string {
  if (values.length === 0) return `new ${t}(0)`;
  const n = PER_LINE[t];
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += n) lines.push(values.slice(i, i + n).map((v) => literal(v, t)).join(', '));
  return `new ${t}([\n${lines.join(',\n')},\n])`;
}
