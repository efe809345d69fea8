// Numeric options, --arch and numbers in data files, through the built binary (build
// first: npx tsc -p tsconfig.json): one decimal rule everywhere, a stated range for every
// option, and a refused value is one line on stderr with exit 2 (src/cli/numbers.ts).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../src/ir/io.js';
import { randomModel, randomSequence } from '../../src/ir/random.js';
import { rnnc } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-options-'));
const p = (f: string) => join(dir, f);
const never = p('never.json');

const LABELLED = 'seq,a,b,label\n0,1,2,0\n0,1,2,0\n1,3,4,1\n1,3,4,1\n2,1,2,0\n2,1,2,0\n3,3,4,1\n3,3,4,1\n';
const SERIES = `v\n${Array.from({ length: 12 }, (_, i) => (i % 5) / 4).join('\n')}\n`;

beforeAll(() => {
  writeFileSync(p('labelled.csv'), LABELLED);
  writeFileSync(p('series.csv'), SERIES);
  const m = randomModel({ inputSize: 2, layers: [{ type: 'gru', units: 3 }, { type: 'dense', units: 2, activation: 'softmax' }] }, 7);
  saveModel(m, p('m.json'));
  writeFileSync(p('seq.json'), JSON.stringify(randomSequence(2, 4, 1, 2)));
});

/** A refused command: exit 2, nothing written to stdout, exactly this one stderr line. */
async function refused(args: string[], line: string): Promise<void> {
  const r = await rnnc(args);
  expect({ exit: r.exitCode, stderr: r.stderr, stdout: r.stdout }).toEqual({ exit: 2, stderr: `rnnc: ${line}\n`, stdout: '' });
}

const train = (...extra: string[]) => ['train', '--data', p('labelled.csv'), '--arch', 'gru:2,dense:2:softmax', '--epochs', '1', '-o', never, ...extra];

describe('train: hexadecimal is refused by every numeric option, with its range', () => {
  const cases: Array<[string, string[], string]> = [
    ['--epochs', [], 'an integer from 1 to 1000000'],
    ['--batch', [], 'an integer from 1 to 65536'],
    ['--lr', [], 'a number in (0, 10]'],
    ['--clip', [], 'a number in [0, 1000000]'],
    ['--patience', [], 'an integer from 0 to 1000000'],
    ['--seed', [], 'an integer from 0 to 4294967295'],
    ['--tbptt', [], 'an integer from 0 to 65535'],
    ['--momentum', [], 'a number in [0, 1)'],
    ['--val', [], 'a number in [0, 1)'],
    ['--window', [], 'an integer from 1 to 65535'],
    ['--horizon', ['--window', '2'], 'an integer from 0 to 1000000'],
    ['--stride', ['--window', '2'], 'an integer from 1 to 1000000'],
  ];
  for (const [flag, extra, range] of cases) {
    it(`${flag} 0x10`, async () => {
      await refused(train(...extra, flag, '0x10'), `${flag}: expected ${range}, got '0x10'`);
      expect(existsSync(never)).toBe(false);
    });
  }
});

describe('train: out of range, not a number, or not an integer', () => {
  const cases: Array<[string, string, string]> = [
    ['--epochs', '99999999999999999999', "--epochs: expected an integer from 1 to 1000000, got '99999999999999999999'"],
    ['--epochs', '1e3', "--epochs: expected an integer from 1 to 1000000, got '1e3'"],
    ['--epochs', '2.0', "--epochs: expected an integer from 1 to 1000000, got '2.0'"],
    ['--batch', ' 8', "--batch: expected an integer from 1 to 65536, got ' 8'"],
    ['--seed', '4294967296', "--seed: expected an integer from 0 to 4294967295, got '4294967296'"],
    ['--lr', 'Infinity', "--lr: expected a number in (0, 10], got 'Infinity'"],
    ['--lr', '', "--lr: expected a number in (0, 10], got ''"],
    ['--lr', '1e999', "--lr: expected a number in (0, 10], got '1e999'"],
    ['--clip', 'NaN', "--clip: expected a number in [0, 1000000], got 'NaN'"],
    ['--clip', '1_0', "--clip: expected a number in [0, 1000000], got '1_0'"],
  ];
  for (const [flag, value, line] of cases) {
    it(`${flag} ${JSON.stringify(value)}`, () => refused(train(flag, value), line));
  }
  it('a value with a control character is shown escaped, on one line', () =>
    refused(train('--epochs', '3\n4'), "--epochs: expected an integer from 1 to 1000000, got '3\\n4'"));
  it('--schedule: the same decimal rule for its numbers', async () => {
    await refused(train('--schedule', 'step:0x10:0.5'), '--schedule step:0x10:0.5: step interval must be an integer from 1 to 1000000');
    await refused(train('--schedule', 'cosine:0x0'), '--schedule cosine:0x0: minimum fraction must be a number in [0, 1]');
  });
});

