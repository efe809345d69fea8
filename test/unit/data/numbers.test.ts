// Numbers in data files and in --arch / --schedule follow the decimal rule of the options
// (src/util/decimal.ts): a CSV cell and a JSON value accept the same numbers, and a
// modifier of --arch is given at most once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLabelledCsv, parseLabelledJson } from '../../../src/data/labelled.js';
import { parseSeriesCsv, parseSeriesJson } from '../../../src/data/series.js';
import { parseSequenceCsv, parseSequenceJson } from '../../../src/data/sequence.js';
import { FLOAT32_MAX } from '../../../src/data/value.js';
import { RnncError } from '../../../src/errors.js';
import { archText, parseArch, resolveArch } from '../../../src/train/arch.js';
import { parseSchedule } from '../../../src/train/schedule.js';

const runs = { numRuns: 500 };

function failure(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (!(e instanceof RnncError)) throw e;
    return `${e.code}: ${e.message}`;
  }
}

/** Finite numbers a data file may hold: within float32's range (src/data/value.ts). */
const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -FLOAT32_MAX, max: FLOAT32_MAX });
/** Cells Number() reads as a finite number but the decimal rule does not. */
const notDecimal = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((n) => `0x${n.toString(16)}`),
  fc.integer({ min: 0, max: 255 }).map((n) => `0b${n.toString(2)}`),
  fc.integer({ min: 0, max: 511 }).map((n) => `0o${n.toString(8)}`),
  fc.constantFrom('Infinity', '-Infinity', 'NaN', '1e', '', '1_0', '- 1', '1 2', '١'),
);

describe('CSV cells and JSON values accept the same numbers', () => {
  it('any finite number as JSON writes it: the CSV cell and the JSON value read the same', () => {
    fc.assert(fc.property(finite, finite, (a, b) => {
      const csv = parseSequenceCsv(`${JSON.stringify(a)},${JSON.stringify(b)}\n`, 's.csv');
      const json = parseSequenceJson(JSON.parse(`[[${JSON.stringify(a)}, ${JSON.stringify(b)}]]`), 's.json');
      expect(csv).toEqual(json);
    }), runs);
  });
  it('a cell that is not decimal is refused naming file, line and column, on one line', () => {
    fc.assert(fc.property(notDecimal, (cell) => {
      const msg = failure(() => parseSequenceCsv(`1,2\n3,${cell}\n`, 's.csv'));
      expect(msg).toMatch(/^io\/bad_csv: s\.csv: line 2, column 2: expected a (decimal|finite) number, got "[^\n]*"$/);
      expect(failure(() => parseLabelledCsv(`seq,a,label\n0,${cell},0\n`, 'l.csv', { task: 'classification', outputs: 2, perStep: false })))
        .toMatch(/^io\/bad_csv: l\.csv: line 2, column 2: expected a (decimal|finite) number/);
      expect(failure(() => parseSeriesCsv(`a,b\n1,1\n${cell},1\n3,1\n`, 'w.csv', { task: 'regression', outputs: 1, perStep: false, window: 1, featureColumns: ['a'] })))
        .toMatch(/^io\/bad_csv: w\.csv: line 3, column 1: expected a (decimal|finite) number/);
    }), runs);
  });
  it('JSON: a number in quotes is refused where a number belongs, in labelled and series files alike', () => {
    expect(failure(() => parseLabelledJson([{ x: [['0x10']], label: 0 }], 'l.json', { task: 'classification', outputs: 2, perStep: false })))
      .toBe('data/invalid: l.json: [0].x[0][0]: expected a finite number, got "0x10"');
    expect(failure(() => parseSeriesJson([[1], ['0x10'], [3]], 'w.json', { task: 'regression', outputs: 1, perStep: false, window: 1 })))
      .toBe('data/invalid: w.json: [1][0]: expected a finite number, got "0x10"');
    expect(failure(() => parseSeriesJson([[1], ['2'], [3]], 'w.json', { task: 'regression', outputs: 1, perStep: false, window: 1 })))
      .toBe('data/invalid: w.json: [1][0]: expected a finite number, got "2"');
  });
  it('JSON series: a class name in the label column is still read', () => {
    const ds = parseSeriesJson([[1, 'up'], [2, 'down'], [3, 'up']], 'w.json', { task: 'classification', outputs: 2, perStep: false, window: 1, featureColumns: ['0'], labelColumns: ['1'] });
    expect(ds.classes).toEqual(['down', 'up']);
    expect(ds.labels.map((l) => Array.from(l))).toEqual([[1], [0], [1]]);
  });
  it('a CSV cell that overflows a float64 is refused as not finite', () => {
    expect(failure(() => parseSequenceCsv('1,1e999\n', 's.csv'))).toBe('io/bad_csv: s.csv: line 1, column 2: expected a finite number, got "1e999"');
  });
  it('a value beyond float32 (the device helper\'s type, and where normalisation statistics overflow) is refused; float32\'s largest is read', () => {
    expect(failure(() => parseSequenceCsv('1,1e300\n', 's.csv'))).toBe("data/invalid: s.csv: line 1, column 2: 1e+300 is beyond float32's range (±3.4e38), in which the device reads inputs; rescale the data");
    expect(failure(() => parseSequenceJson([[1], [-4e38]], 's.json'))).toBe("data/invalid: s.json: [1][0]: -4e+38 is beyond float32's range (±3.4e38), in which the device reads inputs; rescale the data");
    expect(parseSequenceJson([[3.4028234663852886e38]], 's.json')).toEqual([[3.4028234663852886e38]]);
  });
});

