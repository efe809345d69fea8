/**
 * A constant-memory record of |x| over calibration data: the exact maximum, a count,
 * and a log-spaced histogram (64 bins per octave, 2^−24 .. 2^24) from which any
 * percentile of |x| is read to within 1.1 % (rounded up, so a clipping range is never
 * smaller than the percentile asks). Values below 2^−24 count in the first bin.
 */
import { RnncError } from '../errors.js';

const BINS_PER_OCTAVE = 64;
const MIN_LOG2 = -24;
const MAX_LOG2 = 24;
const NBINS = (MAX_LOG2 - MIN_LOG2) * BINS_PER_OCTAVE;

/** The bin of |x| = a below 2^MAX_LOG2. */
function binOf(a: number): number {
  const k = a <= 2 ** MIN_LOG2 ? 0 : Math.floor((Math.log2(a) - MIN_LOG2) * BINS_PER_OCTAVE);
  return Math.min(NBINS - 1, k);
}

export class AbsHistogram {
  maxAbs = 0;
  count = 0;
  /** Values of |x| at or above 2^MAX_LOG2 (kept out of the bins, still counted). */
  private huge = 0;
  private readonly bins: Float64Array;

  /**
   * `binned` false: only maxAbs and count, for a range taken at p = 100 (percentile(100)
   * is the maximum, never the bins), without the logarithm per value.
   */
  constructor(private readonly binned = true) {
    this.bins = new Float64Array(binned ? NBINS : 0);
  }

  add(x: number): void {
    const a = Math.abs(x);
    this.count++;
    if (a > this.maxAbs) this.maxAbs = a;
    if (!this.binned) return;
    if (a >= 2 ** MAX_LOG2) { this.huge++; return; }
    this.bins[binOf(a)]! += 1;
  }

  addAll(xs: ArrayLike<number>): void {
    for (let i = 0; i < xs.length; i++) this.add(xs[i]!);
  }

  /** Fraction of recorded values with |x| > limit (to within one bin). */
  fractionAbove(limit: number): number {
    this.needBins();
    if (this.count === 0) return 0;
    let above = this.huge;
    for (let k = NBINS - 1; k >= 0 && binLow(k) >= limit; k--) above += this.bins[k]!;
    return above / this.count;
  }

  /**
   * The p-th percentile of |x| (p in (0, 100]); 100 is the exact maximum. Otherwise the
   * upper edge of the bin holding it, never above the maximum.
   */
  percentile(p: number): number {
    if (p >= 100 || this.count === 0) return this.maxAbs;
    this.needBins();
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let k = 0; k < NBINS; k++) {
      seen += this.bins[k]!;
      if (seen >= rank) return Math.min(this.maxAbs, binLow(k + 1));
    }
    return this.maxAbs;
  }

  private needBins(): void {
    if (!this.binned) throw new RnncError('internal/bug', 'an unbinned histogram has no percentiles below 100 or fractions');
  }
}

function binLow(k: number): number {
  return 2 ** (MIN_LOG2 + k / BINS_PER_OCTAVE);
}

/**
 * AbsHistogram's maxAbs and fractionAbove(limit) for one fixed limit, without a
 * logarithm for values far from it: a value counts when its bin is one fractionAbove
 * counts (binOf(a) ≥ first, from the same loop over binLow), which for a below 0.99 ×
 * binLow(first) (more than 0.9 of a bin below that bin's edge; first > 0) is never and
 * above 1.01 × binLow(first) always, so only values between take binOf. Equal to the
 * histogram's figures exactly.
 */
export class ClipCounter {
  maxAbs = 0;
  count = 0;
  private above = 0;
  /** The lowest bin fractionAbove(limit) counts (NBINS: none). */
  private readonly first: number;
  private readonly low: number;
  private readonly high: number;

  constructor(limit: number) {
    let k = NBINS;
    while (k > 0 && binLow(k - 1) >= limit) k--;
    this.first = k;
    // Bin 0 holds everything down to 0: with first = 0 every value counts.
    this.low = k === 0 ? -1 : 0.99 * binLow(k);
    this.high = 1.01 * binLow(k);
  }

  add(x: number): void {
    const a = Math.abs(x);
    this.count++;
    if (a > this.maxAbs) this.maxAbs = a;
    if (a < this.low) return;
    if (a > this.high || a >= 2 ** MAX_LOG2 || binOf(a) >= this.first) this.above++;
  }

  addAll(xs: ArrayLike<number>): void {
    for (let i = 0; i < xs.length; i++) this.add(xs[i]!);
  }

  /** AbsHistogram.fractionAbove(limit) of the same values. */
  fraction(): number {
    return this.count === 0 ? 0 : this.above / this.count;
  }
}
