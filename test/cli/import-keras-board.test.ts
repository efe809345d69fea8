/**
 * Every accepted Keras/TF.js pattern (test/helpers/keras-patterns.ts), saved by TF.js and
 * verified bit-exact on a QEMU Cortex-M4 (DSP kernels), as import-keras-patterns.test.ts
 * does on the host.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveLayersModel } from '../helpers/keras-fixtures.js';
import { ACCEPTED, STATE_OUTPUTS } from '../helpers/keras-patterns.js';
import { rnnc } from '../helpers/run-cli.js';

let root = '';
const builds = { ...ACCEPTED, ...Object.fromEntries(Object.entries(STATE_OUTPUTS).map(([name, [build]]) => [name, build])) };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'rnnc-keras-board-'));
  for (const [name, build] of Object.entries(builds)) await saveLayersModel(build(), join(root, name));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('accepted Keras patterns on a QEMU Cortex-M4', () => {
  it.concurrent.each(Object.keys(builds))('%s: verify bit-exact on the board', async (name) => {
    const v = await rnnc(['verify', join(root, name, 'model.json'), '--target', 'cortex-m4', '--cases', '2']);
    expect(v.stderr).not.toMatch(/mismatch|internal error/);
    expect(v.exitCode).toBe(0);
    expect(v.stdout).toMatch(/on cortex-m4 .*outputs compared in \d+ cases, all bit-exact/);
  });
});
