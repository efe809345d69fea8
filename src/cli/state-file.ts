/**
 * `rnnc run MODEL --input SEQ --state STATE.json`: run from a given initial state. The
 * file is a JSON object; each key names a state and its value gives it:
 *   - a state input of the exported model (the IR's stateInputs, e.g. "h0", "c0"), in the
 *     exporter's shape, such as [layers·directions][batch][hidden]; axes of size 1 (the
 *     batch) may be left out;
 *   - or a field of the C state struct, l<i>_h / l<i>_c (l<i>b_h / l<i>b_c for the
 *     backward direction of a bidirectional layer): one value per unit.
 * States not named keep the model's own initial state. Values are real numbers; with
 * --fixed they are quantized as the C holds them (quantize/state.ts).
 */
import { RnncError } from '../errors.js';
import { type FloatModel, RECURRENT_TYPES, type StateKind, type StateInput, isRecurrent } from '../ir/model.js';
import { type QuantModel, isQRecurrent } from '../ir/qmodel.js';
import { withInitialState } from '../quantize/state.js';
import { readJson } from '../util/fs.js';
import { quote } from '../util/text.js';

/** One state to set: a layer's direction's h or c, one real value per unit. */
export interface StateValue {
  layer: number;
  direction: 'forward' | 'backward';
  state: StateKind;
  values: number[];
}

interface LayerInfo {
  type: string;
  units: number;
  bidirectional: boolean;
}

const bad = (path: string, why: string): never => {
  throw new RnncError('data/invalid', `${path}: ${why}`);
};

/** Deepest nesting a state value may have (an exporter's state is rank 3 or 4). */
const MAX_RANK = 8;

/** A nested array of numbers: its dimensions and values, row-major; `at` names it in messages. */
function tensor(v: unknown, file: string, at: string, depth = 0): { dims: number[]; data: number[] } {
  if (depth > MAX_RANK) bad(file, `${at}: arrays nested deeper than ${MAX_RANK} levels; a state has at most ${MAX_RANK} axes`);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) bad(file, `${at}: expected a finite number, got ${v}`);
    return { dims: [], data: [v] };
  }
  if (!Array.isArray(v)) return bad(file, `${at}: expected a number or an array of numbers, got ${v === null ? 'null' : typeof v === 'string' ? quote(v) : typeof v}`);
  if (v.length === 0) return bad(file, `${at}: expected values, got an empty array`);
  const parts = v.map((x, i) => tensor(x, file, `${at}[${i}]`, depth + 1));
  const inner = parts[0]!.dims;
  parts.forEach((p, i) => {
    if (p.dims.join() !== inner.join()) bad(file, `${at}[${i}]: has shape [${p.dims.join(', ')}], but ${at}[0] has [${inner.join(', ')}]: arrays must be rectangular`);
  });
  return { dims: [v.length, ...inner], data: parts.flatMap((p) => p.data) };
}

const squeeze = (dims: readonly number[]) => dims.filter((d) => d !== 1).join(', ');

/** The C state-field names: l<i>_h, l<i>_c, l<i>b_h, l<i>b_c. */
function fieldTarget(key: string, layers: readonly LayerInfo[]): Omit<StateValue, 'values'> | undefined {
  const m = /^l(\d+)(b?)_([hc])$/.exec(key);
  if (!m) return undefined;
  const layer = Number(m[1]);
  const info = layers[layer];
  // Only recurrent layers have a per-unit h (and c) a file can set: a conv1d's input history and
  // an ssm's E×N state and conv history are not states of this kind.
  if (!info || !isRecurrentType(info.type)) return undefined;
  if (m[2] === 'b' && !info.bidirectional) return undefined;
  if (m[3] === 'c' && info.type !== 'lstm') return undefined;
  return { layer, direction: m[2] === 'b' ? 'backward' : 'forward', state: m[3] as StateKind };
}

function acceptedNames(inputs: readonly StateInput[], layers: readonly LayerInfo[]): string {
  const names = inputs.map((s) => s.name);
  layers.forEach((l, i) => {
    if (!isRecurrentType(l.type)) return;
    for (const d of l.bidirectional ? ['', 'b'] : ['']) for (const s of l.type === 'lstm' ? ['h', 'c'] : ['h']) names.push(`l${i}${d}_${s}`);
  });
  return names.length > 0 ? names.map((n) => quote(n)).join(', ') : 'nothing: this model has no recurrent state a file can set';
}

