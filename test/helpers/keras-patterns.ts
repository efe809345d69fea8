/**
 * Keras-format models in the shapes practitioners export, built by TF.js with its default
 * arguments (most with `recurrentActivation: 'sigmoid'`; `tfjs_defaults` keeps TF.js'
 * default hard_sigmoid gates): dropout and noise layers, TimeDistributed(Dense), an input
 * BatchNormalization, causal Conv1D front ends, and the front ends rnnc refuses by design.
 * Saved with saveLayersModel, as model.save() hands them to a file handler; built at test
 * time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src/util/rng.js';
import { saveLayersModel } from './keras-fixtures.js';

export const T = 6;
export const F = 3;
const sig = { recurrentActivation: 'sigmoid' } as const;
const S = (layers: tf.layers.Layer[]) => tf.sequential({ layers });

/** Models rnnc imports. */
export const ACCEPTED: Record<string, () => tf.LayersModel> = {
  // Every identity-at-inference layer TF.js has, also inside TimeDistributed, before and after TimeDistributed(Dense).
  dropout_time_distributed: () => S([
    tf.layers.dropout({ rate: 0.2, inputShape: [T, F] }),
    tf.layers.lstm({ units: 4, ...sig, returnSequences: true }),
    tf.layers.spatialDropout1d({ rate: 0.1 }),
    tf.layers.gaussianNoise({ stddev: 0.1 }),
    tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: 'tanh' }) }),
    tf.layers.gaussianDropout({ rate: 0.1 }),
    tf.layers.alphaDropout({ rate: 0.1 }),
    tf.layers.timeDistributed({ layer: tf.layers.dropout({ rate: 0.3 }) }),
    tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'softmax' }) }),
  ]),
  bn_input_gru: () => S([
    tf.layers.batchNormalization({ inputShape: [T, F] }),
    tf.layers.gru({ units: 4, ...sig, returnSequences: true }),
    tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) }),
  ]),
  // After an InputLayer, without beta, then a Dropout and a bidirectional first layer (both directions flip signs).
  bn_functional_bi: () => {
    const input = tf.input({ shape: [T, F] });
    let x = tf.layers.batchNormalization({ center: false }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.dropout({ rate: 0.5 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, ...sig }) as tf.layers.RNN }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: x });
  },
  bn_no_gamma_eps: () => S([
    tf.layers.batchNormalization({ scale: false, epsilon: 0.01, inputShape: [T, F] }),
    tf.layers.simpleRNN({ units: 4 }),
    tf.layers.dense({ units: 2, activation: 'sigmoid' }),
  ]),
  // Conv1D(padding='same'): centred (lookahead ⌈(k−1)·d/2⌉, whole sequences only), which TF.js runs itself.
  conv_same_bigru: () => S([
    tf.layers.conv1d({ filters: 5, kernelSize: 4, padding: 'same', activation: 'relu', inputShape: [T, F] }),
    tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, ...sig }) as tf.layers.RNN }),
    tf.layers.dense({ units: 2 }),
  ]),
  conv_same_dilated_lstm: () => S([
    tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', dilationRate: 2, activation: 'tanh', inputShape: [T, F] }),
    tf.layers.lstm({ units: 3, ...sig, returnSequences: true }),
    tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) }),
  ]),
  // Dense(…) then Activation: the classifier ending of many Keras models, per sequence and (TimeDistributed) per step.
  dense_activation: () => S([
    tf.layers.gru({ units: 4, ...sig, returnSequences: true, inputShape: [T, F] }),
    tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3 }) }),
    tf.layers.timeDistributed({ layer: tf.layers.activation({ activation: 'tanh' }) }),
    tf.layers.lstm({ units: 3, ...sig }),
    tf.layers.dense({ units: 4 }),
    tf.layers.activation({ activation: 'softmax' }),
  ]),
  // A relu SimpleRNN: h in a calibrated format instead of Q0.15.
  rnn_relu: () => S([
    tf.layers.simpleRNN({ units: 4, activation: 'relu', returnSequences: true, inputShape: [T, F] }),
    tf.layers.dense({ units: 2 }),
  ]),
  // tf.layers.lstm({units}) / gru({units}) as they come: hard_sigmoid gates, GRU reset before.
  tfjs_defaults: () => S([
    tf.layers.lstm({ units: 4, returnSequences: true, inputShape: [T, F] }),
    tf.layers.gru({ units: 3 }),
    tf.layers.dense({ units: 2 }),
  ]),
};

/**
 * Causal Conv1D front ends, which rnnc imports. Kept apart from ACCEPTED because TF.js
 * cannot run a causal Conv1D itself (the expected outputs come from a left-padded
 * 'valid' twin); import-keras-patterns.test.ts verifies them on the host.
 */
