/**
 * Adapters from files to the quantizer's data: calibration sequences (unlabelled) and
 * labelled held-out data for `--eval`. They live with the command line, not in
 * src/quantize/: the quantizer takes data in memory and never reads a file (layering:
 * docs/architecture.md). Both read the training data formats
 * (docs/data-format.md, through src/data/read.ts) with the same column and window
 * options as `rnnc train`; calibration also takes bare sequences.
 *
 * Calibration (`--data`, alias `--calib`), in this order:
 *   - with --window: one long series cut into windows (format b; targets ignored)
 *   - CSV whose header has the id column (default `seq`): labelled sequences (format a)
 *   - any other CSV: one sequence, one timestep per row
 *   - JSON array of {"x": ...} objects: labelled sequences (format a)
 *   - JSON array of sequences number[][][], or one sequence number[][]
 * Eval (`--eval`): format a, or format b with --window; the model's head decides the
 * task (softmax or one sigmoid unit: classes; otherwise regression) and whether there
 * is a target per timestep.
 */
import { extname } from 'node:path';
import { type Dataset, type ReadOptions, dataError } from '../data/dataset.js';
import { parseCsv } from '../data/csv.js';
import { readDataset } from '../data/read.js';
import { parseSequenceCsv, parseSequenceJson } from '../data/sequence.js';
import type { FloatModel } from '../ir/model.js';
import { inferShapes } from '../ir/shapes.js';
import { parseJson, readText } from '../util/fs.js';
import type { CalibData } from '../quantize/pipeline.js';
import { type EvalData, taskKind } from '../quantize/report.js';

/** The data-file options shared with `rnnc train` (columns, windows). */
export type DataOptions = Pick<ReadOptions, 'idColumn' | 'labelColumns' | 'featureColumns' | 'window' | 'horizon' | 'stride' | 'reconstruct' | 'header'>;

function readOptions(model: FloatModel, opts: DataOptions): ReadOptions {
  const shapes = inferShapes(model);
  const last = shapes[shapes.length - 1]!;
  const task = taskKind(model);
  // One sigmoid unit classifies into 0 / 1.
  const outputs = task === 'classification' ? Math.max(2, last.outputSize) : last.outputSize;
  // A decoder writes K rows of O values (or K classes) per window, as rnnc train reads them.
  const d = model.decoder;
  const out: ReadOptions = d
    ? { task, outputs: task === 'classification' ? Math.max(2, d.outputSize) : d.outputSize, perStep: false, inputs: model.inputSize, targetSteps: d.steps }
    : { task, outputs, perStep: last.sequenceOut, inputs: model.inputSize };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

function sequencesOf(ds: Dataset): number[][][] {
  const F = ds.featureNames.length;
  return ds.seqs.map((a, i) => Array.from({ length: ds.lengths[i]! }, (_, t) => Array.from(a.subarray(t * F, (t + 1) * F))));
}

function isLabelledCsv(text: string, path: string, idColumn: string, header: boolean | undefined): boolean {
  return parseCsv(text, path, { header }).header?.includes(idColumn) ?? false;
}

function parseSequences(json: unknown[], source: string): number[][][] {
  return json.map((seq, s) => parseSequenceJson(seq, `${source}: sequence ${s}`));
}

export function readCalibData(path: string, model: FloatModel, opts: DataOptions = {}): CalibData {
  const csv = extname(path).toLowerCase() === '.csv';
  const text = readText(path);
  if (opts.window !== undefined || (csv && isLabelledCsv(text, path, opts.idColumn ?? 'seq', opts.header))) {
    return { sequences: sequencesOf(readDataset(path, readOptions(model, opts))), source: path };
  }
  if (csv) return { sequences: [parseSequenceCsv(text, path, { header: opts.header })], source: path };
  const json = parseJson(text, path);
  if (!Array.isArray(json) || json.length === 0) throw dataError(path, 'no sequences: expected a non-empty array of sequences or of timesteps');
  const first = json[0] as unknown;
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    return { sequences: sequencesOf(readDataset(path, readOptions(model, opts))), source: path };
  }
  const nested = Array.isArray(first) && Array.isArray(first[0]);
  return { sequences: nested ? parseSequences(json, path) : [parseSequenceJson(json, path)], source: path };
}

/** Labelled held-out data in a training data format. */
export function readEvalData(path: string, model: FloatModel, opts: DataOptions = {}): EvalData {
  const ds = readDataset(path, readOptions(model, opts));
  const K = ds.targetSize;
  const targets = ds.seqs.map((_, i) => {
    if (ds.task === 'classification') return Array.from(ds.labels[i]!, (l) => [l]);
    const v = ds.values[i]!;
    return Array.from({ length: v.length / K }, (_, k) => Array.from(v.subarray(k * K, (k + 1) * K)));
  });
  return { sequences: sequencesOf(ds), targets, source: path };
}
