/**
 * Running bench/peer_torch.py (Debian's python3-torch) from the benchmarks: bench/peer.ts and
 * bench/drift.ts. RNNC_PYTHON overrides the interpreter.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PYTHON = process.env.RNNC_PYTHON ?? '/usr/bin/python3';

export function torchAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

/**
 * Runs bench/peer_torch.py with `args`, returning its standard output (one JSON document).
 * Its standard error goes to a file in `work`: torch 1.13's qnnpack warns about reduce_range
 * on every dynamic matmul (through c10 logging, which no environment variable quiets), a
 * million lines over a long stream, more than a pipe buffer should hold. On failure the
 * lines that are not that warning are shown.
 */
export function peerTorch(args: string[], work: string): string {
  const log = join(work, 'python-stderr.txt');
  const fd = openSync(log, 'w');
  let r;
  try {
    r = spawnSync(PYTHON, ['bench/peer_torch.py', ...args], { stdio: ['ignore', 'pipe', fd], encoding: 'utf8', maxBuffer: 1 << 28 });
  } finally {
    closeSync(fd);
  }
  if (r.status !== 0) {
    const errors = readFileSync(log, 'utf8').split('\n').filter((l) => !/reduce_range|InitGoogleLogging/.test(l)).slice(-20).join('\n');
    throw new Error(`bench/peer_torch.py ${args[0]} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}):\n${errors}`);
  }
  return r.stdout;
}
