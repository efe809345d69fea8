/**
 * Weight layouts of the kernel families. The portable kernels read W row-major; the DSP
 * kernels (runtime-c/include/rnnc/rnnc_dsp.h) read a reordered table of the same size,
 * built here at compile time so the C never shuffles weights at run time:
 *   group: 4 int8 weights of a row as [w0, w2, w1, w3] (SXTB16 of the word and of the
 *          word rotated by 8 give (w0, w1) and (w2, w3)), or 2 int16 weights as they are;
 *   blocks of 4 rows: group g of rows 0..3, for every full group g, then the 4 rows'
 *          leftover columns, row by row; rows after the last block: row by row.
 * A product may be called on consecutive row segments (GRU without resetAfter calls its
 * recurrent product on rows [0, 2U) and [2U, 3U)): each segment is packed on its own and
 * zero-padded to a multiple of 4 bytes, so every segment starts word-aligned
 * (dspSegmentOffset gives where).
 */
import { RnncError } from '../errors.js';

function packGroup(row: readonly number[], c: number, bits: 8 | 16): number[] {
  return bits === 8 ? [row[c]!, row[c + 2]!, row[c + 1]!, row[c + 3]!] : [row[c]!, row[c + 1]!];
}

function packSegment(rows: number[][], bits: 8 | 16, out: number[]): void {
  const cols = rows[0]?.length ?? 0;
  const per = bits === 8 ? 4 : 2;
  const groups = Math.floor(cols / per);
  const tailFrom = groups * per;
  let r = 0;
  for (; r + 4 <= rows.length; r += 4) {
    const block = rows.slice(r, r + 4);
    for (let g = 0; g < groups; g++) for (const row of block) out.push(...packGroup(row, g * per, bits));
    for (const row of block) out.push(...row.slice(tailFrom));
  }
  for (; r < rows.length; r++) {
    const row = rows[r]!;
    for (let g = 0; g < groups; g++) out.push(...packGroup(row, g * per, bits));
    out.push(...row.slice(tailFrom));
  }
}

/** Row-major `weights` (rows × cols) in the DSP layout, segment by segment (row counts). */
export function packDsp(weights: readonly number[], rows: number, cols: number, bits: 8 | 16, segments: readonly number[] = [rows]): number[] {
  if (weights.length !== rows * cols || segments.reduce((s, n) => s + n, 0) !== rows) {
    throw new RnncError('internal/bug', `packDsp: ${weights.length} weights for ${rows}×${cols}, segments ${segments.join('+')}`);
  }
  const out: number[] = [];
  let first = 0;
  for (const n of segments) {
    const seg: number[][] = [];
    for (let r = first; r < first + n; r++) seg.push(weights.slice(r * cols, (r + 1) * cols));
    packSegment(seg, bits, out);
    while (out.length % (bits === 8 ? 4 : 2) !== 0) out.push(0);
    first += n;
  }
  return out;
}

/** Entry offset of the segment that starts at row `row` in the DSP layout (after padding). */
export function dspSegmentOffset(row: number, cols: number, bits: 8 | 16): number {
  const per = bits === 8 ? 4 : 2;
  return Math.ceil((row * cols) / per) * per;
}

/**
 * Row order for fused cells: units in groups of `group`; a group's rows are gate 0 of its
 * units, then gate 1, ... (row k·U + j of the gate-major matrix). Returns the source row
 * of each new row, and the row count of each group (the kernel call segments).
 */
export function unitGroupOrder(units: number, gates: number, group: number): { order: number[]; segments: number[] } {
  const order: number[] = [];
  const segments: number[] = [];
  for (let j = 0; j < units; j += group) {
    const n = Math.min(group, units - j);
    for (let k = 0; k < gates; k++) for (let u = 0; u < n; u++) order.push(k * units + j + u);
    segments.push(gates * n);
  }
  return { order, segments };
}
