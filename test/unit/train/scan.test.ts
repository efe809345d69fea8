// linearScan (the minimal kinds' prefix scan) against the step-by-step recurrence
//   h_t = a_t ⊙ h_prev + b_t,  and scanBackward against g_t = dhs_t + a_next ⊙ g_next,
// for lengths that are and are not powers of two, both directions.
import { describe, expect, it } from 'vitest';
import { linearScan, scanBackward, scanBuffers } from '../../../src/train/cells/scan.js';
import { Rng } from '../../../src/util/rng.js';

const W = 3;

function sequential(a: Float64Array, b: Float64Array, h0: Float64Array, steps: number, reverse: boolean): Float64Array {
  const out = new Float64Array(steps * W);
  let prev = h0;
  for (let k = 0; k < steps; k++) {
    const t = reverse ? steps - 1 - k : k;
    for (let j = 0; j < W; j++) out[t * W + j] = a[t * W + j]! * prev[j]! + b[t * W + j]!;
    prev = out.subarray(t * W, (t + 1) * W);
  }
  return out;
}

describe('linearScan', () => {
  for (const steps of [1, 2, 7, 8, 37]) {
    for (const reverse of [false, true]) {
      it(`T = ${steps}${reverse ? ', reverse' : ''}: forward and backward equal the loops to 1e-12`, () => {
        const rng = new Rng(steps + (reverse ? 100 : 0));
        const a = Float64Array.from({ length: steps * W }, () => rng.uniform(0, 1));
        const b = Float64Array.from({ length: steps * W }, () => rng.uniform(-2, 2));
        const h0 = Float64Array.from({ length: W }, () => rng.uniform(-1, 1));
        const got = new Float64Array(steps * W);
        linearScan(a, b, h0, steps, W, reverse, got, scanBuffers());
        const want = sequential(a, b, h0, steps, reverse);
        for (let k = 0; k < got.length; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThan(1e-12);
        // g_t = dhs_t + a_next g_next: the loop backwards in time.
        const g = new Float64Array(steps * W);
        scanBackward(a, b, steps, W, reverse, g, new Float64Array(steps * W), scanBuffers());
        const carry = new Float64Array(W);
        for (let k = 0; k < steps; k++) {
          const t = reverse ? k : steps - 1 - k;
          const next = reverse ? t - 1 : t + 1;
          for (let j = 0; j < W; j++) {
            const v = b[t * W + j]! + (next >= 0 && next < steps ? a[next * W + j]! * carry[j]! : 0);
            expect(Math.abs(g[t * W + j]! - v)).toBeLessThan(1e-12);
            carry[j] = v;
          }
        }
      });
    }
  }
});
