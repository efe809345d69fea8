/**
 * Streaming semantics (src/float/model.ts): step t emits the model output as if the
 * sequence ended at t. For a model ending in a sequence that is the whole-sequence
 * output at t; for a many-to-one model it is the whole-sequence output of the prefix
 * x_0..x_t. Both paths run the same float64 operations in the same order, so they
 * must agree exactly.
 */
import { describe, expect, it } from 'vitest';
import { isRnncError } from '../../../src/errors.js';
import { runFloat, streamFloat } from '../../../src/float/model.js';
import { type LayerSpec, randomModel, randomSequence } from '../../../src/ir/random.js';

const STEPS = 25;

function streamed(spec: { inputSize: number; layers: LayerSpec[]; normalization?: boolean }, seed: number) {
  const model = randomModel({ ...spec, weightScale: 2 }, seed);
  const xs = randomSequence(spec.inputSize, STEPS, seed + 1, 3);
  const stream = streamFloat(model);
  return { model, xs, stream, outs: xs.map((x) => Array.from(stream.step(x))) };
}

describe('streaming equals whole-sequence', () => {
  for (const type of ['rnn', 'lstm', 'gru'] as const) {
    it(`${type} with returnSequences true: step t = whole-sequence output t`, () => {
      const { model, xs, outs } = streamed({ inputSize: 3, layers: [{ type, units: 6, returnSequences: true }] }, 1);
      expect(outs).toEqual(runFloat(model, xs).map((v) => Array.from(v)));
    });

    it(`${type} 2-layer stack, many-to-one, dense head: step t = output of the prefix 0..t`, () => {
      const { model, xs, outs } = streamed({
        inputSize: 3, normalization: true,
        layers: [{ type, units: 5, returnSequences: true }, { type, units: 4 }, { type: 'dense', units: 2, activation: 'softmax' }],
      }, 7);
      outs.forEach((o, t) => expect(o).toEqual(Array.from(runFloat(model, xs.slice(0, t + 1))[0]!)));
    });
  }

  it('gru with resetAfter false', () => {
    const { model, xs, outs } = streamed({ inputSize: 2, layers: [{ type: 'gru', units: 5, returnSequences: true, resetAfter: false }] }, 3);
    expect(outs).toEqual(runFloat(model, xs).map((v) => Array.from(v)));
  });

  it('dense layers after returnSequences true run at every step', () => {
    const { model, xs, outs } = streamed({
      inputSize: 4,
      layers: [{ type: 'lstm', units: 6, returnSequences: true }, { type: 'dense', units: 5, activation: 'relu' }, { type: 'dense', units: 3, activation: 'tanh' }],
    }, 11);
    const whole = runFloat(model, xs);
    expect(whole).toHaveLength(STEPS);
    expect(outs).toEqual(whole.map((v) => Array.from(v)));
  });

  it('input normalisation is applied to every streamed step', () => {
    const { model, xs, outs } = streamed({ inputSize: 3, normalization: true, layers: [{ type: 'rnn', units: 4, returnSequences: true }] }, 13);
    expect(model.normalization).toBeDefined();
    expect(outs).toEqual(runFloat(model, xs).map((v) => Array.from(v)));
  });

  it('reset() returns to the initial state', () => {
    const { xs, stream, outs } = streamed({ inputSize: 3, layers: [{ type: 'lstm', units: 4, returnSequences: true }] }, 17);
    stream.reset();
    expect(xs.map((x) => Array.from(stream.step(x)))).toEqual(outs);
  });

  it('a bidirectional model refuses to stream', () => {
    const model = randomModel({ inputSize: 2, layers: [{ type: 'gru', units: 3, bidirectional: 'concat' }] }, 19);
    let code = '';
    try { streamFloat(model); } catch (e) { code = isRnncError(e) ? e.code : 'other'; }
    expect(code).toBe('unsupported/feature');
  });
});
