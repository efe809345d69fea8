/**
 * One ONNX node at a time: constants are folded, symbolic tensors follow layout.ts,
 * heads.ts, conv.ts and recurrent.ts. Each handler gets its inputs' values and returns its
 * outputs' values; whatever the IR cannot follow throws Unexpressible.
 */
import type { DenseActivation } from '../../ir/model.js';
import {
  MAX_FOLDED, axisIndex, broadcastDims, foldedCount, broadcastTo, concatConst, elementwise, gatherConst, reshapeDims, sliceBounds,
  sliceConst, transposeConst,
} from './consts.js';
import { activate, addBias, gemmHead, matMulHead } from './heads.js';
import { quote } from '../quote.js';
import {
  InvalidGraph, Unexpressible, addSym, concatSym, gatherSym, reshapeSym, sliceSym, squeezeSym, transposeSym, unsqueezeSym,
} from './layout.js';
import { type AttributeProto, type NodeProto, attrFloat, attrInt, attrInts, attrString, dataTypeName, onnx, tensorValues } from './proto.js';
import { recurrentActivations } from './activations.js';
import { recurrentNode } from './recurrent.js';
import { batchNormAffine } from '../fold-affine.js';
import { activateConv, convOutput, convSym, extraProblem, isWholeSequence, padSym, sliceExtra } from './conv.js';
import { type ConstValue, type RecNode, type SymValue, type Value, constant, groupWidth, sym } from './values.js';

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

const { DataType } = onnx.TensorProto;
const FLOATING = new Set<number>([DataType.FLOAT, DataType.DOUBLE]);

/**
 * A weight: input `k` of the node, a constant of a floating-point element type (ONNX's
 * operators take weights of the input's type; an integer tensor there is a broken file).
 */
function needWeight(c: NodeContext, k: number, what: string): ConstValue {
  const v = needConst(c.inputs[k], what);
  if (v.dtype !== undefined && !FLOATING.has(v.dtype)) {
    throw new InvalidGraph(`${what} ${quote(c.node.input?.[k] ?? '')} holds ${dataTypeName(v.dtype)} values; weights must be float32 or float64`);
  }
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
  if (a.has('value')) { const t = tensorValues(a.get('value')!.t ?? {}, c.source); return constant(t.dims, t.data, t.dtype); }
  if (a.has('value_float')) return constant([], [attrFloat(a, 'value_float', 0)], DataType.FLOAT);
  if (a.has('value_int')) return constant([], [attrInt(a, 'value_int', 0)], DataType.INT64);
  if (a.has('value_floats')) { const v = a.get('value_floats')!.floats ?? []; return constant([v.length], v, DataType.FLOAT); }
  if (a.has('value_ints')) { const v = attrInts(a, 'value_ints')!; return constant([v.length], v, DataType.INT64); }
  return fail('only numeric constants are supported');
}

/** Axes normalised to [0, rank), each once; ONNX refuses anything else. */
function checkedAxes(axes: readonly number[], rank: number): number[] {
  const out = axes.map((a) => axisIndex(a, rank));
  if (out.some((a) => a === undefined) || new Set(out).size !== out.length) {
    throw new InvalidGraph(`axes [${axes.slice(0, 8).join(', ')}] are not distinct axes of a rank-${rank} tensor`);
  }
  return out as number[];
}

function squeeze(c: NodeContext): Value {
  const v = c.inputs[0];
  const axes = axesArg(c);
  if (v?.kind === 'sym') return squeezeSym(v, axes);
  const k = needConst(v, 'data');
  const drop = new Set(axes ? checkedAxes(axes, k.dims.length) : k.dims.flatMap((d, i) => (d === 1 ? [i] : [])));
  for (const a of drop) if (k.dims[a] !== 1) throw new InvalidGraph(`cannot squeeze axis ${a} of size ${k.dims[a]}`);
  return constant(k.dims.filter((_, i) => !drop.has(i)), k.data);
}

function unsqueeze(c: NodeContext): Value {
  const v = c.inputs[0];
  const axes = axesArg(c) ?? fail('axes are missing');
  const rank = (v?.kind === 'sym' ? v.axes.length : needConst(v, 'data').dims.length) + axes.length;
  checkedAxes(axes, rank);
  if (v?.kind === 'sym') return unsqueezeSym(v, axes);
  const k = needConst(v, 'data');
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
    if (v.kind === 'sym' && v.extra && v.axes[axis] === 'T') v = sliceExtra(v, axis, s, e, step);
    else if (v.kind === 'sym' && v.extra && !(s === 0 && e === n && step === 1)) fail(extraProblem(v.extra));
    else v = v.kind === 'sym' ? sliceSym(v, axis, s, e, step) : sliceConst(v, axis, s, e, step);
  });
  return v;
}

