/**
 * An independent implementation of our float models: the same architecture built with
 * TensorFlow.js layers (Keras semantics, float32, pure-JS CPU backend) and loaded with
 * our weights converted to Keras' layout.
 *
 * Layout conversion (see src/ir/model.ts): our matrices have one row per output unit,
 * gate blocks stacked as LSTM i,f,g,o / GRU r,z,n. Keras kernels are
 * [input][gates·units] (one column per output unit) with gate blocks LSTM i,f,c,o /
 * GRU z,r,h. So Keras column k·U + j of gate block k holds our row perm[k]·U + j.
 *
 * Input normalisation has no tfjs layer; `runTfjs` applies it to the input before the
 * network (it is a per-feature affine map, tested by hand elsewhere).
 */
import * as tf from '@tensorflow/tfjs';
import { type FloatModel, type Layer, type RecurrentLayer, type RecurrentWeights, isRecurrent } from '../../src/ir/model.js';
import { inferShapes } from '../../src/ir/shapes.js';

/** For each Keras gate block, the index of our gate block holding the same gate. */
const KERAS_FROM_IR: Record<RecurrentLayer['type'], readonly number[]> = {
  rnn: [0],
  lstm: [0, 1, 2, 3], // Keras i,f,c,o = our i,f,g,o
  gru: [1, 0, 2], // Keras z,r,h = our z(1), r(0), n(2)
  mingru: [], // Keras has no minGRU
  minlstm: [], // nor minLSTM
};

export async function useTfjsCpu(): Promise<void> {
  await tf.setBackend('cpu');
}

/** Our row-per-output matrix (rows = gates·units) → Keras [cols][gates·units], gates reordered. */
export function toKerasKernel(m: number[][], perm: readonly number[], units: number): number[][] {
  const cols = m[0]?.length ?? 0;
  return Array.from({ length: cols }, (_, c) =>
    perm.flatMap((g) => Array.from({ length: units }, (_, j) => m[g * units + j]![c]!)));
}

export function toKerasBias(v: number[], perm: readonly number[], units: number): number[] {
  return perm.flatMap((g) => v.slice(g * units, (g + 1) * units));
}

function directionTensors(layer: RecurrentLayer, w: RecurrentWeights): tf.Tensor[] {
  if (w.recurrentBias) throw new Error('tfjs cannot build a GRU with resetAfter true');
  const perm = KERAS_FROM_IR[layer.type];
  return [
    tf.tensor2d(toKerasKernel(w.kernel, perm, layer.units)),
    tf.tensor2d(toKerasKernel(w.recurrentKernel!, perm, layer.units)),
    tf.tensor1d(toKerasBias(w.bias, perm, layer.units)),
  ];
}

/** A tfjs recurrent layer; Keras' hard-sigmoid and unit-forget-bias defaults overridden. */
function tfjsRecurrent(layer: RecurrentLayer, extra: object): tf.RNN {
  const common = { units: layer.units, returnSequences: layer.returnSequences, activation: 'tanh' as const, ...extra };
  if (layer.type === 'rnn') return tf.layers.simpleRNN(common);
  if (layer.type === 'lstm') return tf.layers.lstm({ ...common, recurrentActivation: 'sigmoid', unitForgetBias: false });
  if (layer.type === 'mingru' || layer.type === 'minlstm') throw new Error(`tfjs has no ${layer.type}`);
  if (layer.resetAfter) throw new Error('tfjs cannot build a GRU with resetAfter true');
  return tf.layers.gru({ ...common, recurrentActivation: 'sigmoid' });
}

/** The tfjs layer for one of our layers (weights not set yet). */
function tfjsLayer(layer: Layer, inputShape?: Array<number | null>): tf.layers.Layer {
  const shape = inputShape ? { inputShape } : {};
  if (layer.type === 'dense') return tf.layers.dense({ units: layer.units, activation: layer.activation, ...shape });
  if (!isRecurrent(layer)) throw new Error(`no TF.js twin for ${layer.type} here`);
  if (!layer.bidirectional) return tfjsRecurrent(layer, shape);
  return tf.layers.bidirectional({ layer: tfjsRecurrent(layer, {}), mergeMode: layer.bidirectional, ...shape });
}

