/**
 * Writing generated files: all or nothing, never over a file rnnc did not generate
 * unless forced, never over an input (src/util/write.ts has the rules). The leftovers of
 * an earlier compile into the same folder go in the same batch (leftovers()).
 */
import { closeSync, constants, lstatSync, openSync, readdirSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { escapeText } from '../util/text.js';
import { type OutputFile, type WritePolicy, isRnncFile, writeFiles } from '../util/write.js';
import { type EmittedFile, buildFileModel, runtimeHeaderNames } from './emit.js';
import { possibleOutputs } from './layouts.js';

/** Where each file will go. */
export function outputPaths(dir: string, files: readonly EmittedFile[]): string[] {
  return files.map((f) => join(dir, f.name));
}

/** What an earlier compile left in the folder that this one does not write. */
export interface Leftovers {
  /** rnnc's own files: removed in the same batch as the writes. */
  remove: string[];
  /** One line each (without the `rnnc: warning:` prefix): foreign files kept, another model's build file replaced. */
  warnings: string[];
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** The first `n` bytes of a regular file as text ('' if it cannot be read). */
function head(path: string, n: number): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return '';
  }
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0)).toString('utf8');
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}

/** How much of a generated file is read for its #include lines (they come first). */
const INCLUDE_HEAD = 64 * 1024;

/**
 * The runtime headers that rnnc files of `dir` outside `skip` include, directly or through
 * other runtime headers: those of another model compiled into the same folder stay.
 */
function runtimeHeadersInUse(dir: string, skip: ReadonlySet<string>): Set<string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return new Set();
  }
  const runtime = new Set(runtimeHeaderNames());
  const includes = (name: string): string[] => {
    const path = join(dir, name);
    if (!lstatOrUndefined(path)?.isFile()) return [];
    const text = head(path, INCLUDE_HEAD);
    if (!isRnncFile(text)) return [];
    return [...text.matchAll(/^#include "([^"]+)"/gm)].map((m) => m[1]!).filter((h) => runtime.has(h));
  };
  const used = new Set<string>();
  const todo = names.filter((n) => /\.[ch]$/.test(n) && !skip.has(n) && !runtime.has(n)).flatMap(includes);
  for (let h = todo.pop(); h !== undefined; h = todo.pop()) {
    if (used.has(h)) continue;
    used.add(h);
    todo.push(...includes(h));
  }
  return used;
}

/**
 * The files an earlier compile of model `name` into `dir` left that `files` (this
 * compile's output folder, emit.ts folderFiles) do not replace: the test when it is no
 * longer emitted (in test/, or beside NAME.c where older rnnc versions put it), the kernel
 * header of another target family. rnnc's own are removed, unless another model in the
 * folder still includes them (a runtime header); any other file is reported and kept.
 */
export function leftovers(dir: string, name: string, files: readonly EmittedFile[]): Leftovers {
  const writing = new Set(files.map((f) => f.name));
  const runtime = new Set(runtimeHeaderNames());
  const remove: string[] = [];
  const warnings: string[] = [];
  const staleRuntime: string[] = [];
  for (const n of possibleOutputs(name)) {
    const path = join(dir, n);
    const st = lstatOrUndefined(path);
    if (!st) continue;
    const shown = escapeText(path, Infinity);
    if (writing.has(n)) {
      const other = st.isFile() ? buildFileModel(head(path, 512)) : undefined;
      if (other !== undefined && other !== name) {
        warnings.push(`${shown} built model ${other}; it now builds ${name} (compile each model into a folder of its own)`);
      }
      continue;
    }
    if (!st.isFile() || !isRnncFile(head(path, 256))) {
      warnings.push(`${shown} is not part of this compile's output and not a file rnnc wrote; left as it is`);
    } else if (runtime.has(n)) {
      staleRuntime.push(n);
    } else {
      remove.push(n);
    }
  }
  if (staleRuntime.length > 0) {
    const used = runtimeHeadersInUse(dir, new Set([...writing, ...remove]));
    remove.push(...staleRuntime.filter((n) => !used.has(n)));
  }
  return { remove: remove.map((n) => join(dir, n)), warnings };
}

/**
 * Writes `files` into `dir`, plus `extra` files (e.g. a report) in the same
 * all-or-nothing batch, which also removes `remove` (leftovers().remove); returns the
 * paths of `files`.
 */
export function writeOutputs(
  dir: string, files: readonly EmittedFile[], policy: WritePolicy, extra: readonly OutputFile[] = [], remove: readonly string[] = [],
): string[] {
  const out = files.map((f) => ({ path: join(dir, f.name), content: f.content }));
  writeFiles([...out, ...extra], policy, remove);
  return out.map((f) => f.path);
}
