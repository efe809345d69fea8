/**
 * Dense heads as torch.onnx.export writes nn.Linear: Gemm (2-D input, transB=1) or
 * MatMul then Add of the bias (3-D input), optionally followed by an activation node.
 *   y = alpha · A·op(B) + beta · C   →   IR kernel = alpha · op(B)ᵀ (units × in), bias = beta · C
 */
import type { DenseActivation } from '../../ir/model.js';
import { transposed, toRows } from '../tensor.js';
import { Unexpressible } from './layout.js';
import { type ConstValue, type DenseNode, type Piece, type SymValue, groupWidth, sym } from './values.js';

const fail = (why: string): never => { throw new Unexpressible(why); };

/** The features of `v`, which must be its last axis, with directions already merged. */
function features(v: SymValue): Piece[] {
  if (v.axes[v.axes.length - 1] !== 'F') fail('the features are not the last axis');
  if (v.groups.length !== 1) fail('the directions are not merged into the features (Transpose + Reshape first)');
  return v.groups[0]!;
}

function withDense(v: SymValue, node: DenseNode): SymValue {
  const sizes = [...v.sizes];
  sizes[sizes.length - 1] = node.units;
  const time = v.axes.includes('T') ? 'seq' : 'last';
  return sym([...v.axes], sizes, [[{ kind: 'dense', node, time }]]);
}

/** MatMul(features, B) with B: in × out. */
export function matMulHead(name: string, v: SymValue, b: ConstValue): SymValue {
  const input = features(v);
  const width = groupWidth(input);
  if (b.dims.length !== 2 || b.dims[0] !== width) fail(`weight is ${b.dims.join('×')}, expected ${width}×units`);
  const units = b.dims[1]!;
  return withDense(v, { name, units, kernel: transposed(b.data, width, units), bias: new Array<number>(units).fill(0), activation: 'linear', input });
}

export function gemmHead(name: string, v: SymValue, b: ConstValue, c: ConstValue | undefined, transB: boolean, alpha: number, beta: number): SymValue {
  if (v.axes.length !== 2) fail(`Gemm on a rank-${v.axes.length} input`);
  const input = features(v);
  const width = groupWidth(input);
  if (b.dims.length !== 2 || b.dims[transB ? 1 : 0] !== width) fail(`weight is ${b.dims.join('×')}, which does not take ${width} features`);
  const units = b.dims[transB ? 0 : 1]!;
  const kernel = (transB ? toRows(b.data, units, width) : transposed(b.data, width, units)).map((r) => r.map((x) => alpha * x));
  let bias = new Array<number>(units).fill(0);
  if (c) bias = biasVector(c, units).map((x) => beta * x);
  return withDense(v, { name, units, kernel, bias, activation: 'linear', input });
}

/** A bias given as a scalar or a tensor whose only non-1 dimension is the last, of `units`. */
function biasVector(c: ConstValue, units: number): number[] {
  if (c.data.length === 1) return new Array<number>(units).fill(c.data[0]!);
  const ok = c.dims.length > 0 && c.dims[c.dims.length - 1] === units && c.data.length === units;
  if (!ok) fail(`bias is ${c.dims.join('×')}, expected ${units} values`);
  return Array.from(c.data);
}

/** The one fresh (linear, no bias yet or bias) dense node of `v`, for Add / activation folding. */
function lastDense(v: SymValue, what: string): DenseNode {
  const p = v.groups.length === 1 && v.groups[0]!.length === 1 ? v.groups[0]![0]! : undefined;
  if (!p || p.kind !== 'dense' || p.node.activation !== 'linear') return fail(`${what} is only supported right after a MatMul or Gemm`);
  return p.node;
}

/** Add(dense output, constant) folds the constant into the dense bias. */
export function addBias(v: SymValue, c: ConstValue): SymValue {
  const node = lastDense(v, 'adding a constant');
  if (v.axes[v.axes.length - 1] !== 'F') fail('the features are not the last axis');
  const add = biasVector(c, node.units);
  return withDense(v, { ...node, bias: node.bias.map((x, i) => x + add[i]!) });
}

export function activate(v: SymValue, activation: DenseActivation, axis?: number): SymValue {
  const node = lastDense(v, `${activation} as an activation`);
  if (axis !== undefined) {
    const a = axis < 0 ? axis + v.axes.length : axis;
    if (a !== v.axes.length - 1 || v.axes[a] !== 'F') fail('softmax must run over the features (last axis)');
  }
  return withDense(v, { ...node, activation });
}
