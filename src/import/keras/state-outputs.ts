/**
 * The outputs of a Keras recurrent layer with return_state: [y, states...], i.e. LSTM
 * [y, h, c], GRU and SimpleRNN [y, h], Bidirectional [y, forward states, backward
 * states]. Tensor 0 is the layer's output; every other tensor is a final state. A
 * functional model exporting the states beside its prediction is imported as the
 * prediction alone: rnnc's C keeps the state in its own struct.
 */
import { RnncError } from '../../errors.js';
import { quote } from '../quote.js';

type Json = Record<string, unknown>;

/** One tensor of a functional model: output `tensor` of layer `layer`. */
export interface TensorRef {
  layer: string;
  tensor: number;
}

const RECURRENT = ['SimpleRNN', 'LSTM', 'GRU'];

/** The recurrent layer's config (the wrapped one for a Bidirectional), if `raw` is one. */
function recurrentConfig(raw: Json | undefined): Json | undefined {
  const config = raw?.config as Json | undefined;
  if (!config) return undefined;
  if (RECURRENT.includes(String(raw!.class_name))) return config;
  const inner = config.layer as Json | undefined;
  if (raw!.class_name === 'Bidirectional' && RECURRENT.includes(String(inner?.class_name))) return inner!.config as Json | undefined;
  return undefined;
}

export function returnsState(raw: Json | undefined): boolean {
  return recurrentConfig(raw)?.return_state === true;
}

/** `raw` with return_state false, once no state of it is used (its config copied, not changed). */
export function withoutState(raw: Json): Json {
  const config = raw.config as Json;
  if (raw.class_name !== 'Bidirectional') return { ...raw, config: { ...config, return_state: false } };
  const inner = config.layer as Json;
  return { ...raw, config: { ...config, layer: { ...inner, config: { ...(inner.config as Json), return_state: false } } } };
}

export function isState(ref: TensorRef, byName: ReadonlyMap<string, Json>): boolean {
  return ref.tensor > 0 && returnsState(byName.get(ref.layer));
}

/**
 * A single-direction layer's final h is its output at the last step: with
 * return_sequences false the same tensor as output 0, so it can stand for it.
 */
function sameAsOutput(ref: TensorRef, byName: ReadonlyMap<string, Json>): boolean {
  const raw = byName.get(ref.layer);
  return ref.tensor === 1 && raw?.class_name !== 'Bidirectional' && recurrentConfig(raw)?.return_sequences !== true;
}

const refName = (r: TensorRef) => (r.tensor === 0 ? r.layer : `${r.layer}[${r.tensor}]`);
const shownRef = (r: TensorRef) => quote(refName(r));
const listed = (refs: readonly TensorRef[]) => refs.slice(0, 4).map(shownRef).join(', ') + (refs.length > 4 ? ` and ${refs.length - 4} more` : '');

/**
 * The one output that is the model's prediction: `choice` (--model-output: a layer name,
 * or `layer[k]` for its k-th output) when given, else the one output that is not a state
 * of a recurrent layer.
 */
export function predictionOutput(refs: readonly TensorRef[], byName: ReadonlyMap<string, Json>, source: string, choice?: string): TensorRef {
  const bad = (message: string) => new RnncError('import/unsupported', `${source}: ${message}`, source);
  let kept = refs.length > 1 ? refs.filter((r) => !isState(r, byName)) : refs;
  if (choice !== undefined) {
    const chosen = refs.find((r) => refName(r) === choice);
    if (!chosen) throw new RnncError('usage/invalid', `--model-output: ${source} has no output ${quote(choice)}; its outputs are ${listed(refs)}`, source);
    kept = [chosen];
  }
  if (kept.length > 1) {
    throw bad(`the model has ${kept.length} outputs that are not recurrent states (${listed(kept)}); choose one with --model-output NAME, `
      + 'or save a model with only the output to compile');
  }
  const out = kept[0] ?? refs[0];
  if (!out) throw bad('the model has no output');
  if (isState(out, byName)) {
    if (sameAsOutput(out, byName)) return { layer: out.layer, tensor: 0 };
    throw bad(`the output ${shownRef(out)} is a final state of a recurrent layer (return_state); rnnc imports the layer's output (tensor 0)`);
  }
  return out;
}
