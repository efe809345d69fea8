/**
 * Keras / TF.js models as practitioners export them, through the built CLI: dropout and
 * noise layers dropped, TimeDistributed(Dense) as the per-step dense, an input
 * BatchNormalization folded into the input normalisation (negative gammas included),
 * causal Conv1D as conv1d, and one-line refusals that say what to do. Float within 1e-5
 * of tfjs predict; `rnnc verify` bit-exact. Needs dist
 * built (npx tsc -p tsconfig.json).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFloat } from '../../src/float/model.js';
import { loadModel } from '../../src/ir/io.js';
import { type FloatModel, isRecurrent } from '../../src/ir/model.js';
import { saveLayersModel } from '../helpers/keras-fixtures.js';
import { ACCEPTED, CONV_ACCEPTED, type PatternFixture, REFUSED, STATE_OUTPUTS, insertLayer, makePattern, twoHeads } from '../helpers/keras-patterns.js';
import { rnnc } from '../helpers/run-cli.js';

let root = '';
const fixtures = new Map<string, PatternFixture>();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'rnnc-keras-patterns-'));
  let seed = 40;
  for (const [name, build] of Object.entries({ ...ACCEPTED, ...CONV_ACCEPTED })) fixtures.set(name, await makePattern(build, join(root, name), seed++));
  for (const [name, [build, output]] of Object.entries(STATE_OUTPUTS)) fixtures.set(name, await makePattern(build, join(root, name), seed++, output));
  for (const [name, [build]] of Object.entries(REFUSED)) await saveLayersModel(build(), join(root, name));
  await saveLayersModel(twoHeads(), join(root, 'two_heads'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `rnnc import` of `dir`/model.json; the IR written. */
async function imported(dir: string): Promise<FloatModel> {
  const out = join(dir, 'ir.json');
  const r = await rnnc(['import', join(dir, 'model.json'), '-o', out]);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return loadModel(out);
}

function maxDiff(model: FloatModel, f: PatternFixture): number {
  let d = 0;
  f.inputs.forEach((x, k) => {
    const got = runFloat(model, x);
    const want = f.outputs[k]!;
    const last = got.slice(got.length - want.length);
    expect(last.map((v) => v.length)).toEqual(want.map((v) => v.length));
    last.forEach((v, t) => v.forEach((y, i) => { d = Math.max(d, Math.abs(y - want[t]![i]!)); }));
  });
  return d;
}

const kinds = (m: FloatModel) => m.layers.map((l) => (!isRecurrent(l) ? l.type : `${l.type}${l.returnSequences ? '*' : ''}`));

