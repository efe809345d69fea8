/** The CSV reader (src/data/csv.ts): quoting, delimiters, the header rule, one-line errors with line and column. */
import { describe, expect, it } from 'vitest';
import { isRnncError } from '../../../src/errors.js';
import { detectDelimiter, parseCsv } from '../../../src/data/csv.js';
import { parseLabelledCsv } from '../../../src/data/labelled.js';
import { parseSeriesCsv } from '../../../src/data/series.js';
import { parseSequenceCsv } from '../../../src/data/sequence.js';

function failure(f: () => unknown): string {
  try { f(); } catch (e) { return isRnncError(e) ? `${e.code}: ${e.message}` : `other: ${String(e)}`; }
  return 'none';
}

describe('quoting', () => {
  it('a quoted field keeps its delimiter, "" is one quote, and newlines inside quotes stay in the field', () => {
    const csv = parseCsv('seq,"name, full",label\n0,"say ""hi""",1\n1,"two\nlines",0\n2,x,1\n', 'q.csv');
    expect(csv.header).toEqual(['seq', 'name, full', 'label']);
    expect(csv.rows).toEqual([['0', 'say "hi"', '1'], ['1', 'two\nlines', '0'], ['2', 'x', '1']]);
    // Each row's line is where it starts.
    expect(csv.lines).toEqual([2, 3, 5]);
  });
  it('quoted class names with commas are one label', () => {
    const ds = parseLabelledCsv('seq,a,label\n0,1,"up, fast"\n1,2,"down, slow"\n', 'd.csv', { task: 'classification', outputs: 2, perStep: false });
    expect(ds.classes).toEqual(['down, slow', 'up, fast']);
    expect(ds.featureNames).toEqual(['a']);
  });
  it('a quoted number is a number', () => {
    expect(parseSequenceCsv('"1.5","2"\n3,4\n', 's.csv')).toEqual([[1.5, 2], [3, 4]]);
  });
  it('an unclosed quote, text after a closing quote, a quote inside a field: file, line and column', () => {
    expect(failure(() => parseCsv('a,b\n1,"2\n', 's.csv'))).toBe('io/bad_csv: s.csv: line 2, column 2: a quoted field is not closed before the end of the file');
    expect(failure(() => parseCsv('a,b\n1,"2"x\n', 's.csv'))).toMatch(/^io\/bad_csv: s\.csv: line 2, column 2: text after the closing quote/);
    expect(failure(() => parseCsv('a,b\n1,2\n3,4"x\n', 's.csv'))).toMatch(/^io\/bad_csv: s\.csv: line 3, column 2: a quote inside an unquoted field/);
  });
});

describe('delimiters', () => {
  it('detected from the first data line: comma, semicolon or tab; ties go to the comma', () => {
    expect(detectDelimiter('# comment; with; semicolons\na;b;c\n')).toBe(';');
    expect(detectDelimiter('a\tb\tc\n')).toBe('\t');
    expect(detectDelimiter('"x;y",b\n')).toBe(',');
    expect(detectDelimiter('a;b,c\n')).toBe(',');
    expect(detectDelimiter('v\n1\n')).toBe(',');
  });
  it('semicolon and tab files read like comma files, spaces around fields ignored', () => {
    const comma = parseCsv('seq,a,label\n0,1.5,x\n', 'c.csv');
    expect(parseCsv('seq;a;label\n0; 1.5 ;x\n', 's.csv').rows).toEqual(comma.rows);
    expect(parseCsv('seq\ta\tlabel\r\n0\t1.5\tx\r\n', 't.csv').rows).toEqual(comma.rows);
    expect(parseCsv('seq\ta\tlabel\n0\t1.5\tx\n', 't.csv').delimiter).toBe('\t');
  });
  it('a decimal comma in a semicolon file is refused with its line and column', () => {
    expect(failure(() => parseSequenceCsv('a;b\n1,5;2\n', 's.csv'))).toBe('io/bad_csv: s.csv: line 2, column 1: expected a decimal number, got "1,5"');
  });
});

describe('the header rule', () => {
  it('no numeric field: a header; all numeric: data; mixed: refused', () => {
    expect(parseCsv('a,b\n1,2\n', 'h.csv').header).toEqual(['a', 'b']);
    expect(parseCsv('1,2\n3,4\n', 'h.csv').header).toBeUndefined();
    expect(failure(() => parseCsv('a,2\n3,4\n', 'h.csv'))).toMatch(/^io\/bad_csv: h\.csv: the first row mixes numbers and text: column 1 is "a"/);
  });
  it('header: true takes an all-numeric first row as the column names', () => {
    const csv = parseCsv('1,2\n3,4\n', 'h.csv', { header: true });
    expect(csv.header).toEqual(['1', '2']);
    expect(csv.rows).toEqual([['3', '4']]);
    const ds = parseSeriesCsv('10,20\n1,2\n3,4\n5,6\n', 's.csv', { task: 'regression', outputs: 1, perStep: false, window: 1, featureColumns: ['20'], header: true });
    expect(ds.seqs.map((s) => Array.from(s))).toEqual([[2], [4]]);
  });
  it('header: false reads the first row as data, so a text field in it is a bad cell', () => {
    expect(parseCsv('1,2\n3,4\n', 'h.csv', { header: false }).rows).toEqual([['1', '2'], ['3', '4']]);
    expect(failure(() => parseSequenceCsv('a,b\n3,4\n', 's.csv', { header: false }))).toBe('io/bad_csv: s.csv: line 1, column 1: expected a decimal number, got "a"');
  });
});
