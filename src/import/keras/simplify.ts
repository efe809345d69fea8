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
 *   - an Activation layer (or TimeDistributed(Activation)) right after a linear Conv1D or
 *     Dense is that layer's activation (convertLayer checks it is one the IR's layer has):
 *     Dense(4) then Activation('softmax') is how many Keras classifiers end.
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
 * `layers` without the inference-time identities, TimeDistributed(Dense) and
 * TimeDistributed(Activation) unwrapped, an Activation after a linear Conv1D or Dense
 * fused into it.
 * Any other TimeDistributed is kept as it is, and refused by convertLayer by name.
 */
export function simplifyLayers(layers: readonly KerasLayer[]): KerasLayer[] {
  const out: KerasLayer[] = [];
  for (const l of layers) {
    const inner = wrapped(l);
    const layer = inner && (inner.className === 'Dense' || inner.className === 'Activation' || IDENTITY_LAYERS.includes(inner.className)) ? inner : l;
    if (IDENTITY_LAYERS.includes(layer.className)) continue;
    const prev = out[out.length - 1];
    const fusable = prev?.className === 'Conv1D' || prev?.className === 'Dense';
    if (layer.className === 'Activation' && fusable && (prev.config.activation ?? 'linear') === 'linear') {
      out[out.length - 1] = { ...prev, config: { ...prev.config, activation: layer.config.activation } };
      continue;
    }
    out.push(layer);
  }
  return out;
}
