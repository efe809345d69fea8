// compile writes all of its outputs or none of them, even with --force.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../src/ir/io.js';
import { randomModel } from '../../src/ir/random.js';
import { rnnc } from '../helpers/run-cli.js';

describe('compile: all or nothing', () => {
  let dir = '';
  let model = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rnnc-atomic-'));
    model = join(dir, 'm.json');
    saveModel(randomModel({ name: 'small', inputSize: 2, layers: [{ type: 'gru', units: 3 }] }, 1), model);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a directory where small.c goes is refused even with --force, and nothing is written', async () => {
    const out = join(dir, 'out-dir');
    mkdirSync(join(out, 'small.c'), { recursive: true });
    const r = await rnnc(['compile', model, '-o', out, '--force']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/small\.c: it is a directory/);
    expect(readdirSync(out)).toEqual(['small.c']);
  });

  it('an unwritable --report-json leaves no C files behind', async () => {
    const out = join(dir, 'out-report');
    writeFileSync(join(dir, 'blocker'), 'a file, not a directory');
    const r = await rnnc(['compile', model, '-o', out, '--report-json', join(dir, 'blocker', 'r.json')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*blocker/);
    expect(existsSync(join(out, 'small.c'))).toBe(false);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});
