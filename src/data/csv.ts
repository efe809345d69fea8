/**
 * A strict CSV reader for numeric data, on csv-parse (RFC 4180 quoting) with the rules of
 * docs/data-format.md:
 * - Delimiter: `,`, `;` or tab, whichever occurs most often outside quotes in the first
 *   data line (blank and `#` lines skipped); a tie goes to `,`, then `;`; a line without
 *   any of them is one column.
 * - Fields may be quoted ("a,b" is one field, "" inside quotes is one quote); a quote
 *   that is not closed, or text after a closing quote, is refused with its line and column.
 * - Blank lines and lines starting with `#` are skipped; `\r\n` ends a line as `\n` does.
 * - Header: the first row is a header when none of its fields is a number, data when all
 *   are, and refused when it mixes the two (more likely a data row with a typo). An
 *   all-numeric header (columns named 1, 2, ...) needs `header: true` (`--header`);
 *   `header: false` (`--no-header`) reads the first row as data whatever it holds.
 * Spaces around a field are ignored (as around a JSON value); a number is decimal
 * (src/util/decimal.ts), so a field holds the numbers a JSON file would: -1.5e-3 is read,
 * 0x10, Infinity, NaN, 1e, 1,5 (a decimal comma) and an empty field are refused.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { RnncError } from '../errors.js';
import { decimalValue, isDecimal } from '../util/decimal.js';
import { QUOTE_MAX, quote } from '../util/text.js';

export interface Csv {
  header: string[] | undefined;
  rows: string[][];
  /** 1-based file line where each row starts, for messages. */
  lines: number[];
  /** The delimiter the file uses. */
  delimiter: string;
}

export interface CsvOptions {
  /** true: the first row is a header; false: it is data; undefined: decided by its fields. */
  header?: boolean | undefined;
}

export const DELIMITERS = [',', ';', '\t'] as const;

function badCsv(source: string, message: string): RnncError {
  return new RnncError('io/bad_csv', `${source}: ${message}`, source);
}

/** How often each delimiter occurs outside double quotes in `line`. */
function countOutsideQuotes(line: string, ch: string): number {
  let n = 0, quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === ch) n++;
  }
  return n;
}

/** The delimiter of the first data line (see the rule at the top of this file). */
export function detectDelimiter(text: string): string {
  const first = text.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  let best: string = ',', most = 0;
  for (const d of DELIMITERS) {
    const n = countOutsideQuotes(first, d);
    if (n > most) { best = d; most = n; }
  }
  return best;
}

const CSV_REASONS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed before the end of the file',
  CSV_INVALID_CLOSING_QUOTE: 'text after the closing quote of a field (a quote inside a quoted field is written "")',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field (quote the whole field, and write a quote inside it as "")',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text after the closing quote of a field (a quote inside a quoted field is written "")',
};

function parseRecords(text: string, delimiter: string, source: string): { rows: string[][]; lines: number[] } {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      delimiter, record_delimiter: '\n', trim: true, skip_empty_lines: true, comment: '#', comment_no_infix: true,
      relax_column_count: true, info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    const ctx = e as CsvError & { lines?: number; index?: number };
    const where = `line ${ctx.lines ?? '?'}${ctx.index !== undefined ? `, column ${ctx.index + 1}` : ''}`;
    throw badCsv(source, `${where}: ${CSV_REASONS[e.code] ?? e.message.replace(/\s+/g, ' ')}`);
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const { record, info } of records) {
    // A line of spaces only is blank (csv-parse keeps it as one empty field).
    if (record.length === 1 && record[0] === '') continue;
    rows.push(record);
    // info.lines is the line where the record ends; newlines inside quoted fields come before.
    lines.push(info.lines - record.reduce((n, f) => n + (f.split('\n').length - 1), 0));
  }
  return { rows, lines };
}

export function parseCsv(text: string, source: string, opts: CsvOptions = {}): Csv {
  const normal = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const delimiter = detectDelimiter(normal);
  const { rows, lines } = parseRecords(normal, delimiter, source);
  if (rows.length === 0) throw badCsv(source, 'no data rows');
  const first = rows[0]!;
  let isHeader = opts.header;
  if (isHeader === undefined) {
    // A header names every column: no field of it is a number. A first row that mixes numbers
    // and text is far more likely a data row with a typo (1e, 0x10), which taken as a header
    // would be dropped silently: refused.
    const numeric = first.filter((c) => isDecimal(c)).length;
    if (numeric > 0 && numeric < first.length) {
      const bad = first.findIndex((c) => !isDecimal(c));
      throw badCsv(source, `the first row mixes numbers and text: column ${bad + 1} is ${quote(first[bad], QUOTE_MAX, '"')}; `
        + 'a header names every column, a data row holds only numbers');
    }
    isHeader = numeric === 0;
  }
  const header = isHeader ? first : undefined;
  if (header) { rows.shift(); lines.shift(); }
  if (rows.length === 0) throw badCsv(source, 'a header but no data rows');
  return { header, rows, lines, delimiter };
}

/** Parses a cell as a finite decimal number or throws naming the file, line and column. */
export function csvNumber(cell: string, source: string, line: number, column: number): number {
  const v = decimalValue(cell);
  if (v === undefined) {
    const why = isDecimal(cell) ? 'expected a finite number' : 'expected a decimal number';
    throw badCsv(source, `line ${line}, column ${column + 1}: ${why}, got ${quote(cell, QUOTE_MAX, '"')}`);
  }
  return v;
}
