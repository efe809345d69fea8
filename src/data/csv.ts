/** A small strict CSV reader for numeric data: comma-separated, optional header row. */
import { RnncError } from '../errors.js';

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
  const header = first.some((c) => c !== '' && Number.isNaN(Number(c))) ? first : undefined;
  if (header) { rows.shift(); lines.shift(); }
  if (rows.length === 0) throw new RnncError('io/bad_csv', `${source}: a header but no data rows`, source);
  return { header, rows, lines };
}

/** Parses a cell as a finite number or throws naming the line and column. */
export function csvNumber(cell: string, source: string, line: number, column: number): number {
  const v = cell === '' ? NaN : Number(cell);
  if (!Number.isFinite(v)) {
    throw new RnncError('io/bad_csv', `${source}: line ${line}, column ${column + 1}: expected a number, got ${JSON.stringify(cell)}`, source);
  }
  return v;
}