export const CONV_ACCEPTED: Record<string, () => tf.LayersModel> = {
  // Dilation 2 with a fused relu; a linear conv, an Activation layer after it, a second conv.
  conv_causal_gru: () => S([
    tf.layers.conv1d({ filters: 5, kernelSize: 3, padding: 'causal', dilationRate: 2, activation: 'relu', inputShape: [T, F] }),
    tf.layers.gru({ units: 4, ...sig }),
    tf.layers.dense({ units: 2 }),
  ]),
  conv_activation_lstm: () => S([
    tf.layers.conv1d({ filters: 4, kernelSize: 2, padding: 'causal', inputShape: [T, F] }),
    tf.layers.activation({ activation: 'tanh' }),
    tf.layers.dropout({ rate: 0.2 }),
    tf.layers.conv1d({ filters: 3, kernelSize: 3, padding: 'causal', activation: 'sigmoid', useBias: false }),
    tf.layers.lstm({ units: 4, ...sig, returnSequences: true }),
    // Not TimeDistributed: TF.js infers a causal conv's output length as a valid one's
    // (T − (k−1)·d), and TimeDistributed would refuse the true length in predictor().
    tf.layers.dense({ units: 2 }),
  ]),
};

/** Models rnnc refuses by design, with the words its one line must hold. */
export const REFUSED: Record<string, [() => tf.LayersModel, RegExp]> = {
  masking: [() => S([
    tf.layers.masking({ inputShape: [T, F] }),
    tf.layers.lstm({ units: 3, ...sig }),
  ]), /\(Masking\): rnnc runs every timestep .*remove the Masking layer/],
  embedding: [() => S([
    tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: T }),
    tf.layers.gru({ units: 3, ...sig }),
  ]), /\(Embedding\): an Embedding takes token ids.*export the network after the embedding/],
  // Conv1D's default padding, 'valid': output t reads inputs t … t+k−1.
  conv1d: [() => S([
    tf.layers.conv1d({ filters: 4, kernelSize: 3, inputShape: [T, F] }),
    tf.layers.gru({ units: 3, ...sig }),
  ]), /\(Conv1D\): padding 'valid' is not supported; rnnc's conv1d gives one output per step: use padding='causal' \(streams\) or 'same' \(whole sequences only\)/],
  conv1d_strides: [() => S([
    tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'causal', strides: 2, inputShape: [T, F] }),
    tf.layers.gru({ units: 3, ...sig }),
  ]), /\(Conv1D\): strides 2 is not supported; rnnc's conv1d emits one output per input step: use strides=1/],
  layer_norm: [() => S([
    tf.layers.lstm({ units: 3, ...sig, returnSequences: true, inputShape: [T, F] }),
    tf.layers.layerNormalization(),
    tf.layers.dense({ units: 2 }),
  ]), /\(LayerNormalization\): .*retrain without it/],
  time_distributed_other: [() => S([
    tf.layers.lstm({ units: 3, ...sig, returnSequences: true, inputShape: [T, F] }),
    tf.layers.timeDistributed({ layer: tf.layers.activation({ activation: 'relu' }) }),
  ]), /an Activation layer is supported only right after a Dense or Conv1D without an activation of its own/],
  bn_between_layers: [() => S([
    tf.layers.lstm({ units: 3, ...sig, returnSequences: true, inputShape: [T, F] }),
    tf.layers.batchNormalization(),
    tf.layers.dense({ units: 2 }),
  ]), /\(BatchNormalization\): only a BatchNormalization on the model input .*is supported/],
};

/**
 * Seeded weights; a BatchNormalization gets gammas of both signs (a negative one on
 * feature 0), means and offsets away from zero and variances in [0.2, 3].
 */
function seed(model: tf.LayersModel, rng: Rng): void {
  for (const layer of model.layers) {
    const values = layer.weights.map((w) => {
      const leaf = w.originalName.split('/').pop()!;
      const n = (w.shape as number[]).reduce((a, b) => a * b, 1);
      const draw = (lo: number, hi: number) => Array.from({ length: n }, () => rng.uniform(lo, hi));
      if (leaf === 'moving_variance') return tf.tensor(draw(0.2, 3), w.shape as number[]);
      if (leaf === 'gamma') return tf.tensor(draw(0.3, 2).map((g, i) => (i % 2 === 0 ? -g : g)), w.shape as number[]);
      if (leaf === 'moving_mean' || leaf === 'beta') return tf.tensor(draw(-2, 2), w.shape as number[]);
      return tf.tensor(draw(-0.6, 0.6), w.shape as number[]);
    });
    if (values.length > 0) layer.setWeights(values);
    tf.dispose(values);
  }
}

export interface PatternFixture {
  dir: string;
  /** Sequences fed to tfjs predict, and its outputs (one vector per timestep for sequence outputs). */
  inputs: number[][][];
  outputs: number[][][];
}

