/**
 * One ONNX node at a time: constants are folded, symbolic tensors follow layout.ts,
 * heads.ts and recurrent.ts. Each handler gets its inputs' values and returns its
 * outputs' values; whatever the IR cannot follow throws Unexpressible.
 */
import {
  axisIndex, broadcastDims, broadcastTo, concatConst, elementwise, gatherConst, reshapeDims, sliceBounds,
  sliceConst, transposeConst,
} from './consts.js';
import { activate, addBias, gemmHead, matMulHead } from './heads.js';
import {
  Unexpressible, addSym, concatSym, gatherSym, reshapeSym, sliceSym, squeezeSym, transposeSym, unsqueezeSym,
} from './layout.js';
import { type AttributeProto, type NodeProto, attrFloat, attrInt, attrInts, attrString, tensorValues } from './proto.js';
import { recurrentNode } from './recurrent.js';
import { type ConstValue, type SymValue, type Value, constant, groupWidth, sym } from './values.js';

const fail = (why: string): never => { throw new Unexpressible(why); };

export interface NodeContext {
  node: NodeProto;
  attrs: Map<string, AttributeProto>;
  /** Input values by position; undefined for an empty (optional) slot. */
  inputs: (Value | undefined)[];
  opset: number;
  source: string;
}

function needConst(v: Value | undefined, what: string): ConstValue {
  if (!v) return fail(`${what} is missing`);
  if (v.kind !== 'const') return fail(`${what} must be a constant (an initializer), but it is computed from the input`);
  return v;
}

function needSym(v: Value | undefined, what: string): SymValue {
  if (!v || v.kind !== 'sym') return fail(`${what} must be computed from the model input`);
  return v;
}

/** Axes from the attribute (older opsets) or from the second input (opset 13+). */
function axesArg(c: NodeContext): number[] | undefined {
  return attrInts(c.attrs, 'axes') ?? (c.inputs[1] ? Array.from(needConst(c.inputs[1], 'axes').data) : undefined);
}

function constantNode(c: NodeContext): Value {
  const a = c.attrs;
  if (a.has('value')) { const t = tensorValues(a.get('value')!.t ?? {}, c.source); return constant(t.dims, t.data); }
  if (a.has('value_float')) return constant([], [attrFloat(a, 'value_float', 0)]);
  if (a.has('value_int')) return constant([], [attrInt(a, 'value_int', 0)]);
  if (a.has('value_floats')) { const v = a.get('value_floats')!.floats ?? []; return constant([v.length], v); }
  if (a.has('value_ints')) { const v = attrInts(a, 'value_ints')!; return constant([v.length], v); }
  return fail('only numeric constants are supported');
}

function squeeze(c: NodeContext): Value {
  const v = c.inputs[0];
  const axes = axesArg(c);
  if (v?.kind === 'sym') return squeezeSym(v, axes);
  const k = needConst(v, 'data');
  const drop = new Set((axes ?? k.dims.flatMap((d, i) => (d === 1 ? [i] : []))).map((x) => axisIndex(x, k.dims.length)));
  return constant(k.dims.filter((_, i) => !drop.has(i)), k.data);
}

function unsqueeze(c: NodeContext): Value {
  const v = c.inputs[0];
  const axes = axesArg(c) ?? fail('axes are missing');
  if (v?.kind === 'sym') return unsqueezeSym(v, axes);
  const k = needConst(v, 'data');
  const rank = k.dims.length + axes.length;
  const at = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  const dims: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) dims.push(at.has(i) ? 1 : k.dims[j++]!);
  return constant(dims, k.data);
}

function reshape(c: NodeContext): Value {
  const v = c.inputs[0];
  const target = Array.from(needConst(c.inputs[1], 'shape').data);
  const allowZero = attrInt(c.attrs, 'allowzero', 0) === 1;
  const input = v?.kind === 'sym' ? v.sizes : needConst(v, 'data').dims;
  const dims = reshapeDims(input, target, allowZero) ?? fail(`cannot reshape ${input.join('×')} to ${target.join('×')}`);
  return v?.kind === 'sym' ? reshapeSym(v, dims) : constant(dims, needConst(v, 'data').data);
}

