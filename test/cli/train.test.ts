// `rnnc train` through the built binary: malformed data, determinism, --json, Ctrl-C.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/ir/io.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-train-cli-'));
const bin = 'dist/cli/main.js';
const rnnc = (args: string[]) => execa('node', [bin, ...args], { reject: false });
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

let gestures = '';
beforeAll(async () => {
  gestures = join(dir, 'gestures.csv');
  await execa('node', ['examples/gesture/generate.mjs', '--seed', '3', '--count', '200', '--steps', '32', '-o', gestures]);
});

const ARCH = 'gru:8,dense:4:softmax';
const good = 'seq,a,b,label\n0,1,2,0\n0,1,2,0\n1,3,4,1\n1,3,4,1\n';

describe('malformed data: one clear line, exit code 2', () => {
  const cases: Array<[string, string, string[], RegExp]> = [
    ['ragged row', 'seq,a,b,label\n0,1,2,0\n0,1,0\n', [], /ragged\.csv: line 3: expected 4 columns as in the header, got 3/],
    ['non-numeric cell', 'seq,a,b,label\n0,1,2,0\n0,x1,2,0\n', [], /nonnum\.csv: line 3, column 2: expected a decimal number, got "x1"/],
    ['label out of range', 'seq,a,b,label\n0,1,2,0\n1,1,2,7\n', [], /range\.csv: line 3: label 7 is out of range: the model's last layer has 4 classes \(labels 0 to 3\)/],
    ['empty file', '', [], /empty\.csv: the file is empty/],
    ['header only', 'seq,a,b,label\n', [], /headeronly\.csv: a header but no data rows/],
    ['feature count not matching --arch', good, ['--arch', `in:5,${ARCH}`], /features\.csv: 2 features per timestep, but the model takes 5/],
    ['label changing within a sequence', 'seq,a,b,label\n0,1,2,0\n0,1,2,1\n', [], /changes\.csv: line 3: the label changes within sequence 0; use --per-step/],
    ['missing label column', 'seq,a,b\n0,1,2\n', [], /nolabel\.csv: no column 'label'; the header has seq, a, b/],
    ['too many class names', 'seq,a,label\n0,1,a\n1,1,b\n2,1,c\n3,1,d\n4,1,e\n', [], /names\.csv: the labels name 5 classes \(a, b, c, d, e\) but the model's last layer has 4 units/],
  ];
  const names = ['ragged', 'nonnum', 'range', 'empty', 'headeronly', 'features', 'changes', 'nolabel', 'names'];
  cases.forEach(([what, text, extra, message], i) => {
    it(what, async () => {
      const data = file(`${names[i]}.csv`, text);
      const args = ['train', '--data', data, '--arch', ARCH, '--epochs', '1', '-o', join(dir, 'never.json'), ...extra];
      const r = await rnnc(args);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(dir, 'never.json'))).toBe(false);
    });
  });
  it('JSON: a non-finite feature, a series too short for its window, bad options', async () => {
    const bad = file('bad.json', '[{"x": [[1, 2], [3, "4"]], "label": 0}]');
    let r = await rnnc(['train', '--data', bad, '--arch', ARCH, '-o', join(dir, 'never.json')]);
    expect([r.exitCode, r.stderr]).toEqual([2, `rnnc: ${bad}: [0].x[1][1]: expected a finite number, got "4"`]);
    const short = file('short.csv', 'v\n1\n2\n3\n');
    r = await rnnc(['train', '--data', short, '--window', '5', '--arch', 'gru:4,dense:1', '-o', join(dir, 'never.json')]);
    expect([r.exitCode, r.stderr]).toEqual([2, `rnnc: ${short}: 3 rows are too few for --window 5 and --horizon 1`]);
    r = await rnnc(['train', '--data', short, '--arch', 'gru:4,dense:1', '--lr', 'fast', '-o', join(dir, 'never.json')]);
    expect([r.exitCode, r.stderr]).toEqual([2, "rnnc: --lr: expected a number in (0, 10], got 'fast'"]);
  });
});

describe('training through the CLI', () => {
  it('the same data and seed give byte-identical model.json; another seed does not', async () => {
    const out = (n: string) => join(dir, n);
    const args = (o: string, seed: string) => ['train', '--data', gestures, '--arch', 'lstm:6,dense:4:softmax', '--epochs', '2', '--seed', seed, '-o', o];
    for (const [o, s] of [['a.json', '5'], ['b.json', '5'], ['c.json', '6']] as const) expect((await rnnc(args(out(o), s))).exitCode).toBe(0);
    const [a, b, c] = ['a.json', 'b.json', 'c.json'].map((n) => readFileSync(out(n), 'utf8'));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    const model = loadModel(out('a.json'));
    expect(model.meta).toMatchObject({ producer: 'rnnc train', task: 'classification', classes: ['circle', 'shake', 'tap', 'wave'], seed: 5 });
    expect(model.normalization?.mean).toHaveLength(3);
  });

  it('--json prints one object per epoch and a summary', async () => {
    const r = await rnnc(['train', '--data', gestures, '--arch', 'rnn:6,dense:4:softmax', '--epochs', '3', '--json', '-o', join(dir, 'j.json')]);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, 3).map((l) => l.epoch)).toEqual([1, 2, 3]);
    expect(lines[0]).toHaveProperty('val_accuracy');
    expect(lines[3]).toMatchObject({ output: join(dir, 'j.json'), epochsRun: 3, interrupted: false });
  });

  it('Ctrl-C stops after the current batch and keeps the best model so far', async () => {
    const out = join(dir, 'interrupted.json');
    const child = execa('node', [bin, 'train', '--data', gestures, '--arch', 'lstm:8,dense:4:softmax', '--epochs', '10000', '--batch', '4', '--patience', '0', '--json', '-o', out], { reject: false });
    let seen = '', sent = false;
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => {
        seen += d.toString();
        // Once only: a second Ctrl-C is the user's way to quit at once.
        if (seen.includes('"epoch":2') && !sent) { sent = true; child.kill('SIGINT'); resolve(); }
      });
    });
    const r = await child;
    expect(r.exitCode).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as { interrupted: boolean; bestEpoch: number };
    expect(summary.interrupted).toBe(true);
    expect(summary.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(loadModel(out).meta).toMatchObject({ epochs: summary.bestEpoch });
  });

  it('forecasting windows of a series: the written model runs', async () => {
    const series = file('series.csv', 't,v\n' + Array.from({ length: 120 }, (_, i) => `${i},${Math.sin(i / 5).toFixed(4)}`).join('\n') + '\n');
    const out = join(dir, 'f.json');
    const r = await rnnc(['train', '--data', series, '--window', '10', '--features', 'v', '--arch', 'lstm:4,dense:1', '--epochs', '2', '-o', out]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/validation rmse/);
    expect(loadModel(out).meta).toMatchObject({ task: 'regression', features: ['v'] });
  });
});
