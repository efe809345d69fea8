/**
 * State inputs of a streaming export: `forward(x, h) -> (y, h_new)` (LSTM: `(x, (h, c))`)
 * exported with the state as graph inputs, typically with T = 1 for step-by-step
 * inference. rnnc's C carries the recurrent state itself (NAME_reset zeroes it, NAME_step
 * updates it), so such an input is the zero state: it is replaced by zeros and the model
 * imports as the streaming model it is. The matching state outputs are dropped (outputs.ts).
 */
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

/** The zero state standing for a state input: its declared shape, a dynamic size (batch) taken as 1. */
export function zeroState(graph: Graph, name: string): ConstValue {
  const input = (graph.input ?? []).find((i) => i.name === name);
  const dims = (input?.type?.tensorType?.shape?.dim ?? []).map((d) => {
    const v = d.dimValue !== undefined && d.dimValue !== null ? toInt(d.dimValue) : 0;
    return v > 0 ? v : 1;
  });
  return constant(dims, new Float64Array(dims.reduce((a, b) => a * b, 1)));
}
