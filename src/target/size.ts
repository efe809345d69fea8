/**
 * Object sizes, measured: the model's NAME.c compiled alone with the target's compiler
 * (float helpers left out) and its object read with the matching binutils, `size -A`
 * (sections) and `nm -S` (symbol sizes). Code is .text; static RAM is .data + .bss
 * (bidirectional sequence buffers). Its readers:
 *   - measureCode, the code size of `rnnc compile`'s report, at -Os; without the
 *     compiler the figure is an estimate, and says so;
 *   - objectSizes, the flash and static RAM of `rnnc bench`, at the bench's
 *     optimisation level; weights and LUTs are the sizes of their tables, told apart by
 *     the plan's table list;
 *   - symbolSizes, for the kernel benchmark (bench/kernels.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Emitted } from '../codegen/emit.js';
import type { ModelCtx } from '../codegen/plan.js';
import type { CodeSize } from '../codegen/report.js';
import { RnncError } from '../errors.js';
import type { OptLevel } from './build.js';
import { compileC, hasCompiler } from './cc.js';
import { C_STD } from './flags.js';
import type { Target } from './targets.js';

/** binutils tool beside a gcc (arm-none-eabi-gcc → arm-none-eabi-nm); the plain tool otherwise. */
function binutil(cc: string, tool: string): string {
  return cc.endsWith('gcc') ? `${cc.slice(0, -3)}${tool}` : tool;
}

interface Sections {
  /** .text*. */
  text: number;
  /** .rodata* and .srodata*. */
  rodata: number;
  /** .data*, .bss*, .sdata*, .sbss*. */
  ram: number;
}

/** Section totals from the output of `size -A`. */
function parseSections(stdout: string): Sections {
  const s: Sections = { text: 0, rodata: 0, ram: 0 };
  for (const line of stdout.split('\n')) {
    const m = /^(\.\S+)\s+(\d+)/.exec(line);
    if (!m) continue;
    const n = Number(m[2]);
    if (m[1]!.startsWith('.text')) s.text += n;
    else if (m[1]!.startsWith('.rodata') || m[1]!.startsWith('.srodata')) s.rodata += n;
    else if (/^\.s?(bss|data)/.test(m[1]!)) s.ram += n;
  }
  return s;
}

/** Rough code size without a compiler: a fixed part plus a per-function part. */
function estimate(e: Emitted): CodeSize {
  const fns = e.plan.functions.length;
  return {
    codeBytes: 400 + 260 * fns, rodataBytes: e.plan.memory.weightBytes + e.plan.memory.lutBytes,
    staticRamBytes: e.plan.memory.staticScratchBytes, measured: false, how: 'estimated (compiler not found)',
  };
}

/** The compile report's code size: the emitted files in a temporary folder, NAME.c at -Os. */
export async function measureCode(e: Emitted, target: Target): Promise<CodeSize> {
  if (!(await hasCompiler(target.cc))) return estimate(e);
  const dir = mkdtempSync(join(tmpdir(), 'rnnc-size-'));
  try {
    for (const f of e.files) writeFileSync(join(dir, f.name), f.content);
    const name = e.plan.name;
    const args = [C_STD, '-Os', ...target.cflags, `-D${e.plan.NAME}_NO_FLOAT`, '-c', `${name}.c`, '-o', `${name}.o`];
    // A bare cross compiler may lack its libc's <stdint.h> on the default path (riscv:
    // picolibc needs --specs); the generated code needs nothing a freestanding build lacks.
    const plain = await execa(target.cc, args, { cwd: dir, reject: false });
    if (plain.exitCode !== 0) await compileC(target.cc, ['-ffreestanding', ...args], dir);
    const r = await execa(binutil(target.cc, 'size'), ['-A', `${name}.o`], { cwd: dir, reject: false });
    if (r.exitCode !== 0) return estimate(e);
    const s = parseSections(String(r.stdout));
    return { codeBytes: s.text, rodataBytes: s.rodata, staticRamBytes: s.ram, measured: true, how: `${target.cc} -Os` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ObjectSizes {
  /** .text of NAME.o: every function of the integer API. */
  code: number;
  /** .text without NAME_run and NAME_reset: what a streaming user of NAME_step links. */
  stepCode: number;
  weights: number;
  luts: number;
  /** .data + .bss bytes. */
  staticRam: number;
}

async function tool(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await execa(cmd, args, { cwd, reject: false, all: true });
  if (r.exitCode !== 0) throw new RnncError('toolchain/failed', `${cmd} ${args.join(' ')} failed:\n${(r.all ?? '').split('\n').slice(0, 12).join('\n')}`);
  return String(r.stdout);
}

export interface SymbolSize {
  bytes: number;
  /** nm's type letter: t/T code, r/R read-only data, d/D data, b/B bss. */
  type: string;
}

/** The defined symbols of an object and their sizes (`nm -S`); `obj` is relative to `cwd`. */
export async function symbolSizes(cc: string, obj: string, cwd: string): Promise<Map<string, SymbolSize>> {
  const symbols = new Map<string, SymbolSize>();
  for (const line of (await tool(binutil(cc, 'nm'), ['-S', '--defined-only', obj], cwd)).split('\n')) {
    const m = /^[0-9a-f]+ ([0-9a-f]+) (\w) (\S+)$/.exec(line.trim());
    if (m) symbols.set(m[3]!, { bytes: parseInt(m[1]!, 16), type: m[2]! });
  }
  return symbols;
}

/** The bench's sizes: `dir`/NAME.c (already written) compiled at `opt` into `dir`. */
export async function objectSizes(plan: ModelCtx, target: Target, opt: OptLevel, dir: string): Promise<ObjectSizes> {
  const obj = `${plan.name}.size.o`;
  const libc = target.cc.startsWith('riscv') ? ['--specs=picolibc.specs'] : [];
  await tool(target.cc, [C_STD, `-${opt}`, ...target.cflags, ...libc, `-D${plan.NAME}_NO_FLOAT`, '-c', join(dir, `${plan.name}.c`), '-o', obj], dir);
  const { text: code, ram: staticRam } = parseSections(await tool(binutil(target.cc, 'size'), ['-A', obj], dir));
  const symbols = await symbolSizes(target.cc, obj, dir);
  const bytes = (symbol: string) => symbols.get(symbol)?.bytes ?? 0;
  const kindBytes = (kind: 'weights' | 'luts') => plan.tables.filter((t) => t.kind === kind).reduce((s, t) => s + bytes(t.symbol), 0);
  const apiOnlyForRun = [`${plan.name}_run`, `${plan.name}_reset`].reduce((s, f) => s + bytes(f), 0);
  return { code, stepCode: plan.streaming ? code - apiOnlyForRun : code, weights: kindBytes('weights'), luts: kindBytes('luts'), staticRam };
}
