// The ECG forecasting example (examples/ecg) end to end through the built command line
// (build first: npx tsc -p tsconfig.json), small: its split script, a short training of the
// LSTM forecaster on the first 4,000 samples of the real record, and `rnnc quantize --eval`
// on the next 2,000, whose float / int8 / int16 RMSE must all be there and int8 within its
// budget of float. The README's numbers come from the full-size commands.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { rnnc } from '../helpers/run-cli.js';

const PREPARE = 'examples/ecg/prepare.mjs';
const dir = mkdtempSync(join(tmpdir(), 'rnnc-example-ecg-'));
const p = (f: string) => join(dir, f);
const prepare = (...args: string[]) => execa('node', [PREPARE, ...args], { reject: false });
const SERIES = ['--window', '32', '--horizon', '10', '--features', 'ecg_mv'];
/** The persistence forecast's RMSE on the test targets, as prepare.mjs prints it. */
let persistenceRmse = NaN;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/ecg/prepare.mjs', () => {
  it('splits the record so that the test windows target exactly the samples after the training part', async () => {
    const r = await prepare('--train', '4000', '--test', '2000', '-o', dir);
    expect(r.exitCode, r.stderr).toBe(0);
    const persistence = /persistence forecast .*: RMSE (\d+\.\d+) mV on the test targets/.exec(r.stdout);
    expect(persistence, r.stdout).not.toBeNull();
    persistenceRmse = Number(persistence![1]);
    const record = readFileSync('examples/data/ecg_mitdb208.csv', 'utf8').trimEnd().split('\n');
    const train = readFileSync(p('train.csv'), 'utf8').trimEnd().split('\n');
    const test = readFileSync(p('test.csv'), 'utf8').trimEnd().split('\n');
    expect(train).toEqual(record.slice(0, 4001));
    // 32 + 10 − 1 rows of lead-in, then the 2,000 target samples 4000 … 5999.
    expect(test).toEqual([record[0], ...record.slice(4001 - 41, 6001)]);
    for (const bad of [['--train', '0'], ['--test', '0x10'], ['--train', '100000', '--test', '9000'], ['-o']]) {
      const b = await prepare(...bad);
      expect(b.exitCode, bad.join(' ')).toBe(2);
      expect(b.stderr).toMatch(/^prepare: /);
    }
  });
});

describe('LSTM forecaster, 10 samples ahead', () => {
  it('trains, beats the persistence forecast, and rnnc quantize --eval measures float, int8 and int16 RMSE, int8 within 2 % of float', async () => {
    const train = await rnnc(['train', '--data', p('train.csv'), ...SERIES, '--stride', '8', '--arch', 'lstm:16,dense:1',
      '--epochs', '4', '--lr', '0.01', '--name', 'ecg', '-o', p('ecg.json')]);
    expect(train.exitCode, train.stderr).toBe(0);
    const q = await rnnc(['quantize', p('ecg.json'), '--data', p('train.csv'), ...SERIES, '--stride', '4',
      '--eval', p('test.csv'), '--json', '-o', p('ecg.q.json')]);
    expect(q.exitCode, q.stderr).toBe(0);
    const report = JSON.parse(q.stdout) as { eval: { metric: string; examples: number; float: number; int8: number; int16: number } };
    // --stride applies to the evaluation windows too: every 4th of the 2,000 targets.
    expect(report.eval).toMatchObject({ metric: 'rmse', examples: 500 });
    const { float, int8, int16 } = report.eval;
    for (const v of [float, int8, int16]) {
      expect(v).toBeGreaterThan(0);
      // The signal's RMS is about 0.5 mV; a briefly trained model is far from useless but far from good.
      expect(v).toBeLessThan(1);
    }
    // The yardstick: even briefly trained, the forecaster beats repeating the last sample.
    expect(float).toBeLessThan(persistenceRmse);
    // The budget examples/ecg/README.md states: int8 (and int16) within 2 % of float's RMSE.
    expect(Math.abs(int8 - float) / float).toBeLessThan(0.02);
    expect(Math.abs(int16 - float) / float).toBeLessThan(0.02);
  });
});
