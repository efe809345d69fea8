/**
 * The architecture part of a Keras / TF.js `model.json`: a Sequential model or a
 * functional model that is one chain from a single input to a single output, turned
 * into the ordered list of layers rnnc converts. Both the TF.js `model.save()` form
 * (`modelTopology` is the model config) and the `tensorflowjs_converter` form
 * (`modelTopology.model_config`) are read, with Keras 2 and Keras 3 node formats.
 */
import { RnncError } from '../../errors.js';
import { quote } from '../quote.js';
import { type TensorRef, isState, predictionOutput, returnsState, withoutState } from './state-outputs.js';

export interface KerasLayer {
  className: string;
  name: string;
  config: Record<string, unknown>;
}

export interface KerasTopology {
  name: string | undefined;
  /** Layers in execution order, InputLayer removed. */
  layers: KerasLayer[];
  /** Features per timestep when the model declares its input shape. */
  inputFeatures: number | undefined;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(source: string, message: string): RnncError {
  return new RnncError('import/invalid', `${source}: ${message}`, source);
}

function toLayer(raw: unknown, at: string, source: string): KerasLayer {
  if (!isObject(raw) || typeof raw.class_name !== 'string' || !isObject(raw.config)) {
    throw bad(source, `${at}: expected a layer {"class_name", "config"}`);
  }
  const name = typeof raw.config.name === 'string' ? raw.config.name : typeof raw.name === 'string' ? raw.name : at;
  return { className: raw.class_name, name, config: raw.config };
}

/** Last dimension of an input shape given as batch_input_shape / batch_shape / input_shape. */
function declaredFeatures(config: Json): number | undefined {
  for (const key of ['batch_input_shape', 'batch_shape', 'input_shape']) {
    const shape = config[key];
    if (Array.isArray(shape) && shape.length > 0) {
      const last = shape[shape.length - 1];
      if (typeof last === 'number') return last;
    }
  }
  return undefined;
}

/** The tensors feeding one call of a functional layer (Keras 2 lists or Keras 3 args). */
function inboundTensors(raw: Json): TensorRef[][] {
  const nodes = Array.isArray(raw.inbound_nodes) ? raw.inbound_nodes : [];
  const ref = (t: unknown[]): TensorRef => ({ layer: String(t[0]), tensor: typeof t[2] === 'number' ? t[2] : 0 });
  return nodes.map((node: unknown) => {
    if (Array.isArray(node)) return node.map((t: unknown) => (Array.isArray(t) ? ref(t) : { layer: '?', tensor: 0 }));
    const refs: TensorRef[] = [];
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) { v.forEach(visit); return; }
      if (!isObject(v)) return;
      const history = isObject(v.config) ? v.config.keras_history : undefined;
      if (v.class_name === '__keras_tensor__' && Array.isArray(history)) refs.push(ref(history));
      else Object.values(v).forEach(visit);
    };
    if (isObject(node)) visit(node.args);
    return refs;
  });
}

/** output_layers: [[name, node, tensor], ...] (or one such triple). */
function outputRefs(list: unknown, source: string): TensorRef[] {
  const flat = Array.isArray(list) && Array.isArray(list[0]) ? list : [list];
  if (!flat.every((t) => Array.isArray(t) && typeof t[0] === 'string')) throw bad(source, 'output_layers: expected a list of [layer, node, tensor]');
  return (flat as unknown[][]).map((t) => ({ layer: t[0] as string, tensor: typeof t[2] === 'number' ? t[2] : 0 }));
}

function endpoint(list: unknown, what: string, source: string): string {
  const flat = Array.isArray(list) && Array.isArray(list[0]) ? list : [list];
  if (!Array.isArray(flat) || flat.length !== 1 || !Array.isArray(flat[0]) || typeof flat[0][0] !== 'string') {
    throw bad(source, `the model has ${Array.isArray(flat) ? flat.length : 0} ${what}s; rnnc imports models with exactly one`);
  }
  return flat[0][0];
}

