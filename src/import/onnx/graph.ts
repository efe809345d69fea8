/**
 * Walking an ONNX graph: the model input becomes a symbolic sequence, initializers
 * become constants, and the nodes the output depends on are evaluated in order (ONNX
 * requires topological order).
 */
import { RnncError } from '../../errors.js';
import { quote } from '../quote.js';
import { InvalidGraph, Unexpressible } from './layout.js';
import { type ModelProto, type NodeProto, attrInt, attrInts, attributes, nodeLabel, tensorValues, toInt } from './proto.js';
import { evaluate } from './ops.js';
import { chooseOutput } from './outputs.js';
import { STATE_ID_BASE, type StateInputSlot, stateIdsValue, stateInputNames, stateInputSlots } from './state-inputs.js';
import { type Axis, type SymValue, type Value, constant, sym } from './values.js';

type Graph = NonNullable<ModelProto['graph']>;

/** Size used for a symbolic (named) dimension: only shape arithmetic sees it. */
const UNKNOWN_BATCH = 1;
const UNKNOWN_TIME = 2;

/**
 * Which axis of a rank-3 input is time: follow Transposes (and an input BatchNormalization)
 * from the input to the first recurrent node, whose X is [time, batch, features] (layout
 * 0) or [batch, time, features], or to the first Pad or Conv, whose X is [batch,
 * channels, time].
 */
function timeAxis(graph: Graph, inputName: string, dims: number[]): number {
  let name = inputName;
  let perm = [0, 1, 2];
  for (let hops = 0; hops < 16; hops++) {
    // Shape nodes only read sizes (for zero initial states); follow the data path.
    const consumers = (graph.node ?? []).filter((n) => n.opType !== 'Shape' && (n.input ?? []).includes(name));
    const next = consumers[0];
    if (consumers.length !== 1 || !next) break;
    if (next.opType === 'Transpose') {
      const p = attrInts(attributes(next), 'perm') ?? [2, 1, 0];
      perm = p.map((i) => perm[i]!);
      name = next.output?.[0] ?? '';
      continue;
    }
    if (['LSTM', 'GRU', 'RNN'].includes(next.opType ?? '') && next.input?.[0] === name) {
      return perm[attrInt(attributes(next), 'layout', 0) === 0 ? 0 : 1]!;
    }
    if ((next.opType === 'Pad' || next.opType === 'Conv') && next.input?.[0] === name) return perm[2]!;
    if (next.opType === 'BatchNormalization' && next.input?.[0] === name) {
      name = next.output?.[0] ?? '';
      continue;
    }
    break;
  }
  // No recurrent node straight after: the axis of size > 1 among the first two, else 0.
  return dims[0] === 1 && dims[1] !== 1 ? 1 : 0;
}

function inputValue(graph: Graph, source: string): { name: string; value: SymValue; features: number } {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const states = stateInputNames(graph);
  const inputs = (graph.input ?? []).filter((i) => !inits.has(i.name) && !states.has(i.name ?? ''));
  if (inputs.length !== 1) {
    const names = inputs.length <= 3 ? inputs.map((i) => quote(i.name ?? '')).join(', ')
      : `${inputs.slice(0, 3).map((i) => quote(i.name ?? '')).join(', ')} and ${inputs.length - 3} more`;
    throw new RnncError('import/unsupported', `${source}: the graph has ${inputs.length} inputs (${names}); rnnc imports models with one input sequence`, source);
  }
  const input = inputs[0]!;
  const shapeDims = input.type?.tensorType?.shape?.dim ?? [];
  if (shapeDims.length !== 3) {
    throw new RnncError('import/unsupported', `${source}: input ${quote(input.name ?? '')} has rank ${shapeDims.length}; expected a rank-3 sequence (time, batch, features in some order)`, source);
  }
  const raw = shapeDims.map((d) => (d.dimValue !== undefined && d.dimValue !== null && toInt(d.dimValue) > 0 ? toInt(d.dimValue) : undefined));
  const features = raw[2];
  if (features === undefined) throw new RnncError('import/invalid', `${source}: input ${quote(input.name ?? '')}: the feature dimension has no fixed size`, source);
  const t = timeAxis(graph, input.name ?? '', raw.map((d) => d ?? 0));
  const axes: Axis[] = [0, 1, 2].map((i) => (i === 2 ? 'F' : i === t ? 'T' : 'B'));
  const sizes = raw.map((d, i) => d ?? (axes[i] === 'T' ? UNKNOWN_TIME : UNKNOWN_BATCH));
  return { name: input.name ?? '', features, value: sym(axes, sizes, [[{ kind: 'input', width: features, time: 'seq' }]]) };
}

