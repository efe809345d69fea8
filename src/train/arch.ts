/**
 * Architecture descriptions for `rnnc train --arch`:
 * - a string: comma-separated layers, e.g. "lstm:32,dense:4:softmax", optionally led by
 *   `in:F` to state the features per timestep the data must have
 *     rnn|lstm|gru:UNITS[:bi|bi-sum][:seq][:reset-before][:hard-sigmoid|hard-sigmoid-v3][:relu]
 *       (gru only: reset-before; lstm and gru: the hard sigmoid gates; rnn only: relu;
 *       each modifier at most once)
 *     mingru|minlstm:UNITS[:bi|bi-sum|reverse][:last-index][:seq][:scan]  (minGRU, minLSTM;
 *       scan: trained by a parallel prefix scan, same gradients)
 *     dense:UNITS[:linear|relu|tanh|sigmoid|softmax]          (default linear)
 *     conv1d:UNITS:k=K[:d=D][:a=A][:linear|relu|tanh|sigmoid]  (D default 1; A, the future inputs each output
 *       reads, default 0: causal; A > 0, up to (K−1)·D, needs whole sequences; Keras padding='same' is A = ⌈(K−1)·D/2⌉)
 *     ssm:UNITS[:n=N][:k=K][:r=R][:seq]  (Mamba's mixer without out_proj, docs/ssm.md: N states per channel,
 *       default 16; K conv taps, default 4; R, Δ's rank, default ⌈inputs/16⌉ as Mamba's dt_rank)
 * - or a JSON file: {"inputSize": 6 (optional), "layers": [{"type": "gru", "units": 32, "bidirectional": "concat",
 *   "resetAfter": false, "returnSequences": true, "recurrentActivation": "hard_sigmoid"}, {"type": "dense", "units": 4,
 *   "activation": "softmax"}]}; a conv1d entry is {"type": "conv1d", "units": 16, "kernelSize": 3, "dilation": 2
 *   (optional), "lookahead": 1 (optional, default 0), "activation": "relu" (optional, default linear)}; an ssm entry
 *   is {"type": "ssm", "units": 32, "stateSize": 16, "convSize": 4, "dtRank": 2, "returnSequences": true} (all but
 *   units optional, with the defaults above).
 * - last, optionally, an encoder–decoder's decoder: decoder:CELL:UNITS:steps=K:out=O[:…] (arch-decoder.ts,
 *   docs/seq2seq.md); the layers before it are the encoder. String syntax only.
 * Numbers are integers in decimal (src/util/decimal.ts): no hex, no exponent, no fraction.
 * A recurrent or ssm layer returns sequences when a layer reading sequences (recurrent,
 * conv1d or ssm) follows it, when the task has a target per timestep, or when asked to
 * (`seq`). A conv1d layer outputs one row per step, so a task with one target per sequence
 * needs a recurrent or ssm layer after it.
 */
import { z } from 'zod';
import { RnncError } from '../errors.js';
import {
  CONV_ACTIVATIONS, type ConvActivation, DENSE_ACTIVATIONS, type DenseActivation, GATE_ACTIVATIONS, type GateActivation, LIMITS, MERGE_MODES,
  RECURRENT_TYPES, RNN_ACTIVATIONS, LAST_OUTPUTS, type RecurrentType,
} from '../ir/model.js';
import { integerValue } from '../util/decimal.js';
import { quote } from '../util/text.js';
import { parseJson, readText } from '../util/fs.js';
import type { Conv1dSpec } from './conv.js';
import type { RecurrentSpec } from './recurrent.js';
import type { SsmSpec } from './ssm.js';
import { parseDecoderItem } from './arch-decoder.js';
import type { DecoderSpec } from './seq2seq.js';

export type DenseSpec = { type: 'dense'; units: number; activation: DenseActivation };

export type ArchLayer =
  | (Omit<RecurrentSpec, 'returnSequences'> & { returnSequences?: boolean | undefined })
  | DenseSpec
  | Conv1dSpec
  | (Omit<SsmSpec, 'returnSequences'> & { returnSequences?: boolean | undefined });

export interface Arch {
  /** Features per timestep, when the description states them. */
  inputs?: number | undefined;
  layers: ArchLayer[];
  /** An encoder–decoder's decoder: `layers` are then the encoder. */
  decoder?: DecoderSpec | undefined;
}

export type ResolvedLayer = RecurrentSpec | DenseSpec | Conv1dSpec | SsmSpec;

const LAYER_NAMES = [...RECURRENT_TYPES, 'dense', 'conv1d', 'ssm'].join(', ');
/** What a task with one target per sequence needs: a layer that can output one row per sequence. */
const SUMMARY_LAYERS = `a recurrent layer (${RECURRENT_TYPES.join(', ')}) or an ssm layer`;