/**
 * What predicts for a Sequential `model` whose Conv1D layers have padding 'causal', which
 * TF.js builds and saves but cannot run ("CAUSAL padding mode in conv1dWithBias is not
 * implemented"): the same layers (shared, so the same weights) with each causal conv
 * replaced by what Keras computes for it, (k−1)·d zeros on the left (Reshape to
 * [T, 1, C], ZeroPadding2D, Reshape back) and the conv with padding 'valid' and its
 * weights. Any other model predicts itself.
 */
function predictor(model: tf.LayersModel): tf.LayersModel {
  const causal = (l: tf.layers.Layer) => l.getClassName() === 'Conv1D' && l.getConfig().padding === 'causal';
  if (!model.layers.some(causal)) return model;
  const input = tf.input({ shape: model.inputs[0]!.shape.slice(1) as number[] });
  let x = input;
  for (const layer of model.layers) {
    if (!causal(layer)) { x = layer.apply(x) as tf.SymbolicTensor; continue; }
    const c = layer.getConfig() as { filters: number; kernelSize: [number]; dilationRate: [number]; activation: string; useBias: boolean };
    const [steps, channels] = x.shape.slice(1) as [number, number];
    const pad = (c.kernelSize[0] - 1) * c.dilationRate[0];
    x = tf.layers.reshape({ targetShape: [steps, 1, channels] }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.zeroPadding2d({ padding: [[pad, 0], [0, 0]] }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reshape({ targetShape: [steps + pad, channels] }).apply(x) as tf.SymbolicTensor;
    const valid = tf.layers.conv1d({
      filters: c.filters, kernelSize: c.kernelSize, dilationRate: c.dilationRate, padding: 'valid',
      activation: c.activation as 'linear', useBias: c.useBias,
    });
    x = valid.apply(x) as tf.SymbolicTensor;
    valid.setWeights(layer.getWeights());
  }
  return tf.model({ inputs: input, outputs: x });
}

/**
 * Builds, seeds, predicts `cases` random sequences and saves the model in `dir`. For a
 * model with several outputs, `output` is the prediction's index.
 */
export async function makePattern(build: () => tf.LayersModel, dir: string, seedValue: number, output = 0, cases = 4): Promise<PatternFixture> {
  const model = build();
  const rng = new Rng(seedValue);
  seed(model, rng);
  const inputs = Array.from({ length: cases }, () => Array.from({ length: T }, () => Array.from({ length: F }, () => rng.uniform(-2, 2))));
  const predicted = predictor(model).predict(tf.tensor3d(inputs));
  const y = Array.isArray(predicted) ? predicted[output]! : predicted;
  const batch = (await y.array()) as number[][][] | number[][];
  const outputs = y.shape.length === 3 ? (batch as number[][][]) : (batch as number[][]).map((v) => [v]);
  tf.dispose(predicted);
  await saveLayersModel(model, dir);
  return { dir, inputs, outputs };
}

/** Inserts a layer config into a saved Sequential model.json at `at` (for layers TF.js cannot build). */
export function insertLayer(dir: string, at: number, layer: { class_name: string; config: Record<string, unknown> }): void {
  const path = join(dir, 'model.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as { modelTopology: { config: { layers: unknown[] } } };
  json.modelTopology.config.layers.splice(at, 0, layer);
  writeFileSync(path, JSON.stringify(json));
}

/** Functional models exporting recurrent states beside the prediction (return_state). */
export const STATE_OUTPUTS: Record<string, [() => tf.LayersModel, prediction: number]> = {
  // The model's outputs: [dense, h, c].
  lstm_state_dense: [() => {
    const input = tf.input({ shape: [T, F] });
    const [y, h, c] = tf.layers.lstm({ units: 4, ...sig, returnState: true }).apply(input) as tf.SymbolicTensor[];
    const out = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(y!) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: [out, h!, c!] });
  }, 0],
  // A bare recurrent layer: [y (a sequence), h].
  gru_bare_state: [() => {
    const input = tf.input({ shape: [T, F] });
    const outs = tf.layers.gru({ units: 3, ...sig, returnSequences: true, returnState: true }).apply(input) as tf.SymbolicTensor[];
    return tf.model({ inputs: input, outputs: outs });
  }, 0],
  // [y, forward h, forward c, backward h, backward c] of a Bidirectional, the states listed first.
  bi_state_first: [() => {
    const input = tf.input({ shape: [T, F] });
    const bi = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2, ...sig, returnState: true }) as tf.layers.RNN, mergeMode: 'sum' });
    const [y, ...states] = bi.apply(input) as tf.SymbolicTensor[];
    return tf.model({ inputs: input, outputs: [...states, y!] });
  }, 4],
};

/** Two prediction heads beside the states: refused, naming both. */
export function twoHeads(): tf.LayersModel {
  const input = tf.input({ shape: [T, F] });
  const [y, h] = tf.layers.gru({ units: 3, ...sig, returnState: true }).apply(input) as tf.SymbolicTensor[];
  const a = tf.layers.dense({ units: 2 }).apply(y!) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 1 }).apply(y!) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [a, h!, b] });
}
