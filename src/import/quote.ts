/**
 * How the importers word messages. Every string taken from a model file (layer, node,
 * tensor, weight and file names, operator types, dtypes, activations) reaches a message
 * through quote() or escapeText() (util/text.ts, re-exported here for the importers):
 * invisible characters escaped, cut to a readable length, so a damaged or hostile file can
 * never break the one-line error and the line still says what it means.
 */
import { type ErrorCode, RnncError, RnncProblems } from '../errors.js';

export { QUOTE_MAX, escapeText, quote } from '../util/text.js';

const BINARY = /[\x00-\x1f\x7f-\x9f\uFFFD]|\p{Cs}/u;

/**
 * Whether `s` holds what no name written by a framework holds: control characters,
 * bytes that were not UTF-8, lone surrogates. A sign of a damaged file.
 */
export function hasBinary(s: string): boolean {
  return BINARY.test(s);
}

/** Most problems one message lists, and most characters they take, before "and N more". */
const LISTED = 4;
const LISTED_CHARS = 340;

/**
 * One error listing the problems found (so a user fixes them in one go), the list cut
 * after a few so that a file with hundreds of bad entries still gives a readable line.
 */
export function problemsError(code: ErrorCode, source: string, problems: readonly string[]): RnncError {
  const shown: string[] = [];
  let chars = 0;
  for (const p of problems) {
    if (shown.length > 0 && (shown.length === LISTED || chars + p.length > LISTED_CHARS)) break;
    shown.push(p);
    chars += p.length + 2;
  }
  if (shown.length === problems.length) return new RnncProblems(code, source, problems);
  return new RnncError(code, `${source}: ${problems.length} problems: ${shown.join('; ')}; and ${problems.length - shown.length} more`, source);
}