function concat(c: NodeContext): Value {
  const parts = c.inputs.map((v) => v ?? fail('an input is missing'));
  if (parts.length === 0) throw new InvalidGraph('Concat has no inputs');
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
  if (x?.kind === 'sym') return addBias(x, needWeight(c, 1, 'B'));
  return addBias(needSym(y, 'B'), needWeight(c, 0, 'A'));
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
  if (!input.every(isWholeSequence)) fail('X must be a whole sequence');
  const direction = (attrString(c.attrs, 'direction') ?? 'forward') as 'forward' | 'reverse' | 'bidirectional';
  const hidden = attrInt(c.attrs, 'hidden_size', 0);
  const initial = initialStates(c, op, direction === 'bidirectional' ? 2 : 1, hidden);
  const node = recurrentNode({
    name: c.node.name || c.node.output?.[0] || op, op, direction, hiddenSize: hidden,
    linearBeforeReset: attrInt(c.attrs, 'linear_before_reset', 0) === 1,
    w: needWeight(c, 1, 'W'), r: needWeight(c, 2, 'R'), b: c.inputs[3] ? needWeight(c, 3, 'B') : undefined,
    input, inputWidth: groupWidth(input),
  });
  if (initial) node.initial = initial;
  const acts = recurrentActivations(c.node);
  if (op !== 'RNN') node.recurrentActivation = acts.gate;
  else if (acts.rnn === 'relu') node.activation = 'relu';
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const batch = x.sizes[layout === 0 ? 1 : 0]!;
  const T = x.sizes[timeAxis]!;
  const seq = Array.from({ length: dirs }, (_, d) => [{ kind: 'rec' as const, node, dir: d, time: 'seq' as const }]);
  const fin = Array.from({ length: dirs }, (_, d) => [{ kind: 'rec' as const, node, dir: d, time: 'final' as const }]);
  const y = layout === 0 ? sym(['T', 'D', 'B', 'F'], [T, dirs, batch, hidden], seq) : sym(['B', 'T', 'D', 'F'], [batch, T, dirs, hidden], seq);
  const yh = layout === 0 ? sym(['D', 'B', 'F'], [dirs, batch, hidden], fin) : sym(['B', 'D', 'F'], [batch, dirs, hidden], fin);
  return [y, yh];
}

/**
 * initial_h / initial_c (LSTM), shaped [directions, batch, hidden] (layout 1: [batch,
 * directions, hidden]) with a batch of one, so flat [direction][unit] either way: a
 * constant (kept when nonzero), or the ids of a state input's elements (state-inputs.ts).
 * A state computed from the model input has no IR form.
 */
function initialStates(c: NodeContext, op: string, dirs: number, hidden: number): RecNode['initial'] {
  const out: NonNullable<RecNode['initial']> = {};
  for (const [slot, what, key] of [[5, 'initial_h', 'h'], [6, 'initial_c', 'c']] as const) {
    const s = c.inputs[slot];
    if (!s || (op !== 'LSTM' && slot === 6)) continue;
    if (s.kind === 'sym') throw new Unexpressible(`${what} is computed from the model input; rnnc models start from a state of their own (zeros, a constant, or a state input)`);
    if (s.data.length !== dirs * hidden) fail(`${what} has shape [${s.dims.join(', ')}]; expected ${dirs}×1×${hidden} (directions, batch of one, hidden size)`);
    if (s.stateIds) out[key] = { kind: 'ids', data: s.data };
    else if (s.data.some((v) => v !== 0)) out[key] = { kind: 'values', data: s.data };
  }
  return out.h || out.c ? out : undefined;
}

/**
 * BatchNormalization in inference mode on the model input, channels on axis 1 (torch's
 * BatchNorm1d on [batch, features, time]):
 *   y = γ·(x − μ)/√(σ² + ε) + β,  ε from the attribute (ONNX default 1e-5).
 * Kept as an affine on the input piece; import.ts folds it into the input normalisation
 * (../fold-affine.ts). Anywhere else it is refused: rnnc has no normalisation layer.
 */
