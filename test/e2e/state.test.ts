// The state struct is plain data: a memcpy'd copy continues exactly like the original,
// and interleaved instances (multi-channel use) give the same outputs as one at a time.
// Also: the emitted C builds warning-free with the cross compilers of the targets.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { emitModel } from '../../src/codegen/emit.js';
import { getTarget } from '../../src/target/targets.js';
import { hasCompiler } from '../../src/target/cc.js';
import { runHarness } from '../../src/verify/harness.js';
import { goldenCases } from '../../src/codegen/testdata.js';
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
      expect(await hasCompiler(target.cc), `${target.cc} is missing: scripts/toolchain.sh installs it`).toBe(true);
      const dir = tempDir(name);
      for (const q of models) for (const f of emitModel(q, target, { version: 't', source: 'm', maxSeq: 8 }).files) writeFileSync(join(dir, f.name), f.content);
      const libc = name === 'riscv32' ? ['--specs=picolibc.specs'] : [];
      const r = await execa(target.cc, [...STRICT, '-Os', ...target.cflags, ...libc, '-c', ...models.map((q) => `${q.name}.c`)], { cwd: dir, reject: false, all: true });
      expect(r.all).toBe('');
      expect(r.exitCode).toBe(0);
    });
  }
});

describe('the integer path', () => {
  it('with NAME_NO_FLOAT needs no float, libm or malloc: only memset/memcpy and 64-bit helpers (Cortex-M0)', async () => {
    const target = getTarget('cortex-m0');
    expect(await hasCompiler(target.cc), `${target.cc} is missing: scripts/toolchain.sh installs it`).toBe(true);
    const dir = tempDir('nofloat');
    const models = equivalenceModels(6, 4711, 800).map((m) => m.model);
    for (const q of models) for (const f of emitModel(q, target, { version: 't', source: 'm', maxSeq: 8 }).files) writeFileSync(join(dir, f.name), f.content);
    const defs = models.map((q) => `-D${q.name.toUpperCase()}_NO_FLOAT`);
    await execa(target.cc, [...STRICT, '-Os', ...target.cflags, ...defs, '-c', ...models.map((q) => `${q.name}.c`)], { cwd: dir });
    const nm = await execa('arm-none-eabi-nm', ['-u', ...models.map((q) => `${q.name}.o`)], { cwd: dir });
    const undef = new Set(nm.stdout.split('\n').map((l) => l.trim().split(/\s+/).pop() ?? '').filter((x) => x && !x.endsWith(':')));
    for (const sym of undef) expect(sym).toMatch(/^(memset|memcpy|__aeabi_(lmul|lasr|llsl|llsr))$/);
  });
});

describe('bidirectional NAME_run', () => {
  it('refuses T < 1 and T > NAME_MAX_SEQ', async () => {
    const q = quantizeModel(randomModel({ name: 'bi', inputSize: 2, layers: [{ type: 'rnn', units: 3, bidirectional: 'sum' }] }, 2));
    const dir = tempDir('bi');
    for (const f of emitModel(q, getTarget('host'), { version: 't', source: 'bi', maxSeq: 4 }).files) writeFileSync(join(dir, f.name), f.content);
    writeFileSync(join(dir, 'main.c'), `#include <stdio.h>
#include "bi.h"
int main(void) {
  int16_t x[5 * BI_INPUT_SIZE] = { 0 }, y[BI_OUTPUT_SIZE];
  printf("%d %d %d %d\\n", bi_run(x, 0, y), bi_run(x, 1, y), bi_run(x, BI_MAX_SEQ, y), bi_run(x, BI_MAX_SEQ + 1, y));
  return 0;
}
`);
    await execa('gcc', [...STRICT, '-O1', '-fsanitize=address,undefined', 'bi.c', 'main.c', '-o', 'main'], { cwd: dir });
    const r = await execa(join(dir, 'main'), { cwd: dir });
    expect(r.stdout).toBe('1 0 0 1');
  });
});

describe('a model without recurrent layers', () => {
  it('has an empty state and still matches the reference', async () => {
    const q = quantizeModel(randomModel({ name: 'dn', inputSize: 4, layers: [{ type: 'dense', units: 3, activation: 'relu' }, { type: 'dense', units: 2, activation: 'sigmoid' }] }, 6));
    const v = await runHarness([{ model: q, golden: goldenCases(q, { seed: 2, count: 4, steps: 5 }) }], tempDir('dense'), getTarget('host'),
      { cc: 'gcc', flags: ['-O1'], version: 't', maxSeq: 8 });
    expect(v[0]!.line).toMatch(/^dn: PASS/);
  });
});

