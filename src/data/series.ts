/**
 * One long series cut into windows (docs/data-format.md, format b), selected by
 * `--window W`. Rows are timesteps; a window is W consecutive rows of the feature
 * columns, starting every `stride` rows. Its target comes from the target columns
 * `horizon` rows after the window's last row (many-to-one), or, with --per-step,
 * `horizon` rows after each of its rows, or with `targetSteps` K (an encoder–decoder) the K
 * consecutive rows from `horizon` rows after the window's last row, or with `reconstruct`
 * (an autoencoder, K = W) the window's own rows.
 * - CSV: optional header; without one the columns are named 0, 1, ...
 * - JSON: an array of rows (arrays of numbers); columns are named 0, 1, ...
 * Defaults: regression forecasts the feature columns themselves with horizon 1;
 * classification reads the column `label` with horizon 0.
 */
import { RnncError } from '../errors.js';
import { QUOTE_MAX, quote } from '../util/text.js';
import { csvNumber, parseCsv } from './csv.js';
import { type Dataset, type ReadOptions, checkInputs, dataError, resolveClasses } from './dataset.js';

interface Table {
  names: string[];
  /** CSV: the cell text; JSON: the value, a number or (for class labels) a string. */
  cells: Array<Array<string | number>>;
  lines: number[];
}

function tableFromCsv(text: string, source: string, header: boolean | undefined): Table {
  const csv = parseCsv(text, source, { header });
  const width = csv.header?.length ?? csv.rows[0]!.length;
  csv.rows.forEach((row, r) => {
    if (row.length !== width) throw dataError(source, `line ${csv.lines[r]}: expected ${width} columns${csv.header ? ' as in the header' : ' as in the first row'}, got ${row.length}`);
  });
  return { names: csv.header ?? Array.from({ length: width }, (_, i) => String(i)), cells: csv.rows, lines: csv.lines };
}

function tableFromJson(json: unknown, source: string): Table {
  if (!Array.isArray(json) || json.length === 0) throw dataError(source, 'expected a non-empty array of rows (arrays of numbers)');
  const width = Array.isArray(json[0]) ? json[0].length : 0;
  const cells = json.map((row: unknown, r) => {
    if (!Array.isArray(row)) throw dataError(source, `[${r}]: expected an array of numbers`);
    if (row.length !== width) throw dataError(source, `[${r}]: expected ${width} values as in the first row, got ${row.length}`);
    return row.map((v: unknown, c): string | number => {
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      // A string is a class name; where a number belongs it is refused (jsonNumber).
      if (typeof v === 'string' && v !== '') return v;
      throw dataError(source, `[${r}][${c}]: expected a finite number, got ${JSON.stringify(v)}`);
    });
  });
  return { names: Array.from({ length: width }, (_, i) => String(i)), cells, lines: cells.map((_, r) => r) };
}

function column(t: Table, name: string, source: string): number {
  const i = t.names.indexOf(name);
  if (i < 0) throw dataError(source, `no column '${name}'; the columns are ${t.names.join(', ')}`);
  return i;
}

function intOption(value: number | undefined, name: string, min: number, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min) throw new RnncError('usage/invalid', `--${name}: expected an integer >= ${min}, got ${value}`);
  return v;
}

