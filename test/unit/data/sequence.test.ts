/** Sequence readers for `rnnc run`: JSON arrays of timesteps and CSV, strict and one-line errors. */
import { describe, expect, it } from 'vitest';
import { isRnncError } from '../../../src/errors.js';
import { parseSequenceCsv, parseSequenceJson } from '../../../src/data/sequence.js';

function failure(f: () => unknown): string {
  try { f(); } catch (e) { return isRnncError(e) ? `${e.code}: ${e.message}` : `other: ${String(e)}`; }
  return 'none';
}

describe('CSV sequences', () => {
  it('reads numbers, with or without a header, skipping blank and # lines', () => {
    expect(parseSequenceCsv('a,b\n1,2\n\n# note\n3.5,-4e-2\n', 's.csv')).toEqual([[1, 2], [3.5, -0.04]]);
    expect(parseSequenceCsv('1,2\r\n3,4\r\n', 's.csv')).toEqual([[1, 2], [3, 4]]);
  });

  it('refuses a first row that mixes numbers and text instead of dropping it as a header', () => {
    expect(failure(() => parseSequenceCsv('1,x,3\n4,5,6\n', 's.csv'))).toBe(
      'io/bad_csv: s.csv: the first row mixes numbers and text: column 2 is "x"; a header names every column, a data row holds only numbers');
  });

  it('names the line and column of a bad cell, and ragged rows', () => {
    expect(failure(() => parseSequenceCsv('a,b\n1,2\n3,NaN\n', 's.csv'))).toBe('io/bad_csv: s.csv: line 3, column 2: expected a decimal number, got "NaN"');
    expect(failure(() => parseSequenceCsv('1,2\n3\n', 's.csv'))).toBe('io/bad_csv: s.csv: line 2: expected 2 columns, got 1');
    expect(failure(() => parseSequenceCsv('a,b\n', 's.csv'))).toBe('io/bad_csv: s.csv: a header but no data rows');
  });
});

describe('JSON sequences', () => {
  it('reads an array of timesteps', () => {
    expect(parseSequenceJson([[1, 2], [3, 4]], 's.json')).toEqual([[1, 2], [3, 4]]);
  });

  it('refuses what is not one', () => {
    expect(failure(() => parseSequenceJson({ x: 1 }, 's.json'))).toBe('data/invalid: s.json: expected an array of timesteps');
    expect(failure(() => parseSequenceJson([], 's.json'))).toBe('data/invalid: s.json: the sequence is empty');
    expect(failure(() => parseSequenceJson([1, 2], 's.json'))).toBe('data/invalid: s.json: [0]: expected an array of features');
    expect(failure(() => parseSequenceJson([[1, null]], 's.json'))).toBe('data/invalid: s.json: [0][1]: expected a finite number, got null');
  });
});
