/** An input BatchNormalization read from Keras weights: a = γ/√(σ²+ε), b = β − a·μ; bad files refused by name. */
import { describe, expect, it } from 'vitest';
import { inputBatchNorm, otherBatchNorms } from '../../../src/import/keras/batchnorm.js';
import type { Problems } from '../../../src/import/keras/layers.js';
import type { NamedTensor } from '../../../src/import/keras/weights.js';

const vec = (name: string, v: number[]): [string, NamedTensor] => [name, { name, shape: [v.length], data: Float64Array.from(v) }];
const bn = (config: Record<string, unknown> = {}) => ({ className: 'BatchNormalization', name: 'bn', config: { name: 'bn', ...config } });
const weights = (variance = [4, 0.25]) => new Map([
  vec('bn/gamma', [2, -1]), vec('bn/beta', [1, 0.5]), vec('bn/moving_mean', [3, -2]), vec('bn/moving_variance', variance),
]);
const problems = (): Problems => ({ unsupported: [], invalid: [] });

describe('Keras input BatchNormalization', () => {
  it('gives the inference-mode affine, epsilon from the config', () => {
    const a = inputBatchNorm(problems(), weights(), bn({ epsilon: 0 }), 2)!;
    expect(a.scale).toEqual([1, -2]); // 2/√4, −1/√0.25
    expect(a.offset).toEqual([1 - 3, 0.5 - 4]); // β − a·μ
  });

  it('center false means β = 0, scale false γ = 1, epsilon 1e-3 by default', () => {
    const a = inputBatchNorm(problems(), weights(), bn({ center: false, scale: false }), 2)!;
    expect(a.scale[0]).toBeCloseTo(1 / Math.sqrt(4.001), 15);
    expect(a.offset[0]).toBeCloseTo(-3 / Math.sqrt(4.001), 15);
  });

  it('refuses another axis, a missing or wrong-sized weight, and a non-positive variance + epsilon', () => {
    const p = problems();
    expect(inputBatchNorm(p, weights(), bn({ axis: 1 }), 2)).toBeUndefined();
    expect(inputBatchNorm(p, new Map([vec('bn/gamma', [1, 1])]), bn(), 2)).toBeUndefined();
    expect(inputBatchNorm(p, weights(), bn(), 3)).toBeUndefined();
    expect(inputBatchNorm(p, weights([1, -0.5]), bn({ epsilon: 0.1 }), 2)).toBeUndefined();
    expect(p.unsupported).toEqual([expect.stringMatching(/axis 1 is not supported; only the feature axis/)]);
    expect(p.invalid).toEqual([
      expect.stringMatching(/no beta weight in weightsManifest/),
      expect.stringMatching(/weight 'bn\/gamma' is 2, expected 3/),
      expect.stringMatching(/feature 1 has moving_variance \+ epsilon = -0\.4, expected > 0/),
    ]);
  });

  it('any other BatchNormalization is refused saying only the input one is supported', () => {
    expect(otherBatchNorms([bn(), { className: 'Dense', name: 'd', config: {} }])).toEqual([
      "layer 'bn' (BatchNormalization): only a BatchNormalization on the model input (before the first recurrent or dense layer) is supported",
    ]);
  });
});