function windows(t: Table, source: string, json: boolean, opts: ReadOptions): Dataset {
  const classify = opts.task === 'classification';
  const W = intOption(opts.window, 'window', 1, 1);
  const H = intOption(opts.horizon, 'horizon', 0, classify ? 0 : 1);
  const stride = intOption(opts.stride, 'stride', 1, 1);
  const steps = intOption(opts.targetSteps, 'steps', 1, 1);
  if (opts.reconstruct) reconstructable(W, steps, opts);
  const labelCols = (opts.labelColumns ?? (classify ? ['label'] : opts.featureColumns ?? t.names)).map((n) => column(t, n, source));
  if (classify && labelCols.length !== 1) throw dataError(source, 'classification takes exactly one label column');
  const featureCols = opts.featureColumns
    ? opts.featureColumns.map((n) => column(t, n, source))
    : t.names.map((_, i) => i).filter((i) => !classify || !labelCols.includes(i));
  checkInputs(source, featureCols.length, opts);
  if (!classify && labelCols.length !== opts.outputs) {
    throw dataError(source, `${labelCols.length} target column${labelCols.length === 1 ? '' : 's'} (${labelCols.map((c) => t.names[c]).join(', ')}), but the model's last layer has ${opts.outputs} units`);
  }
  const where = (r: number) => (json ? `[${r}]` : `line ${t.lines[r]}`);
  const num = (r: number, c: number) => {
    const cell = t.cells[r]![c]!;
    return typeof cell === 'number' ? cell : json ? jsonNumber(cell, source, r, c) : csvNumber(cell, source, t.lines[r]!, c);
  };
  const n = t.cells.length, F = featureCols.length, K = labelCols.length;
  const feat = new Float64Array(n * F);
  for (let r = 0; r < n; r++) featureCols.forEach((c, f) => { feat[r * F + f] = num(r, c); });
  // The last row a window's target reads: K − 1 rows after its first target row (a
  // reconstruction reads the window's own rows).
  const span = opts.reconstruct ? W : W + H + steps - 1;
  const count = n - span >= 0 ? Math.floor((n - span) / stride) + 1 : 0;
  if (count === 0) {
    throw dataError(source, `${n} rows are too few for --window ${W}${opts.reconstruct ? '' : ` and --horizon ${H}${steps > 1 ? ` and ${steps} output steps` : ''}`}`);
  }
  const starts = Array.from({ length: count }, (_, i) => i * stride);
  const first = opts.reconstruct ? 0 : W - 1 + H; // the first target row, from the window's start
  const targetRows = (s: number) => (opts.perStep ? Array.from({ length: W }, (_, i) => s + i + H) : Array.from({ length: steps }, (_, k) => s + first + k));
  const ds: Dataset = {
    source, featureNames: featureCols.map((c) => t.names[c]!), perStep: opts.perStep, task: opts.task, ordered: true,
    seqs: starts.map((s) => feat.slice(s * F, (s + W) * F)), lengths: starts.map(() => W),
    labels: [], values: [], targetSize: opts.outputs, classes: [], targetRow: starts.map((s) => s + first + steps - 1),
  };
  if (classify) {
    const raw = t.cells.map((row) => String(row[labelCols[0]!]!));
    const { index, classes } = resolveClasses(raw, opts.outputs, source, where);
    ds.classes = classes;
    ds.labels = starts.map((s) => Int32Array.from(targetRows(s), (r) => index[r]!));
  } else {
    const tv = new Float64Array(n * K);
    for (let r = 0; r < n; r++) labelCols.forEach((c, k) => { tv[r * K + k] = num(r, c); });
    ds.values = starts.map((s) => {
      const rows = targetRows(s), out = new Float64Array(rows.length * K);
      rows.forEach((r, i) => out.set(tv.subarray(r * K, (r + 1) * K), i * K));
      return out;
    });
  }
  return ds;
}

/** --reconstruct: an encoder–decoder of regression outputs writing exactly the window's W rows. */
function reconstructable(W: number, steps: number, opts: ReadOptions): void {
  const problem = opts.task === 'classification' ? 'reconstructs values: it needs a regression decoder (out=O), not classes'
    : opts.perStep || opts.targetSteps === undefined ? `the model has no decoder to write a window back: it needs an encoder–decoder whose decoder has steps=${W}`
      : steps !== W ? `the decoder writes ${steps} steps but a window has ${W} rows; make them equal: --window ${steps}, or a decoder with steps=${W}` : undefined;
  if (problem) throw new RnncError('usage/invalid', `--reconstruct: ${problem}`);
}

/** A string in a JSON series where a number belongs: refused, as "1" is in every other JSON file. */
function jsonNumber(cell: string, source: string, r: number, c: number): never {
  throw dataError(source, `[${r}][${c}]: expected a finite number, got ${quote(cell, QUOTE_MAX, '"')}`);
}

export function parseSeriesCsv(text: string, source: string, opts: ReadOptions): Dataset {
  return windows(tableFromCsv(text, source, opts.header), source, false, opts);
}

export function parseSeriesJson(json: unknown, source: string, opts: ReadOptions): Dataset {
  return windows(tableFromJson(json, source), source, true, opts);
}
