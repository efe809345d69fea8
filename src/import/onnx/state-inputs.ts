/**
 * State inputs of a streaming export: `forward(x, h) -> (y, h_new)` (LSTM: `(x, (h, c))`)
 * exported with the state as graph inputs, typically with T = 1 for step-by-step
 * inference. rnnc's C carries the recurrent state itself (NAME_reset sets it, NAME_step
 * updates it), so such an input leaves the model: the model starts from the zero state,
 * and the IR's `stateInputs` records which layer state each element of the input sets,
 * for `rnnc run --state`. The matching state outputs are dropped (outputs.ts).
 *
 * To find where the elements go, each state input enters the graph holding element ids
 * instead of values: STATE_ID_BASE + k for its k-th element (numbered across all state
 * inputs). Only glue operators lie between a state input and a recurrent op (checked
 * here), and they move values without changing them, so the recurrent op reads at its
 * initial_h / initial_c exactly the ids of the elements that reach each unit. The base
 * keeps ids exact in float32 (below 2^24), and apart from any value a trained initial
 * state has (the IR refuses |values| beyond 1e6).
 */
import type { StateInput } from '../../ir/model.js';
import { quote } from '../quote.js';
import type { ChainEntry } from './chain.js';
import { Unexpressible } from './layout.js';
import type { ModelProto } from './proto.js';
import { toInt } from './proto.js';
import { type ConstValue, constant } from './values.js';

type Graph = NonNullable<ModelProto['graph']>;

const RECURRENT = new Set(['LSTM', 'GRU', 'RNN']);
/** Ops torch puts between a state input and the recurrent op (per-layer slices, reshapes). */
const GLUE = new Set(['Identity', 'Squeeze', 'Unsqueeze', 'Slice', 'Gather', 'Reshape', 'Transpose', 'Cast', 'Split', 'Expand']);
/** LSTM/GRU/RNN input slots: 5 initial_h, 6 initial_c. */
const STATE_SLOTS = new Set([5, 6]);

/**
 * The graph inputs (not initializers) whose every use ends, through glue, at an
 * initial_h / initial_c of a recurrent op.
 */
export function stateInputNames(graph: Graph): Set<string> {
  const uses = new Map<string, Array<{ op: string; slot: number; outputs: string[] }>>();
  for (const n of graph.node ?? []) {
    (n.input ?? []).forEach((name, slot) => {
      if (!name) return;
      const list = uses.get(name) ?? [];
      list.push({ op: n.opType ?? '', slot, outputs: (n.output ?? []).filter(Boolean) });
      uses.set(name, list);
    });
  }
  const feedsOnlyState = (name: string, depth: number): boolean => {
    const list = uses.get(name) ?? [];
    if (list.length === 0 || depth > 16) return false;
    return list.every((u) => (RECURRENT.has(u.op) && STATE_SLOTS.has(u.slot))
      || (GLUE.has(u.op) && u.slot === 0 && u.outputs.length > 0 && u.outputs.every((o) => feedsOnlyState(o, depth + 1))));
  };
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  return new Set((graph.input ?? []).map((i) => i.name ?? '').filter((name) => name && !inits.has(name) && feedsOnlyState(name, 0)));
}

/** Ids start here (2^23): exact in float32 up to 2^24, so 2^23 elements in all. */
export const STATE_ID_BASE = 2 ** 23;

export interface StateInputSlot {
  name: string;
  /** Declared shape, a dynamic size (batch) taken as 1. */
  shape: number[];
  /** Id of its first element, minus STATE_ID_BASE. */
  offset: number;
  size: number;
}

/** The state inputs in graph order, with their shapes and id ranges. */
export function stateInputSlots(graph: Graph): StateInputSlot[] {
  const names = stateInputNames(graph);
  let offset = 0;
  const out: StateInputSlot[] = [];
  for (const input of graph.input ?? []) {
    if (!names.has(input.name ?? '')) continue;
    const shape = (input.type?.tensorType?.shape?.dim ?? []).map((d) => {
      const v = d.dimValue !== undefined && d.dimValue !== null ? toInt(d.dimValue) : 0;
      return v > 0 ? v : 1;
    });
    const size = shape.reduce((a, b) => a * b, 1);
    out.push({ name: input.name ?? '', shape, offset, size });
    offset += size;
  }
  return out;
}

/** The value a state input enters the graph with: its element ids (header). */
export function stateIdsValue(slot: StateInputSlot): ConstValue {
  const v = constant(slot.shape, Float64Array.from({ length: slot.size }, (_, k) => STATE_ID_BASE + slot.offset + k));
  v.stateIds = true;
  return v;
}

/**
 * The IR's `stateInputs`: for each state input, the layer states its ids reached (flat
 * [direction][unit] at each recurrent node, chain.ts). A state whose units come from
 * several inputs, or partly from constants, has no such form and is refused.
 */
export function stateInputsOf(entries: readonly ChainEntry[], slots: readonly StateInputSlot[]): StateInput[] | undefined {
  if (slots.length === 0) return undefined;
  const targets = slots.map((): StateInput['targets'] => []);
  entries.forEach(({ node, directions }, layer) => {
    if (!node?.initial || !directions) return;
    for (const state of ['h', 'c'] as const) {
      const init = node.initial[state];
      if (init?.kind !== 'ids') continue;
      directions.forEach((direction, k) => {
        const ids = Array.from(init.data.subarray(k * node.units, (k + 1) * node.units), (v) => v - STATE_ID_BASE);
        const i = slots.findIndex((s) => ids[0]! >= s.offset && ids[0]! < s.offset + s.size);
        const slot = slots[i];
        if (!slot || ids.some((id) => !Number.isInteger(id) || id < slot.offset || id >= slot.offset + slot.size)) {
          throw new Unexpressible(`${quote(node.name)}: its initial ${state} mixes several state inputs or constants; `
            + 'give each layer\'s state from one input (e.g. h0[layer]) in forward()');
        }
        targets[i]!.push({ layer, direction, state, elements: ids.map((id) => id - slot.offset) });
      });
    }
  });
  return slots.map((s, i) => ({ name: s.name, shape: s.shape, targets: targets[i]! }));
}
