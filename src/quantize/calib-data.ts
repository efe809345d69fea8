/**
 * Adapters from files to the quantizer's data: calibration sequences (unlabelled) and
 * labelled held-out data for `--eval`. Kept in this one file so the trainer's dataset
 * readers (src/data/) can replace them later.
 *
 * Calibration (`--calib`):
 *   - JSON array of sequences: number[][][]  (sequence → timestep → feature)
 *   - JSON single sequence: number[][], or CSV with one timestep per row
 *   - JSON object {"inputs": number[][][], ...} (an eval file works for calibration too)
 * Eval (`--eval`):
 *   - JSON {"inputs": number[][][], "targets": [...]}: targets[i] is, for a model with
 *     one output per sequence, a class index (classifiers) or a number / number[] of
 *     the output size (regression); for a model with one output per timestep, an array
 *     of those, one per timestep.
 *   - CSV, one timestep per row: `seq, x_1..x_n, y_1..y_m`: rows with the same `seq`
 *     (consecutive) form a sequence; the y columns are the target (one class index
 *     column for classifiers, m = output size for regression), read at every row for
 *     per-timestep models and at a sequence's last row otherwise.
 */
import { extname } from 'node:path';
import { RnncError } from '../errors.js';
import { csvNumber, parseCsv } from '../data/csv.js';
import { parseSequenceCsv, parseSequenceJson } from '../data/sequence.js';
import { parseJson, readText } from '../util/fs.js';
import type { CalibData } from './pipeline.js';

export interface EvalData {
  sequences: number[][][];
  /** Per sequence, one target vector per model output (1, or one per timestep). */
  targets: number[][][];
  source: string;
}

function bad(source: string, msg: string): never {
  throw new RnncError('data/invalid', `${source}: ${msg}`, source);
}

function parseSequences(json: unknown, source: string): number[][][] {
  if (!Array.isArray(json)) bad(source, 'expected an array of sequences');
  return json.map((seq, s) => parseSequenceJson(seq, `${source}: sequence ${s}`));
}

export function readCalibData(path: string): CalibData {
  const text = readText(path);
  if (extname(path).toLowerCase() === '.csv') return { sequences: [parseSequenceCsv(text, path)], source: path };
  const json = parseJson(text, path);
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'inputs' in json) {
    return { sequences: parseSequences((json as { inputs: unknown }).inputs, `${path}: inputs`), source: path };
  }
  if (!Array.isArray(json) || json.length === 0) bad(path, 'no sequences: expected a non-empty array of sequences or of timesteps');
  const nested = Array.isArray(json[0]) && Array.isArray((json[0] as unknown[])[0]);
  return { sequences: nested ? parseSequences(json, path) : [parseSequenceJson(json, path)], source: path };
}

function targetVector(v: unknown, where: string): number[] {
  const arr = Array.isArray(v) ? v : [v];
  if (arr.length === 0 || !arr.every((x) => typeof x === 'number' && Number.isFinite(x))) bad(where, 'expected a number or an array of numbers');
  return arr as number[];
}

function evalJson(json: unknown, path: string, perStep: boolean): EvalData {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) bad(path, 'expected {"inputs": [...], "targets": [...]}');
  const o = json as { inputs?: unknown; targets?: unknown };
  const sequences = parseSequences(o.inputs, `${path}: inputs`);
  if (!Array.isArray(o.targets) || o.targets.length !== sequences.length) {
    bad(path, `targets: expected an array of ${sequences.length} entries, one per input sequence`);
  }
  const targets = o.targets.map((t, s) => {
    const where = `${path}: targets[${s}]`;
    if (!perStep) return [targetVector(t, where)];
    if (!Array.isArray(t) || t.length !== sequences[s]!.length) bad(where, `expected one target per timestep (${sequences[s]!.length})`);
    return t.map((v, k) => targetVector(v, `${where}[${k}]`));
  });
  return { sequences, targets, source: path };
}

function evalCsv(text: string, path: string, inputSize: number, perStep: boolean): EvalData {
  const csv = parseCsv(text, path);
  const sequences: number[][][] = [];
  const targets: number[][][] = [];
  let lastId: string | undefined;
  csv.rows.forEach((row, r) => {
    const line = csv.lines[r]!;
    if (row.length < inputSize + 2) bad(path, `line ${line}: expected seq, ${inputSize} features and at least one target column, got ${row.length} columns`);
    const values = row.slice(1).map((c, k) => csvNumber(c, path, line, k + 1));
    if (row[0] !== lastId) { sequences.push([]); targets.push([]); lastId = row[0]; }
    sequences[sequences.length - 1]!.push(values.slice(0, inputSize));
    const ts = targets[targets.length - 1]!;
    if (perStep || ts.length === 0) ts.push(values.slice(inputSize));
    else ts[0] = values.slice(inputSize);
  });
  return { sequences, targets, source: path };
}

/** Labelled data; `inputSize` splits CSV columns, `perStep` says how many targets a sequence has. */
export function readEvalData(path: string, inputSize: number, perStep: boolean): EvalData {
  const text = readText(path);
  const data = extname(path).toLowerCase() === '.csv'
    ? evalCsv(text, path, inputSize, perStep)
    : evalJson(parseJson(text, path), path, perStep);
  data.sequences.forEach((seq, s) => seq.forEach((x, t) => {
    if (x.length !== inputSize) bad(path, `sequence ${s}, timestep ${t}: ${x.length} features, but the model takes ${inputSize}`);
  }));
  return data;
}
