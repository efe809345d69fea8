// The fixed-point reference as a whole: streaming equals the whole sequence step by
// step, per-layer outputs chain, bidirectional models refuse to stream, and inputs are
// checked.
import { describe, expect, it } from 'vitest';
import { quantizeInput, runFixed, runFixedLayers, streamFixed } from '../../../src/fixed/model.js';
import { randomModel, randomSequence } from '../../../src/ir/random.js';
import { quantizeWithData } from '../../../src/quantize/pipeline.js';

const seqs = [1, 2].map((s) => randomSequence(4, 25, s));

function quantized(layers: Parameters<typeof randomModel>[0]['layers'], bits: 8 | 16 = 8) {
  const m = randomModel({ inputSize: 4, layers, weightScale: 0.7 }, 9);
  return quantizeWithData(m, { sequences: seqs, source: 'calib' }, { weightBits: bits }).model;
}

describe('streamFixed', () => {
  for (const bits of [8, 16] as const) {
    it(`int${bits}: each streamed output equals the whole-sequence output at that step (stacked lstm, gru, rnn, dense)`, () => {
      const q = quantized([
        { type: 'lstm', units: 6, returnSequences: true }, { type: 'gru', units: 5, returnSequences: true, resetAfter: false },
        { type: 'rnn', units: 4, returnSequences: true }, { type: 'dense', units: 3, activation: 'softmax' },
      ], bits);
      const xs = seqs[0]!.map((x) => quantizeInput(q, x));
      const whole = runFixed(q, xs).map((y) => Array.from(y));
      const s = streamFixed(q);
      expect(xs.map((x) => Array.from(s.step(x)))).toEqual(whole);
      s.reset();
      expect(Array.from(s.step(xs[0]!))).toEqual(whole[0]);
    });
  }
  it('a many-to-one model streams to its last output', () => {
    const q = quantized([{ type: 'gru', units: 6 }, { type: 'dense', units: 2, activation: 'linear' }]);
    const xs = seqs[1]!.map((x) => quantizeInput(q, x));
    const s = streamFixed(q);
    let last: number[] = [];
    for (const x of xs) last = Array.from(s.step(x));
    expect([last]).toEqual(runFixed(q, xs).map((y) => Array.from(y)));
  });
  it('refuses bidirectional models', () => {
    const q = quantized([{ type: 'lstm', units: 3, bidirectional: 'concat' }]);
    expect(() => streamFixed(q)).toThrow(/bidirectional/);
  });
});

describe('runFixedLayers', () => {
  it('returns every layer\'s outputs; the last is runFixed\'s; returnSequences false keeps one', () => {
    const q = quantized([{ type: 'lstm', units: 4, returnSequences: true, bidirectional: 'sum' }, { type: 'gru', units: 3 }]);
    const xs = seqs[0]!.map((x) => quantizeInput(q, x));
    const layers = runFixedLayers(q, xs);
    expect(layers.map((l) => l.length)).toEqual([25, 1]);
    expect(layers[0]![0]).toHaveLength(4);
    expect(layers[1]).toEqual(runFixed(q, xs));
  });
  it('checks inputs: feature count and int16 range', () => {
    const q = quantized([{ type: 'rnn', units: 2 }]);
    expect(() => runFixed(q, [[1, 2, 3]])).toThrow('input timestep 0: expected 4 features, got 3');
    expect(() => runFixed(q, [[1, 2, 3, 40000]])).toThrow(/expected an int16/);
    expect(() => runFixed(q, [])).toThrow(/empty/);
  });
});
