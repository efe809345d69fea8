/**
 * Number tables for the emitted C: the only C text built outside templates. Values are
 * integers (or finite floats for the optional float helpers), so nothing from a model
 * file can reach the C as text.
 */
import { RnncError } from '../errors.js';

export type CType = 'int8_t' | 'int16_t' | 'int32_t' | 'uint8_t' | 'float';

const PER_LINE: Record<CType, number> = { int8_t: 16, uint8_t: 16, int16_t: 12, int32_t: 8, float: 6 };
const BYTES: Record<CType, number> = { int8_t: 1, uint8_t: 1, int16_t: 2, int32_t: 4, float: 4 };

export function ctypeBytes(t: CType): number {
  return BYTES[t];
}

/** One C literal. INT32_MIN has no literal of type int: write it as an expression. */
export function cLiteral(v: number, t: CType): string {
  if (t === 'float') {
    if (!Number.isFinite(v)) throw new RnncError('internal/bug', `non-finite float ${v} in a C table`);
    const s = Math.fround(v).toPrecision(9);
    return `${Number(s) === 0 ? '0.0' : s.includes('.') || s.includes('e') ? s : `${s}.0`}f`;
  }
  if (!Number.isInteger(v)) throw new RnncError('internal/bug', `non-integer ${v} in a ${t} table`);
  return v === -2147483648 ? '(-2147483647 - 1)' : String(v);
}

/** Table body: values comma-separated, a fixed count per line, indented two spaces. */
export function cArrayBody(values: readonly number[], t: CType): string {
  const n = PER_LINE[t];
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += n) {
    lines.push('  ' + values.slice(i, i + n).map((v) => cLiteral(v, t)).join(', '));
  }
  return lines.join(',\n');
}

/** A table as the templates declare it: `static const <ctype> <symbol>[<length>] = { <body> };` */
export interface CTable {
  symbol: string;
  ctype: CType;
  length: number;
  body: string;
  comment: string;
  /** Bytes in flash. */
  bytes: number;
  /** Which flash figure it counts in. */
  kind: 'weights' | 'luts';
  /** Text between the declarator and `=`: an alignment macro of the kernel header, or ''. */
  attr: string;
}

export function cTable(symbol: string, ctype: CType, values: readonly number[], comment: string, kind: CTable['kind'] = 'weights', attr = ''): CTable {
  return { symbol, ctype, length: values.length, body: cArrayBody(values, ctype), comment, bytes: values.length * BYTES[ctype], kind, attr };
}
