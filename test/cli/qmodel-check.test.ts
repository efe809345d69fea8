/**
 * A model.q.json can come from anywhere: every command that reads one (run, compile,
 * verify) refuses an inconsistent one with exit 2 and the JSON path, instead of
 * computing with it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../src/ir/io.js';
import { randomModel } from '../../src/ir/random.js';
import { rnnc } from '../helpers/run-cli.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CASES: Array<{ name: string; mutate: (q: Json) => void; expected: RegExp }> = [
  { name: 'matrix columns', mutate: (q) => { q.layers[0].forward.x.cols = 1; }, expected: /layers\[0\]\.forward\.x: expected 12×2, got 12×1/ },
  { name: 'dense units', mutate: (q) => { q.layers[1].units = 5; }, expected: /layers\[1\]\.mm: expected 5×3/ },
  { name: 'a zero shift', mutate: (q) => { q.layers[0].forward.h.shift[0] = 0; }, expected: /layers\[0\]\.forward\.h\.shift: values outside \[1, 62\]/ },
  { name: 'a weight beyond int8', mutate: (q) => { q.layers[0].forward.x.weights[0] = 1e6; }, expected: /layers\[0\]\.forward\.x\.weights: values outside int8/ },
  { name: 'cell format', mutate: (q) => { q.layers[0].cell.frac = 40; }, expected: /layers\[0\]\.cell\.frac: 40 is outside the range of int16/ },
  { name: 'table size', mutate: (q) => { q.lut.size = 100; }, expected: /lut\.size: LUT size must be a power of two/ },
  { name: 'input format', mutate: (q) => { q.input.frac = 1000; }, expected: /input\.frac: 1000 is outside \[-16, 15\]/ },
  { name: 'format chain', mutate: (q) => { q.layers[1].inFrac = 3; }, expected: /layers\[1\]\.inFrac: 3, but the layer before gives 15/ },
  { name: 'output format', mutate: (q) => { q.output.frac = 7; }, expected: /output\.frac: 7, but the last layer gives/ },
  { name: 'float32 overflow in std', mutate: (q) => { q.input.normalization.std[0] = 1e39; }, expected: /input\.normalization\.std\[0\]: expected a float32-safe std from 1\.18e-38 to 3\.4e38 \(1\/std must stay finite in float32\), got 1e\+39/ },
];

describe('inconsistent model.q.json files are refused', () => {
  let dir = '';
  let good = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rnnc-qcheck-'));
    saveModel(randomModel({ name: 'q', inputSize: 2, layers: [{ type: 'lstm', units: 3 }, { type: 'dense', units: 3, activation: 'linear' }], normalization: true }, 3), join(dir, 'm.json'));
    const r = await rnnc(['quantize', join(dir, 'm.json'), '-o', join(dir, 'm.q.json')]);
    expect(r.exitCode).toBe(0);
    good = readFileSync(join(dir, 'm.q.json'), 'utf8');
    writeFileSync(join(dir, 'seq.json'), JSON.stringify([[100, -200], [3, 4]]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the unmodified file runs', async () => {
    expect((await rnnc(['run', join(dir, 'm.q.json'), '-i', join(dir, 'seq.json')])).exitCode).toBe(0);
  });

  it('inspect and quantize name a quantized model as such', async () => {
    for (const cmd of ['inspect', 'quantize']) {
      const r = await rnnc(cmd === 'inspect' ? [cmd, join(dir, 'm.q.json')] : [cmd, join(dir, 'm.q.json'), '-o', join(dir, 'again.q.json')]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/m\.q\.json is a quantized model \(model\.q\.json\); this command takes the float model/);
    }
  });

  it('quantizer options given with a quantized model are refused, not ignored', async () => {
    const r = await rnnc(['compile', join(dir, 'm.q.json'), '-o', join(dir, 'out-opts'), '--weights', 'int16', '--lut-size', '512']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^rnnc: --weights, --lut-size: .*m\.q\.json is already quantized/);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const q = JSON.parse(good) as Json;
      c.mutate(q);
      const path = join(dir, `${c.name.replace(/\W+/g, '_')}.q.json`);
      writeFileSync(path, JSON.stringify(q));
      for (const args of [['run', path, '-i', join(dir, 'seq.json')], ['compile', path, '-o', join(dir, 'out')]]) {
        const r = await rnnc(args);
        expect(r.exitCode).toBe(2);
        expect(r.stderr).toMatch(c.expected);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      }
    });
  }
});
