// rnnc compile --layout: the folder as a firmware tool expects a library, checked by the
// builds those tools run and against their documented manifest formats.
//   arduino     library.properties (Arduino library format 1.5: keys, name, category),
//               every .c under src/ compiled as C and as C++17 with arm-none-eabi-gcc/g++,
//               the example sketch compiled as C++ (as the IDE does: Arduino.h first) and
//               linked with them; the conformance test in extras/test/ builds with
//               -Isrc on the host and prints PASS
//   platformio  library.json (PlatformIO's documented fields); its srcFilter applied to
//               the folder selects the model's .c files and not the test; recompiling
//               keeps it (rnnc knows it wrote it)
//   zephyr      zephyr/module.yml (name, build.cmake, build.kconfig), Kconfig, and two
//               models as two modules in one CMake build with Zephyr's library functions
//               (zephyr_library_named, zephyr_library_sources, zephyr_include_directories)
//               reduced to plain CMake: an app links both and runs
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { modelToJson } from '../../src/ir/io.js';
import { randomModel } from '../../src/ir/random.js';
import { getTarget } from '../../src/target/targets.js';
import { STRICT, tempDir } from '../helpers/gcc.js';
import { rnnc } from '../helpers/run-cli.js';

const dir = tempDir('layouts');
const M4 = getTarget('cortex-m4');
const PASS = /^tiny: PASS \(\d+ outputs in \d+ cases bit-exact\)$/m;

async function compile(model: string, out: string, args: string[]): Promise<string> {
  const r = await rnnc(['compile', join(dir, model), '-o', join(dir, out), ...args]);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stderr;
}

