// `rnnc train` with a decoder item in --arch, through the built binary: the next K rows of
// a series as the target sequence, the written model loads and runs, and the options that
// do not fit an encoder–decoder are refused in one line.
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runFloat } from '../../src/float/model.js';
import { loadModel } from '../../src/ir/io.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-train-s2s-'));
const bin = 'dist/cli/main.js';
const rnnc = (args: string[]) => execa('node', [bin, ...args], { reject: false });
const series = join(dir, 'series.csv');
writeFileSync(series, 't,v\n' + Array.from({ length: 150 }, (_, i) => `${i},${(10 + 3 * Math.sin(i / 4)).toFixed(4)}`).join('\n') + '\n');
const ARCH = 'lstm:6:seq,decoder:lstm:6:steps=3:out=1:bahdanau=4:init=copy';

describe('rnnc train with a decoder', () => {
  it('trains on the next 3 rows after each window and writes a model that runs', async () => {
    const out = join(dir, 's2s.json');
    const r = await rnnc(['train', '--data', series, '--window', '10', '--features', 'v', '--arch', ARCH, '--epochs', '2', '--sampling', '0.3', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/validation rmse/);
    const model = loadModel(out);
    expect(model.decoder).toMatchObject({ cell: 'lstm', steps: 3, outputSize: 1, init: { kind: 'copy' }, attention: { kind: 'bahdanau', into: 'input', units: 4 } });
    expect(model.meta).toMatchObject({ task: 'regression', targets: '3 steps', sampling: 0.3, arch: 'lstm:6:seq,decoder:lstm:6:steps=3:out=1:bahdanau=4:into=input:init=copy' });
    expect((model.meta!.training as { command: string }).command).toContain('--sampling 0.3');
    const y = runFloat(model, Array.from({ length: 10 }, (_, i) => [10 + 3 * Math.sin(i / 4)]));
    expect(y).toHaveLength(3);
  });

  it('--reconstruct: an autoencoder, the target of each window is the window; quantize --eval scores the reconstruction', async () => {
    const out = join(dir, 'ae.json');
    const ae = 'lstm:6:seq,decoder:lstm:6:steps=8:out=1:init=copy';
    const r = await rnnc(['train', '--data', series, '--window', '8', '--stride', '4', '--reconstruct', '--features', 'v', '--arch', ae, '--epochs', '2', '-o', out]);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/; 28 training and 7 validation sequences$/m); // 36 windows, (150 − 8) / 4 + 1, one left out between the two so no training target lies in a validation window
    expect(loadModel(out).decoder).toMatchObject({ steps: 8, outputSize: 1 });
    const q = await rnnc(['quantize', out, '--data', series, '--window', '8', '--reconstruct', '--features', 'v', '--eval', series, '-o', join(dir, 'ae.q.json')]);
    expect([q.exitCode, q.stderr]).toEqual([0, '']);
    expect(q.stdout).toMatch(/^eval on .*series\.csv \(143 sequences\): RMSE float /m);
  });

  it('refuses what does not fit, in one line, before training', async () => {
    const never = join(dir, 'never.json');
    const cases: Array<[string[], RegExp]> = [
      [['--arch', ARCH], /--arch: an encoder–decoder trains on windows of a series: give --window W \(its targets are the 3 rows from --horizon after each window\)/],
      [['--arch', ARCH, '--window', '10', '--per-step'], /--per-step: an encoder–decoder writes its outputs after the window; drop --per-step/],
      [['--arch', 'lstm:6,dense:1', '--window', '10', '--sampling', '0.5'], /--sampling: only an encoder–decoder/],
      [['--arch', ARCH, '--window', '10', '--sampling', '2'], /--sampling: expected a number in \[0, 1\], got '2'/],
      [['--arch', 'lstm:6,decoder:lstm:6:steps=3:out=1:dot', '--window', '10'], /attention reads every encoder output, so the last encoder layer needs returnSequences \(:seq\)/],
      [['--arch', ARCH, '--window', '10', '--tbptt', '4'], /--tbptt: an encoder–decoder backpropagates through the whole window/],
      [['--arch', ARCH, '--window', '148'], /150 rows are too few for --window 148 and --horizon 1 and 3 output steps/],
      [['--arch', ARCH, '--window', '10', '--reconstruct'], /^rnnc: --reconstruct: the decoder writes 3 steps but a window has 10 rows; make them equal: --window 3, or a decoder with steps=10$/],
      [['--arch', 'lstm:6,dense:1', '--window', '10', '--reconstruct'], /^rnnc: --reconstruct: the model has no decoder to write a window back/],
      [['--arch', ARCH, '--reconstruct'], /^rnnc: --reconstruct needs --window$/],
    ];
    for (const [args, message] of cases) {
      const r = await rnnc(['train', '--data', series, '--features', 'v', '--epochs', '1', '-o', never, ...args]);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(never)).toBe(false);
  });
});
