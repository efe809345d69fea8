/**
 * Keras-format fixtures made by the real library: TF.js builds each model, gets seeded
 * weights, predicts on a seeded input, and saves model.json + weights.bin exactly as
 * `model.save()` hands them to a file handler. Built at test time (a second or two).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/util/rng.js';

export const T = 6;
export const F = 3;

export interface KerasFixture {
  name: string;
  dir: string;
  input: number[][];
  /** tfjs predict: one vector per timestep for sequence outputs, else one vector. */
  output: number[][];
}

const sig = { recurrentActivation: 'sigmoid' } as const;

/** The models: every supported layer and option TF.js can build (it has no GRU reset_after=true). */
export const KERAS_MODELS: Record<string, () => tf.LayersModel> = {
  rnn_seq_softmax: () => tf.sequential({ layers: [
    tf.layers.simpleRNN({ units: 4, returnSequences: true, inputShape: [T, F] }),
    tf.layers.dense({ units: 3, activation: 'softmax' }),
  ] }),
  lstm_dense2_stateful: () => tf.sequential({ layers: [
    tf.layers.lstm({ units: 5, ...sig, stateful: true, batchInputShape: [1, T, F] }),
    tf.layers.dense({ units: 3, activation: 'relu' }),
    tf.layers.dense({ units: 2, activation: 'sigmoid' }),
  ] }),
  gru2_before_reset: () => tf.sequential({ layers: [
    tf.layers.gru({ units: 4, ...sig, returnSequences: true, inputShape: [T, F] }),
    tf.layers.gru({ units: 3, ...sig }),
    tf.layers.dense({ units: 2, activation: 'tanh' }),
  ] }),
  bi_concat_sum: () => tf.sequential({ layers: [
    tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, ...sig, returnSequences: true }) as tf.layers.RNN, mergeMode: 'concat', inputShape: [T, F] }),
    tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2, ...sig }) as tf.layers.RNN, mergeMode: 'sum' }),
    tf.layers.dense({ units: 2 }),
  ] }),
  bi_rnn_seq: () => tf.sequential({ layers: [
    tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 3, returnSequences: true }) as tf.layers.RNN, mergeMode: 'sum', inputShape: [T, F] }),
    tf.layers.dense({ units: 2, activation: 'linear' }),
  ] }),
  functional_chain: () => {
    const input = tf.input({ shape: [T, F] });
    const h = tf.layers.lstm({ units: 4, ...sig, returnSequences: true }).apply(input) as tf.SymbolicTensor;
    const g = tf.layers.gru({ units: 3, ...sig }).apply(h) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(g) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  },
};

/** Unsupported on purpose: relu gates, a Flatten, and a selu SimpleRNN. */
export function unsupportedModel(): tf.LayersModel {
  return tf.sequential({ layers: [
    tf.layers.lstm({ units: 2, recurrentActivation: 'relu', returnSequences: true, inputShape: [T, F] }),
    tf.layers.simpleRNN({ units: 2, activation: 'selu', returnSequences: true }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 1 }),
  ] });
}

function seeded(model: tf.LayersModel, rng: Rng): void {
  model.setWeights(model.getWeights().map((w) => tf.tensor(Array.from({ length: w.size }, () => rng.uniform(-0.6, 0.6)), w.shape)));
}

/** Saves as model.json + weights.bin in `dir`, the layout TF.js' file handler writes. */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (a) => {
    const json = {
      modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy,
      weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(tf.io.CompositeArrayBuffer.join(a.weightData)));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

export async function makeKerasFixture(name: string, root: string, seed: number): Promise<KerasFixture> {
  const model = KERAS_MODELS[name]!();
  const rng = new Rng(seed);
  seeded(model, rng);
  const input = Array.from({ length: T }, () => Array.from({ length: F }, () => rng.uniform(-1.5, 1.5)));
  const y = model.predict(tf.tensor3d([input])) as tf.Tensor;
  const values = (await y.array()) as number[][] | number[][][];
  const output = y.shape.length === 3 ? (values as number[][][])[0]! : (values as number[][]);
  const dir = join(root, name);
  await saveLayersModel(model, dir);
  return { name, dir, input, output };
}
