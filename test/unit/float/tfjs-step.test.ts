/**
 * Every timestep of each float cell against tfjs started from the same state
 * (teacher forcing): at each t, tfjs gets x_t and our h_{t−1} (c_{t−1}) and must
 * produce our h_t (c_t). Rounding differences cannot compound across steps here, so
 * the weights can be large (weightScale 3, recurrent kernels 6× Glorot) and the
 * trajectory chaotic, and the cell arithmetic is still checked to float32 precision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOAT_CELLS } from '../../../src/float/kinds.js';
import { newCellState } from '../../../src/float/recurrent.js';
import { prepareModel } from '../../../src/float/kinds.js';
import type { PreparedRecurrent } from '../../../src/float/prepare.js';
import type { RecurrentLayer } from '../../../src/ir/model.js';
import { randomModel, randomSequence } from '../../../src/ir/random.js';
import { maxAbsDiff, tfjsStepper, toFloat32, useTfjsCpu } from '../../helpers/keras.js';

const STEPS = 24;
const TOLERANCE = 1e-5;
const measured: Array<[string, number]> = [];

beforeAll(useTfjsCpu);
afterAll(() => {
  console.log(`float cells vs tfjs, one step from the same state, max |difference| over ${STEPS} steps:\n` +
    measured.map(([n, d]) => `  ${n.padEnd(12)}  ${d.toExponential(2)}`).join('\n'));
});

describe('float cell steps vs tfjs from the same state', () => {
  for (const type of ['rnn', 'lstm', 'gru'] as const) {
    it(`${type}`, () => {
      const inputSize = 4;
      const spec = type === 'gru' ? { type, units: 7, resetAfter: false } : { type, units: 7 };
      const model = toFloat32(randomModel({ inputSize, layers: [spec], weightScale: 3 }, 31));
      const prepared = prepareModel(model)[0] as PreparedRecurrent;
      const stepper = tfjsStepper(model.layers[0] as RecurrentLayer, inputSize);
      const xs = randomSequence(inputSize, STEPS, 32, 2).map((x) => x.map(Math.fround));
      const state = newCellState(7);
      const scratch = new Float64Array(8 * 7);
      let worst = 0;
      let saturated = 0;
      for (const x of xs) {
        const theirs = stepper.step(x, state.h, state.c);
        FLOAT_CELLS[type].step(prepared.forward, x, state, scratch);
        worst = Math.max(worst, maxAbsDiff([state.h], [theirs.h]));
        if (type === 'lstm') worst = Math.max(worst, maxAbsDiff([state.c], [theirs.c]));
        saturated += state.h.filter((v) => Math.abs(v) > 0.9).length;
      }
      stepper.dispose();
      measured.push([type, worst]);
      expect(worst).toBeLessThan(TOLERANCE);
      expect(worst).toBeGreaterThan(0);
      // The weights are large enough to drive some units into saturation, not all of them.
      expect(saturated).toBeGreaterThan(0);
      expect(saturated).toBeLessThan(STEPS * 7);
    });
  }
});
