import { expect } from 'vitest';

/** Largest |got − want| over every output value; the shapes must agree. */
export function maxAbsDiff(got: ArrayLike<number>[], want: number[][]): number {
  expect(got.length).toBe(want.length);
  let d = 0;
  got.forEach((g, t) => {
    expect(g.length).toBe(want[t]!.length);
    for (let i = 0; i < g.length; i++) d = Math.max(d, Math.abs(g[i]! - want[t]![i]!));
  });
  return d;
}
