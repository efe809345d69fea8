/**
 * One catalogue of error codes. Every failure a user can cause is an RnncError
 * with a stable code; the CLI maps the code's kind to an exit code.
 */

/** Exit codes of the CLI (see README). */
export const EXIT = { ok: 0, mismatch: 1, badInput: 2, internal: 3 } as const;

/** Stable slugs. The prefix names the phase; the kind decides the exit code. */
export const ERROR_CODES = {
  'io/not_found': 'input',
  'io/unreadable': 'input',
  'io/unwritable': 'input',
  'io/foreign_file': 'input',
  'io/bad_json': 'input',
  'io/bad_encoding': 'input',
  'io/bad_csv': 'input',
  'ir/invalid': 'input',
  'ir/unsupported_version': 'input',
  'data/invalid': 'input',
  'names/invalid': 'input',
  'usage/invalid': 'input',
  'arch/invalid': 'input',
  'quantize/invalid': 'input',
  'quantize/range_overflow': 'input',
  'codegen/unknown_target': 'input',
  'import/invalid': 'input',
  'import/unsupported': 'input',
  'toolchain/missing': 'input',
  'target/too_large': 'input',
  'unsupported/feature': 'input',
  'train/interrupted': 'input',
  'train/diverged': 'input',
  'train/too_large': 'input',
  'verify/mismatch': 'mismatch',
  'internal/bug': 'internal',
  'toolchain/failed': 'internal',
  'target/timeout': 'internal',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class RnncError extends Error {
  readonly code: ErrorCode;
  /** JSON path or file the problem is about, when there is one. */
  readonly path: string | undefined;

  constructor(code: ErrorCode, message: string, path?: string) {
    super(message);
    this.name = 'RnncError';
    this.code = code;
    this.path = path;
  }

  get exitCode(): number {
    const kind = ERROR_CODES[this.code];
    return kind === 'mismatch' ? EXIT.mismatch : kind === 'internal' ? EXIT.internal : EXIT.badInput;
  }
}

/** Several problems found at once (validation collects them all before throwing). */
export class RnncProblems extends RnncError {
  readonly problems: readonly string[];

  constructor(code: ErrorCode, source: string, problems: readonly string[]) {
    const head = problems.length === 1 ? problems[0] : `${problems.length} problems: ${problems.join('; ')}`;
    super(code, `${source}: ${head}`);
    this.problems = problems;
  }
}

export function isRnncError(e: unknown): e is RnncError {
  return e instanceof RnncError;
}
