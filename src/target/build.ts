/**
 * Compiling and linking C for a target: the caller's sources plus the board
 * support (startup, linker script, console, counter) into one ELF, with the
 * target's flags from the target table and strict warnings.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { execa } from 'execa';
import { RnncError } from '../errors.js';
import { boardCompileArgs, boardSupport } from './boards.js';
import { BASE_WARNINGS } from './flags.js';
import { getTarget, type Target } from './targets.js';
import { requireCompiler } from './toolchain.js';

export type OptLevel = 'O0' | 'O1' | 'O2' | 'O3' | 'Os';

export interface BuildOptions {
  target: Target | string;
  /** The program's C sources (one of them defines main). */
  sources: readonly string[];
  includeDirs?: readonly string[];
  /** -D definitions: `true` defines the name as 1. */
  defines?: Readonly<Record<string, string | number | boolean>>;
  /** Optimisation level; default O2. */
  opt?: OptLevel;
  /** More compiler flags (warnings, -fsanitize on the host...), placed after the defaults. */
  extraCflags?: readonly string[];
  /** Directory for the ELF; created if missing. */
  outDir: string;
  /** File name of the ELF without extension; default: the first source's name. */
  name?: string;
}

function defineFlags(defines: BuildOptions['defines']): string[] {
  return Object.entries(defines ?? {})
    .filter(([, v]) => v !== false)
    .map(([k, v]) => (v === true ? `-D${k}` : `-D${k}=${v}`));
}

/** The full compiler command line for a build (without the compiler itself). */
export function buildArgs(target: Target, opts: BuildOptions, output: string): string[] {
  const board = boardCompileArgs(boardSupport(target));
  return [
    ...target.cflags,
    `-${opts.opt ?? 'O2'}`,
    ...BASE_WARNINGS,
    ...(opts.extraCflags ?? []),
    ...board.cflags,
    ...(opts.includeDirs ?? []).map((d) => `-I${resolve(d)}`),
    ...defineFlags(opts.defines),
    ...opts.sources.map((s) => resolve(s)),
    ...board.sources,
    ...board.link,
    '-o', output,
  ];
}

/** Compiles and links; returns the path of the ELF (a native executable for the host). */
export async function buildForTarget(opts: BuildOptions): Promise<string> {
  const target = typeof opts.target === 'string' ? getTarget(opts.target) : opts.target;
  if (opts.sources.length === 0) throw new RnncError('usage/invalid', 'buildForTarget: no C sources given');
  const cc = await requireCompiler(target);
  const name = opts.name ?? basename(opts.sources[0] ?? 'app').replace(/\.c$/, '');
  const outDir = resolve(opts.outDir);
  const elf = join(outDir, `${name}.elf`);
  // Link to a temporary name and rename, so a failed build leaves no stale ELF behind.
  const tmp = join(outDir, `.${name}.${process.pid}.tmp.elf`);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new RnncError('io/unwritable', `cannot create ${outDir}: ${(e as Error).message}`, outDir);
  }
  const r = await execa(cc, buildArgs(target, opts, tmp), { reject: false, all: true });
  if (r.exitCode !== 0) {
    rmSync(tmp, { force: true });
    const all = r.all ?? '';
    // The program does not fit the board: the model is too large, not a bug.
    const overflow = /region [`'](\w+)' overflowed by (\d+) bytes/.exec(all);
    if (overflow) {
      throw new RnncError('target/too_large', `the model and its test harness do not fit the ${target.name} board's memory: region ${overflow[1]} overflowed by ${overflow[2]} bytes (use int8 weights or a smaller model)`);
    }
    const lines = all.trim().split('\n');
    const shown = lines.slice(0, 20).join('\n') + (lines.length > 20 ? `\n... (${lines.length - 20} more lines)` : '');
    throw new RnncError('toolchain/failed', `${target.cc} failed building ${name} for ${target.name}:\n${shown}`);
  }
  renameSync(tmp, elf);
  return elf;
}