describe('train: --stride and --horizon without --window are refused, not ignored', () => {
  for (const value of ['abc', '-1', 'NaN', '2']) {
    it(`--stride ${value}`, () => refused(train('--stride', value), '--stride needs --window'));
  }
  it('--horizon', () => refused(train('--horizon', '1'), '--horizon needs --window'));
});

describe('--arch: repeated or conflicting modifiers, numbers by the same rule', () => {
  const cases: Array<[string, string]> = [
    ['gru:2:bi:bi,dense:2:softmax', `--arch: 'bi' is given twice in "gru:2:bi:bi"`],
    ['gru:2:bi:bi-sum,dense:2:softmax', `--arch: 'bi-sum' conflicts with 'bi' in "gru:2:bi:bi-sum"`],
    ['lstm:2:seq:seq,dense:2:softmax', `--arch: 'seq' is given twice in "lstm:2:seq:seq"`],
    ['gru:2:reset-before:reset-before,dense:2:softmax', `--arch: 'reset-before' is given twice in "gru:2:reset-before:reset-before"`],
    ['gru:1e1,dense:2:softmax', `--arch: units must be an integer from 1 to 4096, got '1e1' in "gru:1e1"`],
    ['in:0x2,gru:2,dense:2:softmax', `--arch: in: must be an integer from 1 to 4096, got '0x2' in "in:0x2,gru:2,dense:2:softmax"`],
  ];
  for (const [arch, line] of cases) {
    it(arch, () => refused(['train', '--data', p('labelled.csv'), '--arch', arch, '--epochs', '1', '-o', never], line));
  }
});

describe('data files: a CSV cell is read like a JSON number (decimal only)', () => {
  for (const cell of ['0x10', 'Infinity', '1e', '1e999', '0b1']) {
    it(`labelled CSV cell ${cell}`, async () => {
      const f = p(`cell-${cell}.csv`);
      writeFileSync(f, LABELLED.replace('1,3,4,1\n2', `1,3,${cell},1\n2`));
      const why = cell === '1e999' ? 'expected a finite number' : 'expected a decimal number';
      await refused(['train', '--data', f, '--arch', 'gru:2,dense:2:softmax', '--epochs', '1', '-o', never], `${f}: line 5, column 3: ${why}, got "${cell}"`);
    });
  }
  it('series CSV (--window) cell 0x10', async () => {
    const f = p('series-hex.csv');
    writeFileSync(f, SERIES.replace('\n0.25\n', '\n0x10\n'));
    await refused(['train', '--data', f, '--window', '3', '--arch', 'gru:2,dense:1', '--epochs', '1', '-o', never], `${f}: line 3, column 1: expected a decimal number, got "0x10"`);
  });
  it('series JSON: a string where a number belongs is refused, as in every other JSON file', async () => {
    const f = p('series-hex.json');
    writeFileSync(f, JSON.stringify([[0], [1], ['0x10'], [0], [1], [0]]));
    await refused(['train', '--data', f, '--window', '2', '--arch', 'gru:2,dense:1', '--epochs', '1', '-o', never], `${f}: [2][0]: expected a finite number, got "0x10"`);
  });
  it('run -i with a CSV cell 0x10', async () => {
    const f = p('seq-hex.csv');
    writeFileSync(f, '1,2\n0x10,1\n');
    await refused(['run', p('m.json'), '-i', f], `${f}: line 2, column 1: expected a decimal number, got "0x10"`);
  });
  it('decimal notation as JSON writes it, and .5 / 1E2 / +1, are read', async () => {
    const f = p('decimal.csv');
    writeFileSync(f, 'seq,a,b,label\n0,-1.5e-3,.5,0\n0,1E2,+1,0\n1,3.,0.25,1\n1, 4 ,2,1\n');
    const r = await rnnc(['train', '--data', f, '--arch', 'gru:2,dense:2:softmax', '--epochs', '1', '--val', '0', '-o', p('decimal-model.json')]);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
  });
});

