/**
 * Random float models of any architecture the IR can express, with realistic weight
 * scales (Glorot-like, not all small). Used by tests, benchmarks and `rnnc verify`.
 */
import { Rng } from '../util/rng.js';
import {
  type DenseActivation, type FloatModel, type LastOutput, type Layer, type MergeMode, type RecurrentType,
  type RecurrentWeights, type GateActivation, type RnnActivation, type ConvActivation, isRecurrent,
} from './model.js';
import { gateCount, hasRecurrentProduct } from './kinds.js';
import { layerOutputSize } from './shapes.js';

export type LayerSpec =
  | {
    type: RecurrentType; units: number; returnSequences?: boolean; bidirectional?: MergeMode; resetAfter?: boolean;
    lastOutput?: LastOutput; reverse?: boolean; recurrentActivation?: GateActivation;
    /** rnn only. */
    activation?: RnnActivation;
    /** A nonzero initial state (h, and c for LSTM) in every direction. */
    initialState?: boolean;
  }
  | { type: 'dense'; units: number; activation: DenseActivation }
  | { type: 'conv1d'; units: number; kernelSize: number; dilation?: number; lookahead?: number; activation: ConvActivation }
  | { type: 'ssm'; units: number; stateSize: number; convSize: number; dtRank: number; returnSequences?: boolean };

export interface RandomModelSpec {
  name?: string;
  inputSize: number;
  layers: LayerSpec[];
  /** Multiplies every weight; 1 gives Glorot-uniform scale. */
  weightScale?: number;
  normalization?: boolean;
}

function matrix(rng: Rng, rows: number, cols: number, scale: number): number[][] {
  const limit = scale * Math.sqrt(6 / (rows + cols));
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.uniform(-limit, limit)));
}

function vector(rng: Rng, n: number, scale: number): number[] {
  return Array.from({ length: n }, () => rng.uniform(-0.5, 0.5) * scale);
}

function recurrentWeights(rng: Rng, type: RecurrentType, units: number, inputSize: number, resetAfter: boolean, scale: number): RecurrentWeights {
  const rows = gateCount(type) * units;
  const kernel = matrix(rng, rows, inputSize, scale);
  // A minGRU or minLSTM has no recurrent kernel (and draws none).
  const w: RecurrentWeights = !hasRecurrentProduct(type)
    ? { kernel, bias: vector(rng, rows, scale) }
    : { kernel, recurrentKernel: matrix(rng, rows, units, scale * 2), bias: vector(rng, rows, scale) };
  if (type === 'gru' && resetAfter) w.recurrentBias = vector(rng, rows, scale);
  return w;
}

/**
 * Initial states inside h's and c's usual ranges (|h| < 0.95, |c| < 3), from a stream of
 * their own: asking for them leaves every weight as it was.
 */
function withInitialState(layer: Layer, seed: number, index: number): void {
  if (!isRecurrent(layer)) return;
  const rng = new Rng((seed ^ 0x1417) + 31 * index);
  for (const w of [layer.weights, layer.backwardWeights]) {
    if (!w) continue;
    w.initialH = Array.from({ length: layer.units }, () => rng.uniform(-0.95, 0.95));
    if (layer.type === 'lstm') w.initialC = Array.from({ length: layer.units }, () => rng.uniform(-3, 3));
  }
}

/**
 * An ssm layer initialised as Mamba initialises one: A_n = −(n + 1) (aLog = ln(n + 1)),
 * Δ's bias so softplus(bias) is log-uniform on [0.001, 0.1], D = 1; the products Glorot-like.
 */
