/**
 * A small strict CSV reader for numeric data: comma-separated, optional header row.
 * Spaces around a cell are ignored (as around a JSON value); a number is decimal
 * (src/util/decimal.ts), so a cell holds the numbers a JSON file would: -1.5e-3 is read,
 * 0x10, Infinity, NaN, 1e and an empty cell are refused.
 */
import { RnncError } from '../errors.js';
import { decimalValue, isDecimal } from '../util/decimal.js';
import { QUOTE_MAX, quote } from '../util/text.js';

export interface Csv {
  header: string[] | undefined;
  rows: string[][];
  /** 1-based file line of each row, for messages. */
  lines: number[];
}

export function parseCsv(text: string, source: string): Csv {
  const rows: string[][] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    rows.push(line.split(',').map((c) => c.trim()));
    lines.push(i + 1);
  });
  if (rows.length === 0) throw new RnncError('io/bad_csv', `${source}: no data rows`, source);
  const first = rows[0]!;
  // A header names every column: no cell of it is a number. A first row that mixes numbers
  // and text is far more likely a data row with a typo (1e, 0x10), which taken as a header
  // would be dropped silently: refused.
  const numeric = first.filter((c) => isDecimal(c)).length;
  if (numeric > 0 && numeric < first.length) {
    const bad = first.findIndex((c) => !isDecimal(c));
    throw new RnncError('io/bad_csv', `${source}: the first row mixes numbers and text: column ${bad + 1} is ${quote(first[bad], QUOTE_MAX, '"')}; `
      + 'a header names every column, a data row holds only numbers', source);
  }
  const header = numeric === 0 ? first : undefined;
  if (header) { rows.shift(); lines.shift(); }
  if (rows.length === 0) throw new RnncError('io/bad_csv', `${source}: a header but no data rows`, source);
  return { header, rows, lines };
}

/** Parses a cell as a finite decimal number or throws naming the file, line and column. */
export function csvNumber(cell: string, source: string, line: number, column: number): number {
  const v = decimalValue(cell);
  if (v === undefined) {
    const why = isDecimal(cell) ? 'expected a finite number' : 'expected a decimal number';
    throw new RnncError('io/bad_csv', `${source}: line ${line}, column ${column + 1}: ${why}, got ${quote(cell, QUOTE_MAX, '"')}`, source);
  }
  return v;
}
