/**
 * Finding the tools a target needs (compiler, its C library, QEMU), with one clear
 * error naming the Debian package when something is missing.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { RnncError } from '../errors.js';
import type { Target } from './targets.js';

/** The Debian package that provides each command or library rnnc runs. */
const DEBIAN_PACKAGE: Readonly<Record<string, string>> = {
  'gcc': 'gcc',
  'cc': 'gcc',
  'clang': 'clang',
  'arm-none-eabi-gcc': 'gcc-arm-none-eabi',
  'riscv64-unknown-elf-gcc': 'gcc-riscv64-unknown-elf',
  'qemu-system-arm': 'qemu-system-arm',
  'qemu-system-riscv32': 'qemu-system-misc',
  'newlib': 'libnewlib-arm-none-eabi',
  'picolibc': 'picolibc-riscv64-unknown-elf',
};

function installHint(what: string): string {
  const pkg = DEBIAN_PACKAGE[what];
  return pkg ? `install the Debian package ${pkg} (apt-get install ${pkg})` : `install ${what} and put it on PATH`;
}

/** Absolute path of an executable found on PATH, or undefined. */
export function findOnPath(command: string, path: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function requireCommand(command: string, target: Target, path: string | undefined): string {
  const found = findOnPath(command, path);
  if (!found) {
    throw new RnncError('toolchain/missing', `target ${target.name} needs ${command}, which is not on PATH; ${installHint(command)}`);
  }
  return found;
}

/** The C library each cross target links, found through its compiler. */
async function requireLibc(target: Target, cc: string): Promise<void> {
  const [lib, probe] = target.cc === 'riscv64-unknown-elf-gcc'
    ? ['picolibc', '-print-file-name=picolibc.specs']
    : target.cc === 'arm-none-eabi-gcc' ? ['newlib', '-print-file-name=libc.a'] : [undefined, ''];
  if (!lib) return;
  // gcc prints the bare name back when it does not find the file.
  const r = await execa(cc, [...target.cflags, probe], { reject: false });
  const file = r.stdout.trim();
  if (r.exitCode !== 0 || !file.includes('/')) {
    throw new RnncError('toolchain/missing', `target ${target.name} needs the ${lib} C library for ${target.cc}; ${installHint(lib)}`);
  }
}

const checked = new Map<string, Promise<string>>();

/** The compiler for a target (checked once per process, libc included). */
export function requireCompiler(target: Target, path?: string): Promise<string> {
  const key = `${target.name}\0${path ?? ''}`;
  let p = checked.get(key);
  if (!p) {
    p = (async () => {
      const cc = requireCommand(target.cc, target, path);
      await requireLibc(target, cc);
      return cc;
    })();
    p.catch(() => checked.delete(key));
    checked.set(key, p);
  }
  return p;
}

/** The QEMU executable for a target (undefined for the host, which runs natively). */
export function requireEmulator(target: Target, path?: string): string | undefined {
  return target.qemu ? requireCommand(target.qemu.system, target, path) : undefined;
}
