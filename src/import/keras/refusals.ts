/**
 * Layers rnnc refuses by design, each with what to do instead, so a user reading the one
 * line knows how to export a model rnnc takes.
 */
import { quote } from '../quote.js';
import type { KerasLayer } from './topology.js';

const ADVICE: Record<string, string> = {
  Masking: 'rnnc runs every timestep and skips none; remove the Masking layer and feed sequences without padding',
  Embedding: 'an Embedding takes token ids, but rnnc models take real-valued features; '
    + 'export the network after the embedding and feed it the embedding vectors',
  LayerNormalization: 'a LayerNormalization normalises each timestep by its own statistics, which rnnc cannot do; '
    + 'retrain without it, or export the layers after it',
};

/** What to do about each layer rnnc refuses by design, one message per layer. */
export function refusedByDesign(layers: readonly KerasLayer[]): string[] {
  return layers.filter((l) => Object.hasOwn(ADVICE, l.className))
    .map((l) => `layer ${quote(l.name)} (${l.className}): ${ADVICE[l.className]!}`);
}
