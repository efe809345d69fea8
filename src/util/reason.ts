/** The operating system's own words for a failed file operation, and what a path is. */
import type { Stats } from 'node:fs';

/** What a path that is not a regular file is, for "it is a FIFO". */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * "read-only file system (EROFS)": Node's message is "EROFS: read-only file system, open
 * '/x'"; the path is dropped (the caller names it) and the code kept for searching.
 */
export function osReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  // The everyday causes, in plain words; a missing file needs no errno name.
  if (err?.code === 'ENOENT') return 'no such file or directory';
  if (err?.code === 'ENOTDIR') return 'a parent is not a directory';
  if (typeof err?.code === 'string' && typeof err.message === 'string') {
    const m = /^[A-Z0-9_]+: ([^,]+)/.exec(err.message);
    if (m) return `${m[1]} (${err.code})`;
    return err.code;
  }
  return e instanceof Error ? e.message : String(e);
}
