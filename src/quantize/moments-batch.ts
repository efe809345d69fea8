/**
 * The tuning moments (tune-stats.ts) from the batched float reference (float/batch.ts),
 * with sequences batched in any grouping, e.g. by length as calibration groups them, so
 * that one float run serves both (calibrate.ts `also`). Each sum must see its vectors in
 * sequence order (tune-stats.ts MomentCollector); a vector's place in that order is known
 * beforehand, since how many vectors a sequence gives each sum depends on its length only:
 *   x of layer 0, and of a layer after one with a sequence out:   T (conv1d: T windows)
 *   x of a layer after a many-to-one one:                          1
 *   x of a dense head of a last output (MomentCollector.headOfLast): T − tailFrom(T)
 *   h of a forward direction:                                      T
 *   h of a backward direction with the last-index output:          1 (its one step)
 *   h of any other backward direction:                             T
 * So each vector is offered (MomentSum.offer) at  Σ(earlier sequences' counts) + its step,
 * and the moments equal collectMomentsReference's exactly.
 */
import type { BatchObserver } from '../float/observer.js';
import { unpackBatch } from '../float/seq-batch.js';
import { type FloatModel, isRecurrent, lastOutputOf } from '../ir/model.js';
import { inferShapes } from '../ir/shapes.js';
import { type BatchListener, runBatched } from './calibrate.js';
import { type LayerMoments, MomentCollector, tailFrom, tailLength } from './tune-stats.js';

/** Σ count(T_s') over s' < s, for every s. */
function offsets(lengths: readonly number[], count: (t: number) => number): number[] {
  const out: number[] = [];
  let at = 0;
  for (const t of lengths) { out.push(at); at += count(t); }
  return out;
}

export class BatchedMoments implements BatchListener {
  private readonly m: MomentCollector;
  /** Per layer: where each sequence's x vectors start; per layer and direction, its h vectors. */
  private readonly xAt: number[][];
  private readonly hAt: number[][][];
  private rows: readonly number[] = [];
  /** The running batch: per layer and direction, the rows' h before each step, in the order the steps run (undefined: the initial state). */
  private before: Array<Array<Float64Array | undefined>>[] = [];
  private last: Array<Float64Array | undefined>[] = [];

  constructor(private readonly model: FloatModel, seqs: readonly (readonly unknown[])[]) {
    this.m = new MomentCollector(model, seqs as readonly number[][][]);
    const shapes = inferShapes(model);
    const lengths = seqs.map((s) => s.length);
    this.xAt = model.layers.map((_, i) => offsets(lengths,
      (t) => (i === 0 || shapes[i - 1]!.sequenceOut ? t : this.m.headOfLast[i] ? tailLength(t) : 1)));
    this.hAt = model.layers.map((layer) => {
      if (!isRecurrent(layer)) return [];
      const oneStep = !layer.returnSequences && lastOutputOf(layer) === 'last-index';
      return [offsets(lengths, (t) => t), offsets(lengths, (t) => (oneStep ? 1 : t))];
    });
  }

  begin(rows: readonly number[], inputs: readonly Float64Array[][]): BatchObserver {
    const m = this.m;
    this.rows = rows;
    this.before = this.model.layers.map(() => [[], []]);
    this.last = this.model.layers.map(() => [undefined, undefined]);
    rows.forEach((s, b) => m.addInputs(0, inputs[b]!, this.xAt[0]![s]));
    return {
      step: (i, backward, _rows, _pre, h) => {
        const d = backward ? 1 : 0;
        if (!m.hSums[i]![d]) return;
        this.before[i]![d]!.push(this.last[i]![d]);
        this.last[i]![d] = h.slice();
      },
      layer: (i, out) => {
        if (i + 1 >= this.model.layers.length || m.headOfLast[i + 1]) return;
        unpackBatch(out).forEach((seq, b) => m.addInputs(i + 1, seq, this.xAt[i + 1]![rows[b]!]));
      },
    };
  }

  end(): void {
    this.model.layers.forEach((_, i) => { if (this.m.headOfLast[i + 1]) this.endHead(i); });
    this.before.forEach((dirs, i) => dirs.forEach((steps, d) => {
      const sum = this.m.hSums[i]![d];
      if (!sum) return;
      const u = (this.model.layers[i] as { units: number }).units;
      const h0 = this.m.initial(i, d);
      this.rows.forEach((s, b) => {
        const at = this.hAt[i]![d]![s]!;
        steps.forEach((h, k) => sum.offer(at + k, h ? h.subarray(b * u, (b + 1) * u) : h0));
      });
    }));
  }

  /**
   * The running batch's vectors for the head of last output after recurrent layer i: per
   * row, per tail step k, the states after step k of each direction (headVector), offered
   * in step order as the per-sequence run adds them.
   */
  private endHead(i: number): void {
    const m = this.m;
    const u = (this.model.layers[i] as { units: number }).units;
    const dirs = this.before[i]!.slice(0, m.hSums[i]!.length);
    const steps = dirs[0]!.length;
    // The state after step k: the one step k + 1 reads, or after the last step, the last.
    const after = (d: number, k: number) => (k + 1 < steps ? dirs[d]![k + 1] : this.last[i]![d])!;
    const from = tailFrom(steps);
    const sum = m.xSums[i + 1]!;
    this.rows.forEach((s, b) => {
      const at = this.xAt[i + 1]![s]!;
      const row = (d: number, k: number) => after(d, k).subarray(b * u, (b + 1) * u);
      for (let k = from; k < steps; k++) {
        sum.offer(at + k - from, m.headVector(i, row(0, k), dirs.length > 1 ? row(1, k) : undefined));
      }
    });
  }

  moments(): LayerMoments[] {
    return this.m.moments();
  }
}

/**
 * Moments of every product's inputs over the calibration sequences (tune-stats.ts), from
 * the batched float reference; equal to collectMomentsReference's.
 */
export function collectMoments(model: FloatModel, seqs: readonly number[][][]): LayerMoments[] {
  const moments = new BatchedMoments(model, seqs);
  runBatched(model, seqs, moments);
  return moments.moments();
}
