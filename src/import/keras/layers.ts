/**
 * Keras / TF.js layers → IR layers. Keras stores kernels `inputs × (gates·units)` with
 * gate columns in its own order (gates.ts); the IR wants `(gates·units) × inputs` rows
 * in IR order, so every matrix is transposed and its gate blocks reordered. A Conv1D
 * kernel is `k × inputs × filters`; the IR's conv1d row o is the taps in the same order
 * (oldest first), kernel[j][:, o] one after the other.
 */
import type { ConvActivation, DenseActivation, GateActivation, Layer, MergeMode, RecurrentType, RecurrentWeights } from '../../ir/model.js';
import { CONV_ACTIVATIONS, DENSE_ACTIVATIONS, MERGE_MODES } from '../../ir/model.js';
import { gateCount } from '../../ir/kinds.js';
import { GRU_ORDER, LSTM_ORDER } from '../gates.js';
import { escapeText, quote } from '../quote.js';
import { reorderGates, shapeText, transposed } from '../tensor.js';
import type { KerasLayer } from './topology.js';
import type { NamedTensor } from './weights.js';

// Keras has no minGRU or minLSTM layer: such a model is trained by rnnc or written by hand.
const RECURRENT: Record<string, Exclude<RecurrentType, 'mingru' | 'minlstm'>> = { SimpleRNN: 'rnn', LSTM: 'lstm', GRU: 'gru' };
/** Named in refusals; dropout/noise layers, TimeDistributed(Dense) and an input BatchNormalization are also taken (simplify.ts, batchnorm.ts). */
export const SUPPORTED_LAYERS = ['InputLayer', 'SimpleRNN', 'LSTM', 'GRU', 'Bidirectional', 'Dense', 'Conv1D'] as const;

/** Collects every problem of every layer so one error can list them all. */
export interface Problems {
  unsupported: string[];
  invalid: string[];
}

type Weights = ReadonlyMap<string, NamedTensor>;

/** A JSON value from the file, as it would be written, escaped and shortened. */
function shown(v: unknown): string {
  return v === undefined ? 'nothing' : escapeText(JSON.stringify(v));
}

/** Keras names are snake_case; TF.js writes the same names, but may spell activations in camelCase. */
function activationName(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'string') return JSON.stringify(v);
  return v.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Finds the tensor `leaf` of a layer; `direction` picks `forward_*` / `backward_*` of a
 * Bidirectional. Names are `<layer>/[<direction>_<inner>/][<cell>/]<leaf>`, possibly
 * under a model-name prefix, so the layer is found as a path component.
 */
export function findWeight(weights: Weights, layer: string, leaf: string, direction?: 'forward' | 'backward'): NamedTensor | undefined {
  for (const [name, t] of weights) {
    const parts = name.split('/');
    const at = parts.indexOf(layer);
    if (at < 0 || at === parts.length - 1 || parts[parts.length - 1] !== leaf) continue;
    if (direction && !parts[at + 1]?.startsWith(`${direction}_`)) continue;
    return t;
  }
  return undefined;
}

function sameShape(t: NamedTensor, shape: number[]): boolean {
  return t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
}

function tensor(
  p: Problems, weights: Weights, layer: string, leaf: string, shape: number[], direction?: 'forward' | 'backward',
): NamedTensor | undefined {
  const t = findWeight(weights, layer, leaf, direction);
  const what = `${direction ? `${direction} ` : ''}${leaf}`;
  if (!t) { p.invalid.push(`layer ${quote(layer)}: no ${what} weight in weightsManifest`); return undefined; }
  if (!sameShape(t, shape)) {
    p.invalid.push(`layer ${quote(layer)}: weight ${quote(t.name)} is ${shapeText(t.shape)}, expected ${shapeText(shape)}`);
    return undefined;
  }
  return t;
}

/**
 * Which definition "hard_sigmoid" has in the file: Keras 3 changed it from
 * clip(0.2·x + 0.5, 0, 1) (Keras 2, TF.js) to relu6(x + 3)/6 = clip(x/6 + 0.5, 0, 1).
 * Files written by Keras 3 (modelTopology.keras_version "3.…", or generatedBy
 * "keras v3.…") get the latter; Keras 2 files, TF.js's own ("tfjs-layers …") and files
 * that say nothing the former.
 */
