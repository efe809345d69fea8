/**
 * Code size, measured: the model's object compiled with the target's compiler (-Os,
 * float helpers left out) and its sections read with the matching `size`. Without the
 * compiler the figure is an estimate, and says so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { compileC, hasCompiler } from '../verify/cc.js';
import type { Emitted } from './emit.js';
import type { Target } from './targets.js';

export interface CodeSize {
  /** .text bytes of NAME.o. */
  codeBytes: number;
  /** .rodata bytes (the const tables as the compiler laid them out). */
  rodataBytes: number;
  /** .bss + .data bytes. */
  staticRamBytes: number;
  measured: boolean;
  /** Compiler used, or why not measured. */
  how: string;
}

function sizeTool(cc: string): string {
  return cc.endsWith('gcc') ? `${cc.slice(0, -3)}size` : 'size';
}

/** Rough code size without a compiler: a fixed part plus a per-function part. */
function estimate(e: Emitted): CodeSize {
  const fns = e.plan.functions.length;
  return {
    codeBytes: 400 + 260 * fns, rodataBytes: e.plan.memory.weightBytes + e.plan.memory.lutBytes,
    staticRamBytes: e.plan.memory.staticScratchBytes, measured: false, how: 'estimated (compiler not found)',
  };
}

export async function measureCode(e: Emitted, target: Target): Promise<CodeSize> {
  if (!(await hasCompiler(target.cc))) return estimate(e);
  const dir = mkdtempSync(join(tmpdir(), 'rnnc-size-'));
  try {
    for (const f of e.files) writeFileSync(join(dir, f.name), f.content);
    const name = e.plan.name;
    const args = ['-std=c99', '-Os', ...target.cflags, `-D${e.plan.NAME}_NO_FLOAT`, '-c', `${name}.c`, '-o', `${name}.o`];
    // A bare cross compiler may lack its libc's <stdint.h> on the default path (riscv:
    // picolibc needs --specs); the generated code needs nothing a freestanding build lacks.
    const plain = await execa(target.cc, args, { cwd: dir, reject: false });
    if (plain.exitCode !== 0) await compileC(target.cc, ['-ffreestanding', ...args], dir);
    const r = await execa(sizeTool(target.cc), ['-A', `${name}.o`], { cwd: dir, reject: false });
    if (r.exitCode !== 0) return estimate(e);
    let code = 0;
    let ro = 0;
    let ram = 0;
    for (const line of String(r.stdout).split('\n')) {
      const m = /^(\.\S+)\s+(\d+)/.exec(line);
      if (!m) continue;
      const n = Number(m[2]);
      if (m[1]!.startsWith('.text')) code += n;
      else if (m[1]!.startsWith('.rodata') || m[1]!.startsWith('.srodata')) ro += n;
      else if (/^\.s?(bss|data)/.test(m[1]!)) ram += n;
    }
    return { codeBytes: code, rodataBytes: ro, staticRamBytes: ram, measured: true, how: `${target.cc} -Os` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
