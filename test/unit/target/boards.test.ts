import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getTarget, TARGETS } from '../../../src/target/targets.js';
import { BOARDS_DIR, FAULT_EXIT_CODE, boardCompileArgs, boardSupport } from '../../../src/target/boards.js';
import { buildArgs } from '../../../src/target/build.js';
import { emulatorArgs } from '../../../src/target/run.js';

describe('board support table', () => {
  it('every target has board files that exist', () => {
    for (const t of TARGETS) {
      const b = boardSupport(t);
      expect(b.board).toBe(t.qemu?.board ?? 'host');
      const args = boardCompileArgs(b);
      for (const src of args.sources) expect(existsSync(src), src).toBe(true);
      for (const flag of args.link.filter((f) => f.startsWith('-T'))) expect(existsSync(flag.slice(2)), flag).toBe(true);
    }
  });

  it('the fault exit code is the one rnnc_board.h defines', () => {
    const header = readFileSync(join(BOARDS_DIR, 'include/rnnc_board.h'), 'utf8');
    expect(header).toContain(`#define RNNC_BOARD_EXIT_FAULT ${FAULT_EXIT_CODE}\n`);
  });

  it('the -icount shift QEMU gets is the one each counter converts for', () => {
    for (const t of TARGETS.filter((x) => x.qemu)) {
      const b = boardSupport(t);
      const counter = b.sources.find((s) => /counter_|riscv32-virt\/board\.c/.test(s));
      const text = readFileSync(join(BOARDS_DIR, counter ?? ''), 'utf8');
      expect(text, `${t.name}: ${counter}`).toContain(`#if RNNC_BOARD_ICOUNT_SHIFT != ${b.icountShift}\n`);
    }
  });
});

describe('command lines', () => {
  it('QEMU runs the M4 on mps2-an386 with semihosting on stdout and icount shift 7', () => {
    expect(emulatorArgs(getTarget('cortex-m4'), '/x/a.elf')).toEqual([
      '-M', 'mps2-an386', '-nographic', '-monitor', 'none', '-serial', 'none',
      '-chardev', 'stdio,id=con', '-semihosting-config', 'enable=on,target=native,chardev=con',
      '-icount', 'shift=7,align=off,sleep=off', '-kernel', '/x/a.elf',
    ]);
  });

  it('QEMU runs riscv32 on virt without firmware and with icount shift 0', () => {
    const args = emulatorArgs(getTarget('riscv32'), '/x/a.elf') ?? [];
    expect(args.slice(0, 4)).toEqual(['-M', 'virt', '-bios', 'none']);
    expect(args).toContain('shift=0,align=off,sleep=off');
  });

  it('the host runs natively', () => {
    expect(emulatorArgs(getTarget('host'), '/x/a.elf')).toBeUndefined();
  });

  it('a build uses the target flags, the optimisation level, strict warnings and the board files', () => {
    const args = buildArgs(getTarget('cortex-m0'), { target: 'cortex-m0', sources: ['a.c'], outDir: '.', opt: 'Os', defines: { N: 3, ON: true, OFF: false } }, 'o.elf');
    expect(args.slice(0, 8)).toEqual(['-mcpu=cortex-m0', '-mthumb', '-mfloat-abi=soft', '-Os', '-std=c99', '-Wall', '-Wextra', '-Werror']);
    expect(args).toContain('-DN=3');
    expect(args).toContain('-DON');
    expect(args.some((a) => a.startsWith('-DOFF'))).toBe(false);
    expect(args).toContain('-DRNNC_BOARD_ICOUNT_SHIFT=7');
    expect(args).toContain(`-T${join(BOARDS_DIR, 'mps2-an385/link.ld')}`);
    expect(args.slice(-2)).toEqual(['-o', 'o.elf']);
  });
});