/** Nodes the output depends on, in graph order. */
function neededNodes(graph: Graph, output: string): NodeProto[] {
  const producer = new Map<string, NodeProto>();
  for (const n of graph.node ?? []) for (const o of n.output ?? []) producer.set(o, n);
  const needed = new Set<NodeProto>();
  const stack = [output];
  while (stack.length > 0) {
    const n = producer.get(stack.pop()!);
    if (!n || needed.has(n)) continue;
    needed.add(n);
    stack.push(...(n.input ?? []).filter((i) => i !== ''));
  }
  return (graph.node ?? []).filter((n) => needed.has(n));
}

export interface GraphResult {
  output: Value;
  outputName: string;
  features: number;
  /** The graph's state inputs (state-inputs.ts). */
  stateSlots: StateInputSlot[];
}

/** Follows the graph to its output `requestedOutput` (default: the one output that is not a recurrent state, outputs.ts). */
export function runGraph(graph: Graph, opset: number, source: string, requestedOutput?: string): GraphResult {
  const values = new Map<string, Value>();
  for (const t of graph.initializer ?? []) {
    const { dims, data, dtype } = tensorValues(t, source);
    values.set(t.name ?? '', constant(dims, data, dtype));
  }
  const input = inputValue(graph, source);
  values.set(input.name, input.value);
  // A streaming export's state inputs enter as element ids (state-inputs.ts).
  const stateSlots = stateInputSlots(graph);
  const ids = stateSlots.reduce((n, s) => n + s.size, 0);
  if (ids > STATE_ID_BASE) throw new RnncError('import/unsupported', `${source}: the state inputs hold ${ids} values; rnnc maps at most ${STATE_ID_BASE}`, source);
  for (const slot of stateSlots) values.set(slot.name, stateIdsValue(slot));
  const outputName = chooseOutput(graph, requestedOutput, source);
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => { for (const o of n.output ?? []) if (o && !producer.has(o)) producer.set(o, i); });
  for (const node of neededNodes(graph, outputName)) {
    const label = `node ${nodeLabel(node)}`;
    const inputs = (node.input ?? []).map((name) => {
      if (name === '') return undefined;
      const v = values.get(name);
      if (v) return v;
      const from = producer.get(name);
      if (from === undefined) {
        throw new RnncError('import/invalid', `${source}: ${label}: input ${quote(name)} is missing: no initializer, graph input or node output has that name`, source);
      }
      if (from >= nodes.indexOf(node)) {
        throw new RnncError('import/invalid', `${source}: ${label}: input ${quote(name)} comes from node ${nodeLabel(nodes[from]!)}, `
          + 'which does not run before it; ONNX nodes must be in topological order', source);
      }
      throw new RnncError('import/unsupported', `${source}: ${label}: input ${quote(name)} is an output the IR cannot express (e.g. the LSTM cell state Y_c)`, source);
    });
    let results: Value[];
    try {
      results = evaluate({ node, attrs: attributes(node), inputs, opset, source });
    } catch (e) {
      if (e instanceof Unexpressible) throw new RnncError('import/unsupported', `${source}: ${label}: ${e.message}`, source);
      if (e instanceof InvalidGraph) throw new RnncError('import/invalid', `${source}: ${label}: ${e.message}`, source);
      throw e;
    }
    // Glue on a state input's ids gives ids (state-inputs.ts).
    if (inputs.some((v) => v?.kind === 'const' && v.stateIds)) {
      results = results.map((r) => (r.kind === 'const' && !r.stateIds ? { ...r, stateIds: true as const } : r));
    }
    results.forEach((v, i) => { const name = node.output?.[i]; if (name) values.set(name, v); });
  }
  const output = values.get(outputName);
  if (!output && producer.has(outputName)) {
    // Evaluated nodes set every output they can express; the LSTM cell state Y_c is not one.
    throw new RnncError('import/unsupported', `${source}: output ${quote(outputName)} is an output the IR cannot express (e.g. the LSTM cell state Y_c / c_n); `
      + 'import the output sequence or the hidden state', source);
  }
  if (!output) throw new RnncError('import/invalid', `${source}: output ${quote(outputName)} is not produced by any node`, source);
  return { output, outputName, features: input.features, stateSlots };
}
