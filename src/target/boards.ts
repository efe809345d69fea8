/**
 * Board support per target: which files under boards/ are compiled and linked with
 * a program, and how QEMU runs it. The C side lives in boards/ (shipped with the
 * package); facts about each board: docs/targets.md.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { RnncError } from '../errors.js';
import type { Target } from './targets.js';

/** The boards/ folder of this installation (next to dist/ or src/). */
export const BOARDS_DIR: string = fileURLToPath(new URL('../../boards/', import.meta.url));

/** Exit code of a program stopped by a CPU fault; RNNC_BOARD_EXIT_FAULT in rnnc_board.h. */
export const FAULT_EXIT_CODE = 99;

export interface BoardSupport {
  /** Folder under boards/ with board.h / link.ld (absent for the host). */
  board: string;
  /** C sources under boards/ linked into every program. */
  sources: readonly string[];
  /** Include directories under boards/. */
  includeDirs: readonly string[];
  /** Link flags (start files, libc, memory map); paths are made absolute by linkFlags(). */
  link: readonly string[];
  /**
   * QEMU -icount shift: each instruction advances virtual time by 2^shift ns. The
   * board's counter code converts with the same shift (checked at compile time
   * through -DRNNC_BOARD_ICOUNT_SHIFT).
   */
  icountShift: number;
}

const HOST: BoardSupport = { board: 'host', sources: ['host/board.c'], includeDirs: ['include'], link: [], icountShift: 0 };

/** Cortex-M boards: own startup and linker script, newlib with semihosting system calls. */
function cortexM(board: string, counter: 'counter_cmsdk.c' | 'counter_sse300.c'): BoardSupport {
  return {
    board,
    sources: ['arm/startup.c', 'arm/semihost.c', `arm/${counter}`],
    includeDirs: ['include', 'arm', board],
    link: ['-nostartfiles', `-T{boards}/${board}/link.ld`, '-L{boards}/arm'],
    icountShift: 7,
  };
}

/** picolibc's crt0 and linker script, placed at the virt board's DRAM (which the reset ROM jumps to). */
const RISCV32_VIRT: BoardSupport = {
  board: 'riscv32-virt',
  sources: ['riscv32-virt/board.c'],
  includeDirs: ['include'],
  link: [
    '--specs=picolibc.specs', '--oslib=semihost', '--crt0=hosted',
    '-Wl,--defsym=__flash=0x80000000', '-Wl,--defsym=__flash_size=0x200000',
    '-Wl,--defsym=__ram=0x80200000', '-Wl,--defsym=__ram_size=0x200000',
    '-Wl,--defsym=__stack_size=0x10000',
  ],
  icountShift: 0,
};

const BOARDS: Readonly<Record<string, BoardSupport>> = {
  'mps2-an385': cortexM('mps2-an385', 'counter_cmsdk.c'),
  'mps2-an386': cortexM('mps2-an386', 'counter_cmsdk.c'),
  'mps2-an500': cortexM('mps2-an500', 'counter_cmsdk.c'),
  'mps2-an505': cortexM('mps2-an505', 'counter_cmsdk.c'),
  'mps3-an547': cortexM('mps3-an547', 'counter_sse300.c'),
  'riscv32-virt': RISCV32_VIRT,
};

export function boardSupport(target: Target): BoardSupport {
  if (!target.qemu) return HOST;
  const b = BOARDS[target.qemu.board];
  if (!b) throw new RnncError('internal/bug', `target ${target.name}: no board support for ${target.qemu.board}`);
  return b;
}

/** Everything the compiler needs for the board: includes, the shift define, sources, link flags. */
export function boardCompileArgs(b: BoardSupport): { cflags: string[]; sources: string[]; link: string[] } {
  return {
    cflags: [...b.includeDirs.map((d) => `-I${join(BOARDS_DIR, d)}`), `-DRNNC_BOARD_ICOUNT_SHIFT=${b.icountShift}`],
    sources: b.sources.map((s) => join(BOARDS_DIR, s)),
    link: b.link.map((f) => f.replaceAll('{boards}/', BOARDS_DIR)),
  };
}
