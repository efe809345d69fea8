/**
 * ONNX LSTM / GRU / RNN → IR weights. ONNX stores, per direction, W: (gates·H) × in,
 * R: (gates·H) × H (already one row per output unit, as the IR) and B = [Wb; Rb], with
 * gate blocks in ONNX order (gates.ts). Bias folding:
 *   LSTM, RNN: bias = Wb + Rb (both are added to the same pre-activation).
 *   GRU linear_before_reset=1: n = tanh(W_n x + Wb_n + r⊙(R_n h + Rb_n)) → IR resetAfter
 *     with recurrentBias = Rb.
 *   GRU linear_before_reset=0: n = tanh(W_n x + (r⊙h) R_n + Rb_n + Wb_n): Rb_n is outside
 *     r⊙(…), so every part of Rb adds to the pre-activation → bias = Wb + Rb, no recurrentBias.
 */
import type { RecurrentType, RecurrentWeights } from '../../ir/model.js';
import { GRU_ORDER, LSTM_ORDER } from '../gates.js';
import { addVectors, reorderGates, toRows } from '../tensor.js';
import { Unexpressible } from './layout.js';
import type { ConstValue, RecNode, Piece } from './values.js';

const TYPE: Record<string, RecurrentType> = { LSTM: 'lstm', GRU: 'gru', RNN: 'rnn' };
// ONNX has no minGRU or minLSTM operator (TYPE never gives one); the record is over every recurrent kind.
const GATES: Record<RecurrentType, number> = { lstm: 4, gru: 3, rnn: 1, mingru: 2, minlstm: 3 };

export interface RecurrentSpec {
  name: string;
  op: string;
  direction: RecNode['direction'];
  hiddenSize: number;
  linearBeforeReset: boolean;
  w: ConstValue;
  r: ConstValue;
  b: ConstValue | undefined;
  input: Piece[];
  inputWidth: number;
}

const fail = (why: string): never => { throw new Unexpressible(why); };

function checkDims(what: string, v: ConstValue, want: number[]): void {
  if (v.dims.length !== want.length || v.dims.some((d, i) => d !== want[i])) {
    fail(`${what} is ${v.dims.join('×')}, expected ${want.join('×')}`);
  }
}

export function recurrentNode(s: RecurrentSpec): RecNode {
  const type = TYPE[s.op]!;
  const g = GATES[type];
  const h = s.hiddenSize;
  const dirs = s.direction === 'bidirectional' ? 2 : 1;
  const rows = g * h;
  checkDims('W', s.w, [dirs, rows, s.inputWidth]);
  checkDims('R', s.r, [dirs, rows, h]);
  if (s.b) checkDims('B', s.b, [dirs, 2 * rows]);
  const order = type === 'lstm' ? LSTM_ORDER.onnx : type === 'gru' ? GRU_ORDER.onnx : [0];
  const weights: RecurrentWeights[] = [];
  for (let d = 0; d < dirs; d++) {
    const slice = (off: number) => (s.b ? Array.from(s.b.data.subarray(d * 2 * rows + off, d * 2 * rows + off + rows)) : new Array<number>(rows).fill(0));
    const wb = slice(0);
    const rb = slice(rows);
    const w: RecurrentWeights = {
      kernel: reorderGates(toRows(s.w.data, rows, s.inputWidth, d * rows * s.inputWidth), h, order),
      recurrentKernel: reorderGates(toRows(s.r.data, rows, h, d * rows * h), h, order),
      bias: reorderGates(type === 'gru' && s.linearBeforeReset ? wb : addVectors(wb, rb), h, order),
    };
    if (type === 'gru' && s.linearBeforeReset) w.recurrentBias = reorderGates(rb, h, order);
    weights.push(w);
  }
  const node: RecNode = { name: s.name, type, direction: s.direction, units: h, weights, input: s.input };
  if (type === 'gru') node.resetAfter = s.linearBeforeReset;
  return node;
}