export function kerasHardSigmoid(json: { generatedBy?: unknown; modelTopology?: unknown }): GateActivation {
  const top = json.modelTopology as { keras_version?: unknown } | undefined;
  const version = typeof top?.keras_version === 'string' ? top.keras_version : '';
  const by = typeof json.generatedBy === 'string' ? json.generatedBy : '';
  return /^3\./.test(version) || /^keras v3\./i.test(by) ? 'hard_sigmoid_v3' : 'hard_sigmoid';
}

/** Checks a recurrent layer's config; returns its gate activation (LSTM, GRU). */
function checkRecurrentConfig(p: Problems, name: string, cls: string, type: RecurrentType, c: Record<string, unknown>, hard: GateActivation): GateActivation {
  const act = activationName(c.activation);
  // SimpleRNN may use relu (RNN_ACTIVATIONS); the gated cells' g and tanh(c) are tanh only.
  if (act !== 'tanh' && !(type === 'rnn' && act === 'relu')) {
    p.unsupported.push(`layer ${quote(name)} (${cls}): activation ${act === undefined ? 'missing' : quote(act)} is not supported; ${type === 'rnn' ? 'supported: tanh, relu' : `the IR's ${type} uses tanh`}`);
  }
  let gate: GateActivation = 'sigmoid';
  if (type !== 'rnn') {
    const rec = activationName(c.recurrent_activation);
    if (rec === 'hard_sigmoid') gate = hard;
    else if (rec !== 'sigmoid') {
      p.unsupported.push(`layer ${quote(name)} (${cls}): recurrent_activation ${rec === undefined ? 'missing' : quote(rec)} is not supported; supported: sigmoid, hard_sigmoid`);
    }
  }
  if (c.return_state === true) p.unsupported.push(`layer ${quote(name)} (${cls}): return_state true is not supported`);
  if (c.go_backwards === true) p.unsupported.push(`layer ${quote(name)} (${cls}): go_backwards true is not supported (use Bidirectional)`);
  if (c.time_major === true) p.unsupported.push(`layer ${quote(name)} (${cls}): time_major true is not supported`);
  return gate;
}

/** Weights of one direction, in IR layout. `layer` is the name weights are stored under. */
function recurrentWeights(
  p: Problems, weights: Weights, layer: string, type: RecurrentType, c: Record<string, unknown>, inputSize: number,
  direction?: 'forward' | 'backward',
): RecurrentWeights | undefined {
  const units = Number(c.units);
  const rows = gateCount(type) * units;
  const order = type === 'lstm' ? LSTM_ORDER.keras : type === 'gru' ? GRU_ORDER.keras : [0];
  const resetAfter = type === 'gru' && c.reset_after === true;
  // The first wrong weight of a layer says it all (a wrong units makes every weight wrong).
  const kernel = tensor(p, weights, layer, 'kernel', [inputSize, rows], direction);
  const recurrent = kernel && tensor(p, weights, layer, 'recurrent_kernel', [units, rows], direction);
  const useBias = c.use_bias !== false;
  const bias = recurrent && useBias ? tensor(p, weights, layer, 'bias', resetAfter ? [2, rows] : [rows], direction) : undefined;
  if (!kernel || !recurrent || (useBias && !bias)) return undefined;
  const vec = (offset: number) => reorderGates(bias ? Array.from(bias.data.subarray(offset, offset + rows)) : new Array<number>(rows).fill(0), units, order);
  const out: RecurrentWeights = {
    kernel: reorderGates(transposed(kernel.data, inputSize, rows), units, order),
    recurrentKernel: reorderGates(transposed(recurrent.data, units, rows), units, order),
    bias: vec(0),
  };
  // Keras reset_after: bias is [input bias; recurrent bias], the second applied inside r ⊙ (U h + b').
  if (resetAfter) out.recurrentBias = vec(rows);
  return out;
}

function convertRecurrent(
  p: Problems, weights: Weights, l: KerasLayer, inputSize: number, hard: GateActivation, wrapper?: { name: string; merge: unknown },
): Layer | undefined {
  const type = RECURRENT[l.className]!;
  const c = l.config;
  const shownName = wrapper?.name ?? l.name;
  const gate = checkRecurrentConfig(p, shownName, l.className, type, c, hard);
  const units = c.units;
  if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) {
    p.invalid.push(`layer ${quote(shownName)}: units: expected a positive integer, got ${shown(units)}`);
    return undefined;
  }
  let merge: MergeMode | undefined;
  if (wrapper) {
    if (!MERGE_MODES.includes(wrapper.merge as MergeMode)) {
      p.unsupported.push(`layer ${quote(wrapper.name)} (Bidirectional): merge_mode ${shown(wrapper.merge)} is not supported; supported: ${MERGE_MODES.join(', ')}`);
      return undefined;
    }
    merge = wrapper.merge as MergeMode;
  }
  const storedUnder = wrapper?.name ?? l.name;
  const forward = recurrentWeights(p, weights, storedUnder, type, c, inputSize, wrapper ? 'forward' : undefined);
  const backward = forward && wrapper ? recurrentWeights(p, weights, storedUnder, type, c, inputSize, 'backward') : undefined;
  if (!forward || (wrapper && !backward)) return undefined;
  const common = { units, returnSequences: c.return_sequences === true, weights: forward };
  const bi = merge ? { bidirectional: merge, backwardWeights: backward! } : {};
  if (type === 'gru') return { type, ...common, ...bi, recurrentActivation: gate, resetAfter: c.reset_after === true };
  if (type === 'lstm') return { type, ...common, ...bi, recurrentActivation: gate };
  return { type, ...common, ...bi, activation: activationName(c.activation) === 'relu' ? 'relu' : 'tanh' };
}

