// The emitted C beyond gcc -O1: clang and both sanitizers on a subset of the random
// models; two models linked into one program with every external symbol prefixed; and
// the harness itself shown able to fail.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { getTarget } from '../../src/target/targets.js';
import { runHarness } from '../../src/verify/harness.js';
import { equivalenceModels } from '../helpers/random-models.js';
import { STRICT, tempDir } from '../helpers/gcc.js';

const host = getTarget('host');
const opts = (cc: string, flags: string[]) => ({ cc, flags, version: 'test', maxSeq: 16 });
const SAN = ['-g', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer'];

describe('sanitizers and clang', () => {
  const models = equivalenceModels(24, 777, 500);
  it('clang -fsanitize=address,undefined: clean and bit-exact', async () => {
    const v = await runHarness(models, tempDir('clang'), host, opts('clang', ['-O1', ...SAN]));
    expect(v.filter((x) => !x.pass).map((x) => x.line)).toEqual([]);
  });
  it('gcc -O2 -fsanitize=address,undefined: clean and bit-exact', async () => {
    const v = await runHarness(models.slice(0, 12), tempDir('gccsan'), host, opts('gcc', ['-O2', ...SAN]));
    expect(v.filter((x) => !x.pass).map((x) => x.line)).toEqual([]);
  });
});

describe('two models in one program', () => {
  it('link, both pass, and nm shows only prefixed external symbols', async () => {
    const models = equivalenceModels(2, 4242, 900);
    const dir = tempDir('link');
    const v = await runHarness(models, dir, host, opts('gcc', ['-O1']));
    expect(v.map((x) => x.pass)).toEqual([true, true]);
    for (const { model } of models) {
      const obj = join(dir, `${model.name}.o`);
      await execa('gcc', [...STRICT, '-O2', '-c', `${model.name}.c`, '-o', obj], { cwd: dir });
      const nm = await execa('nm', ['-g', '--defined-only', obj]);
      const symbols = nm.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).pop()!);
      expect(symbols.length).toBeGreaterThan(0);
      for (const s of symbols) expect(s).toMatch(new RegExp(`^(${model.name}_|rnnc_)`));
    }
  });
});

describe('the harness can fail', () => {
  it('a changed expected output is reported as the first mismatch', async () => {
    const [m] = equivalenceModels(1, 99, 950);
    const golden = m!.golden;
    const want = golden[0]!.expected[0]!;
    want[0] = want[0]! === 32767 ? 32766 : want[0]! + 1;
    const v = await runHarness([m!], tempDir('fail'), host, opts('gcc', ['-O1']));
    expect(v[0]!.pass).toBe(false);
    expect(v[0]!.mismatch).toMatchObject({ caseIndex: 0, mode: 'run', index: 0, expected: want[0] });
  });
});
