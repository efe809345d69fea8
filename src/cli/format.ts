/** Plain-text table and number formatting for CLI reports. */

export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const r of all) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = all.map(line);
  if (header) out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return out.join('\n') + '\n';
}

export function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

/** Shortest decimal text of a float that reads back to the same float32-ish precision. */
export function num(x: number, digits = 6): string {
  return Number(x.toPrecision(digits)).toString();
}
