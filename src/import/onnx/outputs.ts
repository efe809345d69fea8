/**
 * Which graph output is the prediction. torch.onnx.export of a bare nn.LSTM / GRU / RNN
 * (or of a forward() returning `(pred, h_n)`) gives one output per returned tensor: the
 * output sequence y and the final states h_n (, c_n). The final states are a recurrent
 * operator's Y_h / Y_c (outputs 1 and 2), possibly through glue (Squeeze, Slice, a Concat
 * of the layers' states); they are recognised from the graph's structure and dropped, and
 * the one output left is imported. When several are left, the caller names one.
 */
import { RnncError } from '../../errors.js';
import { quote } from '../quote.js';
import type { ModelProto, NodeProto } from './proto.js';

type Graph = NonNullable<ModelProto['graph']>;

/** Operators that only move, pick or rename values: a state through them is still a state. */
const GLUE = new Set(['Identity', 'Squeeze', 'Unsqueeze', 'Slice', 'Gather', 'Reshape', 'Transpose', 'Cast', 'Dropout', 'Flatten']);
const RECURRENT = new Set(['LSTM', 'GRU', 'RNN']);

/** Whether `name` is a recurrent operator's final state (Y_h, Y_c), through glue only. */
function isState(name: string, producer: Map<string, NodeProto>, constants: Set<string>, depth = 0): boolean {
  const node = producer.get(name);
  if (!node || depth > 64) return false;
  const op = node.opType ?? '';
  if (RECURRENT.has(op)) return (node.output ?? []).indexOf(name) >= 1;
  if (GLUE.has(op)) return isState(node.input?.[0] ?? '', producer, constants, depth + 1);
  if (op === 'Concat') {
    // h_n of a stack: the layers' Y_h concatenated along the layer axis.
    const data = (node.input ?? []).filter((i) => i !== '' && !constants.has(i));
    return data.length > 0 && data.every((i) => isState(i, producer, constants, depth + 1));
  }
  return false;
}

function nameList(names: readonly string[]): string {
  return names.map((n) => quote(n)).join(', ');
}

/**
 * The name of the graph output to import: `requested` when given (any graph output),
 * else the only output that is not a recurrent state.
 */
export function chooseOutput(graph: Graph, requested: string | undefined, source: string): string {
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');
  if (requested !== undefined) {
    if (outputs.includes(requested)) return requested;
    throw new RnncError('usage/invalid', `${source}: --model-output ${quote(requested)} is not an output of the graph; its outputs are ${nameList(outputs)}`, source);
  }
  if (outputs.length === 1) return outputs[0]!;
  if (outputs.length === 0) throw new RnncError('import/invalid', `${source}: the graph has no outputs`, source);
  const producer = new Map<string, NodeProto>();
  for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o) producer.set(o, n);
  const constants = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  for (const n of graph.node ?? []) if (n.opType === 'Constant') for (const o of n.output ?? []) constants.add(o);
  const states = outputs.filter((o) => isState(o, producer, constants));
  const candidates = outputs.filter((o) => !states.includes(o));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) {
    throw new RnncError('import/unsupported', `${source}: every graph output (${nameList(outputs)}) is a final recurrent state; `
      + 'choose the one to import with --model-output NAME', source);
  }
  const dropped = states.length > 0 ? ` (${nameList(states)}: final states, dropped)` : '';
  throw new RnncError('usage/invalid', `${source}: the graph has ${candidates.length} outputs that could be the prediction, ${nameList(candidates)}${dropped}; `
    + 'choose one with --model-output NAME', source);
}