describe('quantizer options: the same parser in quantize, run, compile and verify', () => {
  it('quantize --percentile 0x10 and --margin 0x10', async () => {
    await refused(['quantize', p('m.json'), '-o', p('never.q.json'), '--percentile', '0x10'], "--percentile: expected a number in (0, 100], got '0x10'");
    await refused(['quantize', p('m.json'), '-o', p('never.q.json'), '--margin', '0x10'], "--margin: expected a number in [1, 16], got '0x10'");
  });
  it('compile --test-cases 0x10 and train --momentum 0x10 are refused in the same words', async () => {
    await refused(['compile', p('m.json'), '-o', p('never-out'), '--test-cases', '0x10'], "--test-cases: expected an integer from 1 to 1000, got '0x10'");
    await refused(train('--momentum', '0x10'), "--momentum: expected a number in [0, 1), got '0x10'");
  });
  it('verify --cases and --max-seq', async () => {
    await refused(['verify', p('m.json'), '--cases', '1e2'], "--cases: expected an integer from 1 to 10000, got '1e2'");
    await refused(['verify', p('m.json'), '--max-seq', '99999999999999999999'], "--max-seq: expected an integer from 1 to 65535, got '99999999999999999999'");
  });
  it('run (float, no --fixed): a quantizer option is refused, not ignored', async () => {
    await refused(['run', p('m.json'), '-i', p('seq.json'), '--percentile', '0x10'], "--percentile: expected a number in (0, 100], got '0x10'");
    await refused(['run', p('m.json'), '-i', p('seq.json'), '--percentile', '99'], '--percentile only applies with --fixed (or to rnnc quantize)');
  });
  it('run on a quantized model: quantizer and window options are refused, not ignored', async () => {
    const q = await rnnc(['quantize', p('m.json'), '-o', p('m.q.json')]);
    expect(q.exitCode).toBe(0);
    await refused(['run', p('m.q.json'), '-i', p('seq.json'), '--stride', 'abc'], '--stride needs --window');
    await refused(['run', p('m.q.json'), '-i', p('seq.json'), '--window', '2', '--stride', '2'],
      `--window, --stride: ${p('m.q.json')} is already quantized; these options apply to float models (rnnc quantize)`);
    await refused(['compile', p('m.q.json'), '-o', p('never'), '--tune', 'none', '--max-flash', '9000'],
      `--tune, --max-flash: ${p('m.q.json')} is already quantized; these options apply to float models (rnnc quantize)`);
  });
});

