/**
 * Runs C on every target: the host natively, the others under QEMU. One program
 * per target checks the console, the exit code, the instruction counter (exact:
 * a loop of 2n instructions reads 2n) and int64/DSP results against the host;
 * a second one checks fault reporting. Targets run one after the other.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS, type Target } from '../../../src/target/targets.js';
import { FAULT_EXIT_CODE } from '../../../src/target/boards.js';
import { type BuildOptions, buildForTarget } from '../../../src/target/build.js';
import { EXTRA_WARNINGS } from '../../../src/target/flags.js';
import { runOnTarget } from '../../../src/target/run.js';

const HARNESS = fileURLToPath(new URL('../../harness/target/', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'rnnc-run-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Check {
  exitCode: number;
  lines: string[];
  value: (key: string) => number;
  loops: Array<[number, number]>;
  smoke: string[];
}

async function boardCheck(t: Target, variant: Partial<BuildOptions> = {}): Promise<Check> {
  const name = Object.keys(variant).length > 0 ? 'board_check_variant' : 'board_check';
  const sources = [join(HARNESS, 'board_check.c'), join(HARNESS, 'smoke.c')];
  const elf = await buildForTarget({ target: t, sources, outDir: join(out, t.name), name, ...variant });
  const r = await runOnTarget(t, elf, { timeoutMs: 30_000 });
  const lines = r.stdout.split('\n');
  const value = (key: string): number => {
    const line = lines.find((l) => l.startsWith(`${key} `));
    if (line === undefined) throw new Error(`no "${key}" line in:\n${r.stdout}`);
    return Number(line.slice(key.length + 1));
  };
  const loops = lines.filter((l) => l.startsWith('loop ')).map((l) => l.split(' ').slice(1).map(Number) as [number, number]);
  return { exitCode: r.exitCode, lines, value, loops, smoke: lines.filter((l) => l.startsWith('smoke ')) };
}

/** The loops a target read differently from 2n (empty when the counter is exact). */
function inexact(c: Check): Array<[number, number]> {
  return c.loops.filter(([n, insns]) => insns !== 2 * n);
}

let host: Check;
beforeAll(async () => {
  host = await boardCheck(TARGETS[0]!);
});

describe('console, exit code, counter, int64 and DSP results', () => {
  for (const t of TARGETS) {
    it(t.name, async () => {
      const c = t.name === 'host' ? host : await boardCheck(t);
      expect(c.exitCode).toBe(42);
      expect(c.lines[0]).toBe('hello from rnnc_board_print');
      expect(c.loops.length).toBe(45);
      if (t.qemu) {
        expect(c.value('counter')).toBe(1);
        expect(c.value('overhead')).toBeGreaterThan(0);
        expect(c.value('empty')).toBe(0);
        expect(inexact(c)).toEqual([]);
      } else {
        expect(c.value('counter')).toBe(0);
        expect(c.loops.every(([, insns]) => insns === 0)).toBe(true);
      }
      // The DSP intrinsics exist exactly where the target table promises a DSP/MVE kernel.
      expect(c.value('info dsp')).toBe(t.kernel === 'portable' ? 0 : 1);
      expect(c.smoke.length).toBe(20);
      expect(c.smoke).toEqual(host.smoke);
    });
  }
});

describe('counter across timer wraps (TIMER0 reloaded every 1000 ticks)', () => {
  // One target per CMSDK board: the interrupt number and the Thumb-1 handler differ.
  for (const name of ['cortex-m0', 'cortex-m4', 'cortex-m7', 'cortex-m33']) {
    it(name, async () => {
      const c = await boardCheck(TARGETS.find((t) => t.name === name)!, { defines: { RNNC_CMSDK_TIMER_RELOAD: 999 } });
      expect(c.exitCode).toBe(42);
      expect(c.value('empty')).toBe(0);
      expect(inexact(c)).toEqual([]);
    });
  }
});

describe('counter across a carry into the high word', () => {
  // The SSE-300 count starts 5.2e6 ticks (1.3e6 instructions) below 2^32: the carry
  // falls inside the measured loops.
  it('cortex-m55', async () => {
    const c = await boardCheck(TARGETS.find((t) => t.name === 'cortex-m55')!, { defines: { RNNC_SSE300_COUNTER_PRESET: '0xFFB00000u' } });
    expect(c.exitCode).toBe(42);
    expect(c.value('empty')).toBe(0);
    expect(inexact(c)).toEqual([]);
  });
});

describe('-Os builds with strict warnings count exactly too', () => {
  // The warnings the generated code is built with: the board files must pass them too.
  // One target per counter implementation: CMSDK timer, SSE-300 counter, minstret.
  for (const name of ['cortex-m0', 'cortex-m55', 'riscv32']) {
    it(name, async () => {
      const c = await boardCheck(TARGETS.find((t) => t.name === name)!, { opt: 'Os', extraCflags: EXTRA_WARNINGS });
      expect(c.exitCode).toBe(42);
      expect(c.value('empty')).toBe(0);
      expect(inexact(c)).toEqual([]);
      expect(c.smoke).toEqual(host.smoke);
    });
  }
});

describe('faults stop the program with a report and exit code 99', () => {
  for (const t of TARGETS) {
    it(t.name, async () => {
      const elf = await buildForTarget({ target: t, sources: [join(HARNESS, 'fault.c')], outDir: join(out, t.name) });
      const r = await runOnTarget(t, elf, { timeoutMs: 30_000 });
      const fault = r.stdout.split('\n').find((l) => l.startsWith('rnnc-board: fault'));
      if (t.name === 'host') {
        expect(r).toMatchObject({ exitCode: 0, stdout: 'before\nloaded 05040302\nafter\n' });
      } else if (t.name === 'cortex-m0') {
        // HardFault (3) with UFSR.UNALIGNED, before the load completes.
        expect(r.exitCode).toBe(FAULT_EXIT_CODE);
        expect(r.stdout).not.toContain('loaded');
        expect(fault).toMatch(/ exception=0x00000003 .* cfsr=0x01000000 /);
      } else if (t.name === 'riscv32') {
        expect(r.exitCode).toBe(FAULT_EXIT_CODE);
        expect(r.stdout).toContain('loaded 05040302\n');
        expect(fault).toMatch(/ mcause=0x00000002 /);
      } else {
        // HardFault (3) escalated from UFSR.UNDEFINSTR; the unaligned load worked.
        expect(r.exitCode).toBe(FAULT_EXIT_CODE);
        expect(r.stdout).toContain('loaded 05040302\n');
        expect(fault).toMatch(/ exception=0x00000003 .* cfsr=0x00010000 /);
      }
    });
  }
});

describe('a program that never exits', () => {
  it('is stopped at the time limit with target/timeout', async () => {
    const src = join(out, 'hang.c');
    writeFileSync(src, 'int main(void) { for (;;) { } }\n');
    const elf = await buildForTarget({ target: 'cortex-m3', sources: [src], outDir: out });
    await expect(runOnTarget('cortex-m3', elf, { timeoutMs: 500 })).rejects.toMatchObject({
      code: 'target/timeout',
      message: expect.stringMatching(/hang\.elf on cortex-m3 did not finish within 0\.5 s/),
    });
  });
});
