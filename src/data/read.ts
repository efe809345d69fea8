/**
 * Reads a training data file: `.csv` or `.json`; labelled sequences, or with
 * `--window` one long series cut into windows.
 */
import { extname } from 'node:path';
import { parseJson, readText } from '../util/fs.js';
import { type Dataset, type ReadOptions, dataError } from './dataset.js';
import { parseLabelledCsv, parseLabelledJson } from './labelled.js';
import { parseSeriesCsv, parseSeriesJson } from './series.js';

export function readDataset(path: string, opts: ReadOptions): Dataset {
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.json') throw dataError(path, `unknown data format '${ext || '(no extension)'}'; expected .csv or .json`);
  const text = readText(path);
  if (text.trim() === '') throw dataError(path, 'the file is empty');
  const series = opts.window !== undefined;
  if (ext === '.csv') return series ? parseSeriesCsv(text, path, opts) : parseLabelledCsv(text, path, opts);
  const json = parseJson(text, path);
  return series ? parseSeriesJson(json, path, opts) : parseLabelledJson(json, path, opts);
}
