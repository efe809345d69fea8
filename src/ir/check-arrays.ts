/**
 * Shape and magnitude checks of the weight arrays of model.json, shared by the layer
 * validator (validate.ts) and the decoder's (validate-seq2seq.ts). Problems are pushed
 * as `<JSON path>: <what is wrong>`.
 */
import { LIMITS } from './model.js';

/** Reports the first weight whose magnitude no trained network has (it would overflow float math). */
function checkMagnitude(problems: string[], at: string, v: number[], row?: number): boolean {
  const i = v.findIndex((x) => Math.abs(x) > LIMITS.weight);
  if (i < 0) return true;
  problems.push(`${at}${row === undefined ? '' : `[${row}]`}[${i}]: |${v[i]}| is beyond any trained weight (at most ${LIMITS.weight.toExponential(0)})`);
  return false;
}

export function checkMatrix(problems: string[], at: string, m: number[][], rows: number, cols: number): void {
  m.every((r, i) => checkMagnitude(problems, at, r, i));
  const gotCols = m.length > 0 && m.every((r) => r.length === m[0]!.length) ? m[0]!.length : undefined;
  if (m.length !== rows || gotCols !== cols) {
    const got = gotCols === undefined && m.length > 0 ? `${m.length} ragged rows` : `${m.length}×${gotCols ?? 0}`;
    problems.push(`${at}: expected ${rows}×${cols}, got ${got}`);
  }
}

export function checkVector(problems: string[], at: string, v: number[], length: number): void {
  checkMagnitude(problems, at, v);
  if (v.length !== length) problems.push(`${at}: expected ${length} values, got ${v.length}`);
}