function gather(c: NodeContext): Value {
  const v = c.inputs[0];
  const idx = needConst(c.inputs[1], 'indices');
  const rank = v?.kind === 'sym' ? v.axes.length : needConst(v, 'data').dims.length;
  const axis = axisIndex(attrInt(c.attrs, 'axis', 0), rank) ?? fail('axis out of range');
  if (v?.kind === 'sym') return gatherSym(v, Array.from(idx.data), idx.dims.length === 0, axis);
  return gatherConst(needConst(v, 'data'), idx, axis) ?? fail('index out of range');
}

function slice(c: NodeContext): Value {
  let v = c.inputs[0] ?? fail('data is missing');
  const fromInputs = c.opset >= 10;
  const arg = (k: number, name: string) => (fromInputs ? (c.inputs[k] ? Array.from(needConst(c.inputs[k], name).data) : undefined) : attrInts(c.attrs, name));
  const starts = arg(1, 'starts') ?? fail('starts are missing');
  const ends = arg(2, 'ends') ?? fail('ends are missing');
  const rank = v.kind === 'sym' ? v.axes.length : v.dims.length;
  const axes = arg(3, 'axes') ?? starts.map((_, i) => i);
  const steps = (fromInputs ? arg(4, 'steps') : undefined) ?? starts.map(() => 1);
  axes.forEach((rawAxis, i) => {
    const axis = axisIndex(rawAxis, rank) ?? fail('axis out of range');
    const n = v.kind === 'sym' ? v.sizes[axis]! : v.dims[axis]!;
    const step = steps[i]!;
    if (step === 0) fail('step 0');
    const [s, e] = sliceBounds(starts[i]!, ends[i]!, step, n);
    v = v.kind === 'sym' ? sliceSym(v, axis, s, e, step) : sliceConst(v, axis, s, e, step);
  });
  return v;
}

function concat(c: NodeContext): Value {
  const parts = c.inputs.map((v) => v ?? fail('an input is missing'));
  const rank = parts[0]!.kind === 'sym' ? parts[0]!.axes.length : parts[0]!.dims.length;
  const axis = axisIndex(attrInt(c.attrs, 'axis', 0), rank) ?? fail('axis out of range');
  if (parts.every((p) => p.kind === 'const')) return concatConst(parts, axis) ?? fail('inputs differ in shape');
  if (parts.every((p) => p.kind === 'sym')) return concatSym(parts, axis);
  return fail('concatenating constants with computed values is not supported');
}

function add(c: NodeContext): Value {
  const [x, y] = c.inputs;
  if (x?.kind === 'const' && y?.kind === 'const') return elementwise(x, y, (a, b) => a + b) ?? fail('shapes do not broadcast');
  if (x?.kind === 'sym' && y?.kind === 'sym') return addSym(x, y);
  if (x?.kind === 'sym') return addBias(x, needConst(y, 'B'));
  return addBias(needSym(y, 'B'), needConst(x, 'A'));
}

function recurrent(c: NodeContext): Value[] {
  const op = c.node.opType!;
  const layout = attrInt(c.attrs, 'layout', 0);
  const x = needSym(c.inputs[0], 'X');
  const timeAxis = layout === 0 ? 0 : 1;
  if (x.axes.length !== 3 || x.axes[timeAxis] !== 'T' || x.axes[2] !== 'F' || x.groups.length !== 1) {
    fail(`X must be ${layout === 0 ? '[time, batch, features]' : '[batch, time, features]'} with directions merged`);
  }
  const input = x.groups[0]!;
  if (input.some((p) => (p.kind === 'rec' || p.kind === 'input' || p.kind === 'dense') && p.time !== 'seq')) {
    fail('X must be a whole sequence');
  }
  for (const [slot, what] of [[5, 'initial_h'], [6, 'initial_c']] as const) {
    const s = c.inputs[slot];
    if (!s || (op !== 'LSTM' && slot === 6)) continue;
    if (s.kind === 'sym') throw new Unexpressible(`${what} comes from a model input; the IR starts every sequence from a zero state`);
    if (s.data.some((v) => v !== 0)) throw new Unexpressible(`${what} is a nonzero constant; the IR starts every sequence from a zero state (and has no initial-state field)`);
  }
  const direction = (attrString(c.attrs, 'direction') ?? 'forward') as 'forward' | 'reverse' | 'bidirectional';
  const hidden = attrInt(c.attrs, 'hidden_size', 0);
  const node = recurrentNode({
    name: c.node.name || c.node.output?.[0] || op, op, direction, hiddenSize: hidden,
    linearBeforeReset: attrInt(c.attrs, 'linear_before_reset', 0) === 1,
    w: needConst(c.inputs[1], 'W'), r: needConst(c.inputs[2], 'R'), b: c.inputs[3] ? needConst(c.inputs[3], 'B') : undefined,
    input, inputWidth: groupWidth(input),
  });
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const batch = x.sizes[layout === 0 ? 1 : 0]!;
  const T = x.sizes[timeAxis]!;
  const seq = Array.from({ length: dirs }, (_, d) => [{ kind: 'rec' as const, node, dir: d, time: 'seq' as const }]);
  const fin = Array.from({ length: dirs }, (_, d) => [{ kind: 'rec' as const, node, dir: d, time: 'final' as const }]);
  const y = layout === 0 ? sym(['T', 'D', 'B', 'F'], [T, dirs, batch, hidden], seq) : sym(['B', 'T', 'D', 'F'], [batch, T, dirs, hidden], seq);
  const yh = layout === 0 ? sym(['D', 'B', 'F'], [dirs, batch, hidden], fin) : sym(['B', 'D', 'F'], [batch, dirs, hidden], fin);
  return [y, yh];
}

