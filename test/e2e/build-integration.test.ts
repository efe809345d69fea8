// The output folder of `rnnc compile` drops into a firmware build, checked by real builds:
// CMake (add_subdirectory + target_link_libraries) on the host, where its conformance test
// target runs and prints PASS, and cross for Cortex-M4 with an arm-none-eabi toolchain
// file, where it builds the static library for the target's core and ABI; a Makefile that
// includes NAME.mk from another folder and compiles every .c of the output folder
// ($(wildcard DIR/*.c): the test, with its own main, is in test/) links a program; and a
// recompile removes what an earlier one left (the test no longer emitted, another target
// family's kernel header), keeping and naming a file rnnc did not write. Strict flags
// (src/target/flags.ts) everywhere.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelToJson } from '../../src/ir/io.js';
import { randomModel } from '../../src/ir/random.js';
import { getTarget } from '../../src/target/targets.js';
import { STRICT, tempDir } from '../helpers/gcc.js';
import { rnnc } from '../helpers/run-cli.js';

const dir = tempDir('build-integration');
const model = join(dir, 'model.json');
const M4 = getTarget('cortex-m4');
const PASS = /^tiny: PASS \(\d+ outputs in \d+ cases bit-exact\)$/m;

/** rnnc compile, which must succeed; returns its stderr (warnings). */
async function compile(args: string[]): Promise<string> {
  const r = await rnnc(['compile', model, ...args]);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stderr;
}

/** A program of the parent project using the model through its header only. */
const MAIN = `#include <stdio.h>
#include "tiny.h"
int main(void) {
  static tiny_state s;
  int16_t x[TINY_INPUT_SIZE] = {0}, y[TINY_OUTPUT_SIZE];
  tiny_reset(&s);
  tiny_step(&s, x, y);
  printf("app: %d outputs\\n", (int)TINY_OUTPUT_SIZE);
  return 0;
}
`;

async function cmake(args: string[], cwd = dir): Promise<void> {
  await execa('cmake', args, { cwd, env: { CFLAGS: '' } });
}

beforeAll(async () => {
  const m = randomModel({ name: 'tiny', inputSize: 3, layers: [{ type: 'lstm', units: 5, returnSequences: true }, { type: 'dense', units: 2, activation: 'softmax' }] }, 5);
  writeFileSync(model, modelToJson(m));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CMake: add_subdirectory(DIR) + target_link_libraries(app PRIVATE NAME)', () => {
  it('host build: the app links the library, and the conformance test target prints PASS', async () => {
    const app = join(dir, 'cmake-host');
    await compile(['--target', 'host', '-o', join(app, 'rnn'), '--emit-test', '--test-cases', '2']);
    writeFileSync(join(app, 'main.c'), MAIN);
    writeFileSync(join(app, 'CMakeLists.txt'), [
      'cmake_minimum_required(VERSION 3.13)',
      'project(app C)',
      'add_subdirectory(rnn)',
      'add_executable(app main.c)',
      'target_link_libraries(app PRIVATE tiny)',
      '',
    ].join('\n'));
    const build = join(app, 'build');
    await cmake(['-S', app, '-B', build, '-DCMAKE_C_COMPILER=gcc', `-DCMAKE_C_FLAGS=${[...STRICT, '-O2'].join(' ')}`]);
    await cmake(['--build', build]);
    expect((await execa(join(build, 'app'))).stdout).toBe('app: 2 outputs');
    expect((await execa(join(build, 'rnn', 'tiny_test'))).stdout).toMatch(PASS);
  });

  it('cross build for Cortex-M4 with an arm-none-eabi toolchain file: the static library, for that core and ABI; no test target', async () => {
    const app = join(dir, 'cmake-m4');
    await compile(['--target', 'cortex-m4', '-o', join(app, 'rnn'), '--emit-test', '--test-cases', '2']);
    writeFileSync(join(app, 'app.c'), '#include "tiny.h"\nvoid app_step(const int16_t *x, int16_t *y);\nvoid app_step(const int16_t *x, int16_t *y) {\n  static tiny_state s;\n  tiny_step(&s, x, y);\n}\n');
    writeFileSync(join(app, 'CMakeLists.txt'), [
      'cmake_minimum_required(VERSION 3.13)',
      'project(app C)',
      'add_subdirectory(rnn)',
      'add_library(app STATIC app.c)',
      'target_link_libraries(app PRIVATE tiny)',
      '',
    ].join('\n'));
    const toolchain = join(dir, 'cortex-m4.cmake');
    writeFileSync(toolchain, [
      'set(CMAKE_SYSTEM_NAME Generic)',
      'set(CMAKE_SYSTEM_PROCESSOR arm)',
      `set(CMAKE_C_COMPILER ${M4.cc})`,
      'set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)',
      `set(CMAKE_C_FLAGS_INIT "${[...M4.cflags, ...STRICT, '-O2'].join(' ')}")`,
      '',
    ].join('\n'));
    const build = join(app, 'build');
    await cmake(['-S', app, '-B', build, `-DCMAKE_TOOLCHAIN_FILE=${toolchain}`]);
    await cmake(['--build', build]);
    const lib = join(build, 'rnn', 'libtiny.a');
    const attrs = (await execa('arm-none-eabi-readelf', ['-A', lib])).stdout;
    expect(attrs).toMatch(/Tag_CPU_arch: v7E-M/);
    expect(attrs).toMatch(/Tag_FP_arch: VFPv4-D16/);
    expect(attrs).toMatch(/Tag_ABI_VFP_args: VFP registers/);
    expect((await execa('arm-none-eabi-nm', [lib])).stdout).toMatch(/ T tiny_step$/m);
    // The DSP kernels are what the Cortex-M4 output calls.
    expect((await execa('arm-none-eabi-objdump', ['-d', lib])).stdout).toMatch(/\bsmlad\b/);
    expect(existsSync(join(build, 'libapp.a'))).toBe(true);
    expect(readdirSync(join(build, 'rnn')).filter((f) => f.startsWith('tiny_test'))).toEqual([]);
  });
});