function convertDense(p: Problems, weights: Weights, l: KerasLayer, inputSize: number): Layer | undefined {
  const c = l.config;
  const act = activationName(c.activation) ?? 'linear';
  if (!DENSE_ACTIVATIONS.includes(act as DenseActivation)) {
    p.unsupported.push(`layer ${quote(l.name)} (Dense): activation ${quote(act)} is not supported; supported: ${DENSE_ACTIVATIONS.join(', ')}`);
    return undefined;
  }
  const units = c.units;
  if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) {
    p.invalid.push(`layer ${quote(l.name)}: units: expected a positive integer, got ${shown(units)}`);
    return undefined;
  }
  const kernel = tensor(p, weights, l.name, 'kernel', [inputSize, units]);
  const bias = c.use_bias === false || !kernel ? undefined : tensor(p, weights, l.name, 'bias', [units]);
  if (!kernel || (c.use_bias !== false && !bias)) return undefined;
  return {
    type: 'dense', units, activation: act as DenseActivation,
    weights: { kernel: transposed(kernel.data, inputSize, units), bias: bias ? Array.from(bias.data) : new Array<number>(units).fill(0) },
  };
}

/** A one-element size list as Keras writes it ([3]), or the bare number TF.js may keep; undefined when neither. */
function single(v: unknown): number | undefined {
  const x = Array.isArray(v) && v.length === 1 ? v[0] : v;
  return typeof x === 'number' && Number.isInteger(x) ? x : undefined;
}

/**
 * Conv1D is the IR's conv1d, y_t = act(b + Σ_j K[j]ᵀ x_{t+a−(k−1−j)·d}): padding='causal'
 * pads (k−1)·d zeros on the left (a = 0, streams); padding='same' pads ⌊(k−1)·d/2⌋ on the
 * left and the rest on the right, so a = ⌈(k−1)·d/2⌉ (centred, whole sequences only).
 * 'valid' gives (k−1)·d fewer outputs than steps: refused.
 */
