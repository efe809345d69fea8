/**
 * Keras / TF.js layers format → float IR: `model.json` (topology + weightsManifest) and
 * the weight shard files beside it, as `tensorflowjs_converter` writes them for a Keras
 * model and as TF.js `model.save()` writes them.
 */
import { basename } from 'node:path';
import { RnncError } from '../../errors.js';
import type { FloatModel, Layer } from '../../ir/model.js';
import { layerOutputSize } from '../../ir/shapes.js';
import { validateModel } from '../../ir/validate.js';
import { type InputAffine, foldInputAffine } from '../fold-affine.js';
import { modelNameFrom } from '../name.js';
import { problemsError, quote } from '../quote.js';
import { inputBatchNorm, otherBatchNorms } from './batchnorm.js';
import { type Problems, convertLayer, findWeight, kerasHardSigmoid } from './layers.js';
import { refusedByDesign } from './refusals.js';
import { simplifyLayers } from './simplify.js';
import { type KerasLayer, parseTopology } from './topology.js';
import { readKerasWeights } from './weights.js';

/** Output width a layer will have, from its config alone, so checking can go on past a bad layer. */
function outputWidth(l: KerasLayer): number | undefined {
  const inner = l.className === 'Bidirectional' ? (l.config.layer as { config?: Record<string, unknown> } | undefined)?.config : l.config;
  const units = l.className === 'Conv1D' ? l.config.filters : inner?.units;
  if (typeof units !== 'number') return undefined;
  return l.className === 'Bidirectional' && l.config.merge_mode === 'concat' ? 2 * units : units;
}

/** Input width: the declared input shape, else the first layer's kernel rows. */
function firstInputWidth(declared: number | undefined, first: KerasLayer, weights: ReturnType<typeof readKerasWeights>): number | undefined {
  if (declared !== undefined) return declared;
  const direction = first.className === 'Bidirectional' ? 'forward' : undefined;
  const kernel = findWeight(weights, first.name, 'kernel', direction);
  // Dense and recurrent kernels are inputs × ·, a Conv1D's k × inputs × filters.
  if (first.className === 'Conv1D') return kernel?.shape.length === 3 ? kernel.shape[1] : undefined;
  return kernel?.shape.length === 2 ? kernel.shape[0] : undefined;
}

export interface KerasJson {
  modelTopology?: unknown;
  weightsManifest?: unknown;
  generatedBy?: unknown;
  convertedBy?: unknown;
}

/** `output`: the model output to import (--model-output), for a functional model with several. */
export function importKeras(json: KerasJson, path: string, name?: string, output?: string): FloatModel {
  const source = basename(path);
  const topology = parseTopology(json.modelTopology, source, output);
  // Refused by design first: these layers change what the input is, so nothing after them can be checked.
  const refused = refusedByDesign(topology.layers);
  if (refused.length > 0) throw problemsError('import/unsupported', source, refused);
  const chain = simplifyLayers(topology.layers);
  const bn = chain[0]?.className === 'BatchNormalization' ? chain.shift() : undefined;
  if (chain.length === 0) throw new RnncError('import/invalid', `${source}: the model has no layers`, source);
  const weights = readKerasWeights(json.weightsManifest, path);
  const inputSize = firstInputWidth(topology.inputFeatures, chain[0]!, weights);
  if (inputSize === undefined) {
    throw new RnncError('import/invalid', `${source}: cannot tell the number of input features (no input shape, no first kernel)`, source);
  }
  const problems: Problems = { unsupported: otherBatchNorms(chain), invalid: [] };
  const affine: InputAffine | undefined = bn && inputBatchNorm(problems, weights, bn, inputSize);
  const layers: Layer[] = [];
  const hard = kerasHardSigmoid(json);
  let width: number | undefined = inputSize;
  for (const l of chain) {
    if (l.className === 'BatchNormalization') continue; // refused above; keeps the width
    const layer: Layer | undefined = width === undefined ? undefined : convertLayer(problems, weights, l, width, hard);
    if (layer) layers.push(layer);
    width = layer ? layerOutputSize(layer) : outputWidth(l);
  }
  if (problems.unsupported.length > 0) throw problemsError('import/unsupported', source, problems.unsupported);
  if (problems.invalid.length > 0) throw problemsError('import/invalid', source, problems.invalid);
  const stateful = topology.layers.filter((l) => l.config.stateful === true
    || (l.config.layer as { config?: { stateful?: unknown } } | undefined)?.config?.stateful === true).map((l) => l.name);
  const meta: Record<string, unknown> = {
    importedFrom: 'keras',
    source,
    producer: String(json.generatedBy ?? json.convertedBy ?? 'unknown'),
  };
  // Keras' stateful only carries state across predict() calls; rnnc's C keeps state in
  // the caller's struct between steps, which is the same thing for streaming use.
  if (stateful.length > 0) meta.statefulLayers = stateful;
  const model = validateModel({
    format: 'rnnc-model', version: 1, name: name ?? modelNameFrom(topology.name, path), inputSize, layers, meta,
  }, source);
  if (!affine) return model;
  return validateModel(foldInputAffine(model, affine, `${source}: layer ${quote(bn!.name)} (BatchNormalization)`), source);
}
