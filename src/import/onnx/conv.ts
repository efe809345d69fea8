/**
 * nn.Conv1d as torch.onnx.export writes it, on [batch, channels, time], made causal the
 * two ways practitioners write it:
 *   (a) F.pad(x, (p, 0)) then Conv1d(padding=0):   Pad(time: p before) → Conv
 *   (b) Conv1d(padding=p) then y[..., :-p]:        Conv(pads p, p) → Slice(time: [0, −p))
 * with p = (k−1)·d, an activation node (Relu, Tanh, Sigmoid) before or after the Slice;
 * or centred, for whole-sequence models: Conv1d(padding=p) with 2p = (k−1)·d, or
 * F.pad(x, (L, R)) with L + R = (k−1)·d ('same' padding).
 * All are the IR's conv1d (ir/model.ts): y_t = act(b + Σ_j W_j x_{t+a−(k−1−j)·d}).
 *
 * The steps a Pad adds and the outputs a Conv computes beyond the sequence travel with the
 * value as ExtraSteps (values.ts): with L steps of padding before the input and R after,
 * output i of the Conv reads inputs i − L … i − L + (k−1)·d. When L ≥ (k−1)·d it is the
 * causal y_{i−o} with o = L − (k−1)·d; else it is y_i of the conv with lookahead
 * a = (k−1)·d − L, and needs R ≥ a (else the Conv has fewer outputs than inputs). The o
 * outputs before and the R − a after y_0 … y_{T−1} must be sliced off before anything
 * else reads the value; what reaches another operator with them is refused (extraProblem).
 */
import type { ConvActivation } from '../../ir/model.js';
import { quote } from '../quote.js';
import { InvalidGraph, Unexpressible } from './layout.js';
import { type ConstValue, type ConvNode, type ExtraSteps, type Piece, type SymValue, groupWidth, sym, withExtra } from './values.js';

const fail = (why: string): never => { throw new Unexpressible(why); };

