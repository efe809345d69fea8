/**
 * Memory figures of a plan: flash for the constant tables (exact: their byte counts),
 * RAM for the state struct and the scratch. Code size needs a compiler: see src/target/size.ts.
 */
import type { CTable } from './ctables.js';

export interface MemoryFigures {
  /** const weight, bias and requantization tables. */
  weightBytes: number;
  /** sigmoid, tanh (and exp) tables. */
  lutBytes: number;
  /** The caller-owned state struct (sum of its arrays; the compiler may pad to 4). */
  stateBytes: number;
  /** Static scratch (bidirectional models' sequence buffers). */
  staticScratchBytes: number;
  /** Deepest stack scratch of one step: layer arrays plus the dense ping-pong buffers. */
  stackScratchBytes: number;
  macsPerStep: number;
  /** An encoder–decoder: the memory buffer and attention keys inside the state (counted in stateBytes). */
  memoryBufferBytes?: number;
  /** An encoder–decoder: multiply-accumulates of one decoder step attending over --max-seq positions. */
  decodeMacsPerStep?: number;
  /** The attention's share of it per encoder position (a decoder step over T positions: subtract (max-seq − T) of these). */
  decodeMacsPerPosition?: number;
}

export function tableBytes(tables: readonly CTable[], kind: CTable['kind']): number {
  return tables.filter((t) => t.kind === kind).reduce((s, t) => s + t.bytes, 0);
}
