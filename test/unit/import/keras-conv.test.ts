/**
 * Keras / TF.js Conv1D(padding='causal') → the IR's conv1d ('same', centred, is in
 * test/cli/import-keras-patterns.test.ts, where TF.js runs it itself): TF.js builds the models
 * (test/helpers/keras-patterns.ts), the float reference matches tfjs predict within 1e-5,
 * the kernel [k, inputs, filters] lands in the IR row layout, an Activation layer after
 * a linear Conv1D is its activation; padding 'valid', strides ≠ 1, groups and
 * channels_first are refused in one line. The CLI side is
 * test/cli/import-keras-patterns.test.ts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RnncError } from '../../../src/errors.js';
import { runFloat } from '../../../src/float/model.js';
import { loadAnyModel } from '../../../src/import/detect.js';
import type { Conv1dLayer, FloatModel } from '../../../src/ir/model.js';
import { saveLayersModel } from '../../helpers/keras-fixtures.js';
import { CONV_ACCEPTED, type PatternFixture, REFUSED, makePattern } from '../../helpers/keras-patterns.js';

let root = '';
const fixtures = new Map<string, PatternFixture>();
const CONV = Object.keys(CONV_ACCEPTED);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'rnnc-keras-conv-'));
  let seed = 700;
  for (const name of CONV) fixtures.set(name, await makePattern(CONV_ACCEPTED[name]!, join(root, name), seed++));
  for (const name of ['conv1d', 'conv1d_strides']) await saveLayersModel(REFUSED[name]![0](), join(root, name));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const load = (dir: string): FloatModel => loadAnyModel(join(dir, 'model.json')).model;

function maxDiff(model: FloatModel, f: PatternFixture): number {
  let d = 0;
  f.inputs.forEach((x, k) => {
    const got = runFloat(model, x);
    const want = f.outputs[k]!;
    expect(got.map((v) => v.length)).toEqual(want.map((v) => v.length));
    got.forEach((v, t) => v.forEach((y, i) => { d = Math.max(d, Math.abs(y - want[t]![i]!)); }));
  });
  return d;
}

function importError(dir: string): RnncError {
  try {
    load(dir);
  } catch (e) {
    if (e instanceof RnncError) return e;
    throw e;
  }
  throw new Error(`${dir} imported without error`);
}

/** Edits the saved model.json's layer `at` config; returns a copy's folder. */
function editedCopy(name: string, to: string, edit: (config: Record<string, unknown>) => void, at = 0): string {
  const dir = join(root, to);
  cpSync(fixtures.get(name)!.dir, dir, { recursive: true });
  const path = join(dir, 'model.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as { modelTopology: { config: { layers: Array<{ config: Record<string, unknown> }> } } };
  edit(json.modelTopology.config.layers[at]!.config);
  writeFileSync(path, JSON.stringify(json));
  return dir;
}

describe('Conv1D(padding="causal")', () => {
  it.each(CONV)('%s: float within 1e-5 of tfjs predict', (name) => {
    const f = fixtures.get(name)!;
    const model = load(f.dir);
    const d = maxDiff(model, f);
    console.log(`keras conv pattern ${name}: max |rnnc float − tfjs| = ${d.toExponential(2)}`);
    expect(d).toBeLessThan(1e-5);
  });

  it('the chain: dilation, the fused relu; an Activation layer after a linear conv, the Dropout between dropped', () => {
    const describe = (m: FloatModel) => m.layers.map((l) => (l.type === 'conv1d' ? `conv1d(k${l.kernelSize},d${l.dilation ?? 1},${l.activation},${l.units})` : l.type));
    expect(describe(load(fixtures.get('conv_causal_gru')!.dir))).toEqual(['conv1d(k3,d2,relu,5)', 'gru', 'dense']);
    expect(describe(load(fixtures.get('conv_activation_lstm')!.dir))).toEqual(['conv1d(k2,d1,tanh,4)', 'conv1d(k3,d1,sigmoid,3)', 'lstm', 'dense']);
  });

  it('kernel[j][i][o] is row o, column j·inputs + i; use_bias false gives zeros', () => {
    const f = fixtures.get('conv_activation_lstm')!;
    const json = JSON.parse(readFileSync(join(f.dir, 'model.json'), 'utf8')) as { weightsManifest: Array<{ weights: Array<{ name: string; shape: number[] }> }> };
    const specs = json.weightsManifest[0]!.weights;
    const all = new Float32Array(Uint8Array.from(readFileSync(join(f.dir, 'weights.bin'))).buffer);
    const first = specs[0]!;
    expect(first.shape).toEqual([2, 3, 4]);
    const layer = load(f.dir).layers[0] as Conv1dLayer;
    for (let j = 0; j < 2; j++) for (let i = 0; i < 3; i++) for (let o = 0; o < 4; o++) {
      expect(layer.weights.kernel[o]![j * 3 + i]).toBe(all[(j * 3 + i) * 4 + o]);
    }
    expect((load(f.dir).layers[1] as Conv1dLayer).weights.bias).toEqual([0, 0, 0]);
  });
});

describe('refused Conv1D: one line saying what to do', () => {
  const oneLine = (e: RnncError) => {
    expect(e.exitCode).toBe(2);
    expect(e.message.split('\n')).toHaveLength(1);
    return e.message;
  };

  it.each(['conv1d', 'conv1d_strides'])('%s', (name) => {
    expect(oneLine(importError(join(root, name)))).toMatch(REFUSED[name]![1]);
  });

  it('groups, channels_first, a softmax activation', () => {
    expect(oneLine(importError(editedCopy('conv_causal_gru', 'groups', (c) => { c.groups = 5; }))))
      .toMatch(/\(Conv1D\): groups 5 is not supported; rnnc's conv1d is dense over the channels: use groups=1$/);
    expect(oneLine(importError(editedCopy('conv_causal_gru', 'cf', (c) => { c.data_format = 'channels_first'; }))))
      .toMatch(/\(Conv1D\): data_format "channels_first" is not supported; rnnc's sequences are \[time, features\] \(channels_last\)$/);
    expect(oneLine(importError(editedCopy('conv_causal_gru', 'softmax', (c) => { c.activation = 'softmax'; }))))
      .toMatch(/\(Conv1D\): activation 'softmax' is not supported; supported: linear, relu, tanh, sigmoid$/);
  });
});
