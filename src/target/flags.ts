/**
 * The C language and warning flags rnnc compiles with, written once. Every build for a
 * target (build.ts) adds BASE_WARNINGS; the generated C and the board files are also held
 * to EXTRA_WARNINGS, which callers add (the conformance harness, `rnnc bench`, the
 * tests); STRICT_FLAGS is both together for a plain compiler run (the host harness).
 * Each target's instruction-set and ABI flags are its row in targets.ts.
 */

/** The C standard of the generated code, the runtime and the board files. */
export const C_STD = '-std=c99';

/** Added to every build for a target. */
export const BASE_WARNINGS: readonly string[] = [C_STD, '-Wall', '-Wextra', '-Werror'];

/** The stricter warnings the generated C and the board files also pass. */
export const EXTRA_WARNINGS: readonly string[] = ['-Wpedantic', '-Wconversion', '-Wshadow', '-Wdouble-promotion'];

/** BASE_WARNINGS and EXTRA_WARNINGS in one list, -Werror last. */
export const STRICT_FLAGS: readonly string[] = [C_STD, '-Wall', '-Wextra', ...EXTRA_WARNINGS, '-Werror'];
