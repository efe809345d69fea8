/** What a refused input says, for tests of validation and parsing. */
import { expect } from 'vitest';
import { RnncError, RnncProblems } from '../../src/errors.js';

/** The problems `f` reports (one per line of an RnncProblems, or an RnncError's message); none if it accepts. */
export function problemsOf(f: () => void): readonly string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof RnncProblems) return e.problems;
    if (e instanceof RnncError) return [e.message];
    throw e;
  }
  return [];
}

/** `f` is refused with `code`, in one line matching `message`. */
export function expectOneLineRefusal(f: () => void, code: string, message: RegExp): void {
  let thrown: unknown;
  try { f(); } catch (e) { thrown = e; }
  expect(thrown).toMatchObject({ code });
  expect((thrown as Error).message).toMatch(message);
  expect((thrown as Error).message).not.toContain('\n');
}