beforeAll(() => {
  const m = (name: string, seed: number) => randomModel({ name, inputSize: 3, layers: [
    { type: 'conv1d', units: 4, kernelSize: 3, activation: 'relu' }, { type: 'lstm', units: 5, returnSequences: true }, { type: 'dense', units: 2, activation: 'softmax' },
  ] }, seed);
  writeFileSync(join(dir, 'tiny.json'), modelToJson(m('tiny', 5)));
  writeFileSync(join(dir, 'other.json'), modelToJson(m('other', 6)));
  writeFileSync(join(dir, 'bi.json'), modelToJson(randomModel({ name: 'bi', inputSize: 2, layers: [{ type: 'gru', units: 3, bidirectional: 'concat' }] }, 7)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** key=value lines of a .properties file (comments and blank lines skipped). */
function properties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const eq = line.indexOf('=');
    expect(eq, line).toBeGreaterThan(0);
    out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

/** Arduino.h reduced to what the sketch calls: Serial and delay. */
const ARDUINO_H = `#pragma once
#include <stdint.h>
struct SerialStub { void begin(unsigned long) {} void println(int v) { last = v; } int last = 0; };
extern SerialStub Serial;
inline void delay(unsigned long) {}
`;
const ARDUINO_MAIN = `#include <Arduino.h>
SerialStub Serial;
void setup();
void loop();
int main() { setup(); loop(); return 0; }
`;

describe('--layout arduino', () => {
  const lib = join(dir, 'arduino');
  beforeAll(async () => { await compile('tiny.json', 'arduino', ['--target', 'cortex-m4', '--layout', 'arduino', '--emit-test']); });

  it('library.properties has the 1.5 format\'s keys and values', () => {
    const p = properties(readFileSync(join(lib, 'library.properties'), 'utf8'));
    for (const k of ['name', 'version', 'author', 'maintainer', 'sentence', 'paragraph', 'category', 'url', 'architectures']) expect(p.get(k), k).toBeTruthy();
    expect(p.get('name')).toMatch(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}$/);
    expect(p.get('name')).not.toMatch(/^Arduino/);
    expect(p.get('version')).toMatch(/^\d+\.\d+\.\d+$/);
    expect(['Display', 'Communication', 'Signal Input/Output', 'Sensors', 'Device Control', 'Timing', 'Data Storage', 'Data Processing', 'Other']).toContain(p.get('category'));
    expect(p.get('includes')).toBe('tiny.h');
    expect(readdirSync(join(lib, 'src')).sort()).toEqual(['rnnc_dsp.h', 'rnnc_fixed.h', 'rnnc_kernels.h', 'tiny.c', 'tiny.h']);
  });

  it('src/ builds as C and as C++17, and the sketch (C++) links with it for Cortex-M4', async () => {
    const b = join(dir, 'arduino-build');
    mkdirSync(join(b, 'core'), { recursive: true });
    writeFileSync(join(b, 'core/Arduino.h'), ARDUINO_H);
    writeFileSync(join(b, 'main.cpp'), ARDUINO_MAIN);
    // The IDE turns the sketch into C++ with Arduino.h included first.
    writeFileSync(join(b, 'sketch.cpp'), `#include <Arduino.h>\n${readFileSync(join(lib, 'examples/tiny_stream/tiny_stream.ino'), 'utf8')}`);
    const cpu = [...M4.cflags];
    await execa('arm-none-eabi-gcc', [...cpu, ...STRICT, '-O2', '-c', join(lib, 'src/tiny.c'), '-o', join(b, 'tiny.o')]);
    await execa('arm-none-eabi-g++', [...cpu, '-std=c++17', '-Wall', '-Wextra', '-Werror', '-O2', '-x', 'c++', '-c', join(lib, 'src/tiny.c'), '-o', join(b, 'tiny_cxx.o')]);
    for (const f of ['sketch', 'main']) {
      await execa('arm-none-eabi-g++', [...cpu, '-std=gnu++11', '-Wall', '-Werror', '-O2', '-fno-exceptions', '-fno-rtti', `-I${join(b, 'core')}`, `-I${join(lib, 'src')}`, '-c', join(b, `${f}.cpp`), '-o', join(b, `${f}.o`)]);
    }
    // Linked by the C driver: Debian's arm-none-eabi has no libstdc++, and the sketch needs none.
    await execa('arm-none-eabi-gcc', [...cpu, '--specs=nosys.specs', join(b, 'sketch.o'), join(b, 'main.o'), join(b, 'tiny.o'), '-o', join(b, 'sketch.elf')]);
    expect(existsSync(join(b, 'sketch.elf'))).toBe(true);
  });

  it('the conformance test in extras/test/ builds against src/ on the host (portable fallbacks) and prints PASS', async () => {
    const exe = join(dir, 'arduino-test');
    await execa('gcc', [...STRICT, '-O1', `-I${join(lib, 'src')}`, join(lib, 'extras/test/tiny_test.c'), join(lib, 'src/tiny.c'), '-o', exe]);
    expect((await execa(exe)).stdout).toMatch(PASS);
  });

  it('a whole-sequence model gets a sketch that calls NAME_run; it builds', async () => {
    await compile('bi.json', 'arduino-bi', ['--target', 'cortex-m4', '--layout', 'arduino']);
    const ino = readFileSync(join(dir, 'arduino-bi/examples/bi_stream/bi_stream.ino'), 'utf8');
    expect(ino).toContain('bi_run(x, BI_MAX_SEQ, y)');
    const b = join(dir, 'arduino-bi-build');
    mkdirSync(b);
    writeFileSync(join(b, 'Arduino.h'), ARDUINO_H);
    writeFileSync(join(b, 'sketch.cpp'), `#include <Arduino.h>\n${ino}`);
    await execa('arm-none-eabi-g++', [...M4.cflags, '-std=gnu++11', '-Wall', '-Werror', '-O2', `-I${b}`, `-I${join(dir, 'arduino-bi/src')}`, '-c', join(b, 'sketch.cpp'), '-o', join(b, 'sketch.o')]);
  });

  it('an encoder–decoder gets a sketch that encodes per timestep and decodes a full memory; it builds', async () => {
    const f = JSON.parse(readFileSync(new URL('../fixtures/torch/seq2seq_bahdanau_lstm.json', import.meta.url), 'utf8')) as { model: unknown };
    writeFileSync(join(dir, 's2s.json'), JSON.stringify(f.model));
    await compile('s2s.json', 'arduino-s2s', ['--target', 'cortex-m4', '--layout', 'arduino', '--max-seq', '16']);
    const ino = readFileSync(join(dir, 'arduino-s2s/examples/s2s_stream/s2s_stream.ino'), 'utf8');
    expect(ino).toContain('s2s_encode_step(&state, x) == S2S_ERR_FULL');
    expect(properties(readFileSync(join(dir, 'arduino-s2s/library.properties'), 'utf8')).get('paragraph')).toMatch(/^Call s2s_reset, then s2s_encode_step once per timestep and s2s_decode/);
    const b = join(dir, 'arduino-s2s-build');
    mkdirSync(b);
    writeFileSync(join(b, 'Arduino.h'), ARDUINO_H);
    writeFileSync(join(b, 'sketch.cpp'), `#include <Arduino.h>\n${ino}`);
    await execa('arm-none-eabi-g++', [...M4.cflags, '-std=gnu++11', '-Wall', '-Werror', '-O2', `-I${b}`, `-I${join(dir, 'arduino-s2s/src')}`, '-c', join(b, 'sketch.cpp'), '-o', join(b, 'sketch.o')]);
    await execa('arm-none-eabi-g++', [...M4.cflags, '-std=c++17', '-Wall', '-Wextra', '-Werror', '-O2', '-x', 'c++', '-c', join(dir, 'arduino-s2s/src/s2s.c'), '-o', join(b, 's2s_cxx.o')]);
  });
});

/** PlatformIO's library.json fields that rnnc writes (docs.platformio.org, "library.json"). */
const libraryJson = z.strictObject({
  name: z.string().max(50).regex(/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/i),
  version: z.string().max(20).regex(/^\d+\.\d+\.\d+$/),
  description: z.string().max(255),
  keywords: z.array(z.string().regex(/^[a-z0-9-]+$/)),
  frameworks: z.union([z.literal('*'), z.array(z.string())]),
  platforms: z.union([z.literal('*'), z.array(z.string())]),
  headers: z.string(),
  build: z.strictObject({ srcDir: z.string(), includeDir: z.string(), srcFilter: z.array(z.string().regex(/^[+-]<[^<>]+>$/)) }),
});

/** PlatformIO's source filter over srcDir: +<glob> / -<glob>, in order (only the forms rnnc writes: *.c and a folder/). */
function filtered(root: string, filter: readonly string[]): string[] {
  const all = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.c')).map((f) => f.split('\\').join('/'));
  let picked = new Set<string>();
  for (const rule of filter) {
    const [sign, glob] = [rule[0], rule.slice(2, -1)];
    const match = (f: string) => (glob.endsWith('/') ? f.startsWith(glob) : glob === '*.c' ? !f.includes('/') : f === glob);
    picked = sign === '+' ? new Set([...picked, ...all.filter(match)]) : new Set([...picked].filter((f) => !match(f)));
  }
  return [...picked].sort();
}

describe('--layout platformio', () => {
  it('library.json has PlatformIO\'s fields; its filter builds the model\'s .c and not the test; a recompile keeps it', async () => {
    await compile('tiny.json', 'pio', ['--target', 'cortex-m4', '--layout', 'platformio', '--emit-test']);
    const pio = join(dir, 'pio');
    const manifest = libraryJson.parse(JSON.parse(readFileSync(join(pio, 'library.json'), 'utf8')));
    expect(manifest.name).toBe('tiny');
    const sources = filtered(join(pio, manifest.build.srcDir), manifest.build.srcFilter);
    expect(sources).toEqual(['tiny.c']);
    const exe = join(dir, 'pio-app');
    writeFileSync(join(dir, 'pio-main.c'), '#include "tiny.h"\nint main(void) { static tiny_state s; int16_t x[TINY_INPUT_SIZE] = {0}, y[TINY_OUTPUT_SIZE]; tiny_reset(&s); tiny_step(&s, x, y); return 0; }\n');
    await execa('gcc', [...STRICT, '-O1', `-I${join(pio, manifest.build.includeDir)}`, join(dir, 'pio-main.c'), ...sources.map((s) => join(pio, s)), '-o', exe]);
    await execa(exe);
    // Recompiled without --force: rnnc recognises its library.json; plain removes it.
    expect(await compile('tiny.json', 'pio', ['--target', 'cortex-m4', '--layout', 'platformio'])).not.toMatch(/library\.json/);
    const r = await rnnc(['compile', join(dir, 'tiny.json'), '-o', pio, '--target', 'cortex-m4']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/removed: .*library\.json/);
    expect(existsSync(join(pio, 'library.json'))).toBe(false);
  });
});

/** Zephyr's library functions reduced to plain CMake, so that a host build can include two modules' zephyr/ folders. */
const ZEPHYR_APP = `cmake_minimum_required(VERSION 3.13)
project(zapp C)
add_library(zephyr_interface INTERFACE)
macro(zephyr_library_named name)
  add_library(\${name} STATIC)
  target_link_libraries(\${name} PUBLIC zephyr_interface)
  set(ZEPHYR_CURRENT_LIBRARY \${name})
endmacro()
function(zephyr_library_sources)
  target_sources(\${ZEPHYR_CURRENT_LIBRARY} PRIVATE \${ARGN})
endfunction()
function(zephyr_include_directories)
  target_include_directories(zephyr_interface INTERFACE \${ARGN})
endfunction()
set(CONFIG_RNNC_TINY y)
set(CONFIG_RNNC_OTHER y)
add_subdirectory(tiny/zephyr tiny)
add_subdirectory(other/zephyr other)
add_executable(app main.c)
target_link_libraries(app PRIVATE rnnc_tiny rnnc_other)
`;

describe('--layout zephyr', () => {
  it('module.yml, Kconfig and CMakeLists.txt of two models as two modules of one build', async () => {
    const root = join(dir, 'zephyr');
    await compile('tiny.json', 'zephyr/tiny', ['--layout', 'zephyr']);
    await compile('other.json', 'zephyr/other', ['--layout', 'zephyr']);
    for (const name of ['tiny', 'other']) {
      const mod = join(root, name);
      const yml = z.strictObject({ name: z.string(), build: z.strictObject({ cmake: z.string(), kconfig: z.string() }) })
        .parse(parseYaml(readFileSync(join(mod, 'zephyr/module.yml'), 'utf8')));
      expect(yml.name).toBe(`rnnc-${name}`);
      expect(existsSync(join(mod, yml.build.cmake, 'CMakeLists.txt'))).toBe(true);
      const kconfig = readFileSync(join(mod, yml.build.kconfig), 'utf8');
      expect(kconfig).toMatch(new RegExp(`^config RNNC_${name.toUpperCase()}\\n\\tbool "`, 'm'));
    }
    writeFileSync(join(root, 'CMakeLists.txt'), ZEPHYR_APP);
    writeFileSync(join(root, 'main.c'), '#include <stdio.h>\n#include "tiny.h"\n#include "other.h"\n'
      + 'int main(void) { static tiny_state a; static other_state b; int16_t x[3] = {0}, y[2]; tiny_reset(&a); other_reset(&b);\n'
      + '  tiny_step(&a, x, y); other_step(&b, x, y); printf("two models\\n"); return 0; }\n');
    await execa('cmake', ['-S', root, '-B', join(root, 'build')], { env: { CFLAGS: '' } });
    await execa('cmake', ['--build', join(root, 'build')]);
    expect((await execa(join(root, 'build/app'))).stdout).toBe('two models');
  });
});

describe('two models in one folder, switching layouts and targets', () => {
  it('a recompile removes only its own model\'s files: another model\'s manifest and the runtime headers it includes stay', async () => {
    // platformio for tiny, then other (plain) into the same folder: tiny's library.json stays.
    await compile('tiny.json', 'shared', ['--layout', 'platformio']);
    await compile('other.json', 'shared', []);
    expect(JSON.parse(readFileSync(join(dir, 'shared/library.json'), 'utf8')).name).toBe('tiny');
    // Both as Arduino libraries in one folder, then tiny plain: other's src/ and its headers stay.
    await compile('tiny.json', 'ard2', ['--layout', 'arduino']);
    await compile('other.json', 'ard2', ['--layout', 'arduino']);
    const r = await rnnc(['compile', join(dir, 'tiny.json'), '-o', join(dir, 'ard2')]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'ard2/src')).sort()).toEqual(['other.c', 'other.h', 'rnnc_fixed.h', 'rnnc_kernels.h']);
    expect(readFileSync(join(dir, 'ard2/library.properties'), 'utf8')).toMatch(/^name=other$/m);
    expect(existsSync(join(dir, 'ard2/examples/tiny_stream'))).toBe(false);
  });

  it('C and the TypeScript twin replace each other in a folder', async () => {
    await compile('tiny.json', 'swap', ['--emit-test']);
    const twin = await rnnc(['compile', join(dir, 'tiny.json'), '-o', join(dir, 'swap'), '--target', 'typescript']);
    expect(twin.exitCode, twin.stderr).toBe(0);
    expect(twin.stdout).toMatch(/removed: .*tiny\.c/);
    expect(readdirSync(join(dir, 'swap'))).toEqual(['tiny.ts']);
    await compile('tiny.json', 'swap', []);
    expect(readdirSync(join(dir, 'swap')).sort()).toEqual(['CMakeLists.txt', 'rnnc_fixed.h', 'rnnc_kernels.h', 'tiny.c', 'tiny.h', 'tiny.mk']);
  });
});

describe('--layout usage', () => {
  it('an unknown layout, and a layout with the TypeScript twin, are refused in one line', async () => {
    const bad = await rnnc(['compile', join(dir, 'tiny.json'), '-o', join(dir, 'x'), '--layout', 'keil']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim()).toBe('rnnc: --layout "keil": expected one of plain, platformio, zephyr, arduino');
    const twin = await rnnc(['compile', join(dir, 'tiny.json'), '-o', join(dir, 'x'), '--layout', 'arduino', '--target', 'typescript']);
    expect(twin.exitCode).toBe(2);
    expect(twin.stderr.trim()).toBe('rnnc: --layout arduino lays out C files; --target typescript writes one NAME.ts');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
