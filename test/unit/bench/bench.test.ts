// The bench program's lines: counts, stack and state read back; a failed output check
// is a mismatch (exit 1), a fault or a missing line an internal failure (exit 3).
import { describe, expect, it } from 'vitest';
import { parseRun } from '../../../src/bench/bench.js';
import { RnncError } from '../../../src/errors.js';

function thrown(f: () => unknown): RnncError {
  try {
    f();
  } catch (e) {
    if (e instanceof RnncError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('parseRun', () => {
  it('reads the per-step counts, the peak stack and the state size', () => {
    const out = 'insns 0 120\ninsns 1 130\ninsns 2 125\ncheck pass\nstack 344\nstate 16\n';
    expect(parseRun(out, 0, 'm')).toEqual({ counts: [120, 130, 125], stack: 344, state: 16 });
  });
  it('a failed check is a mismatch naming the output', () => {
    const e = thrown(() => parseRun('insns 0 5\ncheck fail output 3: expected 7, got 8\n', 1, 'm on cortex-m4'));
    expect(e.code).toBe('verify/mismatch');
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe('m on cortex-m4: the output differs from the reference (fail output 3: expected 7, got 8); run rnnc verify for details');
  });
  it('a fault is an internal failure quoting the board', () => {
    const e = thrown(() => parseRun('insns 0 5\nrnnc-board: fault exception=0x00000003 pc=0x00000090\n', 99, 'm'));
    expect(e.code).toBe('toolchain/failed');
    expect(e.message).toContain('exited 99: rnnc-board: fault exception=0x00000003');
  });
});
