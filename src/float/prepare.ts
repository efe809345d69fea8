/** Each kind's float layer with its nested weight arrays flattened into typed arrays, once (float/kinds.ts prepareModel). */
import { type Conv1dLayer, type DenseLayer, type RecurrentLayer, type RecurrentWeights, dilationOf, gateActivationOf, lookaheadOf, rnnActivationOf } from '../ir/model.js';
import { GATE_FUNCTIONS, flatten, relu } from './math.js';
import type { FloatCellWeights } from './cells/types.js';
import type { PreparedSsm } from './ssm.js';

export interface PreparedRecurrent {
  kind: 'recurrent';
  layer: RecurrentLayer;
  forward: FloatCellWeights;
  backward?: FloatCellWeights;
  inputSize: number;
  outputSize: number;
}

export interface PreparedDense {
  kind: 'dense';
  activation: 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softmax';
  units: number;
  inputSize: number;
  kernel: Float64Array;
  bias: Float64Array;
}

/** conv1d: a dense product over the window of kernelSize inputs spaced dilation apart. */
export interface PreparedConv {
  kind: 'conv1d';
  activation: 'linear' | 'relu' | 'tanh' | 'sigmoid';
  units: number;
  inputSize: number;
  kernelSize: number;
  dilation: number;
  /** Future inputs each output reads (0: causal). */
  lookahead: number;
  /** units × (kernelSize·inputSize), taps oldest first. */
  kernel: Float64Array;
  bias: Float64Array;
}

export type PreparedLayer = PreparedRecurrent | PreparedDense | PreparedConv | PreparedSsm;

function cellWeights(layer: RecurrentLayer, w: RecurrentWeights, inputSize: number): FloatCellWeights {
  const out: FloatCellWeights = {
    units: layer.units,
    inputSize,
    kernel: flatten(w.kernel),
    // A minGRU or minLSTM has none: an empty matrix, which its cell never reads.
    recurrentKernel: w.recurrentKernel ? flatten(w.recurrentKernel) : new Float64Array(0),
    bias: Float64Array.from(w.bias),
  };
  if (w.recurrentBias) out.recurrentBias = Float64Array.from(w.recurrentBias);
  if (layer.type === 'gru') out.resetAfter = layer.resetAfter;
  const gate = gateActivationOf(layer);
  if (gate !== 'sigmoid') out.gate = GATE_FUNCTIONS[gate];
  if (layer.type === 'rnn' && rnnActivationOf(layer) === 'relu') out.act = relu;
  if (w.initialH) out.h0 = Float64Array.from(w.initialH);
  if (w.initialC) out.c0 = Float64Array.from(w.initialC);
  return out;
}

export function prepareDense(layer: DenseLayer, inputSize: number): PreparedDense {
  return {
    kind: 'dense', activation: layer.activation, units: layer.units, inputSize,
    kernel: flatten(layer.weights.kernel), bias: Float64Array.from(layer.weights.bias),
  };
}

export function prepareConv(layer: Conv1dLayer, inputSize: number): PreparedConv {
  return {
    kind: 'conv1d', activation: layer.activation, units: layer.units, inputSize, kernelSize: layer.kernelSize, dilation: dilationOf(layer), lookahead: lookaheadOf(layer),
    kernel: flatten(layer.weights.kernel), bias: Float64Array.from(layer.weights.bias),
  };
}

export function prepareRecurrent(layer: RecurrentLayer, inputSize: number, outputSize: number): PreparedRecurrent {
  const prepared: PreparedRecurrent = {
    kind: 'recurrent', layer, inputSize, outputSize, forward: cellWeights(layer, layer.weights, inputSize),
  };
  if (layer.backwardWeights) prepared.backward = cellWeights(layer, layer.backwardWeights, inputSize);
  return prepared;
}