describe('one name per concept: -o/--output, --data, --json; older names are aliases', () => {
  it('compile --out is an alias of -o/--output: the same files', async () => {
    const a = await rnnc(['compile', p('m.json'), '-o', p('out-canonical')]);
    const b = await rnnc(['compile', p('m.json'), '--out', p('out-alias')]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    for (const f of ['net.h', 'net.c', 'CMakeLists.txt', 'net.mk']) {
      expect(readFileSync(p(`out-alias/${f}`), 'utf8')).toBe(readFileSync(p(`out-canonical/${f}`), 'utf8'));
    }
  });
  it('compile: --output and --out together are refused, whatever their order and values', async () => {
    const line = '--output and --out are the same option (--out is an alias of --output); give only one';
    await refused(['compile', p('m.json'), '-o', p('o1'), '--out', p('o2')], line);
    await refused(['compile', p('m.json'), '--out', p('o1'), '--output', p('o1')], line);
    expect(existsSync(p('o1')) || existsSync(p('o2'))).toBe(false);
  });
  it('compile -o - is refused (a folder, not one file) and creates nothing named -', async () => {
    const r = await rnnc(['compile', p('m.json'), '-o', '-'], { cwd: dir });
    expect([r.exitCode, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/^rnnc: -o\/--output -: compile writes several files .*\n$/);
    expect(existsSync(p('-'))).toBe(false);
  });
  it('compile without -o names the canonical option', () =>
    refused(['compile', p('m.json')], "required option '-o, --output <dir>' not specified"));
  it('compile --json prints the report that --report-json - prints', async () => {
    const a = await rnnc(['compile', p('m.json'), '-o', p('out-json'), '--json']);
    const b = await rnnc(['compile', p('m.json'), '-o', p('out-json'), '--report-json', '-']);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout));
    await refused(['compile', p('m.json'), '-o', p('out-json'), '--json', '--report-json', '-'],
      '--json and --report-json - both print the report on standard output; give one');
  });
  it('quantize --calib is an alias of --data: the same model', async () => {
    writeFileSync(p('calib.csv'), 'a,b\n1,2\n3,4\n0.5,-1\n');
    const a = await rnnc(['quantize', p('m.json'), '--data', p('calib.csv'), '-o', p('qa.json')]);
    const b = await rnnc(['quantize', p('m.json'), '--calib', p('calib.csv'), '-o', p('qb.json')]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(readFileSync(p('qb.json'), 'utf8')).toBe(readFileSync(p('qa.json'), 'utf8'));
    expect(b.stdout.replace('qb.json', 'qa.json')).toBe(a.stdout);
  });
  it('--data and --calib together are refused in quantize, compile, verify, bench and run', async () => {
    const line = '--data and --calib are the same option (--calib is an alias of --data); give only one';
    const both = ['--data', p('calib.csv'), '--calib', p('calib.csv')];
    await refused(['quantize', p('m.json'), ...both, '-o', p('never.q.json')], line);
    await refused(['compile', p('m.json'), ...both, '-o', p('never-out')], line);
    await refused(['verify', p('m.json'), '--calib', p('calib.csv'), '--data', p('calib.csv')], line);
    await refused(['bench', p('m.json'), '-t', 'cortex-m4', ...both], line);
    await refused(['run', p('m.json'), '-i', p('seq.json'), '--fixed', ...both], line);
    expect(existsSync(p('never.q.json')) || existsSync(p('never-out'))).toBe(false);
  });
  it('run --fixed: --data and --calib give the same outputs', async () => {
    const a = await rnnc(['run', p('m.json'), '-i', p('seq.json'), '--fixed', '--data', p('calib.csv'), '--json']);
    const b = await rnnc(['run', p('m.json'), '-i', p('seq.json'), '--fixed', '--calib', p('calib.csv'), '--json']);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(b.stdout).toBe(a.stdout);
  });
  it('--help names each alias beside its option', async () => {
    for (const cmd of ['quantize', 'compile', 'verify', 'bench', 'run']) {
      const r = await rnnc([cmd, '--help']);
      expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/--data <file> .*\(alias: --calib\)/);
    }
    const r = await rnnc(['compile', '--help']);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/-o, --output <dir> .*\(alias: --out\)/);
  });
  it('-o - writes the one output file to standard output and never a file named -', async () => {
    const q = await rnnc(['quantize', p('m.json'), '-o', '-'], { cwd: dir });
    expect(q.exitCode).toBe(0);
    expect(JSON.parse(q.stdout).format).toBe('rnnc-qmodel');
    const t = await rnnc(['train', '--data', p('labelled.csv'), '--arch', 'gru:2,dense:2:softmax', '--epochs', '1', '-o', '-'], { cwd: dir });
    expect(t.exitCode).toBe(0);
    expect(JSON.parse(t.stdout).format).toBe('rnnc-model');
    const i = await rnnc(['import', p('m.json'), '-o', '-'], { cwd: dir });
    expect(i.exitCode).toBe(0);
    expect(JSON.parse(i.stdout).format).toBe('rnnc-model');
    expect(existsSync(p('-'))).toBe(false);
  });
});

