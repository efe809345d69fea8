/** Building small C programs for tests (strict flags, UBSan), cached per test file. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { STRICT_FLAGS } from '../../src/target/flags.js';

export const ROOT = new URL('../../', import.meta.url).pathname;
/** The strict flags of the generated C (src/target/flags.ts). */
export const STRICT: string[] = [...STRICT_FLAGS];

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `rnnc-${tag}-`));
}

/** Compiles `sources` (absolute or relative to cwd) into `out`; throws with the compiler's output. */
export async function buildC(cc: string, sources: string[], out: string, flags: string[] = [], cwd = ROOT): Promise<string> {
  await execa(cc, [...flags, ...sources, '-o', out], { cwd });
  return out;
}