/** The ssm defaults of `--arch` (Mamba's d_state and d_conv). */
export const SSM_DEFAULTS = { stateSize: 16, convSize: 4 } as const;

/** Whether a layer is rnn, lstm or gru (and so has directions, returnSequences, ...). */
export function isRecurrentSpec<L extends { type: string }>(l: L): l is Extract<L, { type: RecurrentType }> {
  return (RECURRENT_TYPES as readonly string[]).includes(l.type);
}

/** Whether a layer chooses between one output per step and one per sequence (recurrent and ssm layers). */
export function hasReturnSequences<L extends { type: string }>(l: L): l is Extract<L, { type: RecurrentType | 'ssm' }> {
  return isRecurrentSpec(l) || l.type === 'ssm';
}

function bad(text: string, why: string): never {
  throw new RnncError('arch/invalid', `--arch: ${why} in ${quote(text, 80, '"')}`);
}

/** A count in the description: an integer (src/util/decimal.ts) from 1 to max. */
function count(part: string, max: number, what: string, text: string): number {
  const n = integerValue(part);
  if (n === undefined || n < 1 || n > max) bad(text, `${what} must be an integer from 1 to ${max}, got ${quote(part)}`);
  return n;
}

/**
 * conv1d:UNITS:k=K[:d=D][:a=A][:ACTIVATION]: the kernel size is required (as in Keras' Conv1D),
 * the dilation defaults to 1, the lookahead to 0 (causal), the activation to linear; each at most once.
 */
function parseConv(item: string, units: string, opts: string[]): Conv1dSpec {
  const layer: Conv1dSpec = { type: 'conv1d', units: count(units, LIMITS.units, 'units', item), kernelSize: 0, dilation: 1, lookahead: 0, activation: 'linear' };
  const setBy = new Map<string, string>();
  for (const o of opts) {
    const eq = o.indexOf('=');
    const name = eq < 0 ? undefined : o.slice(0, eq).trim(), value = eq < 0 ? '' : o.slice(eq + 1).trim();
    const property = name === 'k' ? 'kernel size' : name === 'd' ? 'dilation' : name === 'a' ? 'lookahead' : name === undefined && (CONV_ACTIVATIONS as readonly string[]).includes(o) ? 'activation' : undefined;
    if (property === undefined) {
      if (o === 'softmax') bad(item, 'a conv1d layer has no softmax; end a classifier with dense:CLASSES:softmax');
      bad(item, `unknown option ${quote(o)}; supported: k=K, d=D, a=A, ${CONV_ACTIVATIONS.join(', ')}`);
    }
    const before = setBy.get(property);
    if (before !== undefined) bad(item, before === o ? `${quote(o)} is given twice` : `${quote(o)} conflicts with ${quote(before)}`);
    setBy.set(property, o);
    if (name === 'k') layer.kernelSize = count(value, LIMITS.kernelSize, 'k', item);
    else if (name === 'd') layer.dilation = count(value, LIMITS.dilation, 'd', item);
    else if (name === 'a') layer.lookahead = count(value, LIMITS.kernelSize * LIMITS.dilation, 'a', item);
    else layer.activation = o as ConvActivation;
  }
  if (layer.kernelSize === 0) bad(item, 'a conv1d layer needs its kernel size, e.g. conv1d:16:k=3');
  const span = (layer.kernelSize - 1) * layer.dilation;
  if (layer.lookahead > span) bad(item, `a=${layer.lookahead} reads past the kernel: the lookahead is at most (k−1)·d = ${span}`);
  return layer;
}

/**
 * ssm:UNITS[:n=N][:k=K][:r=R][:seq]: states per channel (default 16), conv taps (default 4), Δ's rank
 * (default: ssmDtRank, from the layer's input width) and whether it returns sequences; each at most once.
 */
function parseSsm(item: string, units: string, opts: string[]): ArchLayer {
  const layer: ArchLayer = { type: 'ssm', units: count(units, LIMITS.units, 'units', item), ...SSM_DEFAULTS };
  const setBy = new Map<string, string>();
  for (const o of opts) {
    const eq = o.indexOf('=');
    const name = eq < 0 ? o : o.slice(0, eq).trim(), value = eq < 0 ? '' : o.slice(eq + 1).trim();
    if (!(eq < 0 ? name === 'seq' : ['n', 'k', 'r'].includes(name))) bad(item, `unknown option ${quote(o)} for an ssm layer; supported: n=N, k=K, r=R, seq`);
    const before = setBy.get(name);
    if (before !== undefined) bad(item, before === o ? `${quote(o)} is given twice` : `${quote(o)} conflicts with ${quote(before)}`);
    setBy.set(name, o);
    if (name === 'n') layer.stateSize = count(value, LIMITS.stateSize, 'n', item);
    else if (name === 'k') layer.convSize = count(value, LIMITS.kernelSize, 'k', item);
    else if (name === 'r') layer.dtRank = count(value, LIMITS.units, 'r', item);
    else layer.returnSequences = true;
  }
  return layer;
}