describe('quantize: --json prints the report, --report-json FILE writes it', () => {
  it('the file holds what --json prints, and a second run replaces it without --force', async () => {
    const a = await rnnc(['quantize', p('m.json'), '--data', p('calib.csv'), '-o', p('rq.q.json'), '--json']);
    for (let i = 0; i < 2; i++) {
      const b = await rnnc(['quantize', p('m.json'), '--data', p('calib.csv'), '-o', p('rq.q.json'), '--report-json', p('rq.report.json')]);
      expect([b.exitCode, b.stderr]).toEqual([0, '']);
      expect(b.stdout).toMatch(/^wrote /);
    }
    expect(a.exitCode).toBe(0);
    expect(readFileSync(p('rq.report.json'), 'utf8')).toBe(a.stdout);
    expect(JSON.parse(a.stdout)).toMatchObject({ format: 'rnnc-quantize' });
    const c = await rnnc(['quantize', p('m.json'), '--data', p('calib.csv'), '-o', p('rq.q.json'), '--report-json', '-']);
    expect(c.stdout).toBe(a.stdout);
  });
  it('two reports, or the model and the report, on standard output are refused', async () => {
    await refused(['quantize', p('m.json'), '-o', p('never.q.json'), '--json', '--report-json', '-'],
      '--json and --report-json - both print the report on standard output; give one');
    await refused(['quantize', p('m.json'), '-o', '-', '--report-json', '-'],
      '-o - and --report-json - both write to standard output; give a file to one of them');
    expect(existsSync(p('never.q.json'))).toBe(false);
  });
});

describe('CSV files on the command line: quoting, delimiters, --header / --no-header', () => {
  it('a tab-separated and a semicolon file with quoted class names train like the comma file', async () => {
    const rows = LABELLED.trim().split('\n').map((l) => l.split(','));
    const as = (d: string) => rows.map((r, i) => (i === 0 ? r : [...r.slice(0, 3), `"class ${r[3]}, x"`]).join(d)).join('\n') + '\n';
    writeFileSync(p('tab.csv'), as('\t'));
    writeFileSync(p('semi.csv'), as(';'));
    const run = (f: string, o: string) => rnnc(['train', '--data', p(f), '--arch', 'gru:2,dense:2:softmax', '--epochs', '2', '--json', '-o', p(o)]);
    const [a, b] = [await run('tab.csv', 'tab.json'), await run('semi.csv', 'semi.json')];
    expect([a.exitCode, b.exitCode, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    const classes = (f: string) => (JSON.parse(readFileSync(p(f), 'utf8')) as { meta: { classes: string[] } }).meta.classes;
    expect(classes('tab.json')).toEqual(['class 0, x', 'class 1, x']);
    expect(readFileSync(p('semi.json'), 'utf8')).toBe(readFileSync(p('tab.json'), 'utf8').replace(/tab\.csv/g, 'semi.csv'));
  });
  it('an unclosed quote: one line with file, line and column, exit 2', async () => {
    writeFileSync(p('quote.csv'), 'seq,a,b,label\n0,1,2,0\n0,"1,2,0\n');
    await refused(train().map((a) => (a === p('labelled.csv') ? p('quote.csv') : a)),
      `${p('quote.csv')}: line 3, column 2: a quoted field is not closed before the end of the file`);
  });
  it('run -i: an all-numeric first row is data, unless --header; --no-header reads a text row as data', async () => {
    writeFileSync(p('num.csv'), '1,2\n3,4\n5,6\n');
    const data = await rnnc(['run', p('m.json'), '-i', p('num.csv'), '--json']);
    const header = await rnnc(['run', p('m.json'), '-i', p('num.csv'), '--json', '--header']);
    expect([data.exitCode, header.exitCode]).toEqual([0, 0]);
    writeFileSync(p('num2.csv'), '3,4\n5,6\n');
    writeFileSync(p('num3.json'), '[[1,2],[3,4],[5,6]]');
    expect(data.stdout).toBe((await rnnc(['run', p('m.json'), '-i', p('num3.json'), '--json'])).stdout);
    expect(header.stdout).toBe((await rnnc(['run', p('m.json'), '-i', p('num2.csv'), '--json'])).stdout);
    expect(header.stdout).not.toBe(data.stdout);
    writeFileSync(p('names.csv'), 'a,b\n3,4\n');
    await refused(['run', p('m.json'), '-i', p('names.csv'), '--no-header'], `${p('names.csv')}: line 1, column 1: expected a decimal number, got "a"`);
  });
});
