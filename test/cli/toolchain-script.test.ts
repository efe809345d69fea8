// scripts/toolchain.sh --check: after the test command has installed the toolchains,
// nothing the suite needs is missing on this machine; the check covers every target of
// the target table; and it does fail, naming the Debian package, when a compiler or the
// runtime behind one is missing (a PATH without clang; a clang whose runtime folder is
// empty, which is how a machine without libclang-rt-N-dev looks to clang).
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { TARGETS } from '../../src/target/targets.js';
import { boardSupport } from '../../src/target/boards.js';
import { findOnPath } from '../../src/target/toolchain.js';
import { tempDir } from '../helpers/gcc.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/toolchain.sh', import.meta.url));
const BASH = findOnPath('bash')!;

function toolchain(args: string[], path = process.env.PATH ?? '') {
  return execa(BASH, [SCRIPT, ...args], { reject: false, env: { PATH: path }, extendEnv: false });
}

/** PATH as it is, but every folder holding a command starting with `prefix` replaced by links to all of its other files. */
function pathWithout(prefix: string, name: string): string {
  const dir = tempDir(name);
  return (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '').map((d, i) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return d;
    }
    if (!names.some((n) => n.startsWith(prefix))) return d;
    const shadow = join(dir, String(i));
    mkdirSync(shadow, { recursive: true });
    for (const n of names) if (!n.startsWith(prefix)) symlinkSync(join(d, n), join(shadow, n));
    return shadow;
  }).join(delimiter);
}

describe('scripts/toolchain.sh --check', () => {
  it('lists nothing missing on this machine (all)', async () => {
    const r = await toolchain(['--check', 'all']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^toolchain: all: nothing missing \(\d+ items checked\)$/);
    expect(r.exitCode).toBe(0);
  });

  it('checks the compiler, C library and QEMU machine of every target, with its flags', async () => {
    const r = await toolchain(['--list', 'all']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines.pop()).toMatch(/^toolchain: all: nothing missing/);
    expect(lines.filter((l) => !l.startsWith('ok '))).toEqual([]);
    const ok = (what: string) => lines.some((l) => l.startsWith(`ok       ${what}: /`));
    expect(ok("gcc's ASan and UBSan runtimes")).toBe(true);
    expect(ok("clang's ASan and UBSan runtimes")).toBe(true);
    // The browser the report test opens rnnc report's page in.
    expect(ok('chromium')).toBe(true);
    for (const t of TARGETS) {
      if (!t.qemu) continue;
      // The board's link flags that select files (start files, C library), not its paths.
      const link = boardSupport(t).link.filter((f) => !/^-(T|L|Wl,)/.test(f));
      const libc = t.cc.startsWith('arm') ? 'newlib' : 'picolibc';
      expect(ok(`${libc} for ${[t.cc, ...t.cflags, ...link].join(' ')}`), `${t.name}: ${libc} with its flags`).toBe(true);
      expect(ok(`libgcc for ${[t.cc, ...t.cflags].join(' ')}`) || ok(`libgcc for ${[t.cc, ...t.cflags, ...link].join(' ')}`), `${t.name}: libgcc`).toBe(true);
      expect(lines, `${t.name}: QEMU machine`).toContain(`ok       ${t.qemu.system} -M ${t.qemu.machine}: listed by ${t.qemu.system} -M help`);
    }
  });

  it('names the clang package when clang is not on PATH', async () => {
    const r = await toolchain(['--check', 'all'], pathWithout('clang', 'toolchain-noclang'));
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('toolchain: missing clang: clang is not on PATH\n');
    expect(r.stderr).toMatch(/^toolchain: all: install as root with: apt-get install clang \(scripts\/toolchain.sh all does\)$/m);
  });

  it('names the chromium package when chromium is not on PATH (all; host does not need it)', async () => {
    const path = pathWithout('chromium', 'toolchain-nochromium');
    const r = await toolchain(['--check', 'all'], path);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('toolchain: missing chromium: chromium is not on PATH\n'
      + 'toolchain: all: install as root with: apt-get install chromium (scripts/toolchain.sh all does)');
    expect((await toolchain(['--check', 'host'], path)).exitCode).toBe(0);
  });

  it("names libclang-rt-N-dev when clang's sanitizer runtime is not installed", async () => {
    const clang = findOnPath('clang')!;
    const major = (await execa(clang, ['-dumpversion'])).stdout.split('.')[0];
    const dir = tempDir('toolchain-nort');
    const empty = join(dir, 'resource');
    const bin = join(dir, 'bin');
    mkdirSync(empty);
    mkdirSync(bin);
    writeFileSync(join(bin, 'clang'), `#!/bin/sh\nexec '${clang}' -resource-dir '${empty}' "$@"\n`, { mode: 0o755 });
    const r = await toolchain(['--check', 'host'], `${bin}${delimiter}${process.env.PATH ?? ''}`);
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^toolchain: missing libclang-rt-${major}-dev: clang's ASan and UBSan runtimes: ${empty}/\\S*libclang_rt\\.asan\\S*\\.a`));
    expect(lines[1]).toBe(`toolchain: host: install as root with: apt-get install libclang-rt-${major}-dev (scripts/toolchain.sh host does)`);
  });

  it('refuses an unknown group', async () => {
    const r = await toolchain(['--check', 'everything']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^usage: scripts\/toolchain.sh/);
  });
});
