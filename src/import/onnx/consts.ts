/**
 * Constant folding for the shape arithmetic torch.onnx.export emits around recurrent
 * operators (Shape → Gather → Unsqueeze → Concat → Expand of zeros for initial states)
 * and for weights that arrive through Transpose/Reshape. Row-major, numpy broadcasting.
 */
import { type ConstValue, constant } from './values.js';

export function strides(dims: readonly number[]): number[] {
  const out = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) out[i] = out[i + 1]! * dims[i + 1]!;
  return out;
}

const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * Most values one folded constant may have. Shape arithmetic is a handful of numbers and
 * weights come from the file (already in memory); only a damaged shape asks for more.
 */
export const MAX_FOLDED = 1 << 20;

/** Values of a constant of shape `dims`; undefined when the dims are no sizes or too many. */
export function foldedCount(dims: readonly number[]): number | undefined {
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) return undefined;
  const n = count(dims);
  return n <= MAX_FOLDED ? n : undefined;
}

/** Normalises a possibly negative axis; undefined when out of range. */
export function axisIndex(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}

/** numpy broadcasting of `v` to `dims`; undefined when the shapes are incompatible. */
export function broadcastTo(v: ConstValue, dims: readonly number[]): ConstValue | undefined {
  const rank = dims.length;
  if (v.dims.length > rank) return undefined;
  const src = [...new Array<number>(rank - v.dims.length).fill(1), ...v.dims];
  if (src.some((d, i) => d !== 1 && d !== dims[i])) return undefined;
  const srcStrides = strides(src);
  const outStrides = strides(dims);
  const out = new Float64Array(count(dims));
  for (let k = 0; k < out.length; k++) {
    let s = 0;
    for (let i = 0; i < rank; i++) {
      const idx = Math.floor(k / outStrides[i]!) % dims[i]!;
      if (src[i] !== 1) s += idx * srcStrides[i]!;
    }
    out[k] = v.data[s]!;
  }
  return constant([...dims], out);
}

/** The broadcast shape of two shapes (numpy rules); undefined when incompatible. */
export function broadcastDims(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(Math.max(x, y));
  }
  return out;
}

export function elementwise(a: ConstValue, b: ConstValue, f: (x: number, y: number) => number): ConstValue | undefined {
  const dims = broadcastDims(a.dims, b.dims);
  const x = dims && broadcastTo(a, dims);
  const y = dims && broadcastTo(b, dims);
  if (!dims || !x || !y) return undefined;
  return constant(dims, x.data.map((v, i) => f(v, y.data[i]!)));
}

/** Gather along `axis` with integer indices (negative count from the end). */
export function gatherConst(v: ConstValue, indices: ConstValue, axis: number): ConstValue | undefined {
  const n = v.dims[axis]!;
  const outer = count(v.dims.slice(0, axis));
  const inner = count(v.dims.slice(axis + 1));
  const picks = Array.from(indices.data, (i) => (i < 0 ? i + n : i));
  if (picks.some((i) => i < 0 || i >= n)) return undefined;
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of picks) for (let k = 0; k < inner; k++) out.push(v.data[(o * n + p) * inner + k]!);
  }
  return constant([...v.dims.slice(0, axis), ...indices.dims, ...v.dims.slice(axis + 1)], out);
}

export function concatConst(parts: readonly ConstValue[], axis: number): ConstValue | undefined {
  const first = parts[0]!;
  if (parts.some((p) => p.dims.length !== first.dims.length || p.dims.some((d, i) => i !== axis && d !== first.dims[i]))) return undefined;
  const outer = count(first.dims.slice(0, axis));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const chunk = count(p.dims.slice(axis));
      for (let k = 0; k < chunk; k++) out.push(p.data[o * chunk + k]!);
    }
  }
  const total = parts.reduce((s, p) => s + p.dims[axis]!, 0);
  return constant(first.dims.map((d, i) => (i === axis ? total : d)), out);
}

/** Slice of one axis, [start, end) with step, bounds already clamped. */
export function sliceConst(v: ConstValue, axis: number, start: number, end: number, step: number): ConstValue {
  const n = v.dims[axis]!;
  const outer = count(v.dims.slice(0, axis));
  const inner = count(v.dims.slice(axis + 1));
  const picks: number[] = [];
  for (let i = start; step > 0 ? i < end : i > end; i += step) picks.push(i);
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of picks) for (let k = 0; k < inner; k++) out.push(v.data[(o * n + p) * inner + k]!);
  }
  return constant(v.dims.map((d, i) => (i === axis ? picks.length : d)), out);
}

export function transposeConst(v: ConstValue, perm: readonly number[]): ConstValue {
  const dims = perm.map((p) => v.dims[p]!);
  const inStrides = strides(v.dims);
  const outStrides = strides(dims);
  const out = new Float64Array(v.data.length);
  for (let k = 0; k < out.length; k++) {
    let s = 0;
    for (let i = 0; i < dims.length; i++) s += (Math.floor(k / outStrides[i]!) % dims[i]!) * inStrides[perm[i]!]!;
    out[k] = v.data[s]!;
  }
  return constant(dims, out);
}

/** Clamps ONNX Slice bounds (which may be ±huge or negative) to an axis of length n. */
export function sliceBounds(start: number, end: number, step: number, n: number): [number, number] {
  const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
  const s = start < 0 ? start + n : start;
  const e = end < 0 ? end + n : end;
  return step > 0 ? [clamp(s, 0, n), clamp(e, 0, n)] : [clamp(s, -1, n - 1), clamp(e, -1, n - 1)];
}

/** Target dims of a Reshape: 0 copies the input dim (unless allowzero), −1 is inferred. */
export function reshapeDims(input: readonly number[], target: readonly number[], allowZero: boolean): number[] | undefined {
  const dims = target.map((d, i) => (d === 0 && !allowZero ? input[i]! : d));
  const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const total = count(input);
  const unknown = dims.filter((d) => d === -1).length;
  if (unknown > 1 || (unknown === 0 && known !== total) || (unknown === 1 && (known === 0 || total % known !== 0))) return undefined;
  return dims.map((d) => (d === -1 ? total / known : d));
}
