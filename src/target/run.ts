/**
 * Running a built program: under QEMU with the board's exact options (semihosting
 * console on stdout, -icount so the counter counts instructions), or natively for
 * the host. The program's output is returned as is: callers parse their own lines.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { RnncError } from '../errors.js';
import { boardSupport } from './boards.js';
import { getTarget, type Target } from './targets.js';
import { requireEmulator } from './toolchain.js';

export interface RunOptions {
  /** Wall-clock limit; default 60 s. QEMU boots in well under a second. */
  timeoutMs?: number;
}

export interface RunResult {
  /** Everything the program printed (semihosting console or stdout). */
  stdout: string;
  /** QEMU's own diagnostics, or the host program's stderr. */
  stderr: string;
  /** The program's exit code; FAULT_EXIT_CODE (99) after a CPU fault. */
  exitCode: number;
}

/** The emulator command for a target, or undefined for the host. */
export function emulatorArgs(target: Target, elfPath: string): string[] | undefined {
  if (!target.qemu) return undefined;
  const shift = boardSupport(target).icountShift;
  return [
    '-M', target.qemu.machine,
    ...(target.qemu.system === 'qemu-system-riscv32' ? ['-bios', 'none'] : []),
    '-nographic', '-monitor', 'none', '-serial', 'none',
    // Semihosting output goes to a stdio chardev: without one QEMU 7.2 writes it to stderr.
    '-chardev', 'stdio,id=con',
    '-semihosting-config', 'enable=on,target=native,chardev=con',
    '-icount', `shift=${shift},align=off,sleep=off`,
    '-kernel', elfPath,
  ];
}

export async function runOnTarget(target: Target | string, elf: string, opts: RunOptions = {}): Promise<RunResult> {
  const t = typeof target === 'string' ? getTarget(target) : target;
  const elfPath = resolve(elf);
  if (!existsSync(elfPath)) throw new RnncError('io/not_found', `cannot run ${elfPath}: no such file`, elfPath);
  const timeout = opts.timeoutMs ?? 60_000;
  const qemu = requireEmulator(t);
  const args = emulatorArgs(t, elfPath);
  const r = qemu && args
    ? await execa(qemu, args, { reject: false, timeout, stdin: 'ignore', stripFinalNewline: false })
    : await execa(elfPath, [], { reject: false, timeout, stdin: 'ignore', stripFinalNewline: false });
  if (r.timedOut) {
    throw new RnncError('target/timeout', `${elfPath} on ${t.name} did not finish within ${timeout / 1000} s`);
  }
  if (r.exitCode === undefined) {
    throw new RnncError('toolchain/failed', `${elfPath} on ${t.name} was stopped by ${r.signal ?? 'a signal'}`);
  }
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}
