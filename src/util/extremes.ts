/**
 * The largest value of many, by a loop: `Math.max(...values)` spreads them as call
 * arguments, which V8 refuses beyond about 125,000 (a layer's weights can be a million).
 */
export function largest(values: Iterable<number>, of: (v: number) => number = (v) => v): number {
  let m = -Infinity;
  for (const v of values) {
    const x = of(v);
    if (x > m || Number.isNaN(x)) m = x;
  }
  return m;
}

/** Every value of a matrix, row by row. */
export function* cells(m: readonly (readonly number[])[]): Generator<number> {
  for (const row of m) yield* row;
}
