/**
 * A training data set in memory: sequences of feature rows with their targets, as the
 * readers (labelled.ts, series.ts) produce it and the trainer consumes it.
 * docs/data-format.md describes the files.
 */
import { RnncError } from '../errors.js';

export type Task = 'classification' | 'regression';

export interface Dataset {
  source: string;
  featureNames: string[];
  /** Each sequence is length×F, row-major (one row per timestep). */
  seqs: Float64Array[];
  lengths: number[];
  /** Whether targets are per timestep (many-to-many) or one per sequence. */
  perStep: boolean;
  task: Task;
  /** classification: class index per sequence (length 1) or per step. */
  labels: Int32Array[];
  /** regression: K values per sequence or length×K per step. */
  values: Float64Array[];
  /** Number of classes (classification) or target values K (regression). */
  targetSize: number;
  /** Class names in index order (classification). */
  classes: string[];
  /** Windows cut from one series: validation takes the last windows, not a random draw. */
  ordered: boolean;
  /** For ordered data: index of the series row each sequence's (last) target comes from. */
  targetRow?: number[];
}

/** What the reader needs to know about the model that will consume the data. */
export interface ReadOptions {
  task: Task;
  /** Model output units: class count or regression target count. */
  outputs: number;
  perStep: boolean;
  /** Model input features when the architecture fixes them. */
  inputs?: number | undefined;
  idColumn?: string | undefined;
  labelColumns?: string[] | undefined;
  featureColumns?: string[] | undefined;
  window?: number | undefined;
  horizon?: number | undefined;
  stride?: number | undefined;
  /**
   * Windows only, for an encoder–decoder: the target is this many consecutive rows, the first
   * `horizon` rows after the window (one label or O values each). Default 1.
   */
  targetSteps?: number | undefined;
  /**
   * Windows only, for an encoder–decoder of W steps (an autoencoder): the target of a window
   * is its own W rows of the target columns.
   */
  reconstruct?: boolean | undefined;
  /** CSV: whether the first row is a header (undefined: decided by its fields, src/data/csv.ts). */
  header?: boolean | undefined;
}

export function dataError(source: string, message: string): RnncError {
  return new RnncError('data/invalid', `${source}: ${message}`, source);
}

/**
 * Turns raw class labels into indices. Integer labels are indices and must lie in
 * 0…outputs−1; otherwise labels are names, sorted, and there must be exactly `outputs`
 * of them. `where(i)` names label i's place in the file for messages.
 */
export function resolveClasses(raw: string[], outputs: number, source: string, where: (i: number) => string): { index: Int32Array; classes: string[] } {
  const numeric = raw.every((s) => /^-?\d+$/.test(s));
  if (numeric) {
    const index = new Int32Array(raw.length);
    raw.forEach((s, i) => {
      const v = Number(s);
      if (v < 0 || v >= outputs) {
        throw dataError(source, `${where(i)}: label ${v} is out of range: the model's last layer has ${outputs} classes (labels 0 to ${outputs - 1})`);
      }
      index[i] = v;
    });
    return { index, classes: Array.from({ length: outputs }, (_, k) => String(k)) };
  }
  const classes = [...new Set(raw)].sort();
  if (classes.length !== outputs) {
    throw dataError(source, `the labels name ${classes.length} classes (${classes.slice(0, 8).join(', ')}${classes.length > 8 ? ', ...' : ''}) but the model's last layer has ${outputs} units`);
  }
  const lookup = new Map(classes.map((c, k) => [c, k]));
  return { index: Int32Array.from(raw, (s) => lookup.get(s)!), classes };
}

/** Checks the feature count against the architecture, when it states one. */
export function checkInputs(source: string, features: number, opts: ReadOptions): void {
  if (features === 0) throw dataError(source, 'no feature columns');
  if (opts.inputs !== undefined && opts.inputs !== features) {
    throw dataError(source, `${features} feature${features === 1 ? '' : 's'} per timestep, but the model takes ${opts.inputs}`);
  }
}
