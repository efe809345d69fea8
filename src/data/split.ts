/**
 * Train / validation split, deterministic from the seed.
 * - Labelled sequences: a seeded shuffle, the last `fraction` of it validates.
 * - Windows of one series (ordered): the last `fraction` of the windows validate, and
 *   training keeps only windows whose target row lies before the first validation
 *   window's first row, so no validation value is ever a training target or input.
 */
import { Rng } from '../util/rng.js';
import type { Dataset } from './dataset.js';

export interface Split {
  train: number[];
  val: number[];
}

export function splitDataset(ds: Dataset, fraction: number, seed: number): Split {
  const n = ds.seqs.length;
  const nVal = fraction > 0 ? Math.max(1, Math.round(n * fraction)) : 0;
  if (nVal === 0 || nVal >= n) return { train: Array.from({ length: n }, (_, i) => i), val: [] };
  if (ds.ordered && ds.targetRow) {
    const val = Array.from({ length: nVal }, (_, i) => n - nVal + i);
    // First series row the validation windows read: their first window's start.
    const firstValRow = ds.targetRow[n - nVal]! - ds.targetRow[0]!;
    const train = Array.from({ length: n - nVal }, (_, i) => i).filter((i) => ds.targetRow![i]! < firstValRow);
    return { train, val };
  }
  const order = new Rng(seed ^ 0x5eed).shuffle(Array.from({ length: n }, (_, i) => i));
  return { train: order.slice(0, n - nVal).sort((a, b) => a - b), val: order.slice(n - nVal).sort((a, b) => a - b) };
}
