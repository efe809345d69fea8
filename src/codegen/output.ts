/**
 * Writing generated files: all or nothing, never over a file rnnc did not generate
 * unless forced, never over an input (src/util/write.ts has the rules).
 */
import { join } from 'node:path';
import { type OutputFile, type WritePolicy, writeFiles } from '../util/write.js';
import type { EmittedFile } from './emit.js';

/** Where each file will go. */
export function outputPaths(dir: string, files: readonly EmittedFile[]): string[] {
  return files.map((f) => join(dir, f.name));
}

/**
 * Writes `files` into `dir`, plus `extra` files (e.g. a report) in the same
 * all-or-nothing batch; returns the paths of `files`.
 */
export function writeOutputs(
  dir: string, files: readonly EmittedFile[], policy: WritePolicy, extra: readonly OutputFile[] = [],
): string[] {
  const out = files.map((f) => ({ path: join(dir, f.name), content: f.content }));
  writeFiles([...out, ...extra], policy);
  return out.map((f) => f.path);
}
