/**
 * FloatCell.preactivations reads the gate pre-activations off the step it follows; here
 * they are recomputed from the weights, x and h before the step by the formulas, for
 * every kind and variant (both GRUs, hard sigmoid gates), over several steps:
 *   rnn, lstm:  p = W x + b + U h
 *   gru r, z:   p = W x + b + U h (+ b')
 *   gru n:      resetAfter: W_n x + b_n + r⊙(U_n h + b'_n);  else W_n x + b_n + U_n (r⊙h)
 *   mingru, minlstm: p = W x + b (z, h̃ / f, i, h̃ rows)
 */
import { describe, expect, it } from 'vitest';
import { FLOAT_CELLS } from '../../../src/float/kinds.js';
import { matVec, sigmoid } from '../../../src/float/math.js';
import { prepareModel } from '../../../src/float/kinds.js';
import type { PreparedRecurrent } from '../../../src/float/prepare.js';
import { initialCellState, scratchFor } from '../../../src/float/recurrent.js';
import type { FloatCellWeights } from '../../../src/float/cells/types.js';
import type { LayerSpec } from '../../../src/ir/random.js';
import { randomModel, randomSequence } from '../../../src/ir/random.js';

function recompute(type: 'rnn' | 'lstm' | 'gru' | 'mingru' | 'minlstm', w: FloatCellWeights, x: ArrayLike<number>, h: ArrayLike<number>): Float64Array {
  const u = w.units;
  const rows = w.bias.length;
  const pre = new Float64Array(rows);
  const rec = new Float64Array(rows);
  matVec(w.kernel, x, rows, w.inputSize, pre, w.bias);
  if (type === 'mingru' || type === 'minlstm') return pre;
  matVec(w.recurrentKernel, h, rows, u, rec, type === 'gru' && w.resetAfter ? w.recurrentBias : undefined);
  if (type !== 'gru') return pre.map((p, r) => p + rec[r]!);
  const gate = w.gate ?? sigmoid;
  const reset = Float64Array.from({ length: u }, (_, j) => gate(pre[j]! + rec[j]!));
  for (let r = 0; r < 2 * u; r++) pre[r]! += rec[r]!;
  if (w.resetAfter) {
    for (let j = 0; j < u; j++) pre[2 * u + j]! += reset[j]! * rec[2 * u + j]!;
  } else {
    const rh = Float64Array.from(reset, (r, j) => r * h[j]!);
    const recN = new Float64Array(u);
    matVec(w.recurrentKernel.subarray(2 * u * u), rh, u, u, recN);
    for (let j = 0; j < u; j++) pre[2 * u + j]! += recN[j]!;
  }
  return pre;
}

const SPECS: Record<string, LayerSpec> = {
  rnn: { type: 'rnn', units: 5 },
  'rnn relu': { type: 'rnn', units: 5, activation: 'relu' },
  lstm: { type: 'lstm', units: 6 },
  'lstm hard sigmoid': { type: 'lstm', units: 6, recurrentActivation: 'hard_sigmoid' },
  'gru reset after': { type: 'gru', units: 4, resetAfter: true },
  'gru reset before': { type: 'gru', units: 4, resetAfter: false, recurrentActivation: 'hard_sigmoid_v3' },
  mingru: { type: 'mingru', units: 4 },
  minlstm: { type: 'minlstm', units: 4 },
};

describe('FloatCell.preactivations equals the gate pre-activations recomputed from the formulas', () => {
  it.each(Object.keys(SPECS))('%s', (name) => {
    const model = randomModel({ inputSize: 3, layers: [SPECS[name]!], weightScale: 2 }, 5);
    const p = prepareModel(model)[0] as PreparedRecurrent;
    const type = p.layer.type;
    const cell = FLOAT_CELLS[type];
    const state = initialCellState(p.forward);
    const scratch = scratchFor(p.forward);
    const got = new Float64Array(cell.gates * p.forward.units);
    for (const x of randomSequence(3, 6, 9, 2)) {
      const want = recompute(type, p.forward, x, state.h.slice());
      cell.step(p.forward, x, state, scratch);
      cell.preactivations(p.forward, scratch, got);
      for (let r = 0; r < got.length; r++) expect(got[r]).toBeCloseTo(want[r]!, 12);
    }
  });
});
