// The fused LSTM and GRU steps' helpers of rnnc_dsp.h (the constant-shift requantization,
// the branchless table lookups, the cell rescale, whole units) against the rnnc_fixed.h twins
// they stand for, which test/parity/ops.parity.test.ts ties to src/fixed/ops.ts: on the
// host (the portable fallback, UBSan, strict flags) and on the DSP cores under QEMU
// (SSAT, USAT, SMLAD, SMMLA and QADD), every int16 input of the lookups and rescales and edge and
// pseudo-random requantizations and units (test/harness/target/dsp-epilogue.c).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLuts } from '../../src/fixed/lut.js';
import { buildForTarget } from '../../src/target/build.js';
import { runOnTarget } from '../../src/target/run.js';
import { ROOT, STRICT, buildC, tempDir } from '../helpers/gcc.js';

const SRC = join(ROOT, 'test/harness/target/dsp-epilogue.c');
const INC = join(ROOT, 'runtime-c/include/rnnc');
const dir = tempDir('dsp-epilogue');

beforeAll(() => {
  const lines = ['#include <stdint.h>'];
  for (const size of [16, 256, 4096]) {
    const l = buildLuts(size);
    lines.push(`static const int16_t SIG_${l.log2Size}[${size + 1}] = { ${l.sigmoid.join(', ')} };`);
    lines.push(`static const int16_t TANH_${l.log2Size}[${size + 1}] = { ${l.tanh.join(', ')} };`);
  }
  writeFileSync(join(dir, 'dsp-epilogue-luts.h'), lines.join('\n') + '\n');
});

function verdict(stdout: string): void {
  expect(stdout).not.toContain('MISMATCH');
  for (const what of ['luts', 'rescale', 'requant', 'narrow', 'units']) expect(stdout).toMatch(new RegExp(`^epilogue ${what} \\d+ 0$`, 'm'));
  expect(stdout).toMatch(/^epilogue total \d{7,} 0$/m);
}

describe('the fused LSTM and GRU helpers of rnnc_dsp.h = the rnnc_fixed.h twins', () => {
  it('on the host (portable fallback, UBSan)', async () => {
    const exe = await buildC('gcc', [SRC], join(dir, 'host'), [...STRICT, '-O2', '-fsanitize=undefined', '-fno-sanitize-recover=all',
      '-DCASES=200000L', `-I${INC}`, `-I${dir}`]);
    const r = await execa(exe, [], { reject: false });
    verdict(r.stdout);
    expect(r.exitCode).toBe(0);
  });

  for (const [target, opt] of [['cortex-m4', 'O2'], ['cortex-m4', 'Os'], ['cortex-m4', 'O0'], ['cortex-m7', 'O2'], ['cortex-m33', 'O2']] as const) {
    it(`on a ${target} under QEMU (-${opt}: SSAT, USAT, SMLAD, SMMLA, QADD)`, async () => {
      const elf = await buildForTarget({
        target, sources: [SRC], includeDirs: [INC, dir], defines: { CASES: '20000L' }, outDir: join(dir, `${target}-${opt}`), opt,
      });
      const r = await runOnTarget(target, elf, { timeoutMs: 300_000 });
      verdict(r.stdout);
      expect(r.exitCode).toBe(0);
    }, 320_000);
  }
});