describe('--arch: each modifier at most once; numbers by the decimal rule', () => {
  const modifiers = ['bi', 'bi-concat', 'bi-sum', 'seq', 'reset-before'];
  const property = (m: string) => (m.startsWith('bi') ? 'direction' : m);
  it('a list of modifiers is accepted exactly when no property is set twice', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...modifiers), { maxLength: 4 }), (mods) => {
      const text = ['gru', '4', ...mods].join(':');
      const props = mods.map(property);
      const ok = new Set(props).size === props.length;
      const msg = failure(() => parseArch(text));
      if (ok) {
        expect(msg).toBe('ok');
        // What was accepted writes back to an equivalent description (seq on the last layer needs per-step targets).
        const perStep = mods.includes('seq');
        const layers = resolveArch(parseArch(text).layers, perStep);
        expect(resolveArch(parseArch(archText(layers)).layers, perStep)).toEqual(layers);
      } else {
        expect(msg).toMatch(/^arch\/invalid: --arch: '[a-z-]+' (is given twice|conflicts with '[a-z-]+') in "gru:4:[a-z:-]+"$/);
      }
    }), runs);
  });
  it('units and in: are decimal integers', () => {
    expect(failure(() => parseArch('lstm:0x8'))).toBe(`arch/invalid: --arch: units must be an integer from 1 to 4096, got '0x8' in "lstm:0x8"`);
    expect(failure(() => parseArch('lstm:8.0'))).toBe(`arch/invalid: --arch: units must be an integer from 1 to 4096, got '8.0' in "lstm:8.0"`);
    expect(failure(() => parseArch('in:1e1,lstm:8'))).toBe(`arch/invalid: --arch: in: must be an integer from 1 to 4096, got '1e1' in "in:1e1,lstm:8"`);
    expect(parseArch('in:3,lstm:08,dense:2').layers[0]!.units).toBe(8);
  });
});

describe('--schedule: decimal numbers', () => {
  it('reads decimal, refuses the rest', () => {
    expect(parseSchedule('step:10:5e-1')).toEqual({ kind: 'step', every: 10, gamma: 0.5 });
    expect(parseSchedule('cosine:.1')).toEqual({ kind: 'cosine', min: 0.1 });
    expect(failure(() => parseSchedule('step:1e1:0.5'))).toBe('usage/invalid: --schedule step:1e1:0.5: step interval must be an integer from 1 to 1000000');
    expect(failure(() => parseSchedule('step:10:0x1'))).toBe('usage/invalid: --schedule step:10:0x1: factor must be a number in (0, 1]');
    expect(failure(() => parseSchedule('cosine:'))).toBe('usage/invalid: --schedule cosine:: minimum fraction must be a number in [0, 1]');
  });
});
