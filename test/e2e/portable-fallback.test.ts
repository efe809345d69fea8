// The portable fallbacks of the Arm kernel headers (runtime-c/include/rnnc/rnnc_dsp.h,
// rnnc_mve.h): the C that `rnnc compile --target cortex-m4|cortex-m55 --emit-test`
// writes builds on this x86 host with gcc and clang under the strict flags, and its
// conformance test NAME_test.c passes there, printing the same line (outputs and cases
// compared, all equal to the TypeScript reference) as the intrinsic build under QEMU;
// the Cortex-M4 output built for cortex-m3 (no DSP: the fallback on an Arm core) passes
// under QEMU too. The models cover an LSTM, both GRU variants, an Elman RNN and a dense
// head, int8 and int16 weights, and every kernel of both headers (int32 and int64
// accumulators, leftover columns and rows). Last, the fallback primitives equal the
// instructions they replace, operand for operand, on a core that has both (M55).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelToJson } from '../../src/ir/io.js';
import { type LayerSpec, randomModel } from '../../src/ir/random.js';
import { buildForTarget } from '../../src/target/build.js';
import { runOnTarget } from '../../src/target/run.js';
import { getTarget } from '../../src/target/targets.js';
import { buildC, ROOT, STRICT, tempDir } from '../helpers/gcc.js';
import { pool } from '../helpers/pool.js';
import { rnnc } from '../helpers/run-cli.js';