/** Whether every piece is a value at every step (no last step or final state). */
export function isWholeSequence(p: Piece): boolean {
  return p.kind === 'sum' ? isWholeSequence(p.a) && isWholeSequence(p.b) : p.time === 'seq';
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** Why a value still holding extra steps cannot be read by another operator; one sentence. */
export function extraProblem(e: ExtraSteps): string {
  if (e.zeros) {
    return `the ${plural(e.before + e.after, 'zero')} ${quote(e.node)} pads the sequence with are supported only as a Conv's padding`;
  }
  if (e.after > 0) {
    return `the time axis still holds the last ${plural(e.after, 'output')} of ${quote(e.node)}, computed past the end of the input (more padding than one output per step needs); `
      + `drop them (y[..., :-${e.after}]), or pad (k−1)·d steps in all (on the left only for a causal, streaming convolution)`;
  }
  return `the time axis still holds the first ${plural(e.before, 'output')} of ${quote(e.node)}, computed from its padding alone; drop them (y[..., ${e.before}:])`;
}

/**
 * Pad on a symbolic value: zeros before and after the time axis only (a convolution's
 * padding). `pads` is ONNX's [begin of each axis…, end of each axis…].
 */
export function padSym(node: string, v: SymValue, pads: readonly number[], mode: string, value: number): SymValue {
  const rank = v.axes.length;
  if (pads.length !== 2 * rank) throw new InvalidGraph(`pads has ${pads.length} values for a rank-${rank} input; expected ${2 * rank}`);
  if (pads.some((p) => !Number.isSafeInteger(p))) throw new InvalidGraph('pads are not integers');
  const t = v.axes.indexOf('T');
  pads.forEach((p, i) => {
    if (p !== 0 && i % rank !== t) fail(`pads axis ${i % rank}, which is not the time axis; only the time axis can be padded (a causal convolution's left padding)`);
  });
  if (t < 0) return v;
  const [before, after] = [pads[t]!, pads[t + rank]!];
  if (before < 0 || after < 0) fail('negative pads (cropping the sequence) are not supported');
  if (before === 0 && after === 0) return v;
  if (mode !== 'constant' || value !== 0) fail(`pads with ${mode === 'constant' ? `the value ${value}` : `mode ${quote(mode)}`}; a convolution's padding must be zeros`);
  if (v.extra && !v.extra.zeros) fail(extraProblem(v.extra));
  const sizes = [...v.sizes];
  sizes[t] = sizes[t]! + before + after;
  const extra = { before: (v.extra?.before ?? 0) + before, after: (v.extra?.after ?? 0) + after, zeros: true, node };
  return withExtra(sym([...v.axes], sizes, v.groups), extra);
}

/** Slice [start, end) with step of the time axis of a value holding extra steps: only those may go. */
export function sliceExtra(v: SymValue, axis: number, start: number, end: number, step: number): SymValue {
  const e = v.extra!;
  const n = v.sizes[axis]!;
  const from = e.before;
  const to = n - e.after;
  if (step !== 1) fail(`a Slice with step ${step} of the time axis is not supported`);
  if (start > from || end < to) {
    const cut = Math.max(start - from, 0) + Math.max(to - end, 0);
    fail(`the Slice drops ${plural(Math.min(cut, to - from), 'step')} of the sequence itself, not only the ${plural(e.before + e.after, 'step')} ${quote(e.node)} added; `
      + 'rnnc outputs every step');
  }
  const sizes = [...v.sizes];
  sizes[axis] = end - start;
  return withExtra(sym([...v.axes], sizes, v.groups), { ...e, before: from - start, after: end - to });
}

export interface ConvAttributes {
  /** ONNX pads [begin, end] (NOTSET), absent = [0, 0]. */
  pads?: number[];
  autoPad: string;
  dilations?: number[];
  strides?: number[];
  group: number;
  kernelShape?: number[];
}

/** [begin, end] padding of the time axis, from pads or auto_pad (stride 1). */
function convPads(a: ConvAttributes, span: number): [number, number] {
  if (a.autoPad === 'VALID') return [0, 0];
  if (a.autoPad === 'SAME_UPPER') return [Math.floor(span / 2), span - Math.floor(span / 2)];
  if (a.autoPad === 'SAME_LOWER') return [span - Math.floor(span / 2), Math.floor(span / 2)];
  const pads = a.pads ?? [0, 0];
  if (pads.length !== 2) throw new InvalidGraph(`pads has ${pads.length} values; a 1-D convolution has 2`);
  if (pads.some((p) => !Number.isSafeInteger(p) || p < 0)) throw new InvalidGraph(`pads [${pads.join(', ')}] are not sizes`);
  return [pads[0]!, pads[1]!];
}

/**
 * Conv(X, W, B) with X [batch, channels, time] and W [units, channels, k]: the IR's
 * causal conv1d, with the outputs beyond y_0 … y_{T−1} as extra steps (header).
 */
export function convSym(name: string, x: SymValue, w: ConstValue, b: ConstValue | undefined, a: ConvAttributes): SymValue {
  if (w.dims.length !== 3) return fail(`a ${w.dims.length - 2}-D convolution is not supported; rnnc's conv1d is 1-D over time (nn.Conv1d)`);
  if (x.axes.length !== 3 || x.axes[1] !== 'F' || x.axes[2] !== 'T' || x.axes[0] === 'T' || x.groups.length !== 1) {
    fail('X must be [batch, channels, time], the features of a whole sequence (nn.Conv1d on x.transpose(1, 2))');
  }
  const input = x.groups[0]!;
  if (!input.every(isWholeSequence)) fail('X must be a whole sequence');
  if (x.extra && !x.extra.zeros) fail(extraProblem(x.extra));
  const [units, channels, k] = w.dims as [number, number, number];
  if (w.dims.some((n) => n < 1)) throw new InvalidGraph(`weight is ${w.dims.join('×')}; every size must be at least 1`);
  const width = groupWidth(input);
  if (channels * a.group !== width) fail(`weight is ${w.dims.join('×')}, which does not take ${width} channels`);
  if (a.group !== 1) fail(`groups ${a.group} is not supported; rnnc's conv1d is dense over the channels (groups=1)`);
  if (a.kernelShape && (a.kernelShape.length !== 1 || a.kernelShape[0] !== k)) throw new InvalidGraph(`kernel_shape [${a.kernelShape.join(', ')}] does not match the weight's ${w.dims.join('×')}`);
  const stride = a.strides?.[0] ?? 1;
  if (stride !== 1) fail(`stride ${stride} is not supported; rnnc's conv1d emits one output per input step (stride 1)`);
  const d = a.dilations?.[0] ?? 1;
  if (!Number.isSafeInteger(d) || d < 1) throw new InvalidGraph(`dilation ${d} is not a positive size`);
  const span = (k - 1) * d;
  const [padBefore, padAfter] = convPads(a, span);
  const before = (x.extra?.before ?? 0) + padBefore;
  const after = (x.extra?.after ?? 0) + padAfter;
  // Output i reads inputs i − before … i − before + span (header).
  const lookahead = Math.max(0, span - before);
  const offset = before + lookahead - span;
  if (after < lookahead) {
    fail(`with ${plural(before, 'step')} of padding before the sequence and ${after} after, the convolution gives ${lookahead - after} fewer outputs than input steps; `
      + `rnnc's conv1d gives one per step: pad ${span} steps in all, on the left only for a causal, streaming convolution (F.pad(x, (${span}, 0))), `
      + `or ${Math.floor(span / 2)} before and ${span - Math.floor(span / 2)} after for a centred one (whole sequences only)`);
  }
  // W[o][c][j] → row o, column j·channels + c (taps oldest first).
  const kernel = Array.from({ length: units }, (_, o) => {
    const row = new Array<number>(k * channels);
    for (let j = 0; j < k; j++) for (let c = 0; c < channels; c++) row[j * channels + c] = w.data[(o * channels + c) * k + j]!;
    return row;
  });
  let bias = new Array<number>(units).fill(0);
  if (b) {
    if (b.data.length !== units) fail(`bias has ${b.data.length} values for ${units} output channels`);
    bias = Array.from(b.data);
  }
  const node: ConvNode = { name, units, kernelSize: k, dilation: d, lookahead, kernel, bias, activation: 'linear', input };
  const n = x.sizes[2]! + padBefore + padAfter - span;
  if (n < 1) fail('the convolution has no output step');
  return withExtra(sym([x.axes[0]!, 'F', 'T'], [x.sizes[0]!, units, n], [[{ kind: 'conv', node, time: 'seq' }]]), { before: offset, after: after - lookahead, zeros: false, node: name });
}

/** The one fresh conv piece of `v`, if `v` is a Conv's output. */
export function convOutput(v: SymValue): ConvNode | undefined {
  const p = v.groups.length === 1 && v.groups[0]!.length === 1 ? v.groups[0]![0]! : undefined;
  return p?.kind === 'conv' && p.time === 'seq' ? p.node : undefined;
}

/** An activation node after a Conv, fused into it; elementwise, so its extra steps stay. */
export function activateConv(v: SymValue, activation: string): SymValue {
  const node = convOutput(v)!;
  if (activation === 'softmax') fail('a softmax after a convolution is not supported; rnnc\'s conv1d takes linear, relu, tanh or sigmoid');
  if (node.activation !== 'linear') fail(`${activation} after ${quote(node.name)}'s ${node.activation}: one activation per convolution is supported`);
  const out = sym([...v.axes], [...v.sizes], [[{ kind: 'conv', node: { ...node, activation: activation as ConvActivation }, time: 'seq' }]]);
  return withExtra(out, v.extra);
}
