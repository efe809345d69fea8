/**
 * Labelled sequences (docs/data-format.md, format a):
 * - CSV with a header: a sequence-id column (default `seq`), feature columns, label
 *   column(s) (default `label`); a sequence's rows are consecutive, one row per timestep;
 *   the label repeats on every row (constant for a per-sequence label).
 * - JSON: [{"x": [[f, ...], ...], "label": L}, ...] with one label per sequence, or
 *   "labels": [L_0, L_1, ...] with one per timestep. L is a class (integer or name) or,
 *   for regression, a number or an array of numbers.
 */
import { type Csv, csvNumber, parseCsv } from './csv.js';
import { type Dataset, type ReadOptions, checkInputs, dataError, resolveClasses } from './dataset.js';

function columnIndex(csv: Csv, name: string, source: string): number {
  const i = csv.header!.indexOf(name);
  if (i < 0) throw dataError(source, `no column '${name}'; the header has ${csv.header!.join(', ')}`);
  return i;
}

interface RawSeq {
  rows: number[][];
  /** classification: raw label per row; regression: target values per row. */
  targets: Array<string | number[]>;
  lines: number[];
  name: string;
}

function finish(source: string, raw: RawSeq[], featureNames: string[], opts: ReadOptions): Dataset {
  if (raw.length === 0) throw dataError(source, 'no sequences');
  checkInputs(source, featureNames.length, opts);
  const F = featureNames.length;
  const per = (s: RawSeq) => (opts.perStep ? s.targets : [s.targets[s.targets.length - 1]!]);
  const ds: Dataset = {
    source, featureNames, perStep: opts.perStep, task: opts.task, ordered: false,
    seqs: raw.map((s) => { const a = new Float64Array(s.rows.length * F); s.rows.forEach((r, t) => a.set(r, t * F)); return a; }),
    lengths: raw.map((s) => s.rows.length), labels: [], values: [], targetSize: opts.outputs, classes: [],
  };
  if (!opts.perStep) {
    for (const s of raw) {
      const first = JSON.stringify(s.targets[0]);
      const t = s.targets.findIndex((v) => JSON.stringify(v) !== first);
      if (t >= 0) {
        throw dataError(source, `${s.lines[t] ? `line ${s.lines[t]}` : `sequence ${s.name}, step ${t}`}: the label changes within sequence ${s.name}; use --per-step for a target per timestep`);
      }
    }
  }
  if (opts.task === 'classification') {
    const flat: string[] = [], where: string[] = [];
    for (const s of raw) {
      per(s).forEach((v, t) => {
        flat.push(v as string);
        where.push(s.lines.length > 0 ? `line ${s.lines[opts.perStep ? t : s.lines.length - 1]}` : `sequence ${s.name}`);
      });
    }
    const { index, classes } = resolveClasses(flat, opts.outputs, source, (i) => where[i]!);
    ds.classes = classes;
    let k = 0;
    ds.labels = raw.map((s) => { const n = per(s).length; const out = index.slice(k, k + n); k += n; return out; });
  } else {
    ds.values = raw.map((s) => {
      const targets = per(s) as number[][];
      const out = new Float64Array(targets.length * opts.outputs);
      targets.forEach((v, t) => {
        if (v.length !== opts.outputs) {
          throw dataError(source, `sequence ${s.name}: ${v.length} target value${v.length === 1 ? '' : 's'} per ${opts.perStep ? 'step' : 'sequence'}, but the model's last layer has ${opts.outputs} units`);
        }
        out.set(v, t * opts.outputs);
      });
      return out;
    });
  }
  return ds;
}