/** The same architecture as `model` in tfjs, without weights (for parameter counts). */
export function buildTfjsArchitecture(model: FloatModel): tf.Sequential {
  const seq = tf.sequential();
  model.layers.forEach((layer, i) => seq.add(tfjsLayer(layer, i === 0 ? [null, model.inputSize] : undefined)));
  return seq;
}

/** The tfjs twin of `model`, with our weights. */
export function toTfjs(model: FloatModel): tf.Sequential {
  const seq = buildTfjsArchitecture(model);
  model.layers.forEach((layer, i) => {
    const target = seq.layers[i]!;
    if (layer.type === 'ssm') throw new Error('no TF.js twin for ssm');
    const tensors = !isRecurrent(layer)
      ? [tf.tensor2d(toKerasKernel(layer.weights.kernel, [0], layer.units)), tf.tensor1d(layer.weights.bias)]
      : [...directionTensors(layer, layer.weights), ...(layer.backwardWeights ? directionTensors(layer, layer.backwardWeights) : [])];
    target.setWeights(tensors);
    tf.dispose(tensors);
  });
  return seq;
}

/** One timestep of a tfjs cell from a given state: h' (and c' for LSTM). */
export interface TfjsStepper {
  step(x: number[], h: ArrayLike<number>, c: ArrayLike<number>): { h: number[]; c: number[] };
  dispose(): void;
}

/**
 * The forward direction of `layer` as a tfjs model taking (x, h, c) and returning the
 * new state, so every timestep can be compared from the same starting state.
 */
export function tfjsStepper(layer: RecurrentLayer, inputSize: number): TfjsStepper {
  const lstm = layer.type === 'lstm';
  const x = tf.input({ shape: [1, inputSize] });
  const states = (lstm ? [0, 1] : [0]).map(() => tf.input({ shape: [layer.units] }));
  const rnn = tfjsRecurrent(layer, { returnSequences: false, returnState: true });
  const outs = rnn.apply(x, { initialState: states }) as tf.SymbolicTensor[];
  const net = tf.model({ inputs: [x, ...states], outputs: outs });
  const tensors = directionTensors(layer, layer.weights);
  rnn.setWeights(tensors);
  tf.dispose(tensors);
  return {
    step(xt, h, c) {
      return tf.tidy(() => {
        const feeds = [tf.tensor3d([[xt]]), tf.tensor2d([Array.from(h)]), ...(lstm ? [tf.tensor2d([Array.from(c)])] : [])];
        const ys = (net.predict(feeds) as tf.Tensor[]).map((t) => (t.arraySync() as number[][])[0]!);
        return { h: ys[1]!, c: lstm ? ys[2]! : [] };
      });
    },
    dispose: () => net.dispose(),
  };
}

/** Runs the tfjs twin on one sequence; returns outputs shaped like runFloat's. */
export function runTfjs(model: FloatModel, net: tf.Sequential, xs: number[][]): number[][] {
  const norm = model.normalization;
  const input = norm ? xs.map((x) => x.map((v, i) => (v - norm.mean[i]!) / norm.std[i]!)) : xs;
  const shapes = inferShapes(model);
  const sequenceOut = shapes[shapes.length - 1]!.sequenceOut;
  return tf.tidy(() => {
    const y = net.predict(tf.tensor3d([input])) as tf.Tensor;
    const batch = y.arraySync() as number[][][] | number[][];
    return sequenceOut ? (batch as number[][][])[0]! : [(batch as number[][])[0]!];
  });
}

/**
 * The model with every number rounded to float32, so both implementations start from
 * identical weights (tfjs stores float32) and differ only in arithmetic rounding.
 */
export function toFloat32(model: FloatModel): FloatModel {
  return JSON.parse(JSON.stringify(model), (_k, v: unknown) => (typeof v === 'number' ? Math.fround(v) : v)) as FloatModel;
}

export function maxAbsDiff(a: ArrayLike<ArrayLike<number>>, b: ArrayLike<ArrayLike<number>>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let t = 0; t < a.length; t++) {
    const x = a[t]!, y = b[t]!;
    if (x.length !== y.length) throw new Error(`step ${t}: width ${x.length} vs ${y.length}`);
    for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y[i]!));
  }
  return max;
}