function functionalChain(config: Json, source: string, output?: string): KerasLayer[] {
  const rawLayers = Array.isArray(config.layers) ? config.layers : [];
  const byName = new Map<string, Json>();
  for (const l of rawLayers) if (isObject(l)) byName.set(String(l.name ?? (isObject(l.config) ? l.config.name : '')), l);
  const input = endpoint(config.input_layers, 'input', source);
  const chain: KerasLayer[] = [];
  let current = predictionOutput(outputRefs(config.output_layers, source), byName, source, output).layer;
  while (true) {
    const raw = byName.get(current);
    if (!raw) throw bad(source, `layer ${quote(current)} is referenced but not defined`);
    // State outputs are not on the chain (checked below), so return_state changes nothing here.
    chain.unshift(toLayer(returnsState(raw) ? withoutState(raw) : raw, `layer ${quote(current)}`, source));
    if (current === input) break;
    const inbound = inboundTensors(raw);
    if (inbound.length !== 1 || inbound[0]!.length !== 1) {
      throw bad(source, `layer ${quote(current)} has ${inbound.length === 1 ? inbound[0]!.length : inbound.length} inputs; `
        + 'rnnc imports a functional model only when it is one chain of single-input layers');
    }
    const from = inbound[0]![0]!;
    if (isState(from, byName)) {
      throw new RnncError('import/unsupported', `${source}: layer ${quote(current)} reads a final state of layer ${quote(from.layer)} `
        + '(return_state); rnnc imports a chain through each layer\'s output', source);
    }
    current = from.layer;
    if (chain.some((l) => l.name === current)) throw bad(source, `layer ${quote(current)} is used twice; shared layers are not supported`);
  }
  // Layers off the path can only consume it (a layer with two inputs is refused above): other
  // heads. They are what --model-output chose to leave out; without it, a model that is not
  // one chain is refused.
  if (chain.length !== byName.size && output === undefined) {
    const off = [...byName.keys()].filter((n) => !chain.some((l) => l.name === n));
    const shown = off.length <= 3 ? off.map((s) => quote(s)).join(', ') : `${off.slice(0, 3).map((s) => quote(s)).join(', ')} and ${off.length - 3} more`;
    throw bad(source, `layers ${shown} are not on the path from the input to the output; `
      + 'rnnc imports a functional model only when it is one chain');
  }
  return chain;
}

/** `output`: the model output to import (--model-output), for a functional model with several. */
export function parseTopology(modelTopology: unknown, source: string, output?: string): KerasTopology {
  const top = isObject(modelTopology) && isObject(modelTopology.model_config) ? modelTopology.model_config : modelTopology;
  if (!isObject(top) || typeof top.class_name !== 'string') {
    throw bad(source, 'modelTopology: expected a Keras model config with "class_name"');
  }
  const cls = top.class_name;
  const config = top.config;
  let layers: KerasLayer[];
  if (cls === 'Sequential') {
    if (output !== undefined) throw new RnncError('usage/invalid', `--model-output: ${source} is a Sequential model, which has one output`, source);
    const list = Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : undefined;
    if (!list) throw bad(source, 'modelTopology: a Sequential model without a "layers" list');
    layers = list.map((l: unknown, i) => toLayer(l, `layers[${i}]`, source));
  } else if ((cls === 'Model' || cls === 'Functional') && isObject(config)) {
    layers = functionalChain(config, source, output);
  } else {
    throw bad(source, `modelTopology: model class ${quote(cls)} is not supported; supported: Sequential, Model/Functional (one chain)`);
  }
  const named = isObject(config) ? config : {};
  let inputFeatures: number | undefined;
  for (const l of layers) {
    inputFeatures = declaredFeatures(l.config);
    if (inputFeatures !== undefined || l.className !== 'InputLayer') break;
  }
  return {
    name: typeof named.name === 'string' ? named.name : undefined,
    layers: layers.filter((l) => l.className !== 'InputLayer'),
    inputFeatures,
  };
}
