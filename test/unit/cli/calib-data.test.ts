// The calibration / eval file adapters: the training data formats (through
// src/data/read.ts) and bare sequences, and one-line refusals.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomModel } from '../../../src/ir/random.js';
import { readCalibData, readEvalData } from '../../../src/cli/calib-data.js';
import { validateModel } from '../../../src/ir/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-calib-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const classifier = randomModel({ inputSize: 2, layers: [{ type: 'gru', units: 3 }, { type: 'dense', units: 3, activation: 'softmax' }] }, 1);
const forecaster = randomModel({ inputSize: 1, layers: [{ type: 'lstm', units: 3 }, { type: 'dense', units: 1, activation: 'linear' }] }, 1);
const perStep = randomModel({ inputSize: 1, layers: [{ type: 'rnn', units: 3, returnSequences: true }, { type: 'dense', units: 2, activation: 'linear' }] }, 1);
const binary = randomModel({ inputSize: 1, layers: [{ type: 'rnn', units: 3 }, { type: 'dense', units: 1, activation: 'sigmoid' }] }, 1);

describe('readCalibData', () => {
  it('bare sequences: an array of sequences, one JSON sequence, one CSV sequence', () => {
    expect(readCalibData(file('a.json', '[[[1,2],[3,4]],[[5,6]]]'), classifier).sequences).toEqual([[[1, 2], [3, 4]], [[5, 6]]]);
    expect(readCalibData(file('b.json', '[[1,2],[3,4]]'), classifier).sequences).toEqual([[[1, 2], [3, 4]]]);
    expect(readCalibData(file('c.csv', 'a,b\n1,2\n3,4\n'), classifier).sequences).toEqual([[[1, 2], [3, 4]]]);
  });
  it('training data: labelled CSV and JSON (labels ignored), a series cut into windows', () => {
    expect(readCalibData(file('l.csv', 'seq,ax,ay,label\n0,1,2,a\n0,3,4,a\n1,5,6,b\n2,7,8,c\n'), classifier).sequences)
      .toEqual([[[1, 2], [3, 4]], [[5, 6]], [[7, 8]]]);
    expect(readCalibData(file('l.json', '[{"x":[[1,2]],"label":0},{"x":[[3,4],[5,6]],"label":2}]'), classifier).sequences)
      .toEqual([[[1, 2]], [[3, 4], [5, 6]]]);
    const s = readCalibData(file('s.csv', 'year,v\n1,10\n2,20\n3,30\n4,40\n'), forecaster, { window: 2, featureColumns: ['v'] });
    expect(s.sequences).toEqual([[[10], [20]], [[20], [30]]]);
  });
  it('a series cut into windows for an encoder–decoder: its K target rows are not the last layer\'s width', () => {
    const f = JSON.parse(readFileSync(new URL('../../fixtures/torch/seq2seq_bahdanau_lstm.json', import.meta.url), 'utf8')) as { model: unknown };
    const m = validateModel(f.model, 's2s');
    const rows = Array.from({ length: 12 }, (_, t) => `${t},${t},${2 * t},${t % 3}`).join('\n');
    const s = readCalibData(file('s2s.csv', `a,b,c,d\n${rows}\n`), m, { window: 3, featureColumns: ['b', 'c', 'd'], labelColumns: ['a', 'b'] });
    // 12 rows, windows of 3 with 6 target rows after each: 12 − 3 − 6 + 1 windows.
    expect(s.sequences).toHaveLength(4);
    expect(s.sequences[0]).toEqual([[0, 0, 0], [1, 2, 1], [2, 4, 2]]);
  });
  it('refuses empty data and non-numbers with the place named', () => {
    expect(() => readCalibData(file('e.json', '[]'), classifier)).toThrow(/e\.json: no sequences/);
    expect(() => readCalibData(file('f.json', '[[[1,"x"]]]'), classifier)).toThrow(/f\.json: sequence 0: \[0\]\[1\]: expected a finite number/);
    expect(() => readCalibData(file('g.csv', 'a,b\n'), classifier)).toThrow(/g\.csv: a header but no data rows/);
    expect(() => readCalibData(file('h.csv', 'seq,a,b,c,label\n0,1,2,3,a\n'), classifier)).toThrow(/3 features per timestep/);
  });
});

describe('readEvalData', () => {
  it('classifier: class names become indices in sorted order', () => {
    const d = readEvalData(file('e.csv', 'seq,ax,ay,label\n0,1,2,b\n0,3,4,b\n1,5,6,a\n2,7,8,c\n'), classifier);
    expect(d.sequences).toEqual([[[1, 2], [3, 4]], [[5, 6]], [[7, 8]]]);
    expect(d.targets).toEqual([[[1]], [[0]], [[2]]]);
  });
  it('forecaster with --window: the next row\'s value; one sigmoid unit takes 0/1 classes', () => {
    const d = readEvalData(file('s.csv', 'year,v\n1,10\n2,20\n3,30\n4,40\n'), forecaster, { window: 2, featureColumns: ['v'] });
    expect(d.targets).toEqual([[[30]], [[40]]]);
    expect(readEvalData(file('b.json', '[{"x":[[1]],"label":1},{"x":[[2]],"label":0}]'), binary).targets).toEqual([[[1]], [[0]]]);
  });
  it('a per-timestep model takes one K-vector target per timestep', () => {
    const d = readEvalData(file('p.json', '[{"x":[[1],[2]],"labels":[[0.5,1],[2,3]]}]'), perStep);
    expect(d.targets).toEqual([[[0.5, 1], [2, 3]]]);
  });
});
