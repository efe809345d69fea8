import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RnncError } from '../../../src/errors.js';
import { runFloat } from '../../../src/float/model.js';
import { loadAnyModel } from '../../../src/import/detect.js';
import { maxAbsDiff } from '../../helpers/diff.js';
import { KERAS_MODELS, type KerasFixture, makeKerasFixture, saveLayersModel, unsupportedModel } from '../../helpers/keras-fixtures.js';

let root: string;
const fixtures = new Map<string, KerasFixture>();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'rnnc-keras-'));
  let seed = 100;
  for (const name of Object.keys(KERAS_MODELS)) fixtures.set(name, await makeKerasFixture(name, root, seed++));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function importError(path: string): RnncError {
  try {
    loadAnyModel(path);
  } catch (e) {
    if (e instanceof RnncError) return e;
    throw e;
  }
  throw new Error(`${path} imported without error`);
}

describe('Keras / TF.js import vs tfjs predict', () => {
  for (const name of Object.keys(KERAS_MODELS)) {
    it(`${name}: max |rnnc float − tfjs| < 1e-5`, () => {
      const f = fixtures.get(name)!;
      const { model, format } = loadAnyModel(join(f.dir, 'model.json'));
      expect(format).toBe('keras');
      const d = maxAbsDiff(runFloat(model, f.input), f.output);
      expect(d).toBeLessThan(1e-5);
    });
  }

  it('TF.js GRUs import as resetAfter false (the only variant TF.js implements)', () => {
    const { model } = loadAnyModel(join(fixtures.get('gru2_before_reset')!.dir, 'model.json'));
    expect(model.layers.map((l) => (l.type === 'gru' ? l.resetAfter : l.type))).toEqual([false, false, 'dense']);
  });

  it('records the stateful flag and the producer', () => {
    const { model } = loadAnyModel(join(fixtures.get('lstm_dense2_stateful')!.dir, 'model.json'));
    expect(model.meta?.statefulLayers).toHaveLength(1);
    expect(String(model.meta?.producer)).toMatch(/tfjs-layers/);
  });
});

describe('GRU reset_after=true in the tensorflowjs_converter format (committed fixture)', () => {
  it('matches the reference outputs within 1e-5', () => {
    const dir = new URL('../../fixtures/keras/gru_reset_after/', import.meta.url).pathname;
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { input: number[][]; output: number[][] };
    const { model } = loadAnyModel(join(dir, 'model.json'));
    expect(model.layers.map((l) => (l.type === 'gru' ? `gru:${l.resetAfter}:${l.bidirectional ?? '-'}` : l.type))).toEqual(['gru:true:-', 'gru:true:concat', 'dense']);
    expect(maxAbsDiff(runFloat(model, expected.input), expected.output)).toBeLessThan(1e-5);
  });
});

describe('Keras variants of the same file', () => {
  it('weights under a model-name prefix and no declared input shape import the same model', () => {
    const src = new URL('../../fixtures/keras/gru_reset_after/', import.meta.url).pathname;
    const dir = join(root, 'prefixed');
    mkdirSync(dir, { recursive: true });
    for (const f of ['group1-shard1of2.bin', 'group1-shard2of2.bin']) writeFileSync(join(dir, f), readFileSync(join(src, f)));
    const json = JSON.parse(readFileSync(join(src, 'model.json'), 'utf8')) as {
      modelTopology: { model_config: { config: { layers: unknown[] } } };
      weightsManifest: Array<{ weights: Array<{ name: string }> }>;
    };
    json.modelTopology.model_config.config.layers.shift();
    for (const w of json.weightsManifest[0]!.weights) w.name = `sequential/${w.name}`;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    const a = loadAnyModel(join(src, 'model.json')).model;
    const b = loadAnyModel(join(dir, 'model.json')).model;
    expect(b.layers).toEqual(a.layers);
    expect(b.inputSize).toBe(3);
  });
});

describe('Keras import refuses bad input with specific messages', () => {
  it('lists every unsupported layer and activation at once, naming each layer', async () => {
    const dir = join(root, 'unsupported');
    await saveLayersModel(unsupportedModel(), dir);
    const e = importError(join(dir, 'model.json'));
    expect(e.code).toBe('import/unsupported');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/recurrent_activation 'relu' is not supported; supported: sigmoid, hard_sigmoid/);
    expect(e.message).toMatch(/\(SimpleRNN\): activation 'selu' is not supported; supported: tanh, relu/);
    expect(e.message).toMatch(/Flatten is not supported; supported: InputLayer, SimpleRNN/);
  });

  it('model.json without its weight file', () => {
    const src = fixtures.get('rnn_seq_softmax')!.dir;
    const dir = join(root, 'no-weights');
    copy(src, dir);
    unlinkSync(join(dir, 'weights.bin'));
    const e = importError(join(dir, 'model.json'));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/weight file 'weights.bin' not found/);
  });

  it('model.json with no weightsManifest', () => {
    const dir = join(root, 'no-manifest');
    copy(fixtures.get('rnn_seq_softmax')!.dir, dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
    delete json.weightsManifest;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    expect(importError(join(dir, 'model.json')).message).toMatch(/weightsManifest: expected a list of weight groups/);
  });

  it('a weight shard of the wrong size', () => {
    const dir = join(root, 'short-shard');
    copy(fixtures.get('gru2_before_reset')!.dir, dir);
    truncateSync(join(dir, 'weights.bin'), 100);
    const e = importError(join(dir, 'model.json'));
    expect(e.code).toBe('import/invalid');
    expect(e.message).toMatch(/weights\.bin' hold 100 bytes, but the \d+ float32 tensors listed need \d+/);
  });
});

function copy(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const f of ['model.json', 'weights.bin']) {
    const bytes = readFileSync(join(from, f));
    writeFileSync(join(to, f), bytes, { flag: 'w' });
  }
}
