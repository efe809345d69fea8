/**
 * The moments of tune-stats.ts one sequence at a time through runFloat (float/model.ts):
 * the reference the batched collectMoments is tested against. Same result.
 */
import { normalizeInput, runFloat } from '../float/model.js';
import type { FloatObserver } from '../float/observer.js';
import { prepareModel } from '../float/kinds.js';
import type { FloatModel } from '../ir/model.js';
import { type LayerMoments, MomentCollector, tailFrom } from './tune-stats.js';

export function collectMomentsReference(model: FloatModel, seqs: readonly number[][][]): LayerMoments[] {
  const prepared = prepareModel(model);
  const m = new MomentCollector(model, seqs);
  // The state each direction's next step reads: its initial state at each sequence's start.
  const prev: Array<Float64Array | undefined>[] = model.layers.map(() => [undefined, undefined]);
  // A head of last output's vectors (MomentCollector.headOfLast): per layer and direction,
  // the steps run in this sequence; the forward states of the tail, by step.
  const stepNo = model.layers.map(() => [0, 0]);
  const fwdTail: Float64Array[][] = model.layers.map(() => []);
  let curLen = 0;
  const observer: FloatObserver = {
    step(i, backward, _pre, state) {
      const d = backward ? 1 : 0;
      const sum = m.hSums[i]![d];
      if (!sum) return;
      sum.add(prev[i]![d] ?? m.initial(i, d));
      prev[i]![d] = state.h.slice();
      if (!m.headOfLast[i + 1]) return;
      const k = stepNo[i]![d]!++;
      if (k < tailFrom(curLen)) return;
      const head = m.xSums[i + 1]!;
      // The forward direction runs first over the whole sequence, then the backward one.
      if (m.hSums[i]!.length === 1) head.add(m.headVector(i, state.h));
      else if (d === 0) fwdTail[i]![k] = state.h.slice();
      else head.add(m.headVector(i, fwdTail[i]![k]!, state.h));
    },
    layer(i, out) { if (!m.headOfLast[i + 1]) m.addInputs(i + 1, out); },
  };
  for (const seq of seqs) {
    for (const n of stepNo) n.fill(0);
    curLen = seq.length;
    for (const p of prev) p.fill(undefined);
    m.addInputs(0, seq.map((x) => normalizeInput(model, x)));
    runFloat(model, seq, prepared, observer);
  }
  return m.moments();
}
