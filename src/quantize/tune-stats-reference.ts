/**
 * The moments of tune-stats.ts one sequence at a time through runFloat (float/model.ts):
 * the reference the batched collectMoments is tested against. Same result.
 */
import { normalizeInput, runFloat } from '../float/model.js';
import type { FloatObserver } from '../float/observer.js';
import { prepareModel } from '../float/kinds.js';
import type { FloatModel } from '../ir/model.js';
import { type LayerMoments, MomentCollector } from './tune-stats.js';

export function collectMomentsReference(model: FloatModel, seqs: readonly number[][][]): LayerMoments[] {
  const prepared = prepareModel(model);
  const m = new MomentCollector(model, seqs);
  // The state each direction's next step reads: its initial state at each sequence's start.
  const prev: Array<Float64Array | undefined>[] = model.layers.map(() => [undefined, undefined]);
  const observer: FloatObserver = {
    step(i, backward, _pre, state) {
      const d = backward ? 1 : 0;
      const sum = m.hSums[i]![d];
      if (!sum) return;
      sum.add(prev[i]![d] ?? m.initial(i, d));
      prev[i]![d] = state.h.slice();
    },
    layer(i, out) { m.addInputs(i + 1, out); },
  };
  for (const seq of seqs) {
    for (const p of prev) p.fill(undefined);
    m.addInputs(0, seq.map((x) => normalizeInput(model, x)));
    runFloat(model, seq, prepared, observer);
  }
  return m.moments();
}
