/**
 * Reads the IR layer chain off the pieces of the graph output. A dense node becomes a dense
 * layer and a causal Conv a conv1d layer (conv.ts). A recurrent node becomes
 * one IR layer when its output is used whole: both directions concatenated (forward
 * first) or summed, at every step (returnSequences) or as final states (Keras
 * semantics: forward's last, backward's state after t = 0, which is ONNX Y_h), or at the
 * last time index Y[T−1] (torch out[:, -1]: forward's last, backward's first step), which
 * is lastOutput "last-index".
 *
 * A 'reverse' ONNX node becomes a layer with `reverse: true` (Y and Y_h exactly, at the
 * MACs of one direction). Its Y[T−1] alone, the direction's first step, has no such form:
 * it becomes a bidirectional 'sum' layer with lastOutput "last-index" whose forward
 * direction has all-zero weights: that direction's h stays exactly 0 for every cell (RNN:
 * tanh(0); LSTM: g = tanh(0) = 0 so c = 0 and h = 0; GRU: n = tanh(0) = 0 so h' = z⊙h = 0),
 * so the sum is the reverse direction alone.
 */
import { type Layer, type RecurrentWeights, isRecurrent } from '../../ir/model.js';
import { gateCount } from '../../ir/kinds.js';
import { quote } from '../quote.js';
import { Unexpressible } from './layout.js';
import { extraProblem } from './conv.js';
import type { ConvNode, DenseNode, NodeAffine, Piece, RecNode, SymValue } from './values.js';

const fail = (why: string): never => { throw new Unexpressible(why); };

function zeroWeights(w: RecurrentWeights): RecurrentWeights {
  const zeros = (m: number[][]) => m.map((r) => r.map(() => 0));
  const out: RecurrentWeights = { kernel: zeros(w.kernel), bias: w.bias.map(() => 0) };
  if (w.recurrentKernel) out.recurrentKernel = zeros(w.recurrentKernel);
  if (w.recurrentBias) out.recurrentBias = w.recurrentBias.map(() => 0);
  return out;
}

function describe(p: Piece): string {
  switch (p.kind) {
    case 'input': return 'the model input';
    case 'rec': return `${quote(p.node.name)} ${p.node.direction === 'bidirectional' ? (p.dir === 0 ? 'forward' : 'backward') : p.node.direction}`;
    case 'dense': case 'conv': return `${quote(p.node.name)}`;
    case 'sum': return `${describe(p.a)} + ${describe(p.b)}`;
  }
}

/** A layer of the chain and the recurrent node it came from, with the IR direction of each node direction. */
export interface ChainEntry {
  layer: Layer;
  node?: RecNode;
  directions?: Array<'forward' | 'backward'>;
}

/** Which IR direction each ONNX direction of `node` becomes (a reverse node read at Y[T−1]: the backward one). */
function directionsOf(node: RecNode, lastIndex: boolean): Array<'forward' | 'backward'> {
  if (node.direction === 'bidirectional') return ['forward', 'backward'];
  return node.direction === 'reverse' && lastIndex ? ['backward'] : ['forward'];
}

/** Nonzero constant initial states into the directions' weights (initialH / initialC). */
function withInitialValues(layer: Layer, node: RecNode, directions: ReadonlyArray<'forward' | 'backward'>): Layer {
  if (!isRecurrent(layer)) return layer;
  const out = { ...layer };
  directions.forEach((d, k) => {
    const key = d === 'forward' ? 'weights' : 'backwardWeights';
    const w = { ...out[key]! };
    for (const [state, field] of [['h', 'initialH'], ['c', 'initialC']] as const) {
      const init = node.initial?.[state];
      if (init?.kind !== 'values') continue;
      const values = Array.from(init.data.subarray(k * node.units, (k + 1) * node.units));
      if (values.some((v) => v !== 0)) w[field] = values;
    }
    out[key] = w;
  });
  return out;
}

function recurrentLayer(node: RecNode, time: 'seq' | 'final', merge: 'concat' | 'sum' | undefined, lastIndex: boolean): ChainEntry {
  const base = { units: node.units, returnSequences: time === 'seq', ...(lastIndex ? { lastOutput: 'last-index' as const } : {}) };
  let extra: Partial<Layer>;
  if (node.direction === 'forward') extra = { weights: node.weights[0]! };
  else if (node.direction === 'reverse' && !lastIndex) extra = { weights: node.weights[0]!, reverse: true };
  else if (node.direction === 'reverse') {
    extra = { weights: zeroWeights(node.weights[0]!), bidirectional: 'sum', backwardWeights: node.weights[0]! };
  } else extra = { weights: node.weights[0]!, bidirectional: merge!, backwardWeights: node.weights[1]! };
  const layer = { type: node.type, ...base, ...extra } as Layer;
  if (layer.type === 'gru') layer.resetAfter = node.resetAfter ?? false;
  if ((layer.type === 'lstm' || layer.type === 'gru') && node.recurrentActivation) layer.recurrentActivation = node.recurrentActivation;
  if (layer.type === 'rnn' && node.activation) layer.activation = node.activation;
  const directions = directionsOf(node, lastIndex);
  return { layer: withInitialValues(layer, node, directions), node, directions };
}