/** Modifiers choosing the LSTM/GRU gate activation (ir/model.ts GATE_ACTIVATIONS). */
const HARD_GATES: Record<string, GateActivation | undefined> = { 'hard-sigmoid': 'hard_sigmoid', 'hard-sigmoid-v3': 'hard_sigmoid_v3' };

/** What a minGRU or minLSTM takes: directions, sequences, and the scan (sigmoid gates only). */
const MIN_OPTIONS = ['bi', 'bi-sum', 'reverse', 'last-index', 'seq', 'scan'];

function parseItem(item: string): ArchLayer {
  const [type = '', units = '', ...opts] = item.split(':').map((s) => s.trim());
  if (type === 'dense') {
    if (opts.length > 1) bad(item, 'a dense layer takes only units and an activation');
    const activation = (opts[0] ?? 'linear') as DenseActivation;
    if (!DENSE_ACTIVATIONS.includes(activation)) bad(item, `unknown activation ${quote(opts[0] ?? '')}; supported: ${DENSE_ACTIVATIONS.join(', ')}`);
    return { type: 'dense', units: count(units, LIMITS.units, 'units', item), activation };
  }
  if (type === 'conv1d') return parseConv(item, units, opts);
  if (type === 'ssm') return parseSsm(item, units, opts);
  if (!(RECURRENT_TYPES as readonly string[]).includes(type)) {
    bad(item, `unknown layer ${quote(type)}; supported: ${LAYER_NAMES}`);
  }
  const layer: ArchLayer = { type: type as RecurrentSpec['type'], units: count(units, LIMITS.units, 'units', item), resetAfter: true };
  // Each modifier sets one property; a second modifier for the same property is refused.
  const setBy = new Map<string, string>();
  const set = (property: string, o: string) => {
    const before = setBy.get(property);
    if (before !== undefined) bad(item, before === o ? `${quote(o)} is given twice` : `${quote(o)} conflicts with ${quote(before)}`);
    setBy.set(property, o);
  };
  for (const o of opts) {
    if ((type === 'mingru' || type === 'minlstm') && !MIN_OPTIONS.includes(o)) bad(item, `unknown option ${quote(o)} for a ${type} layer; supported: ${MIN_OPTIONS.join(', ')}`);
    if (o === 'scan' && (type === 'mingru' || type === 'minlstm')) { set('scan', o); layer.scan = true; continue; }
    if (o === 'bi' || o === 'bi-concat') { set('direction', o); layer.bidirectional = 'concat'; }
    else if (o === 'bi-sum') { set('direction', o); layer.bidirectional = 'sum'; }
    else if (o === 'reverse') { set('direction', o); layer.reverse = true; }
    else if (o === 'last-index') { set('last', o); layer.lastOutput = 'last-index'; }
    else if (o === 'seq') { set('sequences', o); layer.returnSequences = true; }
    else if (o === 'reset-before' && type === 'gru') { set('reset', o); layer.resetAfter = false; }
    else if (HARD_GATES[o] && type !== 'rnn') { set('gates', o); layer.recurrentActivation = HARD_GATES[o]; }
    else if (o === 'relu' && type === 'rnn') { set('activation', o); layer.activation = 'relu'; }
    else bad(item, `unknown option ${quote(o)}; supported: bi, bi-sum, reverse, last-index, seq${type === 'gru' ? ', reset-before' : ''}${type !== 'rnn' ? ', hard-sigmoid, hard-sigmoid-v3' : ', relu'}`);
  }
  // torch's out[:, -1]: the backward output at t = T−1 (ir/model.ts), only for a bidirectional many-to-one layer.
  if (layer.lastOutput && (!layer.bidirectional || layer.returnSequences)) bad(item, "'last-index' needs a bidirectional layer without 'seq'");
  return layer;
}

