// The calibration / eval file adapters: every accepted shape, and one-line refusals.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCalibData, readEvalData } from '../../../src/quantize/calib-data.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-calib-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('readCalibData', () => {
  it('reads an array of sequences, one JSON sequence, one CSV sequence and {"inputs"}', () => {
    expect(readCalibData(file('a.json', '[[[1,2],[3,4]],[[5,6]]]')).sequences).toEqual([[[1, 2], [3, 4]], [[5, 6]]]);
    expect(readCalibData(file('b.json', '[[1,2],[3,4]]')).sequences).toEqual([[[1, 2], [3, 4]]]);
    expect(readCalibData(file('c.csv', 'a,b\n1,2\n3,4\n')).sequences).toEqual([[[1, 2], [3, 4]]]);
    expect(readCalibData(file('d.json', '{"inputs":[[[1]]],"targets":[0]}')).sequences).toEqual([[[1]]]);
  });
  it('refuses empty data and non-numbers with the place named', () => {
    expect(() => readCalibData(file('e.json', '[]'))).toThrow(/e\.json: no sequences/);
    expect(() => readCalibData(file('f.json', '[[[1,"x"]]]'))).toThrow(/f\.json: sequence 0: \[0\]\[1\]: expected a finite number/);
    expect(() => readCalibData(file('g.csv', 'a,b\n'))).toThrow(/g\.csv: a header but no data rows/);
  });
});

describe('readEvalData', () => {
  it('JSON: class indices or vectors per sequence; per-timestep targets for sequence models', () => {
    const a = readEvalData(file('e1.json', '{"inputs":[[[1],[2]],[[3]]],"targets":[1,[0.5,2]]}'), 1, false);
    expect(a.targets).toEqual([[[1]], [[0.5, 2]]]);
    const b = readEvalData(file('e2.json', '{"inputs":[[[1],[2]]],"targets":[[0,[1]]]}'), 1, true);
    expect(b.targets).toEqual([[[0], [1]]]);
    expect(() => readEvalData(file('e3.json', '{"inputs":[[[1],[2]]],"targets":[]}'), 1, false)).toThrow(/targets: expected an array of 1 entries/);
    expect(() => readEvalData(file('e5.json', '{"inputs":[[[1,2]]],"targets":[0]}'), 1, false)).toThrow(/e5\.json: sequence 0, timestep 0: 2 features, but the model takes 1/);
    expect(() => readEvalData(file('e4.json', '{"inputs":[[[1],[2]]],"targets":[[1]]}'), 1, true)).toThrow(/expected one target per timestep \(2\)/);
  });
  it('CSV: consecutive rows with one seq id form a sequence; last row\'s target, or every row\'s', () => {
    const text = 'seq,x,y\na,1,0\na,2,1\nb,3,2\n';
    const last = readEvalData(file('e.csv', text), 1, false);
    expect(last.sequences).toEqual([[[1], [2]], [[3]]]);
    expect(last.targets).toEqual([[[1]], [[2]]]);
    expect(readEvalData(file('e.csv', text), 1, true).targets).toEqual([[[0], [1]], [[2]]]);
    expect(() => readEvalData(file('bad.csv', 'seq,x\na,1\n'), 1, false)).toThrow(/line 2: expected seq, 1 features and at least one target column/);
  });
});
