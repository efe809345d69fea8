/**
 * Writing generated files: all or nothing, never over a file rnnc did not generate
 * unless forced, never over an input (src/util/write.ts has the rules). The leftovers of
 * an earlier compile into the same folder go in the same batch (leftovers()).
 */
import { closeSync, constants, lstatSync, openSync, readdirSync, readSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
 * The model a build file or manifest of a folder belongs to, when its first bytes say:
 * the '#' banner of build files (emit.ts buildBanner), or the "name" of a PlatformIO
 * library.json rnnc wrote (its format has no comments).
 */
function ownerModel(text: string): string | undefined {
  return buildFileModel(text) ?? /^\{\s*"name"\s*:\s*"([A-Za-z_][A-Za-z0-9_]*)"/.exec(text)?.[1];
}

/**
 * The files an earlier compile of model `name` into `dir` left that `files` (this
 * compile's output folder, codegen/layouts.ts) do not replace: the test when it is no
 * longer emitted (in test/, or beside NAME.c where older rnnc versions put it), the kernel
 * header of another target family, another layout's manifests, the other of C and the
 * TypeScript twin. rnnc's own are removed, unless they belong to another model of the
 * folder (a build file or manifest naming it, a runtime header its files include); any
 * other file is reported and kept.
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
    const text = st.isFile() ? head(path, 512) : '';
    if (!st.isFile() || !isRnncFile(text)) {
      warnings.push(`${shown} is not part of this compile's output and not a file rnnc wrote; left as it is`);
    } else if (runtime.has(basename(n))) {
      staleRuntime.push(n);
    } else if ((ownerModel(text) ?? name) === name) {
      remove.push(n);
    }
  }
  // A runtime header goes only when no other rnnc file of its folder (the output folder, or
  // src/ of the Arduino layout) still includes it.
  for (const folder of new Set(staleRuntime.map((n) => dirname(n)))) {
    const inFolder = (n: string) => dirname(n) === folder;
    const used = runtimeHeadersInUse(join(dir, folder), new Set([...writing, ...remove].filter(inFolder).map((n) => basename(n))));
    remove.push(...staleRuntime.filter((n) => inFolder(n) && !used.has(basename(n))));
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