describe('Make: include NAME.mk, compile every .c of the folder', () => {
  it('links a program from another folder with $(wildcard DIR/*.c), and builds the test from $(NAME_TEST_SRCS)', async () => {
    const out = join(dir, 'make', 'third_party', 'rnn');
    await compile(['--target', 'host', '-o', out, '--emit-test', '--test-cases', '2']);
    const app = join(dir, 'make', 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'main.c'), MAIN);
    // Tabs: recipes. The fragment is included by a path relative to the make's folder.
    writeFileSync(join(app, 'Makefile'), [
      'include ../third_party/rnn/tiny.mk',
      `CFLAGS := ${[...STRICT, '-O2'].join(' ')} $(TINY_CFLAGS)`,
      'SRCS := main.c $(wildcard $(TINY_DIR)/*.c)',
      'app: $(SRCS) $(TINY_HDRS)',
      '\t$(CC) $(CFLAGS) $(SRCS) -o $@',
      'tiny_test: $(TINY_SRCS) $(TINY_TEST_SRCS) $(TINY_HDRS)',
      '\t$(CC) $(CFLAGS) $(TINY_SRCS) $(TINY_TEST_SRCS) -o $@',
      'srcs:',
      '\t@echo $(sort $(wildcard $(TINY_DIR)/*.c)) = $(TINY_SRCS)',
      '',
    ].join('\n'));
    const make = (args: string[]) => execa('make', ['-s', '-C', app, 'CC=gcc', ...args], { env: { MAKEFLAGS: '' } });
    expect((await make(['srcs'])).stdout).toBe('../third_party/rnn/tiny.c = ../third_party/rnn/tiny.c');
    await make(['app', 'tiny_test']);
    expect((await execa(join(app, 'app'))).stdout).toBe('app: 2 outputs');
    expect((await execa(join(app, 'tiny_test'))).stdout).toMatch(PASS);
    // Included by an absolute path from a makefile elsewhere, run from yet another folder.
    const other = join(dir, 'make', 'elsewhere.mk');
    writeFileSync(other, `include ${out}/tiny.mk\nall:\n\t@echo $(TINY_SRCS) $(TINY_CFLAGS)\n`);
    expect((await execa('make', ['-s', '-f', other], { cwd: '/', env: { MAKEFLAGS: '' } })).stdout).toBe(`${out}/tiny.c -I${out}`);
  });
});

describe('recompiling a folder', () => {
  it('removes the test no longer emitted, another family\'s kernel header and an older layout\'s test; keeps and names a foreign file', async () => {
    const out = join(dir, 'again');
    await compile(['--target', 'cortex-m4', '-o', out, '--emit-test', '--test-cases', '2']);
    expect(readdirSync(out).sort()).toEqual(['CMakeLists.txt', 'rnnc_dsp.h', 'rnnc_fixed.h', 'rnnc_kernels.h', 'test', 'tiny.c', 'tiny.h', 'tiny.mk']);
    // Where rnnc used to write the test: an rnnc file there is a leftover as well.
    writeFileSync(join(out, 'tiny_test.c'), readFileSync(join(out, 'test', 'tiny_test.c')));
    const r = await rnnc(['compile', model, '--target', 'host', '-o', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`  removed: ${join(out, 'test', 'tiny_test.c')}, ${join(out, 'tiny_test.c')}, ${join(out, 'rnnc_dsp.h')} (left by an earlier compile)`);
    expect(readdirSync(out).sort()).toEqual(['CMakeLists.txt', 'rnnc_fixed.h', 'rnnc_kernels.h', 'tiny.c', 'tiny.h', 'tiny.mk']);
    // The folder builds by its CMakeLists.txt, which no longer names the test.
    await cmake(['-S', out, '-B', join(out, '..', 'again-build'), '-DCMAKE_C_COMPILER=gcc', `-DCMAKE_C_FLAGS=${STRICT.join(' ')}`]);
    await cmake(['--build', join(out, '..', 'again-build')]);
    expect(existsSync(join(out, '..', 'again-build', 'libtiny.a'))).toBe(true);
    // A file of the same name that rnnc did not write is kept, with one warning line.
    writeFileSync(join(out, 'tiny_test.c'), 'int mine;\n');
    const w = await compile(['--target', 'host', '-o', out]);
    expect(w.split('\n').filter((l) => l.includes('tiny_test.c'))).toEqual([
      `rnnc: warning: ${join(out, 'tiny_test.c')} is not part of this compile's output and not a file rnnc wrote; left as it is`,
    ]);
    expect(readFileSync(join(out, 'tiny_test.c'), 'utf8')).toBe('int mine;\n');
  });
});
