/**
 * How layers are called from NAME_step / NAME_run: plain data naming the buffer each
 * layer reads and writes. Streaming chains pass each recurrent layer's h (in the state
 * struct) straight to the next layer; dense layers ping-pong between two stack buffers
 * and the last layer writes the caller's output.
 */
import { type QuantModel, isQRecurrent } from '../ir/qmodel.js';
import { stepArgs } from './state.js';

export interface CallCtx {
  recurrent: boolean;
  /** Recurrent: the direction's step function; dense: the layer function. */
  fn: string;
  /** Recurrent: the state arguments (state.ts stepArgs), before the input. */
  args: string[];
  input: string;
  output: string;
}

export interface ChainCtx {
  calls: CallCtx[];
  /** When the last layer is recurrent its h is copied to the output. */
  copyFrom: string;
  copyTo: string;
  copyCount: number;
  /** Which ping-pong buffers the chain uses (the caller declares only those). */
  buf0: boolean;
  buf1: boolean;
  /** Where the last layer's output is (its h, a buffer, or `output`). */
  last: string;
}

/** The state arguments and function of a non-recurrent layer's call (before its input and output). */
function layerCall(q: QuantModel, i: number, state: string): { fn: string; args: string[] } {
  const l = q.layers[i]!;
  // A conv1d's wrapper keeps its input history in the state (cells/conv.ts); an ssm its h
  // and its conv's history (cells/ssm.ts).
  if (l.type === 'conv1d') return { fn: `${q.name}_l${i}_conv`, args: l.kernelSize > 1 ? [`${state}->l${i}_x`, `${state}->l${i}_pos`] : [] };
  if (l.type === 'ssm') return { fn: `${q.name}_l${i}_ssm`, args: [`${state}->l${i}_h`, ...(l.convSize > 1 ? [`${state}->l${i}_x`] : [])] };
  return { fn: `${q.name}_l${i}_dense`, args: [] };
}

/**
 * Layers [from, to) of a model without bidirectional layers, reading `input`, writing
 * `output`; the ping-pong buffers start at `firstBuf`. An empty `output` leaves the last
 * layer's output where it is: a recurrent layer's h, or a non-recurrent layer's next
 * ping-pong buffer (`last` names it).
 */
export function buildChain(q: QuantModel, from: number, to: number, input: string, output: string, state: string, firstBuf = 0): ChainCtx {
  const calls: CallCtx[] = [];
  let cur = input;
  let buf = firstBuf;
  const used = [false, false];
  for (let i = from; i < to; i++) {
    const l = q.layers[i]!;
    if (!isQRecurrent(l)) {
      const own = i !== to - 1 || output === '';
      const out = own ? `buf${buf}` : output;
      if (own) used[buf] = true;
      const { fn, args } = layerCall(q, i, state);
      calls.push({ recurrent: false, fn, args, input: cur, output: out });
      cur = out;
      buf = 1 - buf;
    } else {
      const h = `${state}->l${i}_h`;
      calls.push({ recurrent: true, fn: `${q.name}_l${i}f_step`, args: stepArgs(l.type, (s) => `${state}->l${i}_${s}`), input: cur, output: h });
      cur = h;
    }
  }
  const last = q.layers[to - 1];
  const copy = last !== undefined && isQRecurrent(last);
  return { calls, copyFrom: copy ? cur : '', copyTo: copy ? output : '', copyCount: copy ? last.units : 0, buf0: used[0]!, buf1: used[1]!, last: cur };
}

/** Index of the first recurrent or ssm layer that passes on only its last output, or −1. */
export function firstLastOnly(q: QuantModel): number {
  return q.layers.findIndex((l) => (isQRecurrent(l) || l.type === 'ssm') && !l.returnSequences);
}

/**
 * NAME_run's two chains when layer k passes on only its last output: the head runs
 * layers [0, k] on every step, the tail the layers after k once, on k's last output (a
 * recurrent layer's h in the state, or the ping-pong buffer an ssm wrote last).
 */
export function lastOnlyChains(q: QuantModel, k: number): { head: ChainCtx; tail: ChainCtx } {
  const L = q.layers.length;
  const head = { ...buildChain(q, 0, k + 1, 'xt', '', 's'), copyFrom: '', copyTo: '', copyCount: 0 };
  const from = isQRecurrent(q.layers[k]!) ? `s->l${k}_h` : head.last;
  const none = { calls: [], copyFrom: '', copyTo: '', copyCount: 0, buf0: false, buf1: false, last: from };
  if (k === L - 1) return { head, tail: { ...none, copyFrom: from, copyTo: 'y', copyCount: q.layers[k]!.units } };
  // The tail's first buffer is the one the head's last output is not in.
  return { head, tail: buildChain(q, k + 1, L, from, 'y', 's', from === 'buf0' ? 1 : 0) };
}

/** Largest dense, conv1d or ssm output width (the ping-pong buffers' size), 0 without such layers. */
export function denseWidth(q: QuantModel): number {
  return Math.max(0, ...q.layers.map((l) => (!isQRecurrent(l) ? l.units : 0)));
}
