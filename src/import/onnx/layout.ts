/**
 * The glue operators on symbolic tensors: Transpose, Squeeze, Unsqueeze, Reshape,
 * Gather, Slice, Concat. Each moves axis roles around; only the moves that keep the
 * value IR-expressible are accepted (e.g. merging direction into features = concat,
 * picking the last timestep). Anything else throws Unexpressible with the reason.
 * Transpose, Squeeze and Unsqueeze keep a value's extra time steps (values.ts ExtraSteps);
 * ops.ts keeps such values from the others.
 */
import { type Axis, type Piece, type SymValue, groupWidth, lastStep, sym, withExtra } from './values.js';

/** A glue operation the IR cannot follow; graph.ts adds the node's name. */
export class Unexpressible extends Error {}

/** A node that breaks the ONNX rules (wrong element type, impossible shape); graph.ts adds the node's name. */
export class InvalidGraph extends Error {}

const fail = (why: string): never => { throw new Unexpressible(why); };

function axisOf(v: SymValue, axis: number): number {
  const a = axis < 0 ? axis + v.axes.length : axis;
  if (a < 0 || a >= v.axes.length) fail(`axis ${axis} is out of range for rank ${v.axes.length}`);
  return a;
}

export function transposeSym(v: SymValue, perm: readonly number[] | undefined): SymValue {
  const p = perm ?? v.axes.map((_, i) => v.axes.length - 1 - i);
  if (p.length !== v.axes.length) fail(`perm has ${p.length} entries for rank ${v.axes.length}`);
  return withExtra(sym(p.map((i) => v.axes[i]!), p.map((i) => v.sizes[i]!), v.groups), v.extra);
}

export function squeezeSym(v: SymValue, axes: readonly number[] | undefined): SymValue {
  const drop = new Set(axes ? axes.map((a) => axisOf(v, a)) : v.axes.flatMap((a, i) => (a === '1' ? [i] : [])));
  for (const i of drop) if (v.axes[i] !== '1') fail(`cannot squeeze axis ${i}: it is ${roleName(v.axes[i]!)} of size ${v.sizes[i]}`);
  const keep = v.axes.map((_, i) => i).filter((i) => !drop.has(i));
  return withExtra(sym(keep.map((i) => v.axes[i]!), keep.map((i) => v.sizes[i]!), v.groups), v.extra);
}

export function unsqueezeSym(v: SymValue, axes: readonly number[]): SymValue {
  const rank = v.axes.length + axes.length;
  const at = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  const out: Axis[] = [];
  const sizes: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) {
    if (at.has(i)) { out.push('1'); sizes.push(1); } else { out.push(v.axes[k]!); sizes.push(v.sizes[k]!); k++; }
  }
  return withExtra(sym(out, sizes, v.groups), v.extra);
}

function roleName(a: Axis): string {
  return { T: 'time', B: 'batch', D: 'direction', F: 'features', 1: 'size 1' }[a];
}

/**
 * Reshape to `dims`: size-1 axes may appear or vanish, and a direction axis directly
 * before the features may merge into them (directions concatenated, as torch does for
 * bidirectional outputs). Every other axis must keep its size and order.
 */
export function reshapeSym(v: SymValue, dims: readonly number[]): SymValue {
  const core = v.axes.map((a, i) => ({ a, size: v.sizes[i]! })).filter((c) => c.a !== '1');
  const axes: Axis[] = [];
  const sizes: number[] = [];
  let groups = v.groups;
  let k = 0;
  for (const d of dims) {
    const c = core[k];
    const next = core[k + 1];
    if (c && c.a === 'D' && next?.a === 'F' && d === c.size * next.size) {
      groups = [groups.flat()];
      axes.push('F'); sizes.push(d); k += 2;
    } else if (c && d === c.size) {
      axes.push(c.a); sizes.push(d); k++;
    } else if (d === 1) {
      axes.push('1'); sizes.push(1);
    } else {
      fail(`reshape to ${dims.join('×')} mixes ${c ? roleName(c.a) : 'nothing'} with other axes`);
    }
  }
  if (k !== core.length) fail(`reshape to ${dims.join('×')} drops the ${roleName(core[k]!.a)} axis`);
  return sym(axes, sizes, groups);
}

/** Picks the last timestep: every piece becomes its value at time index T−1. */
function atLastStep(groups: Piece[][]): Piece[][] {
  return groups.map((g) => g.map(lastStep));
}

