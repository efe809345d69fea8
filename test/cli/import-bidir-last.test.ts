/**
 * Bidirectional classifiers reading out[:, -1, :] (test/fixtures/onnx/patterns/bidir_last_*,
 * made by make_onnx_patterns.py at opset 14): Linear(2H, 3) on merge(f_{T−1}, b_{T−1}),
 * where b_{T−1} is the backward direction's first step. Through the real CLI: the import
 * writes lastOutput "last-index", the float reference matches torch within 1e-5, the
 * output differs from the Keras convention (b_0), and `rnnc verify` is bit-exact on the host
 * and on a QEMU Cortex-M4.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFloat } from '../../src/float/model.js';
import { loadModel } from '../../src/ir/io.js';
import type { Layer } from '../../src/ir/model.js';
import { maxAbsDiff } from '../helpers/diff.js';
import { rnnc } from '../helpers/run-cli.js';

const dir = new URL('../fixtures/onnx/patterns/', import.meta.url).pathname;
const NAMES = ['bidir_last_lstm', 'bidir_last_gru'];

let tmp = '';
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'rnnc-bidir-last-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function expected(name: string): { input: number[][]; output: number[][] } {
  return JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as { input: number[][]; output: number[][] };
}

describe('bidirectional out[:, -1, :] classifiers from PyTorch', () => {
  it.concurrent.each(NAMES)('%s: imports as last-index, float within 1e-5 of torch, verify bit-exact', async (name) => {
    const out = join(tmp, `${name}.json`);
    const imp = await rnnc(['import', `${dir}${name}.onnx`, '-o', out]);
    expect(imp.stderr).toBe('');
    expect(imp.exitCode).toBe(0);
    const model = loadModel(out);
    const rec = model.layers[0]!;
    expect(rec).toMatchObject({ bidirectional: 'concat', returnSequences: false, lastOutput: 'last-index' });
    expect(model.layers.map((l) => l.type)).toEqual([rec.type, 'dense']);
    const want = expected(name);
    const diff = maxAbsDiff(runFloat(model, want.input), want.output);
    console.log(`${name}: max |rnnc float − torch| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThan(1e-5);
    // The Keras convention (backward final state) computes something else on the same weights.
    const keras = { ...model, layers: [{ ...rec, lastOutput: 'final' } as Layer, model.layers[1]!] };
    expect(maxAbsDiff(runFloat(keras, want.input), want.output)).toBeGreaterThan(1e-3);
    for (const weights of [[], ['--weights', 'int16']]) {
      const v = await rnnc(['verify', `${dir}${name}.onnx`, '--cases', '4', ...weights]);
      expect(v.stderr).not.toMatch(/mismatch|internal error/);
      expect(v.exitCode).toBe(0);
      expect(v.stdout).toMatch(/outputs compared in \d+ cases, all bit-exact/);
    }
  });

  it.concurrent.each(NAMES)('%s: verify bit-exact on a QEMU Cortex-M4', async (name) => {
    const v = await rnnc(['verify', `${dir}${name}.onnx`, '--target', 'cortex-m4', '--cases', '2']);
    expect(v.stderr).not.toMatch(/mismatch|internal error/);
    expect(v.exitCode).toBe(0);
    expect(v.stdout).toMatch(/on cortex-m4 .*outputs compared in \d+ cases, all bit-exact/);
  });

  it('the C runs the backward direction one step, on the last input', async () => {
    const c = join(tmp, 'c');
    const r = await rnnc(['compile', `${dir}bidir_last_gru.onnx`, '--target', 'host', '-o', c]);
    expect(r.exitCode).toBe(0);
    const src = readFileSync(join(c, 'bidir_last_g.c'), 'utf8');
    expect(src).toMatch(/backward output at t = n - 1: its first step/);
    expect(src).toMatch(/_l0b_step\(h, x \+ \(n - 1\) \* 3\);/);
    expect(src).not.toMatch(/backward direction: the reversed sequence/);
  });
});
