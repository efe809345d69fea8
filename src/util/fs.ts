/**
 * File reading and writing with one-line errors, and atomic writes: content goes to
 * a temporary file beside the target and is renamed over it, so a reader never sees
 * half a file and a failure leaves nothing behind.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { RnncError } from '../errors.js';

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  // mkdir -p answers EEXIST when a path component is an existing file.
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a parent is not a directory';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on device';
  return code ?? String(e);
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RnncError(code === 'ENOENT' ? 'io/not_found' : 'io/unreadable', `cannot read ${path}: ${reason(e)}`, path);
  }
}

export function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RnncError(code === 'ENOENT' ? 'io/not_found' : 'io/unreadable', `cannot read ${path}: ${reason(e)}`, path);
  }
}

/** Parses JSON, turning syntax errors into one line with the position. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const bare = /(?<![\w"])(-?Infinity|NaN)(?![\w"])/.exec(text);
    if (bare) {
      const line = text.slice(0, bare.index).split('\n').length;
      throw new RnncError('io/bad_json', `${source}: line ${line}: ${bare[1]} is not a number in JSON (weights must be finite)`, source);
    }
    const msg = (e as Error).message.replace(/^JSON\.parse: /, '');
    throw new RnncError('io/bad_json', `${source}: malformed JSON: ${msg}`, source);
  }
}

export function readJson(path: string): unknown {
  return parseJson(readText(path), path);
}

/** Removes a temporary file if it exists; the original failure is what gets reported. */
function discard(tmp: string): void {
  try {
    rmSync(tmp, { force: true });
  } catch {
    // ENOTDIR and the like: nothing was created there.
  }
}

/** Writes `content` to `path` atomically, creating parent directories. */
export function writeAtomic(path: string, content: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    discard(tmp);
    throw new RnncError('io/unwritable', `cannot write ${path}: ${reason(e)}`, path);
  }
}

/**
 * Writes several files so that either all appear or none does: every file is first
 * written to a temporary name, and only when all succeeded are they renamed.
 */
export function writeAllAtomic(files: ReadonlyArray<{ path: string; content: string | Uint8Array }>): void {
  // A directory in the way would make a rename fail halfway through: refuse it first.
  for (const f of files) {
    if (existsSync(f.path) && statSync(f.path).isDirectory()) {
      throw new RnncError('io/unwritable', `cannot write ${f.path}: it is a directory`, f.path);
    }
  }
  const staged: Array<{ tmp: string; path: string }> = [];
  let current = files[0]?.path ?? '';
  try {
    for (const f of files) {
      current = f.path;
      const dir = dirname(f.path);
      mkdirSync(dir, { recursive: true });
      const tmp = join(dir, `.${basename(f.path)}.${process.pid}.tmp`);
      staged.push({ tmp, path: f.path });
      writeFileSync(tmp, f.content);
    }
  } catch (e) {
    for (const s of staged) discard(s.tmp);
    throw new RnncError('io/unwritable', `cannot write ${current}: ${reason(e)}`, current);
  }
  staged.forEach((s, i) => {
    try {
      renameSync(s.tmp, s.path);
    } catch (e) {
      for (const rest of staged.slice(i)) discard(rest.tmp);
      throw new RnncError('io/unwritable', `cannot write ${s.path}: ${reason(e)}`, s.path);
    }
  });
}

/**
 * JSON with numeric arrays kept on one line: readable for humans, compact for large
 * weight matrices, and deterministic (same value → same bytes).
 */
export function stringifyJson(value: unknown): string {
  const walk = (v: unknown, indent: string): string => {
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      if (v.every((x) => typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean' || x === null)) {
        return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
      }
      const inner = indent + '  ';
      return `[\n${v.map((x) => inner + walk(x, inner)).join(',\n')}\n${indent}]`;
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined);
      if (entries.length === 0) return '{}';
      const inner = indent + '  ';
      return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${walk(x, inner)}`).join(',\n')}\n${indent}}`;
    }
    return JSON.stringify(v) ?? 'null';
  };
  return walk(value, '') + '\n';
}
