/**
 * What the ONNX importer knows about each tensor of the graph. Constants (initializers,
 * Constant nodes, shape arithmetic) are folded to numbers. Every other tensor is
 * "symbolic": the role of each axis (time, batch, direction, features) and, for the
 * features, which IR-expressible values they hold (pieces). The IR layer chain is read
 * off the pieces of the graph output at the end (chain.ts).
 */
import type { ConvActivation, DenseActivation, GateActivation, RecurrentType, RecurrentWeights, RnnActivation } from '../../ir/model.js';
import type { InputAffine } from '../fold-affine.js';

export interface ConstValue {
  kind: 'const';
  dims: number[];
  data: Float64Array;
  /** ONNX element type (TensorProto.DataType) when known: weights must be floating point. */
  dtype?: number;
  /**
   * Derived from a state input (state-inputs.ts): `data` holds element ids, not values,
   * moved only by glue operators on their way to an initial_h / initial_c.
   */
  stateIds?: true;
}

/**
 * T: time. B: batch (size > 1). D: direction or layer stack (groups). F: features.
 * '1': any axis of size 1 (a batch of one and a single direction become '1').
 */
export type Axis = 'T' | 'B' | 'D' | 'F' | '1';

/** An ONNX recurrent operator, converted to IR weights per direction. */
export interface RecNode {
  name: string;
  type: RecurrentType;
  direction: 'forward' | 'reverse' | 'bidirectional';
  units: number;
  resetAfter?: boolean;
  /** LSTM, GRU: the gates' activation (activations.ts); absent = sigmoid. */
  recurrentActivation?: GateActivation;
  /** RNN: relu for nn.RNN(nonlinearity='relu'); absent = tanh. */
  activation?: RnnActivation;
  /**
   * initial_h / initial_c, flat [direction][unit]: a nonzero constant's values, or, from
   * state inputs, their element ids (state-inputs.ts).
   */
  initial?: { h?: InitialState; c?: InitialState };
  /** IR layout, one entry per ONNX direction. */
  weights: RecurrentWeights[];
  input: Piece[];
}

export type InitialState = { kind: 'values'; data: Float64Array } | { kind: 'ids'; data: Float64Array };

/** Gemm or MatMul (+ Add) on features, with an optional activation node after it. */
export interface DenseNode {
  name: string;
  units: number;
  kernel: number[][];
  bias: number[];
  activation: DenseActivation;
  input: Piece[];
}

/**
 * Conv (a Conv1d, conv.ts) on a whole sequence, causal or centred by its padding: IR conv1d
 * layout (kernel units × (kernelSize·inputs), taps oldest first), with an optional
 * activation node after it.
 */
export interface ConvNode {
  name: string;
  units: number;
  kernelSize: number;
  dilation: number;
  /** Future inputs each output reads (0: causal). */
  lookahead: number;
  kernel: number[][];
  bias: number[];
  activation: ConvActivation;
  input: Piece[];
}

/**
 * One run of features. For recurrent outputs `time` says which: the output at every
 * step ('seq'), the direction's final state ('final'), or its output at the last time
 * index ('lastStep', which differs from 'final' for a direction that runs backwards).
 */
export type Piece =
  | { kind: 'input'; width: number; time: 'seq' | 'last'; affine?: NodeAffine }
  | { kind: 'rec'; node: RecNode; dir: number; time: 'seq' | 'final' | 'lastStep' }
  | { kind: 'dense'; node: DenseNode; time: 'seq' | 'last' }
  | { kind: 'conv'; node: ConvNode; time: 'seq' | 'last' }
  | { kind: 'sum'; a: Piece; b: Piece };

/** A per-feature affine applied to the model input (an inference-mode BatchNormalization), with its node for messages. */
export interface NodeAffine extends InputAffine {
  node: string;
}

/**
 * Steps on the time axis beyond the sequence: `before` steps precede x_0 and `after`
 * follow x_{T−1}. A Pad's are zeros (a Conv reads them as its padding); a Conv's are
 * outputs computed from padding alone or past the end of the input, which a Slice must
 * drop (conv.ts). Only the operators that know them see such a value.
 */
export interface ExtraSteps {
  before: number;
  after: number;
  zeros: boolean;
  /** The Pad or Conv node that made them, for messages. */
  node: string;
}

export interface SymValue {
  kind: 'sym';
  axes: Axis[];
  sizes: number[];
  /** One list of pieces per index of the D axis (exactly one when there is no D axis). */
  groups: Piece[][];
  /** Steps on the T axis that are not the sequence's (ExtraSteps); absent = none. */
  extra?: ExtraSteps;
}

export type Value = ConstValue | SymValue;

export function pieceWidth(p: Piece): number {
  switch (p.kind) {
    case 'input': return p.width;
    case 'rec': return p.node.units;
    case 'dense': return p.node.units;
    case 'conv': return p.node.units;
    case 'sum': return pieceWidth(p.a);
  }
}

export function groupWidth(g: readonly Piece[]): number {
  return g.reduce((s, p) => s + pieceWidth(p), 0);
}

/** `v` with `extra` steps on its time axis (none when undefined). */
export function withExtra(v: SymValue, extra: ExtraSteps | undefined): SymValue {
  const out: SymValue = { kind: 'sym', axes: v.axes, sizes: v.sizes, groups: v.groups };
  if (extra && (extra.before > 0 || extra.after > 0)) out.extra = extra;
  return out;
}

/** Builds a symbolic value, turning a D axis with one group into a plain size-1 axis. */
export function sym(axes: Axis[], sizes: number[], groups: Piece[][]): SymValue {
  const fixed = axes.map((a, i): Axis => ((a === 'D' && groups.length === 1) || (a === 'B' && sizes[i] === 1) ? '1' : a));
  return { kind: 'sym', axes: fixed, sizes: [...sizes], groups };
}

export function constant(dims: number[], data: Float64Array | number[], dtype?: number): ConstValue {
  const v: ConstValue = { kind: 'const', dims: [...dims], data: Float64Array.from(data) };
  if (dtype !== undefined) v.dtype = dtype;
  return v;
}

/** The pieces at the last time index, for a Gather/Slice that picks timestep −1. */
export function lastStep(p: Piece): Piece {
  switch (p.kind) {
    case 'input': return { ...p, time: 'last' };
    case 'rec': {
      if (p.time !== 'seq') return p;
      const backwards = p.node.direction === 'reverse' || (p.node.direction === 'bidirectional' && p.dir === 1);
      return { ...p, time: backwards ? 'lastStep' : 'final' };
    }
    case 'dense':
      return p.time === 'seq' ? { kind: 'dense', node: { ...p.node, input: p.node.input.map(lastStep) }, time: 'last' } : p;
    // A conv's last output reads a window of its input: the piece stays whole, marked
    // 'last' (the IR's conv1d outputs every step; chain.ts says so).
    case 'conv': return { ...p, time: 'last' };
    case 'sum': return { kind: 'sum', a: lastStep(p.a), b: lastStep(p.b) };
  }
}
