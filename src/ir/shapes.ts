/**
 * Shape inference over a (validated) float model: what each layer takes and gives,
 * parameter counts (equal to Keras' count for the same architecture) and MACs.
 */
import { gateCount, hasRecurrentProduct } from './kinds.js';
import { type FloatModel, type Layer, isRecurrent } from './model.js';

export interface LayerShape {
  index: number;
  type: Layer['type'];
  /** Features per timestep going in. */
  inputSize: number;
  /** Features going out (per timestep when `sequenceOut`). */
  outputSize: number;
  /** Whether the layer's input is a sequence (else one vector). */
  sequenceIn: boolean;
  /** Whether the layer emits one output per timestep. */
  sequenceOut: boolean;
  params: number;
  /** Multiply-accumulates for one timestep of streaming inference. */
  macsPerStep: number;
}

/** Output width of a layer given its own hyper-parameters. */
export function layerOutputSize(layer: Layer): number {
  if (isRecurrent(layer) && layer.bidirectional === 'concat') return 2 * layer.units;
  return layer.units;
}

export function layerParams(layer: Layer, inputSize: number): number {
  const u = layer.units;
  if (layer.type === 'ssm') {
    const { stateSize: n, convSize: k, dtRank: r } = layer;
    // in-projection and bias, conv taps and bias, x-projection, Δ projection and bias, A, D
    return 2 * u * (inputSize + 1) + u * (k + 1) + (r + 2 * n) * u + u * (r + 1) + u * n + u;
  }
  if (layer.type === 'conv1d') return u * (layer.kernelSize * inputSize + 1);
  if (!isRecurrent(layer)) return u * (inputSize + 1);
  const g = gateCount(layer.type);
  const biases = layer.type === 'gru' && layer.resetAfter ? 2 : 1;
  // A minGRU or minLSTM has no recurrent kernel (ir/kinds.ts recurrentProduct): its gates read x only.
  const perDirection = g * u * (inputSize + (hasRecurrentProduct(layer.type) ? u : 0) + biases);
  return layer.bidirectional ? 2 * perDirection : perDirection;
}

export function layerMacs(layer: Layer, inputSize: number): number {
  const u = layer.units;
  if (layer.type === 'ssm') {
    const { stateSize: n, convSize: k, dtRank: r } = layer;
    // The products, then per state: Δ·A, h's two products, C·h.
    return 2 * u * inputSize + u * k + (r + 2 * n) * u + u * r + 4 * u * n;
  }
  if (layer.type === 'conv1d') return u * layer.kernelSize * inputSize;
  if (!isRecurrent(layer)) return u * inputSize;
  const perDirection = gateCount(layer.type) * u * (inputSize + (hasRecurrentProduct(layer.type) ? u : 0));
  return layer.bidirectional ? 2 * perDirection : perDirection;
}

/** Shapes of every layer, assuming the model passed validation. */
export function inferShapes(model: FloatModel): LayerShape[] {
  const shapes: LayerShape[] = [];
  let inputSize = model.inputSize;
  let sequence = true;
  model.layers.forEach((layer, index) => {
    const sequenceOut = isRecurrent(layer) || layer.type === 'ssm' ? layer.returnSequences : sequence;
    const outputSize = layerOutputSize(layer);
    shapes.push({
      index,
      type: layer.type,
      inputSize,
      outputSize,
      sequenceIn: sequence,
      sequenceOut,
      params: layerParams(layer, inputSize),
      macsPerStep: layerMacs(layer, inputSize),
    });
    inputSize = outputSize;
    sequence = sequenceOut;
  });
  return shapes;
}

export interface ModelSummary {
  name: string;
  inputSize: number;
  outputSize: number;
  /** Whether the model emits an output per timestep (else one per sequence). */
  sequenceOutput: boolean;
  /** Whether any layer is bidirectional (then the model cannot stream). */
  bidirectional: boolean;
  params: number;
  macsPerStep: number;
  layers: LayerShape[];
}

export function summarize(model: FloatModel): ModelSummary {
  const layers = inferShapes(model);
  const last = layers[layers.length - 1];
  return {
    name: model.name,
    inputSize: model.inputSize,
    outputSize: last ? last.outputSize : model.inputSize,
    sequenceOutput: last ? last.sequenceOut : true,
    bidirectional: model.layers.some((l) => isRecurrent(l) && l.bidirectional !== undefined),
    params: layers.reduce((s, l) => s + l.params, 0),
    macsPerStep: layers.reduce((s, l) => s + l.macsPerStep, 0),
    layers,
  };
}