const units = z.number().int().min(1).max(LIMITS.units);
const recurrentFields = {
  units, bidirectional: z.enum(MERGE_MODES).optional(),
  resetAfter: z.boolean().optional(), returnSequences: z.boolean().optional(),
  reverse: z.boolean().optional(), lastOutput: z.enum(LAST_OUTPUTS).optional(),
};
const rnnEntry = z.strictObject({ type: z.literal('rnn'), ...recurrentFields, activation: z.enum(RNN_ACTIVATIONS).optional() });
/** LSTM and GRU entries may choose their gate activation. */
const gatedEntry = (type: 'lstm' | 'gru') => z.strictObject({
  type: z.literal(type), ...recurrentFields, recurrentActivation: z.enum(GATE_ACTIVATIONS).optional(),
});
/** minGRU, minLSTM: sigmoid gates (no recurrentActivation), and the scan. */
const minEntry = <T extends 'mingru' | 'minlstm'>(type: T) => z.strictObject({
  type: z.literal(type), units, bidirectional: recurrentFields.bidirectional, returnSequences: recurrentFields.returnSequences,
  reverse: recurrentFields.reverse, lastOutput: recurrentFields.lastOutput, scan: z.boolean().optional(),
});
const fileSchema = z.strictObject({
  inputSize: z.number().int().min(1).max(LIMITS.inputSize).optional(),
  layers: z.array(z.discriminatedUnion('type', [
    rnnEntry, gatedEntry('lstm'), gatedEntry('gru'), minEntry('mingru'), minEntry('minlstm'),
    z.strictObject({ type: z.literal('dense'), units, activation: z.enum(DENSE_ACTIVATIONS).default('linear') }),
    z.strictObject({
      type: z.literal('conv1d'), units, kernelSize: z.number().int().min(1).max(LIMITS.kernelSize),
      dilation: z.number().int().min(1).max(LIMITS.dilation).optional(), lookahead: z.number().int().min(0).max(LIMITS.kernelSize * LIMITS.dilation).optional(),
      activation: z.enum(CONV_ACTIVATIONS).default('linear'),
    }),
    z.strictObject({
      type: z.literal('ssm'), units, stateSize: z.number().int().min(1).max(LIMITS.stateSize).default(SSM_DEFAULTS.stateSize),
      convSize: z.number().int().min(1).max(LIMITS.kernelSize).default(SSM_DEFAULTS.convSize), dtRank: units.optional(),
      returnSequences: z.boolean().optional(),
    }),
  ])).min(1),
});

export function parseArchFile(path: string): Arch {
  const parsed = fileSchema.safeParse(parseJson(readText(path), path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '') || '(top level)';
    const why = issue.code === 'invalid_union' ? `unknown layer type; supported: ${LAYER_NAMES}` : issue.message;
    throw new RnncError('arch/invalid', `${path}: ${at}: ${why}`, path);
  }
  const layers = parsed.data.layers.map((l): ArchLayer => (
    l.type === 'dense' || l.type === 'ssm' ? l : l.type === 'conv1d' ? { ...l, dilation: l.dilation ?? 1, lookahead: l.lookahead ?? 0 }
      : { ...l, resetAfter: l.type !== 'mingru' && l.type !== 'minlstm' ? l.resetAfter ?? true : true }));
  layers.forEach((l, i) => {
    if (l.type === 'conv1d' && l.lookahead > (l.kernelSize - 1) * l.dilation) {
      throw new RnncError('arch/invalid', `${path}: layers[${i}].lookahead: ${l.lookahead} reads past the kernel; at most (kernelSize − 1) · dilation = ${(l.kernelSize - 1) * l.dilation}`, path);
    }
    if (!isRecurrentSpec(l)) return;
    // Checked before training, not when the trained model is saved.
    if (l.lastOutput === 'last-index' && (!l.bidirectional || l.returnSequences)) {
      throw new RnncError('arch/invalid', `${path}: layers[${i}].lastOutput: 'last-index' needs a bidirectional layer without returnSequences`, path);
    }
    if (l.reverse && l.bidirectional) throw new RnncError('arch/invalid', `${path}: layers[${i}].reverse: a bidirectional layer already reads both ways`, path);
  });
  return { inputs: parsed.data.inputSize, layers };
}

/** Parses `--arch`: a layer string, or the path of a JSON architecture file. */
export function parseArch(text: string): Arch {
  if (text.trim().endsWith('.json')) return parseArchFile(text.trim());
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) bad(text, 'empty layer');
  let inputs: number | undefined;
  if (items[0]?.startsWith('in:')) {
    inputs = count(items.shift()!.slice(3), LIMITS.inputSize, 'in:', text);
  }
  let decoder: DecoderSpec | undefined;
  const at = items.findIndex((s) => s.split(':')[0]!.trim() === 'decoder');
  if (at >= 0) {
    if (at !== items.length - 1) bad(text, 'the decoder comes last, after the encoder\'s layers');
    decoder = parseDecoderItem(items.pop()!);
  }
  if (items.length === 0) bad(text, decoder ? 'a decoder needs encoder layers before it' : 'no layers');
  const layers = items.map(parseItem);
  if (layers.length > LIMITS.layers) bad(text, `at most ${LIMITS.layers} layers`);
  return { inputs, layers, decoder };
}

