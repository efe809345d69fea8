import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getTarget } from '../../../src/target/targets.js';
import { RnncError } from '../../../src/errors.js';
import { buildForTarget } from '../../../src/target/build.js';
import { runOnTarget } from '../../../src/target/run.js';
import { findOnPath, requireCompiler, requireEmulator } from '../../../src/target/toolchain.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-toolchain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('toolchain lookup', () => {
  it('finds commands on PATH and not elsewhere', () => {
    expect(findOnPath('sh', '/nonexistent:/bin:/usr/bin')).toMatch(/\/sh$/);
    expect(findOnPath('sh', '/nonexistent')).toBeUndefined();
  });

  it('a missing cross compiler names the Debian package', async () => {
    await expect(requireCompiler(getTarget('cortex-m4'), '/nonexistent')).rejects.toThrow(
      /target cortex-m4 needs arm-none-eabi-gcc, which is not on PATH; install the Debian package gcc-arm-none-eabi/,
    );
    await expect(requireCompiler(getTarget('riscv32'), '/nonexistent')).rejects.toMatchObject({ code: 'toolchain/missing' });
  });

  it('a missing emulator names the Debian package', () => {
    expect(() => requireEmulator(getTarget('riscv32'), '/nonexistent')).toThrow(/qemu-system-riscv32.*qemu-system-misc/);
    expect(() => requireEmulator(getTarget('cortex-m55'), '/nonexistent')).toThrow(/install the Debian package qemu-system-arm/);
    expect(requireEmulator(getTarget('host'), '/nonexistent')).toBeUndefined();
  });
});

describe('build errors', () => {
  it('a compile error is one RnncError carrying the compiler message, and leaves no ELF', async () => {
    const src = join(dir, 'bad.c');
    writeFileSync(src, 'int main(void) { return undeclared_name; }\n');
    const err = await buildForTarget({ target: 'cortex-m3', sources: [src], outDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RnncError);
    expect((err as RnncError).code).toBe('toolchain/failed');
    expect((err as RnncError).message).toMatch(/arm-none-eabi-gcc failed building bad for cortex-m3:\n[\s\S]*'undeclared_name' undeclared/);
    expect(readdirSync(dir).filter((f) => f.includes('bad'))).toEqual(['bad.c']);
  });

  it('a warning is an error', async () => {
    const src = join(dir, 'warn.c');
    writeFileSync(src, 'int main(void) { int unused; return 0; }\n');
    await expect(buildForTarget({ target: 'host', sources: [src], outDir: dir })).rejects.toThrow(/-Werror=unused-variable/);
  });

  it('running a missing ELF is one clear error', async () => {
    await expect(runOnTarget('cortex-m3', join(dir, 'none.elf'))).rejects.toThrow(/cannot run .*none\.elf: no such file/);
  });

  it('an unknown target is refused with the list of targets', async () => {
    await expect(buildForTarget({ target: 'cortex-m99', sources: ['a.c'], outDir: dir })).rejects.toThrow(/unknown target "cortex-m99"; valid targets: host, cortex-m0/);
  });
});
