/**
 * Reads a training data file: `.csv` or `.json`; labelled sequences, or with
 * `--window` one long series cut into windows.
 */
import { extname } from 'node:path';
import { parseJson, readText } from '../util/fs.js';
import { type Dataset, type ReadOptions, dataError } from './dataset.js';
import { parseLabelledCsv, parseLabelledJson } from './labelled.js';
import { parseSeriesCsv, parseSeriesJson } from './series.js';
import { checkMagnitudes } from './value.js';

export function readDataset(path: string, opts: ReadOptions): Dataset {
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.json') throw dataError(path, `unknown data format '${ext || '(no extension)'}'; expected .csv or .json`);
  const text = readText(path);
  if (text.trim() === '') throw dataError(path, 'the file is empty');
  const series = opts.window !== undefined;
  const ds = ext === '.csv'
    ? (series ? parseSeriesCsv(text, path, opts) : parseLabelledCsv(text, path, opts))
    : (series ? parseSeriesJson(parseJson(text, path), path, opts) : parseLabelledJson(parseJson(text, path), path, opts));
  const F = ds.featureNames.length;
  ds.seqs.forEach((s, k) => checkMagnitudes(s, path, (i) => `sequence ${k + 1}, step ${Math.floor(i / F) + 1}, feature ${ds.featureNames[i % F]}`));
  ds.values.forEach((v, k) => checkMagnitudes(v, path, () => `sequence ${k + 1}: a target`));
  return ds;
}
