/**
 * A Keras BatchNormalization on the model input, in inference mode:
 *   y = γ·(x − μ)/√(σ² + ε) + β = a·x + b,  a = γ/√(σ² + ε),  b = β − a·μ,
 * with μ, σ² the moving mean and variance. It is taken out of the chain and folded into
 * the IR's input normalisation (../fold-affine.ts). Only the input one: a BatchNormalization
 * between layers would need its own IR layer.
 */
import type { InputAffine } from '../fold-affine.js';
import { batchNormAffine } from '../fold-affine.js';
import { escapeText, quote } from '../quote.js';
import { shapeText } from '../tensor.js';
import type { Problems } from './layers.js';
import { findWeight } from './layers.js';
import type { KerasLayer } from './topology.js';
import type { NamedTensor } from './weights.js';

/** TF.js' and Keras' default epsilon. */
const DEFAULT_EPSILON = 1e-3;

/** The feature axis of a (batch, time, features) input: -1, or 2 as Keras 2 writes it after build ([2]). */
function isFeatureAxis(axis: unknown): boolean {
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  return a === undefined || a === -1 || a === 2;
}

/** A refusal for every BatchNormalization in `layers`, the chain without its input one. */
export function otherBatchNorms(layers: readonly KerasLayer[]): string[] {
  return layers.filter((l) => l.className === 'BatchNormalization')
    .map((l) => `layer ${quote(l.name)} (BatchNormalization): only a BatchNormalization on the model input (before the first recurrent or dense layer) is supported`);
}

/** The affine of input BatchNormalization `l` over `features` features; problems go to `p`. */
export function inputBatchNorm(p: Problems, weights: ReadonlyMap<string, NamedTensor>, l: KerasLayer, features: number): InputAffine | undefined {
  const c = l.config;
  const at = `layer ${quote(l.name)} (BatchNormalization)`;
  if (!isFeatureAxis(c.axis)) {
    p.unsupported.push(`${at}: axis ${escapeText(JSON.stringify(c.axis))} is not supported; only the feature axis (-1) can be folded into the input normalisation`);
    return undefined;
  }
  const epsilon = c.epsilon === undefined ? DEFAULT_EPSILON : c.epsilon;
  if (typeof epsilon !== 'number' || !(epsilon >= 0)) {
    p.invalid.push(`${at}: epsilon: expected a number ≥ 0, got ${escapeText(JSON.stringify(epsilon))}`);
    return undefined;
  }
  // center false has no beta (β = 0), scale false no gamma (γ = 1).
  const vector = (leaf: string, absent?: number): number[] | undefined => {
    if (absent !== undefined) return new Array<number>(features).fill(absent);
    const t = findWeight(weights, l.name, leaf);
    if (!t) { p.invalid.push(`${at}: no ${leaf} weight in weightsManifest`); return undefined; }
    if (t.shape.length !== 1 || t.shape[0] !== features) {
      p.invalid.push(`${at}: weight ${quote(t.name)} is ${shapeText(t.shape)}, expected ${shapeText([features])}`);
      return undefined;
    }
    return Array.from(t.data);
  };
  // The first wrong weight says it all (a wrong feature count makes every weight wrong).
  const gamma = vector('gamma', c.scale === false ? 1 : undefined);
  const beta = gamma && vector('beta', c.center === false ? 0 : undefined);
  const mean = beta && vector('moving_mean');
  const variance = mean && vector('moving_variance');
  if (!gamma || !beta || !mean || !variance) return undefined;
  const bad = variance.findIndex((v) => !(v + epsilon > 0));
  if (bad >= 0) {
    p.invalid.push(`${at}: feature ${bad} has moving_variance + epsilon = ${variance[bad]! + epsilon}, expected > 0`);
    return undefined;
  }
  return batchNormAffine(gamma, beta, mean, variance, epsilon);
}
