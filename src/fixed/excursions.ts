/**
 * Range-excursion counting: a FixedObserver (observer.ts) that counts, per layer and
 * kind, the steps and values a saturating rule changed, and the largest |value| seen,
 * in real units. The saturation test is the rule's own (Narrowing.saturates, ops.ts).
 *
 * A "step" is one call of the observer: one timestep of one direction of a layer (a
 * bidirectional layer counts both directions' steps), or one input timestep (layer −1).
 */
import type { QuantModel } from '../ir/qmodel.js';
import type { ExcursionKind, FixedObserver, Narrowing } from './observer.js';

export interface ExcursionTally {
  /** Index in model.layers; −1 for the model input. */
  layer: number;
  kind: ExcursionKind;
  /** Narrowing.quantity: which of the layer's values of this kind (ssm), else absent. */
  quantity?: string;
  /** The format's end in real units, 2^(bits − 1 − frac): values beyond it saturate. */
  limit: number;
  /** Only values above +limit saturate (relu). */
  positiveOnly: boolean;
  steps: number;
  /** Steps where at least one value saturated. */
  stepsSaturated: number;
  values: number;
  valuesSaturated: number;
  /** Largest |value| seen (positiveOnly: largest value), real units, before saturation. */
  maxAbs: number;
}

export class ExcursionCounter implements FixedObserver {
  private readonly tallies = new Map<string, ExcursionTally>();

  values(layer: number, how: Narrowing, wide: ArrayLike<number>): void {
    const key = `${layer} ${how.kind} ${how.quantity ?? ''}`;
    let t = this.tallies.get(key);
    if (!t) {
      t = { layer, kind: how.kind, ...(how.quantity ? { quantity: how.quantity } : {}), limit: 2 ** (how.bits - 1 - how.frac), positiveOnly: how.positiveOnly, steps: 0, stepsSaturated: 0, values: 0, valuesSaturated: 0, maxAbs: 0 };
      this.tallies.set(key, t);
    }
    let out = 0;
    let max = 0;
    for (let i = 0; i < wide.length; i++) {
      const v = wide[i]!;
      if (how.saturates(v)) out++;
      const a = how.positiveOnly || v >= 0 ? v : -v;
      if (a > max) max = a;
    }
    t.steps++;
    t.values += wide.length;
    if (out > 0) t.stepsSaturated++;
    t.valuesSaturated += out;
    const real = max / 2 ** how.frac;
    if (real > t.maxAbs) t.maxAbs = real;
  }

  /** Every (layer, kind) seen, the input first, then by layer and kind. */
  tallyList(): ExcursionTally[] {
    // Within a kind, in the order first seen (an ssm step's order).
    return [...this.tallies.values()].sort((a, b) => a.layer - b.layer || a.kind.localeCompare(b.kind));
  }
}

/** One (layer, kind) of the summary: the tally with its layer's type and the two fractions. */
export interface ExcursionItem extends ExcursionTally {
  /** The layer's type, "input" for the model input, "decoder" for an encoder–decoder's decoder (index layers.length). */
  type: string;
  /** stepsSaturated / steps and valuesSaturated / values (0 when nothing was seen). */
  stepFraction: number;
  valueFraction: number;
}

/** The `excursions` object of the JSON reports (docs/quantize.md, "Range excursions"). */
export interface ExcursionSummary {
  /** What ran: a file name, or a description of the sequences. */
  data: string;
  sequences: number;
  /** Model timesteps (input steps) observed. */
  timesteps: number;
  /** True when any value saturated. */
  saturated: boolean;
  /** Every (layer, kind) observed, saturated or not: input first, then by layer. */
  items: ExcursionItem[];
}

export function excursionSummary(
  model: QuantModel, counter: ExcursionCounter, run: { data: string; sequences: number; timesteps: number },
): ExcursionSummary {
  const items = counter.tallyList().map((t): ExcursionItem => ({
    ...t,
    type: t.layer < 0 ? 'input' : t.layer >= model.layers.length ? 'decoder' : model.layers[t.layer]!.type,
    stepFraction: t.steps > 0 ? t.stepsSaturated / t.steps : 0,
    valueFraction: t.values > 0 ? t.valuesSaturated / t.values : 0,
  }));
  return { ...run, saturated: items.some((i) => i.valuesSaturated > 0), items };
}
