/**
 * One input sequence for `rnnc run` / verification: a JSON array of timesteps (each an
 * array of features) or a CSV file with one timestep per row.
 */
import { extname } from 'node:path';
import { RnncError } from '../errors.js';
import { parseJson, readText } from '../util/fs.js';
import { type CsvOptions, csvNumber, parseCsv } from './csv.js';
import { checkMagnitudes } from './value.js';

export function parseSequenceJson(json: unknown, source: string): number[][] {
  if (!Array.isArray(json)) throw new RnncError('data/invalid', `${source}: expected an array of timesteps`, source);
  if (json.length === 0) throw new RnncError('data/invalid', `${source}: the sequence is empty`, source);
  return json.map((step, t) => {
    if (!Array.isArray(step)) throw new RnncError('data/invalid', `${source}: [${t}]: expected an array of features`, source);
    return step.map((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RnncError('data/invalid', `${source}: [${t}][${i}]: expected a finite number, got ${typeof v === 'number' ? String(v) : JSON.stringify(v)}`, source);
      }
      checkMagnitudes([v], source, () => `[${t}][${i}]`);
      return v;
    });
  });
}

export function parseSequenceCsv(text: string, source: string, opts: CsvOptions = {}): number[][] {
  const csv = parseCsv(text, source, opts);
  const width = csv.rows[0]!.length;
  return csv.rows.map((row, r) => {
    const line = csv.lines[r]!;
    if (row.length !== width) {
      throw new RnncError('io/bad_csv', `${source}: line ${line}: expected ${width} columns, got ${row.length}`, source);
    }
    const values = row.map((cell, c) => csvNumber(cell, source, line, c));
    checkMagnitudes(values, source, (c) => `line ${line}, column ${c + 1}`);
    return values;
  });
}

export function readSequence(path: string, opts: CsvOptions = {}): number[][] {
  const text = readText(path);
  return extname(path).toLowerCase() === '.csv' ? parseSequenceCsv(text, path, opts) : parseSequenceJson(parseJson(text, path), path);
}