export function parseLabelledCsv(text: string, source: string, opts: ReadOptions): Dataset {
  const csv = parseCsv(text, source, { header: opts.header });
  if (!csv.header) throw dataError(source, `expected a header row naming the columns (for example seq,ax,ay,az,label)${opts.header === false ? '; --no-header applies to a series (--window) or a bare sequence' : ''}`);
  const width = csv.header.length;
  const idCol = columnIndex(csv, opts.idColumn ?? 'seq', source);
  const labelCols = (opts.labelColumns ?? ['label']).map((n) => columnIndex(csv, n, source));
  if (opts.task === 'classification' && labelCols.length !== 1) throw dataError(source, 'classification takes exactly one label column');
  const featureCols = opts.featureColumns
    ? opts.featureColumns.map((n) => columnIndex(csv, n, source))
    : csv.header.map((_, i) => i).filter((i) => i !== idCol && !labelCols.includes(i));
  const seqs: RawSeq[] = [];
  const seen = new Set<string>();
  csv.rows.forEach((row, r) => {
    const line = csv.lines[r]!;
    if (row.length !== width) throw dataError(source, `line ${line}: expected ${width} columns as in the header, got ${row.length}`);
    const id = row[idCol]!;
    if (id === '') throw dataError(source, `line ${line}: empty sequence id in column '${csv.header![idCol]}'`);
    let cur = seqs[seqs.length - 1];
    if (!cur || cur.name !== id) {
      if (seen.has(id)) throw dataError(source, `line ${line}: sequence ${id} appears again after other sequences; keep each sequence's rows together`);
      seen.add(id);
      cur = { rows: [], targets: [], lines: [], name: id };
      seqs.push(cur);
    }
    cur.rows.push(featureCols.map((c) => csvNumber(row[c]!, source, line, c)));
    if (opts.task === 'classification') {
      const label = row[labelCols[0]!]!;
      if (label === '') throw dataError(source, `line ${line}: empty label`);
      cur.targets.push(label);
    } else {
      cur.targets.push(labelCols.map((c) => csvNumber(row[c]!, source, line, c)));
    }
    cur.lines.push(line);
  });
  return finish(source, seqs, featureCols.map((c) => csv.header![c]!), opts);
}

function jsonTarget(v: unknown, opts: ReadOptions, at: string, source: string): string | number[] {
  if (opts.task === 'classification') {
    if ((typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && v !== '')) return String(v);
    throw dataError(source, `${at}: expected a class (an integer or a name), got ${JSON.stringify(v)}`);
  }
  const arr = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(arr) || !arr.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw dataError(source, `${at}: expected a number or an array of numbers, got ${JSON.stringify(v)}`);
  }
  return arr as number[];
}

export function parseLabelledJson(json: unknown, source: string, opts: ReadOptions): Dataset {
  if (!Array.isArray(json)) throw dataError(source, 'expected an array of {"x": [[...], ...], "label": ...} objects');
  let width = -1;
  const seqs = json.map((item: unknown, i): RawSeq => {
    const at = `[${i}]`;
    if (typeof item !== 'object' || item === null || !('x' in item)) throw dataError(source, `${at}: expected an object with "x" and "label" or "labels"`);
    const o = item as { x: unknown; label?: unknown; labels?: unknown };
    if (!Array.isArray(o.x) || o.x.length === 0) throw dataError(source, `${at}.x: expected a non-empty array of timesteps`);
    const rows = o.x.map((step: unknown, t) => {
      if (!Array.isArray(step)) throw dataError(source, `${at}.x[${t}]: expected an array of features`);
      if (width < 0) width = step.length;
      if (step.length !== width) throw dataError(source, `${at}.x[${t}]: expected ${width} features as in the first timestep, got ${step.length}`);
      return step.map((v: unknown, f) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw dataError(source, `${at}.x[${t}][${f}]: expected a finite number, got ${JSON.stringify(v)}`);
        return v;
      });
    });
    let targets: Array<string | number[]>;
    if (opts.perStep) {
      if (!Array.isArray(o.labels) || o.labels.length !== rows.length) {
        throw dataError(source, `${at}.labels: expected one label per timestep (${rows.length}) for --per-step`);
      }
      targets = o.labels.map((v: unknown, t) => jsonTarget(v, opts, `${at}.labels[${t}]`, source));
    } else {
      if (o.label === undefined) throw dataError(source, `${at}.label: missing (one label per sequence; "labels" with --per-step)`);
      targets = [jsonTarget(o.label, opts, `${at}.label`, source)];
    }
    return { rows, targets, lines: [], name: String(i) };
  });
  return finish(source, seqs, Array.from({ length: Math.max(width, 0) }, (_, f) => `x${f}`), opts);
}
