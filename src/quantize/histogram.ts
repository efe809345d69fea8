/**
 * A constant-memory record of |x| over calibration data: the exact maximum, a count,
 * and a log-spaced histogram (64 bins per octave, 2^−24 .. 2^24) from which any
 * percentile of |x| is read to within 1.1 % (rounded up, so a clipping range is never
 * smaller than the percentile asks). Values below 2^−24 count in the first bin.
 */

const BINS_PER_OCTAVE = 64;
const MIN_LOG2 = -24;
const MAX_LOG2 = 24;
const NBINS = (MAX_LOG2 - MIN_LOG2) * BINS_PER_OCTAVE;

export class AbsHistogram {
  maxAbs = 0;
  count = 0;
  /** Values of |x| at or above 2^MAX_LOG2 (kept out of the bins, still counted). */
  private huge = 0;
  private readonly bins = new Float64Array(NBINS);

  add(x: number): void {
    const a = Math.abs(x);
    this.count++;
    if (a > this.maxAbs) this.maxAbs = a;
    if (a >= 2 ** MAX_LOG2) { this.huge++; return; }
    const k = a <= 2 ** MIN_LOG2 ? 0 : Math.floor((Math.log2(a) - MIN_LOG2) * BINS_PER_OCTAVE);
    this.bins[Math.min(NBINS - 1, k)]! += 1;
  }

  addAll(xs: ArrayLike<number>): void {
    for (let i = 0; i < xs.length; i++) this.add(xs[i]!);
  }

  /** Fraction of recorded values with |x| > limit (to within one bin). */
  fractionAbove(limit: number): number {
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
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let k = 0; k < NBINS; k++) {
      seen += this.bins[k]!;
      if (seen >= rank) return Math.min(this.maxAbs, binLow(k + 1));
    }
    return this.maxAbs;
  }
}

function binLow(k: number): number {
  return 2 ** (MIN_LOG2 + k / BINS_PER_OCTAVE);
}