const MODELS: Array<{ name: string; input: number; layers: LayerSpec[] }> = [
  // 1502 inputs: int8 products of the first layer need the int64 accumulator; 1502, 6, 5
  // and 7 columns and 18 GRU rows leave leftover columns and rows of the packed layout.
  {
    name: 'pf_stack', input: 1502,
    layers: [
      { type: 'gru', units: 6, resetAfter: false, returnSequences: true }, { type: 'lstm', units: 5, returnSequences: true },
      { type: 'gru', units: 7, resetAfter: true, returnSequences: true }, { type: 'rnn', units: 5 }, { type: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  // A fused LSTM on 1501 inputs (int8: int64 block kernel), then one-unit layers whose
  // int16 products fit int32 (|w| * 32768 < 2^31).
  {
    name: 'pf_narrow', input: 1501,
    layers: [
      { type: 'lstm', units: 1, returnSequences: true }, { type: 'gru', units: 1, resetAfter: true, returnSequences: true },
      { type: 'rnn', units: 1, returnSequences: true }, { type: 'dense', units: 1, activation: 'sigmoid' },
    ],
  },
];
const WEIGHTS = ['int8', 'int16'] as const;
const FAMILIES = [
  { target: 'cortex-m4', prefix: 'rnnc_dsp_', insn: /\bsmlad\b/ },
  { target: 'cortex-m55', prefix: 'rnnc_mve_', insn: /\bvmladava/ },
] as const;
const SAN = ['-g', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer'];
/** The board builds add -std=c99 -Wall -Wextra -Werror themselves. */
const ARM_EXTRA = STRICT.filter((f) => !['-std=c99', '-Wall', '-Wextra', '-Werror'].includes(f));

interface Output {
  model: string;
  weights: (typeof WEIGHTS)[number];
  target: (typeof FAMILIES)[number]['target'];
  dir: string;
}

const dir = tempDir('portable-fallback');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const outputs: Output[] = MODELS.flatMap((m) => WEIGHTS.flatMap((weights) => FAMILIES.map(({ target }) => ({
  model: m.name, weights, target, dir: join(dir, `${m.name}-${weights}-${target}`),
}))));
/** Per output: how each build ran ("gcc", "clang", "qemu cortex-m4", ...) → its output line or an error. */
const runs = new Map<Output, Map<string, string>>();
const disassembly = new Map<string, string>();

/** The model and its conformance test (in test/, so it finds NAME.h through -I the output folder). */
function sourcesOf(o: Output): string[] {
  return [join(o.dir, `${o.model}.c`), join(o.dir, 'test', `${o.model}_test.c`)];
}

async function record(o: Output, how: string, run: () => Promise<{ stdout: string; exitCode?: number }>): Promise<void> {
  let line: string;
  try {
    const r = await run();
    line = `${r.stdout.trim()}${r.exitCode === 0 ? '' : ` [exit ${r.exitCode ?? 'none'}]`}`;
  } catch (e) {
    line = `error: ${(e as Error).message.split('\n').slice(0, 12).join('\n')}`;
  }
  runs.get(o)!.set(how, line);
}

async function onBoard(o: Output, board: string, how: string): Promise<void> {
  await record(o, how, async () => {
    const elf = await buildForTarget({
      target: board, sources: sourcesOf(o), includeDirs: [o.dir], outDir: join(o.dir, board), name: o.model, extraCflags: ARM_EXTRA,
    });
    // objdump decodes Helium only when told the architecture.
    const arch = board === 'cortex-m55' ? ['-m', 'armv8.1-m.main'] : [];
    disassembly.set(`${o.model} ${o.weights} ${o.target} output on ${board}`, (await execa('arm-none-eabi-objdump', ['-d', ...arch, elf])).stdout);
    return runOnTarget(board, elf, { timeoutMs: 60_000 });
  });
}

beforeAll(async () => {
  for (const m of MODELS) {
    writeFileSync(join(dir, `${m.name}.json`), modelToJson(randomModel({ name: m.name, inputSize: m.input, layers: m.layers }, 31)));
  }
  for (const o of outputs) runs.set(o, new Map());
  await pool(outputs.map((o) => async () => {
    const r = await rnnc(['compile', join(dir, `${o.model}.json`), '--target', o.target, '--weights', o.weights, '--emit-test', '--test-cases', '2', '-o', o.dir]);
    if (r.exitCode !== 0) throw new Error(`rnnc compile ${o.model} --target ${o.target} --weights ${o.weights}: ${r.stderr}`);
  }), 2);
  const m3 = getTarget('cortex-m3').qemu ? 'cortex-m3' : undefined;
  await pool(outputs.flatMap((o) => [
    // The documented command, under the strict flags.
    () => record(o, 'gcc -O2', async () => {
      const exe = await buildC('gcc', sourcesOf(o), join(o.dir, 'test-gcc'), [...STRICT, '-O2', `-I${o.dir}`]);
      return execa(exe, [], { reject: false });
    }),
    () => record(o, 'clang -O1 asan+ubsan', async () => {
      const exe = await buildC('clang', sourcesOf(o), join(o.dir, 'test-clang'), [...STRICT, '-O1', ...SAN, `-I${o.dir}`]);
      return execa(exe, [], { reject: false });
    }),
    () => onBoard(o, o.target, `qemu ${o.target}`),
    ...(m3 && o.target === 'cortex-m4' ? [() => onBoard(o, m3, `qemu ${m3}`)] : []),
  ]), 2);
});

describe('the model set', () => {
  it('calls every kernel of rnnc_dsp.h and rnnc_mve.h', () => {
    for (const { target, prefix } of FAMILIES) {
      const called = new Set(outputs.filter((o) => o.target === target).flatMap((o) => {
        const c = readFileSync(join(o.dir, `${o.model}.c`), 'utf8');
        // block4k_* (the fused LSTM's, shifts known at compile time) is the kernel block4_* wraps.
        return [...c.matchAll(new RegExp(`\\b(${prefix}(?:matmul|block4k?)_s\\d+_s\\d+)\\(`, 'g'))].map((x) => x[1]!.replace('block4k_', 'block4_'));
      }));
      const all = ['matmul', 'block4'].flatMap((k) => ['s8', 's16'].flatMap((w) => ['s32', 's64'].map((a) => `${prefix}${k}_${w}_${a}`)));
      expect([...called].sort()).toEqual(all.sort());
    }
  });
});

describe('conformance test of the Cortex-M4 and M55 output on the host and under QEMU', () => {
  for (const o of outputs) {
    it(`${o.model} ${o.weights} ${o.target}: the same PASS line from every build`, () => {
      const lines = runs.get(o)!;
      const want = `${o.model}: PASS`;
      const expected = [...lines.keys()].map((how) => [how, want]);
      expect([...lines.entries()].map(([how, line]) => [how, line.startsWith(want) ? want : line])).toEqual(expected);
      // The same outputs and cases compared everywhere, and by the other family's build.
      const distinct = new Set([...runs.entries()].filter(([x]) => x.model === o.model && x.weights === o.weights).flatMap(([, m]) => [...m.values()]));
      expect([...distinct]).toEqual([[...lines.values()][0]]);
      expect([...distinct][0]).toMatch(new RegExp(`^${o.model}: PASS \\(\\d+ outputs in \\d+ cases bit-exact\\)$`));
      expect([...lines.keys()].sort()).toEqual(['clang -O1 asan+ubsan', 'gcc -O2', `qemu ${o.target}`, ...(o.target === 'cortex-m4' ? ['qemu cortex-m3'] : [])].sort());
    });
  }
  it('the intrinsic builds use the instructions, the cortex-m3 build of the M4 output does not', () => {
    // SMLAD or SMLALD (DSP); VCTP.16 and VMLAVA / VMLADAVA / VMLALDAVA, as objdump names
    // them (T: predicated).
    const uses = (dis: string) => ({
      dsp: /\bsmlal?d\b/.test(dis),
      mve: /\bvctp\.16\b/.test(dis) && /\bvmlal?(?:da)?vat?\.s16\b/.test(dis),
    });
    const got = Object.fromEntries([...disassembly].map(([key, dis]) => [key, uses(dis)]));
    const want = Object.fromEntries(outputs.flatMap((o) => [
      [`${o.model} ${o.weights} ${o.target} output on ${o.target}`, { dsp: o.target === 'cortex-m4', mve: o.target === 'cortex-m55' }],
      ...(o.target === 'cortex-m4' ? [[`${o.model} ${o.weights} ${o.target} output on cortex-m3`, { dsp: false, mve: false }]] : []),
    ]));
    expect(got).toEqual(want);
  });
});

describe('the fallback primitives against the instructions (cortex-m55)', () => {
  it('SXTB16, SMLAD, SMLALD, word loads, SSAT, QADD, VCTP16, VLDRH/VLDRB zeroing, VMLADAVA/VMLALDAVA: no mismatch', async () => {
    const elf = await buildForTarget({
      target: 'cortex-m55', sources: [join(ROOT, 'test/harness/target/portable-fallback.c')], includeDirs: [join(ROOT, 'runtime-c/include/rnnc')],
      defines: { RNNC_NO_INTRINSICS: true }, outDir: join(dir, 'primitives'), extraCflags: ARM_EXTRA,
    });
    const r = await runOnTarget('cortex-m55', elf, { timeoutMs: 60_000 });
    expect(r.stdout).not.toContain('MISMATCH');
    expect(r.stdout).toMatch(/^fallback total \d{6,} 0$/m);
    expect(r.exitCode).toBe(0);
  });
});
