/**
 * Keras layers that have no IR layer of their own, turned into the chain rnnc converts:
 *   - layers that only act while training (dropout, noise, activity penalties) are the
 *     identity when predicting, so they are dropped wherever they are, also inside
 *     TimeDistributed;
 *   - TimeDistributed(Dense) is the IR's dense: a dense layer given a sequence already
 *     runs on every timestep with the same weights (docs/model-format.md), so the
 *     wrapper is removed. Its weights stay stored under the wrapper's name
 *     (`time_distributed/kernel`, or `time_distributed/dense/kernel`), which findWeight
 *     finds as a path component, so the Dense takes the wrapper's name;
 *   - an Activation layer right after a linear Conv1D is that convolution's activation
 *     (convertLayer checks it is one the IR's conv1d has).
 */
import type { KerasLayer } from './topology.js';

/** Identity at inference: Keras applies them only when `training` is true. */
export const IDENTITY_LAYERS: readonly string[] = [
  'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization',
];

/** The layer a TimeDistributed wraps, named as the wrapper; undefined when `l` is no TimeDistributed. */
function wrapped(l: KerasLayer): KerasLayer | undefined {
  if (l.className !== 'TimeDistributed') return undefined;
  const inner = l.config.layer as { class_name?: unknown; config?: unknown } | undefined;
  if (typeof inner?.class_name !== 'string' || typeof inner.config !== 'object' || inner.config === null) return undefined;
  return { className: inner.class_name, name: l.name, config: inner.config as Record<string, unknown> };
}

/**
 * `layers` without the inference-time identities, TimeDistributed(Dense) unwrapped, an
 * Activation after a linear Conv1D fused into it.
 * Any other TimeDistributed is kept as it is, and refused by convertLayer by name.
 */
export function simplifyLayers(layers: readonly KerasLayer[]): KerasLayer[] {
  const out: KerasLayer[] = [];
  for (const l of layers) {
    const inner = wrapped(l);
    const layer = inner && (inner.className === 'Dense' || IDENTITY_LAYERS.includes(inner.className)) ? inner : l;
    if (IDENTITY_LAYERS.includes(layer.className)) continue;
    const prev = out[out.length - 1];
    if (layer.className === 'Activation' && prev?.className === 'Conv1D' && (prev.config.activation ?? 'linear') === 'linear') {
      out[out.length - 1] = { ...prev, config: { ...prev.config, activation: layer.config.activation } };
      continue;
    }
    out.push(layer);
  }
  return out;
}