/**
 * The pieces covering feature indices `picks`, which must be one contiguous run along
 * piece boundaries (e.g. y[..., :H] and y[..., H:] split a bidirectional output).
 */
function wholePieces(g: readonly Piece[], picks: readonly number[]): Piece[] {
  const start = picks[0]!;
  const end = start + picks.length;
  if (picks.some((p, i) => p !== start + i)) fail('only a contiguous run of features can be selected');
  const out: Piece[] = [];
  let at = 0;
  for (const p of g) {
    const w = groupWidth([p]);
    if (at >= start && at + w <= end) out.push(p);
    else if (at < end && at + w > start) fail(`features ${start}..${end - 1} cut through one layer's output`);
    at += w;
  }
  return out;
}

/** Gather with constant indices along one axis. */
export function gatherSym(v: SymValue, indices: readonly number[], scalar: boolean, axis: number): SymValue {
  const a = axisOf(v, axis);
  const role = v.axes[a]!;
  const n = v.sizes[a]!;
  const picks = indices.map((i) => (i < 0 ? i + n : i));
  if (picks.some((i) => i < 0 || i >= n)) fail(`index out of range for an axis of size ${n}`);
  let groups = v.groups;
  if (role === 'T') {
    if (picks.length !== 1 || picks[0] !== n - 1) fail('only the last timestep (index −1) can be picked from a time axis');
    groups = atLastStep(groups);
  } else if (role === 'D') {
    groups = picks.map((i) => v.groups[i]!);
  } else if (role === 'F' && !scalar) {
    groups = groups.map((g) => wholePieces(g, picks));
  } else if (role !== '1') {
    fail(`gathering from the ${roleName(role)} axis is not supported`);
  }
  const axes = [...v.axes];
  const sizes = [...v.sizes];
  if (scalar) { axes.splice(a, 1); sizes.splice(a, 1); } else { axes[a] = role === 'T' ? '1' : role; sizes[a] = picks.length; }
  return sym(axes, sizes, groups);
}

/** Slice [start, end) with step along one axis, bounds already clamped. */
export function sliceSym(v: SymValue, axis: number, start: number, end: number, step: number): SymValue {
  const a = axisOf(v, axis);
  const n = v.sizes[a]!;
  const picks: number[] = [];
  for (let i = start; step > 0 ? i < end : i > end; i += step) picks.push(i);
  if (picks.length === n && picks.every((p, i) => p === i)) return v;
  return gatherSym(v, picks, false, a);
}

function sameExcept(a: SymValue, b: SymValue, axis: number): boolean {
  return a.axes.length === b.axes.length && a.axes.every((r, i) => i === axis || (r === b.axes[i] && a.sizes[i] === b.sizes[i]));
}

/** Concat along features (pieces appended per group) or along a direction / size-1 axis (groups appended). */
export function concatSym(parts: readonly SymValue[], axis: number): SymValue {
  const first = parts[0]!;
  const a = axisOf(first, axis);
  if (!parts.every((p) => sameExcept(first, p, a))) fail('inputs differ in shape outside the concatenation axis');
  const role = first.axes[a]!;
  const axes = [...first.axes];
  const sizes = [...first.sizes];
  sizes[a] = parts.reduce((s, p) => s + p.sizes[a]!, 0);
  if (role === 'F') {
    if (!parts.every((p) => p.groups.length === first.groups.length)) fail('inputs have different direction counts');
    const groups = first.groups.map((_, g) => parts.flatMap((p) => p.groups[g]!));
    return sym(axes, sizes, groups);
  }
  if (role === 'D' || role === '1') {
    if (!parts.every((p) => p.axes[a] === 'D' || p.axes[a] === '1')) fail('mixes a direction axis with another axis');
    axes[a] = 'D';
    return sym(axes, sizes, parts.flatMap((p) => p.groups));
  }
  return fail(`concatenation along the ${roleName(role)} axis is not supported`);
}

/** Elementwise sum of two symbolic values: Bidirectional merge 'sum' (forward + backward). */
export function addSym(x: SymValue, y: SymValue): SymValue {
  if (!sameExcept(x, y, -1) || x.groups.length !== y.groups.length) fail('the two summands differ in shape');
  const groups = x.groups.map((g, i) => {
    const h = y.groups[i]!;
    if (g.length !== 1 || h.length !== 1 || groupWidth(g) !== groupWidth(h)) fail('only a sum of two whole outputs is supported');
    return [{ kind: 'sum', a: g[0]!, b: h[0]! } satisfies Piece];
  });
  return sym([...x.axes], [...x.sizes], groups);
}
