/**
 * Small dense-tensor helpers shared by the importers: frameworks hand over flat
 * float arrays in their own layouts, and the IR wants row-major nested arrays with one
 * row per output unit and gate blocks in IR order (ir/model.ts).
 */

/** A flat tensor as a framework stores it: row-major over `shape`. */
export interface FlatTensor {
  shape: number[];
  data: Float64Array;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function shapeText(shape: readonly number[]): string {
  return shape.length === 0 ? 'a scalar' : shape.join('×');
}

/** Rows of a row-major `rows × cols` matrix starting at `offset`. */
export function toRows(data: ArrayLike<number>, rows: number, cols: number, offset = 0): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row = new Array<number>(cols);
    for (let c = 0; c < cols; c++) row[c] = data[offset + r * cols + c]!;
    out.push(row);
  }
  return out;
}

/** Transposes a row-major `rows × cols` matrix: Keras' `in × out` kernels become `out × in`. */
export function transposed(data: ArrayLike<number>, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let c = 0; c < cols; c++) {
    const row = new Array<number>(rows);
    for (let r = 0; r < rows; r++) row[r] = data[r * cols + c]!;
    out.push(row);
  }
  return out;
}

/**
 * Reorders gate blocks: `order[k]` is the framework's block index holding IR gate k.
 * Works on matrices (blocks of `units` rows) and vectors (blocks of `units` values).
 */
export function reorderGates<T>(items: readonly T[], units: number, order: readonly number[]): T[] {
  const out: T[] = [];
  for (const src of order) out.push(...items.slice(src * units, (src + 1) * units));
  return out;
}

export function addVectors(a: readonly number[], b: readonly number[]): number[] {
  return a.map((v, i) => v + b[i]!);
}
