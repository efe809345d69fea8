/**
 * Running a C compiler named by its command (the host's gcc or clang, or a target's
 * compiler for a lone object) and the native programs it builds (execa, no shell).
 * Builds for a target with its board support: build.ts.
 */
import { execa } from 'execa';
import { RnncError } from '../errors.js';

/** Whether `cc` runs at all (found on PATH). */
export async function hasCompiler(cc: string): Promise<boolean> {
  try {
    await execa(cc, ['--version'], { reject: true });
    return true;
  } catch {
    return false;
  }
}

/** The host's compiler, found by running it (targets with a board: toolchain.ts). */
export async function requireHostCompiler(cc: string): Promise<void> {
  if (!(await hasCompiler(cc))) {
    throw new RnncError('toolchain/missing', `C compiler '${cc}' was not found; install it (Debian: apt-get install ${cc === 'clang' ? 'clang' : 'gcc'})`);
  }
}

/** Compiles; a failure is an internal error quoting the compiler's first lines. */
export async function compileC(cc: string, args: readonly string[], cwd: string): Promise<void> {
  const r = await execa(cc, [...args], { cwd, reject: false, all: true });
  if (r.exitCode !== 0) {
    const lines = (r.all ?? '').split('\n').slice(0, 12).join('\n');
    throw new RnncError('toolchain/failed', `${cc} failed on the generated code (please report this):\n${lines}`);
  }
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Longest a generated test program may run before it is taken to hang. */
const RUN_TIMEOUT_MS = 120_000;

export async function runProgram(path: string, cwd: string): Promise<RunResult> {
  const r = await execa(path, [], { cwd, reject: false, timeout: RUN_TIMEOUT_MS });
  if (r.timedOut) throw new RnncError('toolchain/failed', `${path} ran for more than ${RUN_TIMEOUT_MS / 1000} s without finishing`);
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
