// The state struct is plain data: a memcpy'd copy continues exactly like the original,
// and interleaved instances (multi-channel use) give the same outputs as one at a time.
// Also: the emitted C builds warning-free with the cross compilers of the targets.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { emitModel } from '../../src/codegen/emit.js';
import { getTarget } from '../../src/codegen/targets.js';
import { hasCompiler } from '../../src/verify/cc.js';
import { STRICT, tempDir } from '../helpers/gcc.js';
import { equivalenceModels, randomQuantModel } from '../helpers/random-models.js';
import { randomModel } from '../../src/ir/random.js';
import { quantizeModel } from '../../src/quantize/quantize.js';

const MAIN = `#include <stdio.h>
#include <string.h>
#include "st.h"
int main(void) {
  st_state a, b, saved;
  int16_t x[ST_INPUT_SIZE], ya[ST_OUTPUT_SIZE], yb[ST_OUTPUT_SIZE];
  int32_t t, i, bad = 0;
  st_reset(&a);
  st_reset(&b);
  for (t = 0; t < 40; t++) {
    for (i = 0; i < ST_INPUT_SIZE; i++) x[i] = (int16_t)((t * 7919 + i * 104729) % 65536 - 32768);
    if (t == 20) memcpy(&saved, &a, sizeof a);
    st_step(&a, x, ya);
    st_step(&b, x, yb);
    for (i = 0; i < ST_OUTPUT_SIZE; i++) bad += ya[i] != yb[i];
  }
  /* replay steps 20..39 from the saved copy: same outputs as a gave */
  {
    st_state c;
    memcpy(&c, &saved, ST_STATE_BYTES);
    for (t = 20; t < 40; t++) {
      for (i = 0; i < ST_INPUT_SIZE; i++) x[i] = (int16_t)((t * 7919 + i * 104729) % 65536 - 32768);
      st_step(&c, x, yb);
    }
    for (i = 0; i < ST_OUTPUT_SIZE; i++) bad += ya[i] != yb[i];
  }
  printf("%ld\\n", (long)bad);
  return bad != 0;
}
`;

describe('state is plain data', () => {
  it('memcpy save/restore and side-by-side instances', async () => {
    const q = quantizeModel(randomModel({ name: 'st', inputSize: 5, layers: [{ type: 'lstm', units: 9, returnSequences: true }, { type: 'gru', units: 4 }] }, 8));
    const dir = tempDir('state');
    for (const f of emitModel(q, getTarget('host'), { version: 't', source: 'st', maxSeq: 8 }).files) writeFileSync(join(dir, f.name), f.content);
    writeFileSync(join(dir, 'main.c'), MAIN);
    await execa('gcc', [...STRICT, '-O1', '-fsanitize=address,undefined', 'st.c', 'main.c', '-o', 'main'], { cwd: dir });
    const r = await execa(join(dir, 'main'), { cwd: dir });
    expect(r.stdout).toBe('0');
  });
});

describe('cross compilers', () => {
  const models = [...equivalenceModels(10, 31337, 700).map((m) => m.model), randomQuantModel(799, 5)];
  for (const name of ['cortex-m0', 'cortex-m4', 'cortex-m55', 'riscv32']) {
    it(`${name}: strict warning-free build of ${models.length} models`, async () => {
      const target = getTarget(name);
      if (!(await hasCompiler(target.cc))) return;
      const dir = tempDir(name);
      for (const q of models) for (const f of emitModel(q, target, { version: 't', source: 'm', maxSeq: 8 }).files) writeFileSync(join(dir, f.name), f.content);
      const libc = name === 'riscv32' ? ['--specs=picolibc.specs'] : [];
      const r = await execa(target.cc, [...STRICT, '-Os', ...target.cflags, ...libc, '-c', ...models.map((q) => `${q.name}.c`)], { cwd: dir, reject: false, all: true });
      expect(r.all).toBe('');
      expect(r.exitCode).toBe(0);
    });
  }
});