describe('accepted patterns: rnnc import, float vs tfjs predict within 1e-5', () => {
  const expected: Record<string, { layers: string[]; normalized: boolean }> = {
    dropout_time_distributed: { layers: ['lstm*', 'dense', 'dense'], normalized: false },
    bn_input_gru: { layers: ['gru*', 'dense'], normalized: true },
    bn_functional_bi: { layers: ['lstm', 'dense'], normalized: true },
    bn_no_gamma_eps: { layers: ['rnn', 'dense'], normalized: true },
    tfjs_defaults: { layers: ['lstm*', 'gru', 'dense'], normalized: false },
    rnn_relu: { layers: ['rnn*', 'dense'], normalized: false },
    conv_causal_gru: { layers: ['conv1d', 'gru', 'dense'], normalized: false },
    dense_activation: { layers: ['gru*', 'dense', 'lstm', 'dense'], normalized: false },
    conv_same_bigru: { layers: ['conv1d', 'gru', 'dense'], normalized: false },
    conv_same_dilated_lstm: { layers: ['conv1d', 'lstm*', 'dense'], normalized: false },
    conv_activation_lstm: { layers: ['conv1d', 'conv1d', 'lstm*', 'dense'], normalized: false },
  };
  for (const name of [...Object.keys(ACCEPTED), ...Object.keys(CONV_ACCEPTED)]) {
    it(name, async () => {
      const f = fixtures.get(name)!;
      const model = await imported(f.dir);
      expect(kinds(model)).toEqual(expected[name]!.layers);
      expect(model.normalization !== undefined).toBe(expected[name]!.normalized);
      const d = maxDiff(model, f);
      console.log(`keras pattern ${name}: max |rnnc float − tfjs| = ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-5);
    });
  }

  it("TF.js' default hard_sigmoid is Keras 2's clip(0.2·x + 0.5, 0, 1); a Keras 3 file's is clip(x/6 + 0.5, 0, 1)", async () => {
    const f = fixtures.get('tfjs_defaults')!;
    const gates = (m: FloatModel) => m.layers.map((l) => (l.type === 'lstm' || l.type === 'gru' ? l.recurrentActivation : l.type));
    expect(gates(await imported(f.dir))).toEqual(['hard_sigmoid', 'hard_sigmoid', 'dense']);
    const shown = await rnnc(['inspect', join(f.dir, 'model.json')]);
    expect(shown.stdout.match(/gates=hard_sigmoid /g)).toHaveLength(2);
    for (const [field, value] of [['keras_version', '3.3.3'], ['generatedBy', 'keras v3.3.3']] as const) {
      const dir = join(root, `keras3_${field}`);
      cpSync(f.dir, dir, { recursive: true });
      const path = join(dir, 'model.json');
      const json = JSON.parse(readFileSync(path, 'utf8')) as { generatedBy?: string; modelTopology: Record<string, unknown> };
      if (field === 'generatedBy') json.generatedBy = value;
      else json.modelTopology.keras_version = value;
      writeFileSync(path, JSON.stringify(json));
      expect(gates(await imported(dir))).toEqual(['hard_sigmoid_v3', 'hard_sigmoid_v3', 'dense']);
    }
  });

  it('a negative gamma is carried by the first layer: every std stays positive', async () => {
    const model = await imported(fixtures.get('bn_input_gru')!.dir);
    expect(model.normalization!.std.every((s) => s > 0)).toBe(true);
  });

  it("ActivityRegularization (Keras' config; TF.js has no such layer) is dropped", async () => {
    const f = fixtures.get('dropout_time_distributed')!;
    const dir = join(root, 'activity');
    cpSync(f.dir, dir, { recursive: true });
    insertLayer(dir, 2, { class_name: 'ActivityRegularization', config: { name: 'activity_regularization', trainable: true, dtype: 'float32', l1: 0.01, l2: 0 } });
    expect(maxDiff(await imported(dir), f)).toBeLessThan(1e-5);
  });

  it("BatchNormalization axis [2], as Keras 2 writes it after build, is the feature axis; axis 1 is refused", async () => {
    const f = fixtures.get('bn_input_gru')!;
    const edit = (axis: unknown, to: string) => {
      cpSync(f.dir, join(root, to), { recursive: true });
      const path = join(root, to, 'model.json');
      const json = JSON.parse(readFileSync(path, 'utf8')) as { modelTopology: { config: { layers: Array<{ config: Record<string, unknown> }> } } };
      json.modelTopology.config.layers[0]!.config.axis = axis;
      writeFileSync(path, JSON.stringify(json));
      return join(root, to);
    };
    expect(maxDiff(await imported(edit([2], 'axis2')), f)).toBeLessThan(1e-5);
    const r = await rnnc(['import', join(edit(1, 'axis1'), 'model.json'), '-o', join(root, 'axis1.json')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^rnnc: model\.json: layer '.*' \(BatchNormalization\): axis 1 is not supported; only the feature axis/);
  });
});

describe('functional models exporting recurrent states (return_state): the states are dropped', () => {
  const expected: Record<string, string[]> = {
    lstm_state_dense: ['lstm', 'dense'], gru_bare_state: ['gru*'], bi_state_first: ['lstm'],
  };
  for (const name of Object.keys(STATE_OUTPUTS)) {
    it(name, async () => {
      const f = fixtures.get(name)!;
      const model = await imported(f.dir);
      expect(kinds(model)).toEqual(expected[name]);
      const d = maxDiff(model, f);
      console.log(`keras pattern ${name}: max |rnnc float − tfjs| = ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-5);
    });
  }

  it('two prediction heads beside a state: refused in one line listing both', async () => {
    const r = await rnnc(['import', join(root, 'two_heads', 'model.json'), '-o', join(root, 'two_heads.json')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/the model has 2 outputs that are not recurrent states \('dense_\w+', 'dense_\w+'\); choose one with --model-output NAME/);
    const head = /\('(dense_\w+)'/.exec(r.stderr)![1]!;
    const chosen = await rnnc(['import', join(root, 'two_heads', 'model.json'), '-o', join(root, 'two_heads.json'), '--model-output', head]);
    expect(chosen.exitCode, chosen.stderr).toBe(0);
    const wrong = await rnnc(['import', join(root, 'two_heads', 'model.json'), '-o', join(root, 'two_heads.json'), '--model-output', 'nope']);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/^rnnc: --model-output: model\.json has no output 'nope'; its outputs are 'dense_\w+', '\w+\[1\]', 'dense_\w+'$/m);
  });
});

describe('rnnc verify: bit-exact from the Keras files', () => {
  it.concurrent.each(['dropout_time_distributed', 'bn_input_gru', 'bn_functional_bi', 'lstm_state_dense', 'tfjs_defaults', 'rnn_relu',
    'conv_causal_gru', 'conv_activation_lstm', 'conv_same_bigru', 'conv_same_dilated_lstm'])('%s', async (name) => {
    const r = await rnnc(['verify', join(fixtures.get(name)!.dir, 'model.json'), '--cases', '3']);
    expect(r.stderr).not.toMatch(/mismatch|internal error/);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/outputs compared in \d+ cases, all bit-exact/);
  });
});

describe('refused by design: one line, exit 2, saying what to do', () => {
  for (const [name, [, message]] of Object.entries(REFUSED)) {
    it(name, async () => {
      const r = await rnnc(['import', join(root, name, 'model.json'), '-o', join(root, `${name}.json`)]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }
});