/**
 * Fixes returnSequences of every recurrent and ssm layer for the task (see the header). With
 * one target per sequence, the last layer reading the sequence must be a recurrent or ssm
 * layer: conv1d and dense layers output one row per timestep, which no target row matches.
 */
export function resolveArch(layers: ArchLayer[], perStep: boolean, encoder = false): ResolvedLayer[] {
  const lastRecurrent = layers.map(hasReturnSequences).lastIndexOf(true);
  const lastReader = layers.map((l) => l.type !== 'dense').lastIndexOf(true);
  // An encoder's outputs feed a decoder, not targets: only the layers' own rule applies (seq2seq.ts checks the rest).
  if (encoder) return layers.map((l, i): ResolvedLayer => (hasReturnSequences(l) ? { ...l, returnSequences: l.returnSequences === true || i < lastReader } : l) as ResolvedLayer);
  if (!perStep && lastReader > lastRecurrent) {
    throw new RnncError('arch/invalid', `--arch: a conv1d layer outputs one row per timestep, but the task has one target per sequence; `
      + `put ${SUMMARY_LAYERS} after layer ${lastReader + 1}, or train with --per-step`);
  }
  if (!perStep && lastRecurrent < 0) {
    throw new RnncError('arch/invalid', `--arch: dense layers output one row per timestep, but the task has one target per sequence; `
      + `add ${SUMMARY_LAYERS}, or train with --per-step`);
  }
  const last = layers[lastRecurrent];
  if (!perStep && last && hasReturnSequences(last) && last.returnSequences === true && lastRecurrent === lastReader) {
    throw new RnncError('arch/invalid', `--arch: layer ${lastRecurrent + 1} (${last.type}:…:seq) returns sequences, so the model outputs one row per timestep, `
      + 'but the task has one target per sequence; drop :seq (or "returnSequences": true), or train with --per-step');
  }
  return layers.map((l, i): ResolvedLayer => {
    if (!hasReturnSequences(l)) return l;
    const returnSequences = l.returnSequences === true || perStep || i < lastReader;
    if (l.type === 'ssm') return { ...l, returnSequences };
    if (returnSequences && l.lastOutput) {
      throw new RnncError('arch/invalid', `--arch: 'last-index' picks one output of a many-to-one layer, but layer ${i + 1} returns sequences `
        + `(${perStep ? '--per-step' : 'a recurrent layer follows it'})`);
    }
    return { ...l, returnSequences };
  });
}

export function archText(layers: ResolvedLayer[]): string {
  return layers.map((l) => {
    if (l.type === 'dense') return `dense:${l.units}:${l.activation}`;
    if (l.type === 'conv1d') return [`conv1d:${l.units}:k=${l.kernelSize}`, ...(l.dilation !== 1 ? [`d=${l.dilation}`] : []), ...(l.lookahead > 0 ? [`a=${l.lookahead}`] : []), l.activation].join(':');
    if (l.type === 'ssm') return [`ssm:${l.units}:n=${l.stateSize}:k=${l.convSize}`, ...(l.dtRank !== undefined ? [`r=${l.dtRank}`] : []), ...(l.returnSequences ? ['seq'] : [])].join(':');
    const opts = [l.bidirectional === 'concat' ? 'bi' : l.bidirectional === 'sum' ? 'bi-sum' : l.reverse ? 'reverse' : '',
      l.lastOutput === 'last-index' ? 'last-index' : '', l.returnSequences ? 'seq' : '', l.type === 'gru' && !l.resetAfter ? 'reset-before' : '',
      l.recurrentActivation && l.recurrentActivation !== 'sigmoid' ? l.recurrentActivation.replace(/_/g, '-') : '',
      l.type === 'rnn' && l.activation === 'relu' ? 'relu' : '', l.scan ? 'scan' : ''].filter(Boolean);
    return [l.type, String(l.units), ...opts].join(':');
  }).join(',');
}

/** Width of the model's output: the last layer's units (doubled by a bidirectional concat). */
export function outputUnits(layers: ResolvedLayer[]): number {
  const last = layers[layers.length - 1]!;
  return isRecurrentSpec(last) && last.bidirectional === 'concat' ? 2 * last.units : last.units;
}
