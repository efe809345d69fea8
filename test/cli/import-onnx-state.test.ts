/**
 * Nonzero initial states (test/fixtures/onnx/state, made by make_onnx_state.py):
 * - learned initial states (nn.Parameter h0/c0, exported as constants) import as the
 *   IR's initialH/initialC: the float model matches torch, the C carries them as tables
 *   NAME_reset loads, and verify is bit-exact on the host and a Cortex-M4;
 * - state inputs (forward(x, state)): `rnnc run --state` from a nonzero state matches
 *   torch run from that state, by the exporter's names (with or without the batch axis)
 *   or the C field names; with --fixed it equals the C started the way its header says
 *   (NAME_reset, then fields set to sat(floor(v·2^frac + 0.5))); bad files exit 2 in one line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantizeInput } from '../../src/fixed/model.js';
import { runFloat } from '../../src/float/model.js';
import { loadModel } from '../../src/ir/io.js';
import { isRecurrent } from '../../src/ir/model.js';
import { loadQuantModel } from '../../src/ir/qio.js';
import { maxAbsDiff } from '../helpers/diff.js';
import { STRICT } from '../helpers/gcc.js';
import { rnnc } from '../helpers/run-cli.js';

const dir = new URL('../fixtures/onnx/state/', import.meta.url).pathname;
const LEARNED: Record<string, string> = {
  lstm2_learned: 'lstm -> lstm -> dense', gru_learned: 'gru -> dense', rnn_relu_learned: 'rnn -> dense', gru_bidir_learned_last: 'gru -> dense',
};

interface Fixture { input: number[][]; output: number[][]; state?: Record<string, unknown> }
const fixture = (name: string) => JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as Fixture;

let tmp = '';
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'rnnc-onnx-state-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, value: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

/** [[[...]], [[...]]] → [[...], [...]]: the same values without the batch axis. */
const dropBatch = (v: unknown) => (v as number[][][]).map((row) => row[0]!);

describe('learned initial states (constants)', () => {
  it.concurrent.each(Object.keys(LEARNED))('%s: float matches torch; the C loads the state; verify bit-exact on host and Cortex-M4', async (name) => {
    const out = join(tmp, `${name}.json`);
    const imp = await rnnc(['import', `${dir}${name}.onnx`, '-o', out]);
    expect(imp.stderr).toBe('');
    expect(imp.stdout).toContain(`: ${LEARNED[name]}, `);
    const model = loadModel(out);
    const first = model.layers[0]!;
    if (!isRecurrent(first)) throw new Error('expected a recurrent layer');
    expect(first.weights.initialH?.some((v) => v !== 0)).toBe(true);
    if (first.type === 'lstm') expect(first.weights.initialC?.some((v) => v !== 0)).toBe(true);
    if (first.bidirectional) expect(first.backwardWeights?.initialH?.some((v) => v !== 0)).toBe(true);
    const want = fixture(name);
    expect(maxAbsDiff(runFloat(model, want.input), want.output)).toBeLessThan(1e-5);
    const cdir = join(tmp, `${name}-c`);
    const c = await rnnc(['compile', out, '-o', cdir]);
    expect(c.exitCode).toBe(0);
    const src = readFileSync(join(cdir, `${model.name}.c`), 'utf8');
    expect(src).toMatch(new RegExp(`static const int16_t ${model.name}_l0f_h0\\[`));
    for (const target of ['host', 'cortex-m4']) {
      const v = await rnnc(['verify', out, '--target', target, '--cases', '2']);
      expect(v.stderr).not.toMatch(/mismatch|internal error/);
      expect(v.exitCode).toBe(0);
      expect(v.stdout).toMatch(/outputs compared in \d+ cases, all bit-exact/);
    }
  });
});

