/**
 * Validation agrees everywhere: what a model.json validator accepts, every later phase
 * can handle (or refuses with exit 2 and one line naming why); quantize never writes a
 * model.q.json that compile, verify or run refuse; the float and quantized formats
 * share one structure check; verify names the file it was given.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloatModel } from '../../src/ir/model.js';
import { saveModel } from '../../src/ir/io.js';
import { randomModel } from '../../src/ir/random.js';
import { rnnc } from '../helpers/run-cli.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let dir = '';
const at = (f: string) => join(dir, f);

function withStd(name: string, std: number[]): string {
  const m = randomModel({ name: 'tiny', inputSize: 2, normalization: true, layers: [{ type: 'lstm', units: 3 }, { type: 'dense', units: 2, activation: 'linear' }] }, 3);
  m.normalization = { mean: [0, 0], std };
  writeFileSync(at(name), JSON.stringify(m));
  return at(name);
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => !l.startsWith('rnnc: warning:'));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rnnc-agree-'));
  writeFileSync(at('calib.json'), JSON.stringify([[[1, 2], [3, -4]], [[0.5, 1]]]));
  writeFileSync(at('seq.json'), JSON.stringify([[1, 2], [3, 4]]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('normalization.std that later phases cannot handle', () => {
  it('1e-320 (1/std is Infinity): exit 2 naming normalization.std[0] in quantize, compile and run --fixed', async () => {
    const m = withStd('tiny320.json', [1e-320, 1]);
    const runs = [
      ['quantize', m, '-o', at('tiny320.q.json')],
      ['quantize', m, '--calib', at('calib.json'), '-o', at('tiny320.q.json')],
      ['compile', m, '--calib', at('calib.json'), '-o', at('out320')],
      ['run', m, '--fixed', '--calib', at('calib.json'), '-i', at('seq.json')],
      ['run', m, '--fixed', '-i', at('seq.json')],
    ];
    for (const args of runs) {
      const r = await rnnc(args);
      expect({ args, exitCode: r.exitCode }).toEqual({ args, exitCode: 2 });
      expect(oneLine(r.stderr)).toBe(`rnnc: ${m}: normalization.std[0]: expected a float32-safe std from 1.18e-38 to 3.4e38 (1/std must stay finite in float32), got 1e-320`);
    }
    expect(existsSync(at('tiny320.q.json'))).toBe(false);
    expect(existsSync(at('out320'))).toBe(false);
  });

  it('1e-9 with calibration data: quantize refuses (exit 2, naming normalization.std[0]) instead of writing a file compile refuses', async () => {
    const m = withStd('tiny9.json', [1e-9, 1]);
    const r = await rnnc(['quantize', m, '--calib', at('calib.json'), '-o', at('tiny9.q.json')]);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^rnnc: .*calib\.json: the normalised inputs \(x − mean\) \/ std \(feature 0, normalization\.std\[0\] = 1e-9\) reach 3\.00e\+9 .*beyond ±2\^31/);
    expect(existsSync(at('tiny9.q.json'))).toBe(false);
  });

  it('1e-9 without calibration data: quantized into a model that compile and run accept', async () => {
    const m = withStd('tiny9d.json', [1e-9, 1]);
    expect((await rnnc(['quantize', m, '-o', at('tiny9d.q.json')])).exitCode).toBe(0);
    const c = await rnnc(['compile', at('tiny9d.q.json'), '-o', at('out9')]);
    expect({ code: c.exitCode, stderr: c.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await rnnc(['run', at('tiny9d.q.json'), '-i', at('seq.json')])).exitCode).toBe(0);
  });

  it('verify names the file it was given, not <name>.q.json', async () => {
    const m = withStd('kws.json', [1e-9, 1]);
    const r = await rnnc(['verify', m, '--calib', at('calib.json')]);
    expect(r.exitCode).toBe(2);
    const line = oneLine(r.stderr);
    expect(line).not.toContain('q.json');
    expect(line).toMatch(/normalization\.std\[0\]/);
  });
});

describe('quantize never writes a file the rest of rnnc refuses', () => {
  it('dense outputs beyond any int16 format: exit 2 and no file, instead of a q.json compile refuses', async () => {
    const m = randomModel({ name: 'dd', inputSize: 2, layers: [{ type: 'dense', units: 4, activation: 'linear' }, { type: 'dense', units: 2, activation: 'softmax' }] }, 4) as FloatModel;
    for (const l of m.layers) if (l.type === 'dense') l.weights.kernel = l.weights.kernel.map((row) => row.map(() => 1e6));
    saveModel(m, at('dd.json'));
    const r = await rnnc(['quantize', at('dd.json'), '--calib', at('calib.json'), '-o', at('dd.q.json')]);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/calib\.json: the logits W x \+ b of layers\[1\] \(dense softmax\) reach .*beyond ±2\^31/);
    expect(existsSync(at('dd.q.json'))).toBe(false);
  });
});

describe('one structure check for model.json and model.q.json', () => {
  it('returnSequences false feeding a recurrent layer: exit 2 in run and compile, worded as the float validator words it', async () => {
    const m = randomModel({ name: 'st', inputSize: 2, layers: [{ type: 'lstm', units: 3, returnSequences: true }, { type: 'gru', units: 2 }, { type: 'dense', units: 2, activation: 'linear' }] }, 3);
    saveModel(m, at('st.json'));
    expect((await rnnc(['quantize', at('st.json'), '-o', at('st.q.json')])).exitCode).toBe(0);
    const q = JSON.parse(readFileSync(at('st.q.json'), 'utf8')) as Json;
    q.layers[0].returnSequences = false;
    writeFileSync(at('bad.q.json'), JSON.stringify(q));
    const f = JSON.parse(readFileSync(at('st.json'), 'utf8')) as Json;
    f.layers[0].returnSequences = false;
    writeFileSync(at('bad.json'), JSON.stringify(f));

    const float = await rnnc(['run', at('bad.json'), '-i', at('seq.json')]);
    expect(float.exitCode).toBe(2);
    const want = 'layers[1]: a gru layer needs a sequence, but layers[0] has returnSequences false';
    expect(oneLine(float.stderr)).toBe(`rnnc: ${at('bad.json')}: ${want}`);
    for (const args of [['run', at('bad.q.json'), '-i', at('seq.json')], ['compile', at('bad.q.json'), '-o', at('out-st')]]) {
      const r = await rnnc(args);
      expect({ args, exitCode: r.exitCode }).toEqual({ args, exitCode: 2 });
      expect(oneLine(r.stderr)).toBe(`rnnc: ${at('bad.q.json')}: ${want}`);
    }
  });
});

describe('normalisation in raw units', () => {
  it('train on features around 1e7 writes a model every command accepts (mean is not a weight)', async () => {
    const rows = ['seq,a,b,label'];
    for (let s = 0; s < 12; s++) for (let t = 0; t < 4; t++) rows.push(`${s},${1e7 + 300 * (s % 2) + t},${(s * 7 + t) % 5},${s % 2}`);
    writeFileSync(at('big.csv'), `${rows.join('\n')}\n`);
    const r = await rnnc(['train', '--data', at('big.csv'), '--arch', 'gru:3,dense:2:softmax', '--epochs', '1', '-o', at('big.json')]);
    expect({ code: r.exitCode, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const model = JSON.parse(readFileSync(at('big.json'), 'utf8')) as FloatModel;
    expect(model.normalization!.mean[0]).toBeGreaterThan(1e6);
    expect((await rnnc(['quantize', at('big.json'), '--calib', at('big.csv'), '-o', at('big.q.json')])).exitCode).toBe(0);
    expect((await rnnc(['compile', at('big.q.json'), '-o', at('out-big')])).exitCode).toBe(0);
  });
});
