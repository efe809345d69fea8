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
}

/** Layers [from, to) of a model without bidirectional layers, reading `input`, writing `output`. */
export function buildChain(q: QuantModel, from: number, to: number, input: string, output: string, state: string): ChainCtx {
  const calls: CallCtx[] = [];
  let cur = input;
  let buf = 0;
  const used = [false, false];
  for (let i = from; i < to; i++) {
    const l = q.layers[i]!;
    if (!isQRecurrent(l)) {
      const out = i === to - 1 ? output : `buf${buf}`;
      if (i !== to - 1) used[buf] = true;
      // A conv1d's wrapper keeps its input history in the state (cells/conv.ts).
      const conv = l.type === 'conv1d';
      const args = conv && l.kernelSize > 1 ? [`${state}->l${i}_x`, `${state}->l${i}_pos`] : [];
      calls.push({ recurrent: false, fn: `${q.name}_l${i}_${conv ? 'conv' : 'dense'}`, args, input: cur, output: out });
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
  return { calls, copyFrom: copy ? cur : '', copyTo: copy ? output : '', copyCount: copy ? last.units : 0, buf0: used[0]!, buf1: used[1]! };
}

/** Index of the first recurrent layer that passes on only its last output, or −1. */
export function firstLastOnly(q: QuantModel): number {
  return q.layers.findIndex((l) => isQRecurrent(l) && !l.returnSequences);
}

/** Largest dense or conv1d output width (the ping-pong buffers' size), 0 without such layers. */
export function denseWidth(q: QuantModel): number {
  return Math.max(0, ...q.layers.map((l) => (!isQRecurrent(l) ? l.units : 0)));
}
