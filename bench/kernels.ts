/**
 * Kernel speed on the emulated boards: executed instructions of one NAME_step (exact
 * QEMU counter, boards/include/rnnc_board.h) for LSTM and GRU (resetAfter) at
 * (input, hidden) = (16, 32), (32, 64), (64, 128), int8 and int16 weights, for the
 * portable and the target's own kernel family in the same run, at -O2 and -Os.
 *
 *   npx tsc -p tsconfig.bench.json && node .tmp/bench/bench/kernels.js [--targets cortex-m4,cortex-m55]
 *
 * Prints per model: instructions per step, per MAC, the ratio to portable, the step
 * code bytes (nm sizes of the step functions and of any runtime function the compiler
 * kept out of line), and RAM (state + the
 * plan's stack scratch). Random weights (fixed seeds); the count barely depends on them
 * (only the lookup-table branches do).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { emitModel } from '../src/codegen/emit.js';
import type { KernelFamily } from '../src/codegen/targets.js';
import { getTarget, type Target } from '../src/target/targets.js';
import { C_STD } from '../src/target/flags.js';
import { symbolSizes } from '../src/target/size.js';
import { randomModel } from '../src/ir/random.js';
import type { QuantModel } from '../src/ir/qmodel.js';
import { quantizeModel } from '../src/quantize/quantize.js';
import { buildForTarget, type OptLevel } from '../src/target/build.js';
import { runOnTarget } from '../src/target/run.js';

// Compiled to .tmp/bench/: the generator finds templates, runtime and boards two levels
// above its own modules, so point those at the project's.
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
for (const d of ['templates', 'runtime-c', 'boards']) {
  const link = resolve(here, '..', d);
  if (!existsSync(link)) symlinkSync(join(root, d), link);
}

const SIZES = [[16, 32], [32, 64], [64, 128]] as const;
const CELLS = ['lstm', 'gru'] as const;

interface Case { name: string; cell: string; input: number; hidden: number; q: QuantModel }

function cases(bits: 8 | 16): Case[] {
  const out: Case[] = [];
  let seed = 11;
  for (const cell of CELLS) {
    for (const [input, hidden] of SIZES) {
      const name = `${cell[0]}${input}x${hidden}w${bits}`;
      const f = randomModel({ name, inputSize: input, layers: [{ type: cell, units: hidden, returnSequences: true, resetAfter: true }] }, seed++);
      out.push({ name, cell, input, hidden, q: quantizeModel(f, { weightBits: bits }) });
    }
  }
  return out;
}

function mainC(cs: readonly Case[]): string {
  const lines = ['#include <stdio.h>', '#include "rnnc_board.h"', ...cs.map((c) => `#include "${c.name}.h"`), 'int main(void) {', '  uint64_t n;', '  int i, t;'];
  for (const c of cs) {
    lines.push('  {', `    static ${c.name}_state s;`, `    int16_t x[${c.input}], y[${c.hidden}];`,
      `    for (i = 0; i < ${c.input}; i++) x[i] = (int16_t)((i * 7919 % 4001) - 2000);`,
      `    ${c.name}_reset(&s);`, `    for (t = 0; t < 3; t++) ${c.name}_step(&s, x, y);`,
      '    rnnc_board_counter_start();', `    ${c.name}_step(&s, x, y);`, '    n = rnnc_board_counter_read();',
      `    printf("${c.name} %lu %d\\n", (unsigned long)n, (int)y[0]);`, '  }');
  }
  lines.push('  return 0;', '}', '');
  return lines.join('\n');
}

async function stepBytes(t: Target, dir: string, c: Case, opt: OptLevel): Promise<number> {
  await execa(t.cc, [...t.cflags, `-${opt}`, C_STD, `-D${c.name.toUpperCase()}_NO_FLOAT`, '-c', `${c.name}.c`, '-o', `${c.name}.o`], { cwd: dir });
  let bytes = 0;
  for (const [name, s] of await symbolSizes(t.cc, `${c.name}.o`, dir)) {
    if ((s.type === 't' || s.type === 'T') && /_step$|^rnnc_/.test(name)) bytes += s.bytes;
  }
  return bytes;
}

type Counts = Map<string, { insns: number; code: number; ram: number }>;

/** One ELF per cell type: the M55 image must fit its 512 KiB ITCM. */
async function measure(t: Target, family: KernelFamily, bits: 8 | 16, opt: OptLevel, work: string): Promise<Counts> {
  const out: Counts = new Map();
  for (const cell of CELLS) {
    for (const [k, v] of await measureCell(t, family, bits, opt, cell, work)) out.set(k, v);
  }
  return out;
}

