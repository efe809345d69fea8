// Training data readers: labelled sequences (CSV, JSON), series windows, split, stats.
import { describe, expect, it } from 'vitest';
import type { ReadOptions } from '../../../src/data/dataset.js';
import { parseLabelledCsv, parseLabelledJson } from '../../../src/data/labelled.js';
import { columnStats } from '../../../src/data/normalize.js';
import { parseSeriesCsv, parseSeriesJson } from '../../../src/data/series.js';
import { splitDataset } from '../../../src/data/split.js';

const cls = { task: 'classification' as const, outputs: 3, perStep: false };

describe('labelled sequences', () => {
  it('CSV: sequences of different lengths, class names sorted into indices', () => {
    const ds = parseLabelledCsv('seq,a,b,label\ns1,1,2,up\ns1,3,4,up\ns2,5,6,down\nx,0,0,left\n', 'd.csv', cls);
    expect(ds.lengths).toEqual([2, 1, 1]);
    expect(Array.from(ds.seqs[0]!)).toEqual([1, 2, 3, 4]);
    expect(ds.classes).toEqual(['down', 'left', 'up']);
    expect(ds.labels.map((l) => Array.from(l))).toEqual([[2], [0], [1]]);
    expect(ds.featureNames).toEqual(['a', 'b']);
  });
  it('CSV: per-step regression with two target columns and chosen features', () => {
    const ds = parseLabelledCsv('id,t,a,b,y1,y2\n0,0,1,2,0.5,1\n0,1,3,4,0.25,2\n', 'd.csv', {
      task: 'regression', outputs: 2, perStep: true, idColumn: 'id', labelColumns: ['y1', 'y2'], featureColumns: ['a', 'b'],
    });
    expect(Array.from(ds.values[0]!)).toEqual([0.5, 1, 0.25, 2]);
  });
  it('CSV: a sequence split over the file is refused', () => {
    expect(() => parseLabelledCsv('seq,a,label\n0,1,0\n1,1,0\n0,1,0\n', 'd.csv', cls)).toThrow(/line 4: sequence 0 appears again/);
  });
  it('JSON: per-sequence and per-step labels', () => {
    const one = parseLabelledJson([{ x: [[1], [2]], label: 2 }, { x: [[3]], label: 0 }], 'd.json', cls);
    expect(one.labels.map((l) => Array.from(l))).toEqual([[2], [0]]);
    const per = parseLabelledJson([{ x: [[1], [2]], labels: [0.5, [1.5]] }], 'd.json', { task: 'regression', outputs: 1, perStep: true });
    expect(Array.from(per.values[0]!)).toEqual([0.5, 1.5]);
    expect(() => parseLabelledJson([{ x: [[1], [2]], labels: [1] }], 'd.json', { ...cls, perStep: true })).toThrow(/\[0\]\.labels: expected one label per timestep \(2\)/);
  });
});

describe('series windows', () => {
  it('forecasting: window 3, horizon 2, stride 2 over one column', () => {
    const ds = parseSeriesCsv('t,v\n0,10\n1,11\n2,12\n3,13\n4,14\n5,15\n6,16\n', 's.csv', {
      task: 'regression', outputs: 1, perStep: false, window: 3, horizon: 2, stride: 2, featureColumns: ['v'],
    });
    expect(ds.seqs.map((s) => Array.from(s))).toEqual([[10, 11, 12], [12, 13, 14]]);
    expect(ds.values.map((v) => Array.from(v))).toEqual([[14], [16]]);
    expect(ds.targetRow).toEqual([4, 6]);
  });
  it('reconstruction (an autoencoder): the target of each window is its own rows, the last window ends at the last row', () => {
    const opts: ReadOptions = { task: 'regression', outputs: 1, perStep: false, window: 3, stride: 2, featureColumns: ['v'], targetSteps: 3, reconstruct: true };
    const ds = parseSeriesCsv('v\n10\n11\n12\n13\n14\n15\n16\n', 's.csv', opts);
    expect(ds.seqs.map((s) => Array.from(s))).toEqual([[10, 11, 12], [12, 13, 14], [14, 15, 16]]);
    expect(ds.values.map((v) => Array.from(v))).toEqual([[10, 11, 12], [12, 13, 14], [14, 15, 16]]);
    expect(ds.targetRow).toEqual([2, 4, 6]);
    const csv = 'v\n1\n2\n3\n';
    expect(() => parseSeriesCsv(csv, 's.csv', { ...opts, targetSteps: 2 })).toThrow(/^--reconstruct: the decoder writes 2 steps but a window has 3 rows; make them equal: --window 2, or a decoder with steps=3$/);
    expect(() => parseSeriesCsv(csv, 's.csv', { ...opts, targetSteps: undefined })).toThrow(/^--reconstruct: the model has no decoder to write a window back: it needs an encoder–decoder whose decoder has steps=3$/);
    expect(() => parseSeriesCsv('v\n1\n2\n', 's.csv', opts)).toThrow(/^s\.csv: 2 rows are too few for --window 3$/);
    expect(() => parseSeriesCsv('v,label\n1,a\n2,b\n3,a\n', 's.csv', { ...opts, task: 'classification', outputs: 2, labelColumns: ['label'] })).toThrow(/^--reconstruct: reconstructs values/);
  });
  it('a headerless first row with a typo is refused, not silently taken as a header', () => {
    const opts = { task: 'regression', outputs: 1, perStep: false, window: 2, horizon: 1, stride: 1 } as const;
    expect(() => parseSeriesCsv('1e,10\n1,11\n2,12\n3,13\n', 's.csv', opts)).toThrow(/s\.csv: the first row mixes numbers and text: column 1 is "1e"/);
  });
  it('per-step classification from a label column (JSON rows, columns by index)', () => {
    const ds = parseSeriesJson([[1, 0], [2, 1], [3, 1], [4, 0]], 's.json', {
      task: 'classification', outputs: 2, perStep: true, window: 2, featureColumns: ['0'], labelColumns: ['1'],
    });
    expect(ds.labels.map((l) => Array.from(l))).toEqual([[0, 1], [1, 1], [1, 0]]);
  });
  it('the validation windows come last, and no training target lies in them', () => {
    const rows = Array.from({ length: 40 }, (_, i) => String(i)).join('\n');
    const ds = parseSeriesCsv(`v\n${rows}\n`, 's.csv', { task: 'regression', outputs: 1, perStep: false, window: 5 });
    const { train, val } = splitDataset(ds, 0.25, 1);
    const firstValInput = val[0]!;
    expect(val).toEqual(Array.from({ length: val.length }, (_, i) => ds.seqs.length - val.length + i));
    expect(Math.max(...train.map((i) => ds.targetRow![i]!))).toBeLessThan(firstValInput);
  });
});

describe('normalisation statistics', () => {
  it('population mean and std per column; a constant column gets std 1', () => {
    const s = columnStats([Float64Array.from([1, 5, 3, 5]), Float64Array.from([5, 5])], 2);
    expect(s.mean).toEqual([3, 5]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 14);
    expect(s.std[1]).toBe(1);
  });
});
