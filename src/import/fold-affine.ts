/**
 * A per-feature affine on the model input, y_i = a_i·x_i + b_i, folded into the IR's input
 * normalisation x' = (x − mean) / std. This is how an input BatchNorm in inference mode
 * (Keras BatchNormalization, torch nn.BatchNorm1d in eval()) is imported:
 *   a = γ / √(σ² + ε),  b = β − a·μ.
 * Over an existing normalisation (x − m₀)/s₀ the composition is
 *   a·(x − m₀)/s₀ + b = (x − (m₀ − b·s₀/a)) / (s₀/a),
 * so std = s₀/|a| and mean = m₀ − b·s₀/a. The IR's std is positive: for a < 0 the
 * feature's sign is carried by the first layer instead, whose input weights for that
 * feature are negated (W·(−x') = (−W)·x'), exact in float. a = 0 makes the feature a
 * constant, which the IR cannot express as a normalisation: refused.
 */
import { RnncError } from '../errors.js';
import type { FloatModel, Layer } from '../ir/model.js';

export interface InputAffine {
  /** Per-feature scale a_i. */
  scale: readonly number[];
  /** Per-feature offset b_i. */
  offset: readonly number[];
}

/** The affine of a BatchNorm in inference mode: a = γ/√(σ²+ε), b = β − a·μ. */
export function batchNormAffine(gamma: readonly number[], beta: readonly number[], mean: readonly number[], variance: readonly number[], epsilon: number): InputAffine {
  const scale = gamma.map((g, i) => g / Math.sqrt(variance[i]! + epsilon));
  return { scale, offset: beta.map((b, i) => b - scale[i]! * mean[i]!) };
}

function negateColumn(m: number[][], col: number): number[][] {
  return m.map((row) => row.map((w, j) => (j === col ? -w : w)));
}

function negateInput(layer: Layer, col: number): Layer {
  if (layer.type === 'dense') return { ...layer, weights: { ...layer.weights, kernel: negateColumn(layer.weights.kernel, col) } };
  if (layer.type === 'conv1d') {
    // The feature appears once per tap: columns col + j·inputs of every row.
    const inputs = (layer.weights.kernel[0]?.length ?? 0) / layer.kernelSize;
    let kernel = layer.weights.kernel;
    for (let j = 0; j < layer.kernelSize; j++) kernel = negateColumn(kernel, col + j * inputs);
    return { ...layer, weights: { ...layer.weights, kernel } };
  }
  if (layer.type === 'ssm') return { ...layer, weights: { ...layer.weights, inKernel: negateColumn(layer.weights.inKernel, col) } };
  const flip = (w: NonNullable<typeof layer.backwardWeights>) => ({ ...w, kernel: negateColumn(w.kernel, col) });
  return { ...layer, weights: flip(layer.weights), ...(layer.backwardWeights ? { backwardWeights: flip(layer.backwardWeights) } : {}) };
}

/**
 * `model` with `affine` applied to its input before everything else (after the model's own
 * normalisation, if it has one). `what` names the source layer in messages.
 */
export function foldInputAffine(model: FloatModel, affine: InputAffine, what: string): FloatModel {
  const n = model.inputSize;
  if (affine.scale.length !== n || affine.offset.length !== n) {
    throw new RnncError('import/invalid', `${what}: ${affine.scale.length} features, but the model takes ${n}`);
  }
  const mean0 = model.normalization?.mean ?? new Array<number>(n).fill(0);
  const std0 = model.normalization?.std ?? new Array<number>(n).fill(1);
  const mean: number[] = [];
  const std: number[] = [];
  let first = model.layers[0];
  for (let i = 0; i < n; i++) {
    const a = affine.scale[i]!;
    const b = affine.offset[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RnncError('import/invalid', `${what}: feature ${i} has a non-finite scale or offset`);
    if (a === 0) {
      throw new RnncError('import/unsupported', `${what}: feature ${i} is scaled by 0 (gamma = 0), so it reaches the network as a constant; rnnc cannot fold that into its input normalisation`);
    }
    mean.push(mean0[i]! - (b * std0[i]!) / a);
    std.push(std0[i]! / Math.abs(a));
    if (a < 0 && first) first = negateInput(first, i);
  }
  const layers = first ? [first, ...model.layers.slice(1)] : model.layers;
  return { ...model, layers, normalization: { mean, std } };
}