describe('rnnc run --state', () => {
  it.concurrent.each(['lstm2_given', 'gru_bidir_given'])('%s: from a nonzero state, rnnc equals torch (exporter names, no batch axis, C field names)', async (name) => {
    const want = fixture(name);
    const input = write(`${name}-in.json`, want.input);
    const run = async (state: unknown) => {
      const r = await rnnc(['run', `${dir}${name}.onnx`, '--input', input, '--state', write(`${name}-state.json`, state), '--json']);
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      return (JSON.parse(r.stdout) as { outputs: number[][] }).outputs;
    };
    const asExported = await run(want.state);
    expect(maxAbsDiff(asExported, want.output)).toBeLessThan(1e-5);
    const noBatch = Object.fromEntries(Object.entries(want.state!).map(([k, v]) => [k, dropBatch(v)]));
    expect(await run(noBatch)).toEqual(asExported);
    // The same state by the C field names: layer k's h is h0[k] (bidirectional: l0b_h is h0[1]).
    const h0 = dropBatch(want.state!.h0);
    const fields: Record<string, number[]> = name === 'gru_bidir_given' ? { l0_h: h0[0]!, l0b_h: h0[1]! }
      : { l0_h: h0[0]!, l1_h: h0[1]!, l0_c: dropBatch(want.state!.c0)[0]!, l1_c: dropBatch(want.state!.c0)[1]! };
    expect(await run(fields)).toEqual(asExported);
    // Without --state: the zero state, which gives other outputs.
    const zero = await rnnc(['run', `${dir}${name}.onnx`, '--input', input, '--json']);
    expect(maxAbsDiff((JSON.parse(zero.stdout) as { outputs: number[][] }).outputs, want.output)).toBeGreaterThan(1e-3);
  });

  it('--fixed: the C started as its header says (reset, then fields quantized) gives the same integers', async () => {
    const name = 'lstm2_given';
    const want = fixture(name);
    const input = write('fx-in.json', want.input);
    const state = write('fx-state.json', want.state);
    const qpath = join(tmp, 'fx.q.json');
    // An int32 cell holds the given c0 (a cell format chosen on the calibration data alone may not).
    expect((await rnnc(['quantize', `${dir}${name}.onnx`, '--data', input, '--cell', 'int32', '-o', qpath])).exitCode).toBe(0);
    const r = await rnnc(['run', qpath, '--input', input, '--state', state, '--json']);
    expect(r.stderr).toBe('');
    const raw = (JSON.parse(r.stdout) as { raw: number[][] }).raw;
    const float = (JSON.parse(r.stdout) as { outputs: number[][] }).outputs;
    // The fixed point tracks torch from that state (int8 weights: within a few hundredths).
    expect(maxAbsDiff(float, want.output)).toBeLessThan(0.05);
    const q = loadQuantModel(qpath);
    const cdir = join(tmp, 'fx-c');
    expect((await rnnc(['compile', qpath, '-o', cdir])).exitCode).toBe(0);
    const h0 = dropBatch(want.state!.h0);
    const c0 = dropBatch(want.state!.c0);
    const cell = q.layers.map((l) => (l.type === 'lstm' ? l.cell : undefined));
    const xs = want.input.map((x) => Array.from(quantizeInput(q, x)));
    const p = q.name;
    const arr = (v: number[]) => `{${v.join(', ')}}`;
    const lines = [
      '#include <math.h>', '#include <stdio.h>', `#include "${p}.h"`,
      /* The header's rule: sat(floor(real * 2^frac + 0.5)) in the field's type. */
      'static long long q(double v, int frac, int bits) {',
      '  double r = floor(v * ldexp(1.0, frac) + 0.5), hi = ldexp(1.0, bits - 1) - 1, lo = -ldexp(1.0, bits - 1);',
      '  return (long long)(r > hi ? hi : r < lo ? lo : r);', '}',
      'int main(void) {', `  ${p}_state s;`, '  int16_t y[2];', '  int t, j;',
      `  static const int16_t x[${xs.length}][${xs[0]!.length}] = {${xs.map(arr).join(', ')}};`,
      `  static const double h0[2][4] = {${h0.map(arr).join(', ')}}, c0[2][4] = {${c0.map(arr).join(', ')}};`,
      `  ${p}_reset(&s);`,
      '  for (j = 0; j < 4; j++) {',
      ...[0, 1].flatMap((k) => [
        `    s.l${k}_h[j] = (int16_t)q(h0[${k}][j], 15, 16);`,
        `    s.l${k}_c[j] = (int${cell[k]!.bits}_t)q(c0[${k}][j], ${cell[k]!.frac}, ${cell[k]!.bits});`,
      ]),
      '  }',
      `  for (t = 0; t < ${xs.length}; t++) { ${p}_step(&s, x[t], y); printf("%d %d\\n", y[0], y[1]); }`,
      '  return 0;', '}',
    ];
    writeFileSync(join(cdir, 'main.c'), `${lines.join('\n')}\n`);
    await execa('gcc', [...STRICT, '-Wno-missing-prototypes', '-I', cdir, join(cdir, 'main.c'), join(cdir, `${p}.c`), '-lm', '-o', join(cdir, 'main')]);
    const got = (await execa(join(cdir, 'main'))).stdout.trim().split('\n').map((l) => l.split(' ').map(Number));
    expect(got).toEqual(raw);
  });

  it.concurrent.each([
    ['wrong name', { hx: [1] }, /'hx': is not a state of this model; expected 'h0', 'c0', 'l0_h', 'l0_c', 'l1_h', 'l1_c'/],
    ['wrong shape', { h0: [[1, 2, 3, 4]] }, /'h0': expected shape \[2, 1, 4\] \(axes of size 1 may be left out\), got \[1, 4\]/],
    ['ragged', { h0: [[1, 2, 3, 4], [1, 2, 3]] }, /'h0'\[1\]: has shape \[3\], but 'h0'\[0\] has \[4\]: arrays must be rectangular/],
    ['non-numeric', { l1_c: [1, 2, 3, 'a'] }, /'l1_c'\[3\]: expected a number or an array of numbers, got 'a'/],
    ['a state set twice', { l1_c: [1, 2, 3, 4], c0: [[1, 2, 3, 4], [1, 2, 3, 4]] }, /'c0' and 'l1_c' both set layer 1's forward c; give it once/],
    ['not an object', [1], /expected a JSON object mapping state names to values/],
    ['empty', {}, /names no state; expected some of 'h0'/],
    ['a field the model lacks', { l2_h: [1, 2] }, /'l2_h': is not a state of this model/],
    ['not JSON', '{"h0": [1,', /JSON/],
    ['nested 5000 deep', `{"h0": ${'['.repeat(5000)}1${']'.repeat(5000)}}`, /'h0'(\[0\]){9}: arrays nested deeper than 8 levels/],
  ])('%s: exit 2, one line', async (what, content, message) => {
    const input = write(`bad-in-${what}.json`, fixture('lstm2_given').input);
    const r = await rnnc(['run', `${dir}lstm2_given.onnx`, '--input', input, '--state', write(`bad-${what}.json`, content)]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