function batchNorm(c: NodeContext): Value {
  if (attrInt(c.attrs, 'training_mode', 0) !== 0) fail('training_mode 1 (batch statistics) is not supported; export the model in eval() mode');
  if ((c.node.output ?? []).filter(Boolean).length > 1) fail('running mean/variance outputs (training mode) are not supported; export the model in eval() mode');
  const x = needSym(c.inputs[0], 'X');
  const p = x.groups.length === 1 && x.groups[0]!.length === 1 ? x.groups[0]![0]! : undefined;
  if (p?.kind !== 'input' || p.time !== 'seq' || p.affine) {
    return fail('a BatchNormalization is supported only on the model input, where it folds into the input normalisation; '
      + 'fold it into the neighbouring layer\'s weights before export, or remove it');
  }
  if (x.axes[1] !== 'F') fail(`normalises axis 1, which here is ${x.axes[1] === 'T' ? 'time' : 'not the features'}; BatchNorm1d must see [batch, features, time]`);
  const n = p.width;
  const vec = (k: number, what: string) => {
    const v = needWeight(c, k, what);
    if (v.data.length !== n) fail(`${what} has ${v.data.length} values for ${n} features`);
    return Array.from(v.data);
  };
  const affine = batchNormAffine(vec(1, 'scale'), vec(2, 'B'), vec(3, 'input_mean'), vec(4, 'input_var'), attrFloat(c.attrs, 'epsilon', 1e-5));
  const node = c.node.name || c.node.output?.[0] || 'BatchNormalization';
  return sym([...x.axes], [...x.sizes], [[{ ...p, affine: { ...affine, node } }]]);
}

/** Pad: zeros on the time axis, a convolution's padding (conv.ts). Pads from the attribute before opset 11, else from input 1. */
function pad(c: NodeContext): Value {
  const mode = attrString(c.attrs, 'mode') ?? 'constant';
  const pads = c.opset >= 11 ? Array.from(needConst(c.inputs[1], 'pads').data) : attrInts(c.attrs, 'pads') ?? fail('pads are missing');
  const value = c.opset >= 11 ? (c.inputs[2] ? needConst(c.inputs[2], 'constant_value').data[0] ?? 0 : 0) : attrFloat(c.attrs, 'value', 0);
  const x = c.inputs[0];
  if (x?.kind !== 'sym') return fail('only the model\'s sequence can be padded (a convolution\'s padding)');
  return padSym(c.node.name || c.node.output?.[0] || 'Pad', x, pads, mode, value);
}

function conv(c: NodeContext): Value {
  const a = c.attrs;
  const attrs = {
    autoPad: attrString(a, 'auto_pad') ?? 'NOTSET', group: attrInt(a, 'group', 1),
    ...(a.has('pads') ? { pads: attrInts(a, 'pads')! } : {}),
    ...(a.has('dilations') ? { dilations: attrInts(a, 'dilations')! } : {}),
    ...(a.has('strides') ? { strides: attrInts(a, 'strides')! } : {}),
    ...(a.has('kernel_shape') ? { kernelShape: attrInts(a, 'kernel_shape')! } : {}),
  };
  return convSym(c.node.name || c.node.output?.[0] || 'Conv', needSym(c.inputs[0], 'X'), needWeight(c, 1, 'W'),
    c.inputs[2] ? needWeight(c, 2, 'B') : undefined, attrs);
}

/** An activation node: fused into the Conv or the dense node before it. */
function activation(c: NodeContext, act: DenseActivation, axis?: number): Value {
  const v = needSym(c.inputs[0], 'input');
  if (convOutput(v)) return activateConv(v, act);
  if (v.extra) fail(extraProblem(v.extra));
  return activate(v, act, axis);
}

/**
 * Operators that keep or read a value's extra time steps (values.ts ExtraSteps): glue
 * that keeps the time axis, the Slice that drops them, Pad and Conv, activations after a
 * Conv, and Shape, which reads the sizes the tensor has.
 */
const EXTRA_STEPS_OPS = new Set([
  'Identity', 'Dropout', 'Cast', 'Shape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Slice', 'Pad', 'Conv', 'Relu', 'Tanh', 'Sigmoid', 'Softmax',
]);

/** Integer element types a Cast to which truncates. */
const INTEGER_TYPES = new Set<number>([
  DataType.UINT8, DataType.INT8, DataType.UINT16, DataType.INT16, DataType.INT32, DataType.INT64, DataType.UINT32, DataType.UINT64,
]);

