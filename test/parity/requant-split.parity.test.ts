// The requantization without a 64-bit multiply (rnnc_mul_hi_s32 and the RNNC_SPLIT_MUL path
// of rnnc_requant_s32, runtime-c/include/rnnc/rnnc_fixed.h) against the int64 product it
// replaces, on edge and pseudo-random operands (test/harness/target/requant-split.c): on the
// host with the path forced (gcc, UBSan, strict flags), and on a Cortex-M0 under QEMU, where
// it is the default and the reference product is gcc's __aeabi_lmul. The int64 path itself
// is tied to requantS32 by test/parity/ops.parity.test.ts.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { buildForTarget } from '../../src/target/build.js';
import { runOnTarget } from '../../src/target/run.js';
import { ROOT, STRICT, buildC, tempDir } from '../helpers/gcc.js';

const SRC = join(ROOT, 'test/harness/target/requant-split.c');
const INC = join(ROOT, 'runtime-c/include/rnnc');
const dir = tempDir('requant-split');

function verdict(stdout: string): void {
  expect(stdout).not.toContain('MISMATCH');
  expect(stdout).toMatch(/^split mul_hi \d+ 0$/m);
  expect(stdout).toMatch(/^split requant \d+ 0$/m);
  expect(stdout).toMatch(/^split total \d{6,} 0$/m);
}

describe('requantization from 16-bit halves = the int64 product', () => {
  it('on the host (forced with -DRNNC_SPLIT_MUL, UBSan)', async () => {
    const exe = await buildC('gcc', [SRC], join(dir, 'host'), [...STRICT, '-O2', '-fsanitize=undefined', '-fno-sanitize-recover=all',
      '-DRNNC_SPLIT_MUL', '-DCASES=3000000L', `-I${INC}`]);
    const r = await execa(exe, [], { reject: false });
    verdict(r.stdout);
    expect(r.exitCode).toBe(0);
  });

  it('on a Cortex-M0 under QEMU (the default path there, reference by __aeabi_lmul)', async () => {
    const elf = await buildForTarget({
      target: 'cortex-m0', sources: [SRC], includeDirs: [INC], defines: { CASES: '20000L' }, outDir: join(dir, 'm0'), opt: 'O2',
    });
    const r = await runOnTarget('cortex-m0', elf, { timeoutMs: 120_000 });
    verdict(r.stdout);
    expect(r.exitCode).toBe(0);
  });
});