/** Evaluates one node; returns its outputs' values in order (fewer when an output is not expressible). */
export function evaluate(c: NodeContext): Value[] {
  const op = c.node.opType ?? '';
  const [x] = c.inputs;
  switch (op) {
    case 'Constant': return [constantNode(c)];
    case 'Identity': case 'Dropout': return [x ?? fail('input is missing')];
    case 'Cast': return [x?.kind === 'const' && [2, 3, 4, 5, 6, 7, 12, 13].includes(attrInt(c.attrs, 'to', 1))
      ? constant(x.dims, x.data.map(Math.trunc)) : x ?? fail('input is missing')];
    case 'Shape': {
      const dims = x?.kind === 'sym' ? x.sizes : needConst(x, 'data').dims;
      const start = attrInt(c.attrs, 'start', 0);
      const end = c.attrs.has('end') ? attrInt(c.attrs, 'end', 0) : dims.length;
      const [s, e] = sliceBounds(start, end, 1, dims.length);
      return [constant([e - s], dims.slice(s, e))];
    }
    case 'ConstantOfShape': {
      const dims = Array.from(needConst(x, 'shape').data);
      const t = c.attrs.get('value')?.t;
      const fill = t ? tensorValues(t, c.source).data[0] ?? 0 : 0;
      return [constant(dims, new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(fill))];
    }
    case 'Expand': {
      const k = needConst(x, 'input');
      const shape = Array.from(needConst(c.inputs[1], 'shape').data);
      const dims = broadcastDims(k.dims, shape) ?? fail('shapes do not broadcast');
      return [broadcastTo(k, dims) ?? fail('shapes do not broadcast')];
    }
    case 'Transpose': {
      const perm = attrInts(c.attrs, 'perm');
      if (x?.kind === 'sym') return [transposeSym(x, perm)];
      const k = needConst(x, 'data');
      return [transposeConst(k, perm ?? k.dims.map((_, i) => k.dims.length - 1 - i))];
    }
    case 'Squeeze': return [squeeze(c)];
    case 'Unsqueeze': return [unsqueeze(c)];
    case 'Reshape': return [reshape(c)];
    case 'Gather': return [gather(c)];
    case 'Slice': return [slice(c)];
    case 'Concat': return [concat(c)];
    case 'Add': return [add(c)];
    case 'MatMul': return [matMulHead(c.node.name || op, needSym(x, 'A'), needConst(c.inputs[1], 'B'))];
    case 'Gemm': return [gemmHead(c.node.name || op, needSym(x, 'A'), needConst(c.inputs[1], 'B'),
      c.inputs[2] ? needConst(c.inputs[2], 'C') : undefined, attrInt(c.attrs, 'transB', 0) === 1,
      attrFloat(c.attrs, 'alpha', 1), attrFloat(c.attrs, 'beta', 1))];
    case 'Relu': return [activate(needSym(x, 'input'), 'relu')];
    case 'Tanh': return [activate(needSym(x, 'input'), 'tanh')];
    case 'Sigmoid': return [activate(needSym(x, 'input'), 'sigmoid')];
    case 'Softmax': return [activate(needSym(x, 'input'), 'softmax', attrInt(c.attrs, 'axis', c.opset >= 13 ? -1 : 1))];
    case 'LSTM': case 'GRU': case 'RNN': return recurrent(c);
    default: return fail(`operator ${op} is not supported`);
  }
}