function isRecurrentType(type: string): boolean {
  return (RECURRENT_TYPES as readonly string[]).includes(type);
}

/** Reads and checks a state file against a model's layers and state inputs. */
export function readStateFile(path: string, layers: readonly LayerInfo[], inputs: readonly StateInput[] = []): StateValue[] {
  const json = readJson(path);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    bad(path, 'expected a JSON object mapping state names to values, e.g. {"h0": [[...]]}');
  }
  const out: StateValue[] = [];
  const seen = new Map<string, string>();
  const add = (s: StateValue, key: string) => {
    const id = `${s.layer} ${s.direction} ${s.state}`;
    const other = seen.get(id);
    if (other !== undefined) bad(path, `${quote(key)} and ${quote(other)} both set layer ${s.layer}'s ${s.direction} ${s.state}; give it once`);
    seen.set(id, key);
    out.push(s);
  };
  const entries = Object.entries(json as Record<string, unknown>);
  if (entries.length === 0) bad(path, `names no state; expected some of ${acceptedNames(inputs, layers)}`);
  for (const [key, value] of entries) {
    const at = quote(key);
    const input = inputs.find((s) => s.name === key);
    const t = tensor(value, path, at);
    if (input) {
      const size = input.shape.reduce((a, b) => a * b, 1);
      if (t.data.length !== size || squeeze(t.dims) !== squeeze(input.shape)) {
        bad(path, `${at}: expected shape [${input.shape.join(', ')}] (axes of size 1 may be left out), got [${t.dims.join(', ')}]`);
      }
      for (const target of input.targets) add({ layer: target.layer, direction: target.direction, state: target.state, values: target.elements.map((e) => t.data[e]!) }, key);
      continue;
    }
    const target = fieldTarget(key, layers);
    if (!target) bad(path, `${at}: is not a state of this model; expected ${acceptedNames(inputs, layers)}`);
    const units = layers[target!.layer]!.units;
    if (t.data.length !== units || squeeze(t.dims) !== squeeze([units])) bad(path, `${at}: expected ${units} values (one per unit), got shape [${t.dims.join(', ')}]`);
    add({ ...target!, values: t.data }, key);
  }
  return out;
}

/** The layers as the state file reader needs them, from either model format. */
export function stateLayers(layers: ReadonlyArray<{ type: string; units: number; bidirectional?: unknown }>): LayerInfo[] {
  return layers.map((l) => ({ type: l.type, units: l.units, bidirectional: l.type !== 'dense' && l.bidirectional !== undefined }));
}

/** The float model starting from the given states (initialH / initialC replaced). */
export function withFloatState(model: FloatModel, states: readonly StateValue[]): FloatModel {
  const layers = model.layers.map((l) => (isRecurrent(l) ? { ...l, weights: { ...l.weights }, ...(l.backwardWeights ? { backwardWeights: { ...l.backwardWeights } } : {}) } : l));
  for (const s of states) {
    const l = layers[s.layer]!;
    if (!isRecurrent(l)) continue;
    const w = s.direction === 'forward' ? l.weights : l.backwardWeights!;
    w[s.state === 'h' ? 'initialH' : 'initialC'] = [...s.values];
  }
  return { ...model, layers };
}

/** The quantized model starting from the given states, and how many values saturated. */
export function withFixedState(q: QuantModel, states: readonly StateValue[]): { model: QuantModel; saturated: number } {
  let saturated = 0;
  const layers = q.layers.map((l) => ({ ...l }));
  for (const s of states) {
    const l = layers[s.layer]!;
    if (!isQRecurrent(l)) continue;
    const key = s.direction === 'forward' ? 'forward' : 'backward';
    const r = withInitialState(l, l[key]!, s.state === 'h' ? { h: s.values } : { c: s.values });
    l[key] = r.dir;
    saturated += r.saturated;
  }
  return { model: { ...q, layers }, saturated };
}