function convertConv1D(p: Problems, weights: Weights, l: KerasLayer, inputSize: number): Layer | undefined {
  const c = l.config;
  const at = `layer ${quote(l.name)} (Conv1D)`;
  const before = p.unsupported.length;
  const padding = c.padding ?? 'valid';
  if (padding !== 'causal' && padding !== 'same') {
    p.unsupported.push(`${at}: padding ${typeof padding === 'string' ? quote(padding) : shown(padding)} is not supported; rnnc's conv1d gives one output per step: `
      + `use padding='causal' (streams) or 'same' (whole sequences only)`);
  }
  const strides = single(c.strides ?? 1);
  if (strides !== 1) p.unsupported.push(`${at}: strides ${strides ?? shown(c.strides)} is not supported; rnnc's conv1d emits one output per input step: use strides=1`);
  if (c.groups !== undefined && single(c.groups) !== 1) p.unsupported.push(`${at}: groups ${single(c.groups) ?? shown(c.groups)} is not supported; rnnc's conv1d is dense over the channels: use groups=1`);
  if (c.data_format !== undefined && c.data_format !== 'channels_last') {
    p.unsupported.push(`${at}: data_format ${shown(c.data_format)} is not supported; rnnc's sequences are [time, features] (channels_last)`);
  }
  const act = activationName(c.activation) ?? 'linear';
  if (!CONV_ACTIVATIONS.includes(act as ConvActivation)) {
    p.unsupported.push(`${at}: activation ${quote(act)} is not supported; supported: ${CONV_ACTIVATIONS.join(', ')}`);
  }
  if (p.unsupported.length > before) return undefined;
  const units = c.filters;
  const k = single(c.kernel_size);
  const d = single(c.dilation_rate ?? 1);
  if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) {
    p.invalid.push(`layer ${quote(l.name)}: filters: expected a positive integer, got ${shown(units)}`);
    return undefined;
  }
  if (k === undefined || k < 1) { p.invalid.push(`layer ${quote(l.name)}: kernel_size: expected a positive integer, got ${shown(c.kernel_size)}`); return undefined; }
  if (d === undefined || d < 1) { p.invalid.push(`layer ${quote(l.name)}: dilation_rate: expected a positive integer, got ${shown(c.dilation_rate)}`); return undefined; }
  const kernel = tensor(p, weights, l.name, 'kernel', [k, inputSize, units]);
  const bias = c.use_bias === false || !kernel ? undefined : tensor(p, weights, l.name, 'bias', [units]);
  if (!kernel || (c.use_bias !== false && !bias)) return undefined;
  // K[j][i][o] at (j·inputs + i)·units + o → row o, column j·inputs + i: the transpose of the flat (k·inputs) × units matrix.
  const lookahead = padding === 'same' ? Math.ceil(((k - 1) * d) / 2) : 0;
  return {
    type: 'conv1d', units, kernelSize: k, ...(d !== 1 ? { dilation: d } : {}), ...(lookahead > 0 ? { lookahead } : {}), activation: act as ConvActivation,
    weights: { kernel: transposed(kernel.data, k * inputSize, units), bias: bias ? Array.from(bias.data) : new Array<number>(units).fill(0) },
  };
}

/**
 * Converts one Keras layer; problems go to `p` and the result is undefined when there
 * were any. `hard`: what "hard_sigmoid" means in this file (kerasHardSigmoid).
 */
export function convertLayer(p: Problems, weights: Weights, l: KerasLayer, inputSize: number, hard: GateActivation = 'hard_sigmoid'): Layer | undefined {
  if (Object.hasOwn(RECURRENT, l.className)) return convertRecurrent(p, weights, l, inputSize, hard);
  if (l.className === 'Dense') return convertDense(p, weights, l, inputSize);
  if (l.className === 'Conv1D') return convertConv1D(p, weights, l, inputSize);
  if (l.className === 'Bidirectional') {
    const inner = l.config.layer as { class_name?: unknown; config?: unknown } | undefined;
    const cls = typeof inner?.class_name === 'string' ? inner.class_name : '?';
    if (!Object.hasOwn(RECURRENT, cls) || typeof inner?.config !== 'object' || inner.config === null) {
      p.unsupported.push(`layer ${quote(l.name)} (Bidirectional): wrapped layer ${quote(cls)} is not supported; supported: SimpleRNN, LSTM, GRU`);
      return undefined;
    }
    const wrapped: KerasLayer = { className: cls, name: l.name, config: inner.config as Record<string, unknown> };
    return convertRecurrent(p, weights, wrapped, inputSize, hard, { name: l.name, merge: l.config.merge_mode });
  }
  if (l.className === 'TimeDistributed') {
    // simplify.ts has unwrapped Dense, Activation and the dropout/noise layers; anything else left wrapped is refused here.
    const inner = (l.config.layer as { class_name?: unknown } | undefined)?.class_name;
    p.unsupported.push(`layer ${quote(l.name)}: TimeDistributed(${escapeText(String(inner ?? '?'))}) is not supported; only TimeDistributed(Dense) is`);
    return undefined;
  }
  if (l.className === 'Activation') {
    // simplify.ts fused every Activation that follows a linear Dense or Conv1D.
    p.unsupported.push(`layer ${quote(l.name)}: an Activation layer is supported only right after a Dense or Conv1D without an activation of its own `
      + '(it becomes that layer\'s activation); give the activation to the layer before it');
    return undefined;
  }
  p.unsupported.push(`layer ${quote(l.name)}: ${escapeText(l.className)} is not supported; supported: ${SUPPORTED_LAYERS.join(', ')}`);
  return undefined;
}
