/**
 * Streaming exports (test/fixtures/onnx/streaming, made by make_onnx_streaming.py):
 * forward(x, h) -> (y, h_new) with the state as graph inputs, T = 1 or a dynamic time
 * axis. rnnc imports the state inputs as the zero state its C starts from, so running the
 * imported model over N steps must equal PyTorch calling the module N times, one step
 * each, feeding the state back; and the C must match the reference bit for bit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFloat } from '../../src/float/model.js';
import { loadModel } from '../../src/ir/io.js';
import { maxAbsDiff } from '../helpers/diff.js';
import { rnnc } from '../helpers/run-cli.js';

const dir = new URL('../fixtures/onnx/streaming/', import.meta.url).pathname;
const CASES: Record<string, string> = { gru_step: 'gru -> dense', lstm_step: 'lstm -> dense', lstm2_step: 'lstm -> lstm -> dense', gru_dyn: 'gru -> dense' };

let tmp = '';
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'rnnc-onnx-streaming-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('streaming exports with state inputs', () => {
  it.concurrent.each(Object.keys(CASES))('%s: stepping rnnc equals stepping torch; verify bit-exact on the host and a Cortex-M4', async (name) => {
    const out = join(tmp, `${name}.json`);
    const imp = await rnnc(['import', `${dir}${name}.onnx`, '-o', out]);
    expect(imp.stderr).toBe('');
    expect(imp.exitCode).toBe(0);
    expect(imp.stdout).toContain(`: ${CASES[name]}, `);
    const want = JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as { input: number[][]; output: number[][] };
    expect(maxAbsDiff(runFloat(loadModel(out), want.input), want.output)).toBeLessThan(1e-5);
    for (const target of ['host', 'cortex-m4']) {
      const v = await rnnc(['verify', `${dir}${name}.onnx`, '--target', target, '--cases', '2']);
      expect(v.stderr).not.toMatch(/mismatch|internal error/);
      expect(v.exitCode).toBe(0);
      expect(v.stdout).toMatch(/outputs compared in \d+ cases, all bit-exact/);
    }
  });
});