/** A shape given as data (ConstantOfShape, Expand): sizes, and not more elements than rnnc folds. */
function shapeArg(v: ConstValue, what: string): number[] {
  const dims = Array.from(v.data);
  if (v.dims.length > 1 || dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new InvalidGraph(`${what} [${dims.slice(0, 8).join(', ')}] is not a list of sizes`);
  if (foldedCount(dims) === undefined) fail(`a constant of shape ${dims.join('×')} is more than rnnc folds (${MAX_FOLDED} values)`);
  return dims;
}

/** Evaluates one node; returns its outputs' values in order (fewer when an output is not expressible). */
export function evaluate(c: NodeContext): Value[] {
  const results = evaluateOp(c);
  // Glue on constants keeps its data's element type (a transposed weight is still a weight).
  const [x] = c.inputs;
  if (x?.kind === 'const' && x.dtype !== undefined) {
    for (const r of results) if (r.kind === 'const' && r.dtype === undefined) r.dtype = x.dtype;
  }
  return results;
}

function evaluateOp(c: NodeContext): Value[] {
  const op = c.node.opType ?? '';
  const [x] = c.inputs;
  if (!EXTRA_STEPS_OPS.has(op)) {
    for (const v of c.inputs) if (v?.kind === 'sym' && v.extra) fail(extraProblem(v.extra));
  }
  switch (op) {
    case 'Constant': return [constantNode(c)];
    case 'Identity': case 'Dropout': return [x ?? fail('input is missing')];
    case 'Cast': {
      const to = attrInt(c.attrs, 'to', DataType.FLOAT);
      if (x?.kind !== 'const') return [x ?? fail('input is missing')];
      return [constant(x.dims, INTEGER_TYPES.has(to) ? x.data.map(Math.trunc) : x.data, to)];
    }
    case 'Shape': {
      const dims = x?.kind === 'sym' ? x.sizes : needConst(x, 'data').dims;
      const start = attrInt(c.attrs, 'start', 0);
      const end = c.attrs.has('end') ? attrInt(c.attrs, 'end', 0) : dims.length;
      const [s, e] = sliceBounds(start, end, 1, dims.length);
      return [constant([Math.max(e - s, 0)], dims.slice(s, e), DataType.INT64)];
    }
    case 'ConstantOfShape': {
      const dims = shapeArg(needConst(x, 'shape'), 'shape');
      const t = c.attrs.get('value')?.t;
      const value = t ? tensorValues(t, c.source) : undefined;
      return [constant(dims, new Array<number>(foldedCount(dims)!).fill(value?.data[0] ?? 0), value?.dtype ?? DataType.FLOAT)];
    }
    case 'Expand': {
      const k = needConst(x, 'input');
      const shape = shapeArg(needConst(c.inputs[1], 'shape'), 'shape');
      const dims = broadcastDims(k.dims, shape) ?? fail('shapes do not broadcast');
      if (foldedCount(dims) === undefined) fail(`a constant of shape ${dims.join('×')} is more than rnnc folds (${MAX_FOLDED} values)`);
      return [broadcastTo(k, dims) ?? fail('shapes do not broadcast')];
    }
    case 'Transpose': {
      const perm = attrInts(c.attrs, 'perm');
      const rank = x?.kind === 'sym' ? x.axes.length : needConst(x, 'data').dims.length;
      if (perm && (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i))) {
        throw new InvalidGraph(`perm [${perm.slice(0, 8).join(', ')}] is not a permutation of the ${rank} axes`);
      }
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
    case 'MatMul': return [matMulHead(c.node.name || op, needSym(x, 'A'), needWeight(c, 1, 'B'))];
    case 'Gemm': return [gemmHead(c.node.name || op, needSym(x, 'A'), needWeight(c, 1, 'B'),
      c.inputs[2] ? needWeight(c, 2, 'C') : undefined, attrInt(c.attrs, 'transB', 0) === 1,
      attrFloat(c.attrs, 'alpha', 1), attrFloat(c.attrs, 'beta', 1))];
    case 'Relu': return [activation(c, 'relu')];
    case 'Tanh': return [activation(c, 'tanh')];
    case 'Sigmoid': return [activation(c, 'sigmoid')];
    case 'Softmax': return [activation(c, 'softmax', attrInt(c.attrs, 'axis', c.opset >= 13 ? -1 : 1))];
    case 'LSTM': case 'GRU': case 'RNN': return recurrent(c);
    case 'BatchNormalization': return [batchNorm(c)];
    case 'Pad': return [pad(c)];
    case 'Conv': return [conv(c)];
    default: return fail(`operator ${quote(op)} is not supported`);
  }
}