async function measureCell(t: Target, family: KernelFamily, bits: 8 | 16, opt: OptLevel, cell: string, work: string): Promise<Counts> {
  const dir = join(work, `${t.name}-${family}-${bits}-${opt}-${cell}`);
  mkdirSync(dir, { recursive: true });
  const cs = cases(bits).filter((c) => c.cell === cell);
  const tt: Target = { ...t, kernel: family };
  const ram = new Map<string, number>();
  for (const c of cs) {
    const e = emitModel(c.q, tt, { version: 'bench', source: `${c.name}.q.json`, maxSeq: 1 });
    for (const f of e.files) writeFileSync(join(dir, f.name), f.content);
    ram.set(c.name, e.plan.memory.stateBytes + e.plan.memory.stackScratchBytes);
  }
  writeFileSync(join(dir, 'bench_main.c'), mainC(cs));
  const elf = await buildForTarget({
    target: t, sources: [join(dir, 'bench_main.c'), ...cs.map((c) => join(dir, `${c.name}.c`))], includeDirs: [dir],
    defines: Object.fromEntries(cs.map((c) => [`${c.name.toUpperCase()}_NO_FLOAT`, true])), opt, outDir: dir, name: 'bench',
  });
  const r = await runOnTarget(t, elf, { timeoutMs: 120_000 });
  const out: Counts = new Map();
  for (const c of cs) {
    const m = new RegExp(`^${c.name} (\\d+) `, 'm').exec(r.stdout);
    if (!m) throw new Error(`${c.name}: no count in output:\n${r.stdout}${r.stderr}`);
    out.set(c.name, { insns: Number(m[1]), code: await stepBytes(t, dir, c, opt), ram: ram.get(c.name)! });
  }
  return out;
}

async function main(): Promise<void> {
  const k = process.argv.indexOf('--targets');
  const targets = (k > 0 ? process.argv[k + 1]! : 'cortex-m4,cortex-m55').split(',').map(getTarget);
  const work = mkdtempSync(join(tmpdir(), 'rnnc-bench-kernels-'));
  try {
    console.log('target      opt bits model           MACs   portable insn/MAC | kernel       insn   insn/MAC  ratio  code B  RAM B');
    for (const t of targets) {
      for (const opt of ['O2', 'Os'] as const) {
        for (const bits of [8, 16] as const) {
          const base = await measure(t, 'portable', bits, opt, work);
          const fast = t.kernel === 'portable' ? base : await measure(t, t.kernel, bits, opt, work);
          for (const c of cases(bits)) {
            const macs = (c.cell === 'lstm' ? 4 : 3) * c.hidden * (c.input + c.hidden);
            const b = base.get(c.name)!;
            const f = fast.get(c.name)!;
            console.log([t.name.padEnd(11), opt.padEnd(3), String(bits).padStart(4), `${c.cell} (${c.input},${c.hidden})`.padEnd(15),
              String(macs).padStart(6), String(b.insns).padStart(10), (b.insns / macs).toFixed(2).padStart(8), '|', t.kernel.padEnd(8),
              String(f.insns).padStart(8), (f.insns / macs).toFixed(2).padStart(9), (b.insns / f.insns).toFixed(2).padStart(6),
              String(f.code).padStart(7), String(f.ram).padStart(6)].join(' '));
          }
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