function denseLayer(node: DenseNode): Layer {
  return { type: 'dense', units: node.units, activation: node.activation, weights: { kernel: node.kernel, bias: node.bias } };
}

/** A Conv: the IR's conv1d (dilation 1 and lookahead 0 left out, as the IR reads their absence). */
function convLayer(node: ConvNode): Layer {
  return {
    type: 'conv1d', units: node.units, kernelSize: node.kernelSize, ...(node.dilation !== 1 ? { dilation: node.dilation } : {}),
    ...(node.lookahead > 0 ? { lookahead: node.lookahead } : {}),
    activation: node.activation, weights: { kernel: node.kernel, bias: node.bias },
  };
}

function isRec(p: Piece | undefined, node: RecNode, dir: number): p is Extract<Piece, { kind: 'rec' }> {
  return p?.kind === 'rec' && p.node === node && p.dir === dir;
}

/** The IR layers that compute `pieces` (features concatenated) from the model input. */
export function resolveChain(pieces: readonly Piece[]): ChainEntry[] {
  const first = pieces[0];
  if (!first) return fail('the output has no features');
  if (first.kind === 'input') {
    if (pieces.length !== 1 || first.time !== 'seq') fail('the output uses the model input directly');
    return [];
  }
  if (first.kind === 'dense') {
    if (pieces.length !== 1) fail(`the output mixes ${pieces.map(describe).join(' and ')}`);
    if (first.time === 'last' && first.node.input.some((p) => p.kind === 'input')) fail('a dense layer on the last input timestep is not expressible');
    return [...resolveChain(first.node.input), { layer: denseLayer(first.node) }];
  }
  if (first.kind === 'conv') {
    if (pieces.length !== 1) fail(`the output mixes ${pieces.map(describe).join(' and ')}`);
    if (first.time !== 'seq') {
      fail(`${describe(first)}: the last step of a convolution's output is not expressible; rnnc's conv1d outputs every step, so read the last step of a recurrent layer after it`);
    }
    return [...resolveChain(first.node.input), { layer: convLayer(first.node) }];
  }
  let node: RecNode;
  let merge: 'concat' | 'sum' | undefined;
  let time: string;
  // The backward-running direction's time: 'lastStep' (its first step) where the forward
  // direction's is 'final' is the last-index output, Y[T−1] (values.ts lastStep).
  let backTime: string;
  if (first.kind === 'sum') {
    if (pieces.length !== 1 || first.a.kind !== 'rec' || !isRec(first.b, first.a.node, 1) || first.a.dir !== 0) {
      return fail(`only forward + backward of one bidirectional node can be summed, got ${describe(first)}`);
    }
    node = first.a.node; merge = 'sum'; time = first.a.time; backTime = first.b.time;
  } else {
    node = first.node; time = first.time; backTime = time;
    if (node.direction === 'bidirectional') {
      if (pieces.length !== 2 || !isRec(first, node, 0) || !isRec(pieces[1], node, 1)) {
        return fail(`the IR needs both directions of ${quote(node.name)} (forward then backward), got ${pieces.map(describe).join(', ')}`);
      }
      merge = 'concat'; backTime = pieces[1].time;
    } else if (pieces.length !== 1) {
      return fail(`the output mixes ${pieces.map(describe).join(' and ')}`);
    }
    // A reverse node is a sum layer whose forward direction stays 0 (header): its Y[T−1]
    // is that layer's last-index output.
    if (node.direction === 'reverse' && time === 'lastStep') time = 'final';
  }
  const lastIndex = backTime === 'lastStep' && time === 'final';
  if (backTime !== time && !lastIndex) fail(`${pieces.map(describe).join(', ')}: outputs at different times`);
  if (time === 'lastStep') fail(`${quote(node.name)}: the backward direction's output at the last time index is not expressible`);
  if (node.weights.some((w) => w.kernel.length !== gateCount(node.type) * node.units)) fail(`${quote(node.name)} has inconsistent weights`);
  return [...resolveChain(node.input), recurrentLayer(node, time as 'seq' | 'final', merge, lastIndex || (node.direction === 'reverse' && backTime === 'lastStep'))];
}

/**
 * The affine (an input BatchNormalization) on the model input the chain starts from, if
 * any. A chain reads the input once (resolveChain refuses anything else), so there is at
 * most one.
 */
export function inputAffine(pieces: readonly Piece[]): NodeAffine | undefined {
  for (const p of pieces) {
    const found = p.kind === 'input' ? p.affine
      : p.kind === 'sum' ? inputAffine([p.a, p.b])
        : inputAffine(p.node.input);
    if (found) return found;
  }
  return undefined;
}

/** The output's pieces, requiring a plain layout: no batch > 1, directions merged. */
export function outputPieces(v: SymValue): Piece[] {
  if (v.axes.includes('B')) fail('the output keeps a batch axis larger than 1');
  if (v.extra) fail(extraProblem(v.extra));
  return v.groups.flat();
}
