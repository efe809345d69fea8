// The rules model.json and model.q.json share (src/ir/rules.ts): one layer-chain check
// and one normalisation check, run by both validators, so they accept the same models
// and word the same problem the same way.
import { describe, expect, it } from 'vitest';
import type { FloatModel } from '../../../src/ir/model.js';
import { checkQuantModel } from '../../../src/ir/qcheck.js';
import type { QuantModel } from '../../../src/ir/qmodel.js';
import { randomModel } from '../../../src/ir/random.js';
import { FLOAT32_MAX, FLOAT32_MIN_NORMAL, checkChain, checkNormalization } from '../../../src/ir/rules.js';
import { validateModel } from '../../../src/ir/validate.js';
import { quantizeModel } from '../../../src/quantize/quantize.js';
import { problemsOf } from '../../helpers/refusals.js';


const floatProblems = (m: FloatModel) => problemsOf(() => validateModel(structuredClone(m), 'm.json'));
const quantProblems = (q: QuantModel) => problemsOf(() => checkQuantModel(q, 'm.q.json'));

describe('checkChain', () => {
  it('gives the widths the layers chain through and whether the output is a sequence', () => {
    const problems: string[] = [];
    const chain = checkChain(3, [
      { type: 'gru', units: 4, returnSequences: true, bidirectional: 'concat', hasBackward: true },
      { type: 'dense', units: 5 },
      { type: 'lstm', units: 2, returnSequences: false, bidirectional: 'sum', hasBackward: true },
      { type: 'dense', units: 1 },
    ], 'backward', problems);
    expect(problems).toEqual([]);
    expect(chain).toEqual({ sizesOk: true, inputs: [3, 8, 5, 2], outputSize: 1, sequence: false });
  });

  it('refuses a recurrent layer after returnSequences false, once, and backward weights that do not match bidirectional', () => {
    const problems: string[] = [];
    checkChain(2, [
      { type: 'rnn', units: 2, returnSequences: false },
      { type: 'gru', units: 2, returnSequences: true, bidirectional: 'sum', hasBackward: false },
      { type: 'lstm', units: 2, returnSequences: true, hasBackward: true },
    ], 'backwardWeights', problems);
    expect(problems).toEqual([
      'layers[1]: a gru layer needs a sequence, but layers[0] has returnSequences false',
      "layers[1].backwardWeights: required because bidirectional is 'sum'",
      'layers[2].backwardWeights: present but the layer is not bidirectional',
    ]);
  });

  it('reports sizes out of range and says the shapes are not worth checking', () => {
    const problems: string[] = [];
    const chain = checkChain(0, [{ type: 'dense', units: 5000 }], 'backward', problems);
    expect(chain.sizesOk).toBe(false);
    expect(problems).toEqual(['inputSize: expected an integer from 1 to 4096, got 0', 'layers[0].units: expected an integer from 1 to 4096, got 5000']);
    expect(checkChain(2, [], 'backward', []).sizesOk).toBe(false);
  });
});

describe('checkNormalization', () => {
  const check = (mean: number[], std: number[], inputSize?: number) => {
    const problems: string[] = [];
    checkNormalization(problems, 'normalization', { mean, std }, inputSize);
    return problems;
  };

  it('accepts every float32-safe value, however large a raw-unit mean is', () => {
    expect(check([1e7, -FLOAT32_MAX], [FLOAT32_MIN_NORMAL, FLOAT32_MAX], 2)).toEqual([]);
  });

  it('refuses a std whose reciprocal overflows float32, and values beyond float32, each by its path', () => {
    expect(check([0, 0], [1e-320, 1])).toEqual([
      'normalization.std[0]: expected a float32-safe std from 1.18e-38 to 3.4e38 (1/std must stay finite in float32), got 1e-320',
    ]);
    expect(check([1e39, 0], [1, 1e39])).toEqual([
      'normalization.mean[0]: expected a finite float32 number (|mean| at most 3.4e38), got 1e+39',
      'normalization.std[1]: expected a float32-safe std from 1.18e-38 to 3.4e38 (1/std must stay finite in float32), got 1e+39',
    ]);
    expect(check([0], [0])).toEqual(['normalization.std[0]: expected a positive number, got 0']);
    expect(check([0], [1], 2)).toEqual(['normalization.mean: expected 2 values, got 1', 'normalization.std: expected 2 values, got 1']);
  });
});

describe('model.json and model.q.json agree', () => {
  const float = randomModel({ name: 'm', inputSize: 2, normalization: true, layers: [
    { type: 'lstm', units: 3, returnSequences: true }, { type: 'gru', units: 2, bidirectional: 'concat' }, { type: 'dense', units: 2, activation: 'linear' },
  ] }, 7);
  const quant = quantizeModel(float);

  it('both accept the model', () => {
    expect(floatProblems(float)).toEqual([]);
    expect(quantProblems(quant)).toEqual([]);
  });

  it('returnSequences false feeding a recurrent layer: refused by both, in the same words', () => {
    const f = structuredClone(float);
    (f.layers[0] as { returnSequences: boolean }).returnSequences = false;
    const q = structuredClone(quant);
    (q.layers[0] as { returnSequences: boolean }).returnSequences = false;
    const want = 'layers[1]: a gru layer needs a sequence, but layers[0] has returnSequences false';
    expect(floatProblems(f)).toEqual([want]);
    expect(quantProblems(q)).toEqual([want]);
  });

  it('a std whose reciprocal overflows float32: refused by both, naming the element', () => {
    const f = structuredClone(float);
    f.normalization!.std[1] = 1e-40;
    const q = structuredClone(quant);
    q.input.normalization!.std[1] = 1e-40;
    const why = 'std[1]: expected a float32-safe std from 1.18e-38 to 3.4e38 (1/std must stay finite in float32), got 1e-40';
    expect(floatProblems(f)).toEqual([`normalization.${why}`]);
    expect(quantProblems(q)).toEqual([`input.normalization.${why}`]);
  });

  it('backward weights on a layer that is not bidirectional: refused by both', () => {
    const f = structuredClone(float) as FloatModel & { layers: Array<{ backwardWeights?: unknown; weights: unknown }> };
    f.layers[0]!.backwardWeights = f.layers[0]!.weights;
    const q = structuredClone(quant) as QuantModel & { layers: Array<{ backward?: unknown; forward: unknown }> };
    q.layers[0]!.backward = q.layers[0]!.forward;
    expect(floatProblems(f)).toEqual(['layers[0].backwardWeights: present but the layer is not bidirectional']);
    expect(quantProblems(q)).toEqual(['layers[0].backward: present but the layer is not bidirectional']);
  });
});
