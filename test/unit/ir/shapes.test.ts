/**
 * Shapes, parameter counts and MACs. Parameter counts must equal Keras' for the same
 * architecture: checked by hand (Keras' formulas) and against TensorFlow.js'
 * countParams() where tfjs can build the layer (not a GRU with resetAfter true).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Layer } from '../../../src/ir/model.js';
import { type LayerSpec, randomModel } from '../../../src/ir/random.js';
import { inferShapes, layerMacs, layerOutputSize, layerParams, summarize } from '../../../src/ir/shapes.js';
import { buildTfjsArchitecture, useTfjsCpu } from '../../helpers/keras.js';

const I = 7, U = 5;
function layer(spec: LayerSpec): Layer {
  return randomModel({ inputSize: I, layers: [spec] }, 1).layers[0]!;
}

describe('per layer, Keras formulas by hand (I = 7 inputs, U = 5 units)', () => {
  const cases: Array<[string, LayerSpec, number, number]> = [
    // name, spec, params, MACs per step
    ['rnn: U(I+U+1)', { type: 'rnn', units: U }, U * (I + U + 1), U * (I + U)],
    ['lstm: 4U(I+U+1)', { type: 'lstm', units: U }, 4 * U * (I + U + 1), 4 * U * (I + U)],
    ['gru resetAfter false: 3U(I+U+1)', { type: 'gru', units: U, resetAfter: false }, 3 * U * (I + U + 1), 3 * U * (I + U)],
    ['gru resetAfter true: 3U(I+U+2)', { type: 'gru', units: U, resetAfter: true }, 3 * U * (I + U + 2), 3 * U * (I + U)],
    ['bidirectional lstm: twice', { type: 'lstm', units: U, bidirectional: 'sum' }, 2 * 4 * U * (I + U + 1), 2 * 4 * U * (I + U)],
    ['dense: U(I+1)', { type: 'dense', units: U, activation: 'relu' }, U * (I + 1), U * I],
  ];
  for (const [name, spec, params, macs] of cases) {
    it(name, () => {
      const l = layer(spec);
      expect(layerParams(l, I)).toBe(params);
      expect(layerMacs(l, I)).toBe(macs);
    });
  }

  it('output width: concat doubles, sum does not', () => {
    expect(layerOutputSize(layer({ type: 'gru', units: U, bidirectional: 'concat' }))).toBe(2 * U);
    expect(layerOutputSize(layer({ type: 'gru', units: U, bidirectional: 'sum' }))).toBe(U);
    expect(layerOutputSize(layer({ type: 'rnn', units: U }))).toBe(U);
  });
});

describe('whole models', () => {
  beforeAll(useTfjsCpu);

  const architectures: Array<[string, number, LayerSpec[]]> = [
    ['lstm stack + dense', 3, [{ type: 'lstm', units: 8, returnSequences: true }, { type: 'lstm', units: 6 }, { type: 'dense', units: 4, activation: 'softmax' }]],
    ['bidirectional gru concat → rnn sum → dense', 5, [
      { type: 'gru', units: 7, returnSequences: true, bidirectional: 'concat', resetAfter: false },
      { type: 'rnn', units: 4, bidirectional: 'sum' }, { type: 'dense', units: 2, activation: 'linear' },
    ]],
    ['dense on every step', 6, [{ type: 'dense', units: 9, activation: 'tanh' }, { type: 'rnn', units: 3, returnSequences: true }, { type: 'dense', units: 2, activation: 'sigmoid' }]],
  ];
  for (const [name, inputSize, layers] of architectures) {
    it(`${name}: parameter count equals tfjs countParams()`, () => {
      const m = randomModel({ inputSize, layers }, 2);
      expect(summarize(m).params).toBe(buildTfjsArchitecture(m).countParams());
    });
  }

  it('inferShapes follows sizes and sequence-ness through the stack', () => {
    const m = randomModel({ inputSize: 4, layers: [
      { type: 'dense', units: 6, activation: 'relu' },
      { type: 'lstm', units: 3, returnSequences: true, bidirectional: 'concat' },
      { type: 'gru', units: 2 },
      { type: 'dense', units: 1, activation: 'sigmoid' },
    ] }, 3);
    expect(inferShapes(m).map((s) => [s.inputSize, s.outputSize, s.sequenceIn, s.sequenceOut])).toEqual([
      [4, 6, true, true], [6, 6, true, true], [6, 2, true, false], [2, 1, false, false],
    ]);
    const s = summarize(m);
    expect(s).toMatchObject({ inputSize: 4, outputSize: 1, sequenceOutput: false, bidirectional: true });
    expect(s.params).toBe(6 * 5 + 2 * 4 * 3 * (6 + 3 + 1) + 3 * 2 * (6 + 2 + 2) + 1 * 3);
    expect(s.macsPerStep).toBe(6 * 4 + 2 * 4 * 3 * (6 + 3) + 3 * 2 * (6 + 2) + 2);
  });
});
