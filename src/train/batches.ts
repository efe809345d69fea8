/**
 * Mini-batches. Sequences of different lengths never share a batch (no padding, no
 * masks): batches are cut within groups of equal length, then shuffled, all from the
 * seeded generator. A batch is gathered time-major, x[(t·B + b)·F + f], with its
 * targets in output-row order (row t·B + b per step, row b per sequence).
 */
import type { Rng } from '../util/rng.js';
import { sized } from './cells/common.js';

/** Normalised training data: what the loop reads. */
export interface TrainData {
  features: number;
  seqs: Float64Array[];
  lengths: number[];
  perStep: boolean;
  kind: 'class' | 'value';
  /** Per-sequence labels (class) or values (value, K per row), scaled for regression. */
  labels: Int32Array[];
  values: Float64Array[];
  outputs: number;
}

export function planBatches(indices: number[], lengths: number[], size: number, rng: Rng | undefined): number[][] {
  const groups = new Map<number, number[]>();
  for (const i of indices) {
    const len = lengths[i]!;
    const g = groups.get(len);
    if (g) g.push(i); else groups.set(len, [i]);
  }
  const batches: number[][] = [];
  for (const len of [...groups.keys()].sort((a, b) => a - b)) {
    const g = groups.get(len)!;
    if (rng) rng.shuffle(g);
    for (let k = 0; k < g.length; k += size) batches.push(g.slice(k, k + size));
  }
  return rng ? rng.shuffle(batches) : batches;
}

export class Gather {
  x: Float64Array = new Float64Array(0);
  labels: Int32Array = new Int32Array(0);
  values: Float64Array = new Float64Array(0);

  constructor(private readonly data: TrainData) {}

  /** Gathers timesteps [t0, t1) of the batch's sequences, with the targets of those steps. */
  fill(batch: number[], t0: number, t1: number): void {
    const { data } = this, F = data.features, B = batch.length, T = t1 - t0, K = data.outputs;
    this.x = sized(this.x, T * B * F);
    const x = this.x;
    batch.forEach((s, b) => {
      const seq = data.seqs[s]!;
      for (let t = 0; t < T; t++) {
        const src = (t0 + t) * F, dst = (t * B + b) * F;
        for (let f = 0; f < F; f++) x[dst + f] = seq[src + f]!;
      }
    });
    const rows = data.perStep ? T * B : B;
    if (data.kind === 'class') {
      if (this.labels.length !== rows) this.labels = new Int32Array(rows);
      batch.forEach((s, b) => {
        const l = data.labels[s]!;
        if (data.perStep) for (let t = 0; t < T; t++) this.labels[t * B + b] = l[t0 + t]!;
        else this.labels[b] = l[0]!;
      });
    } else {
      this.values = sized(this.values, rows * K);
      batch.forEach((s, b) => {
        const v = data.values[s]!;
        const steps = data.perStep ? T : 1, first = data.perStep ? t0 : 0;
        for (let t = 0; t < steps; t++) {
          const src = (first + t) * K, dst = (t * B + b) * K;
          for (let k = 0; k < K; k++) this.values[dst + k] = v[src + k]!;
        }
      });
    }
  }
}
