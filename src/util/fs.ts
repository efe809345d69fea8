/**
 * Reading input files with one-line errors, and JSON. Inputs must be regular files no
 * larger than MAX_INPUT_BYTES: a device (/dev/zero), a FIFO or a directory is refused at
 * once instead of being read forever or blocking. Writing lives in write.ts.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { RnncError } from '../errors.js';
import { fileKind, osReason } from './reason.js';
import { escapeText } from './text.js';

/** Largest input file rnnc reads (models, data, sequences): 256 MiB (docs/data-format.md). */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

function unreadable(path: string, why: string, code: 'io/not_found' | 'io/unreadable' = 'io/unreadable'): RnncError {
  return new RnncError(code, `cannot read ${path}: ${why}`, path);
}

/**
 * `noFollow`: refuse a symbolic link as the last part of `path` (O_NOFOLLOW), for a path
 * already resolved and checked (Keras shards), so a link swapped in after the check is
 * not followed.
 */
export function readBytes(path: string, options: { noFollow?: boolean } = {}): Uint8Array {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer before fstat can refuse it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (options.noFollow && code === 'ELOOP') throw unreadable(path, 'it became a symbolic link after rnnc checked it; not followed');
    throw unreadable(path, osReason(e), code === 'ENOENT' ? 'io/not_found' : 'io/unreadable');
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw unreadable(path, `it is ${fileKind(st)}; rnnc reads regular files only`);
    if (st.size > MAX_INPUT_BYTES) {
      throw unreadable(path, `${st.size} bytes is over rnnc's limit of ${MAX_INPUT_BYTES} bytes (256 MiB) for one input file`);
    }
    // Read to the end, whatever stat said: pseudo-files (/proc) report size 0, and a file
    // may grow while it is read; never past the limit.
    let buf = Buffer.alloc(Math.max(st.size, 4096) + 1);
    let got = 0;
    for (;;) {
      if (got === buf.length) {
        if (got > MAX_INPUT_BYTES) throw unreadable(path, `over rnnc's limit of ${MAX_INPUT_BYTES} bytes (256 MiB) for one input file`);
        const bigger = Buffer.alloc(Math.min(2 * buf.length, MAX_INPUT_BYTES + 1));
        buf.copy(bigger, 0, 0, got);
        buf = bigger;
      }
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } catch (e) {
    if (e instanceof RnncError) throw e;
    throw unreadable(path, osReason(e));
  } finally {
    closeSync(fd);
  }
}

/**
 * Bytes as UTF-8 text. UTF-16 (what some Windows editors save) and binary files are named
 * as such instead of being decoded into a message full of NUL characters.
 */
export function decodeText(bytes: Uint8Array, path: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new RnncError('io/bad_encoding', `${path}: the file is UTF-16 encoded; save it as UTF-8`, path);
  }
  if (bytes.includes(0)) {
    throw new RnncError('io/bad_encoding', `${path}: the file contains NUL bytes (binary, or UTF-16 without a byte-order mark); rnnc reads UTF-8 text`, path);
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // A UTF-8 byte-order mark is legal and harmless: drop it.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function readText(path: string): string {
  return decodeText(readBytes(path), path);
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
    const comment = /^Unexpected token '?\/'?/.test(msg) ? ' (comments are not allowed in JSON)' : '';
    throw new RnncError('io/bad_json', `${source}: malformed JSON: ${escapeText(msg, 200)}${comment}`, source);
  }
}

export function readJson(path: string): unknown {
  return parseJson(readText(path), path);
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