function randomSsm(rng: Rng, l: Extract<LayerSpec, { type: 'ssm' }>, inputSize: number, scale: number): Layer {
  const { units: e, stateSize: n, convSize: k, dtRank: r } = l;
  const dtBias = Array.from({ length: e }, () => {
    const dt = Math.exp(rng.uniform(Math.log(0.001), Math.log(0.1)));
    return dt + Math.log(-Math.expm1(-dt)); // softplus⁻¹(dt)
  });
  return {
    type: 'ssm', units: e, stateSize: n, convSize: k, dtRank: r, returnSequences: l.returnSequences ?? false,
    weights: {
      inKernel: matrix(rng, 2 * e, inputSize, scale), inBias: vector(rng, 2 * e, scale),
      convKernel: matrix(rng, e, k, scale), convBias: vector(rng, e, scale),
      xKernel: matrix(rng, r + 2 * n, e, scale), dtKernel: matrix(rng, e, r, scale), dtBias,
      aLog: Array.from({ length: e }, () => Array.from({ length: n }, (_, j) => Math.log(j + 1))),
      d: Array.from({ length: e }, () => 1),
    },
  };
}

export function randomModel(spec: RandomModelSpec, seed: number): FloatModel {
  const rng = new Rng(seed);
  const scale = spec.weightScale ?? 1;
  let inputSize = spec.inputSize;
  const layers = spec.layers.map((l, index): Layer => {
    let layer: Layer;
    if (l.type === 'dense') {
      layer = { type: 'dense', units: l.units, activation: l.activation, weights: { kernel: matrix(rng, l.units, inputSize, scale), bias: vector(rng, l.units, scale) } };
    } else if (l.type === 'conv1d') {
      layer = {
        type: 'conv1d', units: l.units, kernelSize: l.kernelSize, ...(l.dilation && l.dilation !== 1 ? { dilation: l.dilation } : {}),
        ...(l.lookahead ? { lookahead: l.lookahead } : {}), activation: l.activation,
        weights: { kernel: matrix(rng, l.units, l.kernelSize * inputSize, scale), bias: vector(rng, l.units, scale) },
      };
    } else if (l.type === 'ssm') {
      layer = randomSsm(rng, l, inputSize, scale);
    } else {
      const resetAfter = l.resetAfter ?? true;
      const common = {
        units: l.units,
        returnSequences: l.returnSequences ?? false,
        weights: recurrentWeights(rng, l.type, l.units, inputSize, resetAfter, scale),
        ...(l.bidirectional ? { bidirectional: l.bidirectional, backwardWeights: recurrentWeights(rng, l.type, l.units, inputSize, resetAfter, scale) } : {}),
        // Draws nothing from rng either.
        ...(l.lastOutput === 'last-index' ? { lastOutput: l.lastOutput } : {}),
        ...(l.reverse ? { reverse: true } : {}),
      };
      // Activations draw nothing from rng: choosing them leaves every weight as it was.
      // Written out as validation would (defaults included), so a loaded copy is equal.
      const gate = { recurrentActivation: l.type !== 'rnn' && l.recurrentActivation ? l.recurrentActivation : 'sigmoid' } as const;
      layer = l.type === 'gru' ? { type: 'gru', ...common, ...gate, resetAfter } : l.type === 'lstm' ? { type: 'lstm', ...common, ...gate }
        : l.type === 'mingru' || l.type === 'minlstm' ? { type: l.type, ...common }
        : { type: 'rnn', ...common, activation: l.type === 'rnn' && l.activation ? l.activation : 'tanh' };
      if (l.initialState) withInitialState(layer, seed, index);
    }
    inputSize = layerOutputSize(layer);
    return layer;
  });
  const model: FloatModel = { format: 'rnnc-model', version: 1, name: spec.name ?? 'net', inputSize: spec.inputSize, layers };
  if (spec.normalization) {
    model.normalization = {
      mean: Array.from({ length: spec.inputSize }, () => rng.uniform(-5, 5)),
      std: Array.from({ length: spec.inputSize }, () => rng.uniform(0.5, 3)),
    };
  }
  return model;
}

/** A random input sequence of `steps` timesteps with values in [-range, range]. */
export function randomSequence(inputSize: number, steps: number, seed: number, range = 1): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: steps }, () => Array.from({ length: inputSize }, () => rng.uniform(-range, range)));
}
