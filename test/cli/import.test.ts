/** `rnnc import`, and `inspect` / `run` taking Keras and ONNX files directly (built bin). */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/ir/io.js';
import { maxAbsDiff } from '../helpers/diff.js';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'dist/cli/main.js');
const onnxDir = join(root, 'test/fixtures/onnx');
const kerasDir = join(root, 'test/fixtures/keras/gru_reset_after');
let tmp: string;

const rnnc = (...args: string[]) => execa('node', [bin, ...args], { reject: false, cwd: tmp });

beforeAll(async () => {
  await execa('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root });
  tmp = mkdtempSync(join(tmpdir(), 'rnnc-import-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('rnnc import', () => {
  it('writes a valid IR from an .onnx file', async () => {
    const r = await rnnc('import', join(onnxDir, 'lstm2_bi.onnx'), '-o', 'lstm.json');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("imported onnx model 'lstm2_bi': lstm -> lstm -> dense, 699 parameters -> lstm.json");
    expect(loadModel(join(tmp, 'lstm.json')).layers).toHaveLength(3);
  });

  it('writes a valid IR from a Keras model.json, with --name', async () => {
    const r = await rnnc('import', join(kerasDir, 'model.json'), '-o', 'k.json', '--name', 'kws');
    expect(r.exitCode).toBe(0);
    expect(loadModel(join(tmp, 'k.json')).name).toBe('kws');
  });

  it('refuses a bad --name with exit code 2', async () => {
    const r = await rnnc('import', join(onnxDir, 'gru1.onnx'), '-o', 'g.json', '--name', 'Bad-Name');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^rnnc: .*name: "Bad-Name" is not a safe C identifier/);
  });
});

describe('inspect and run take Keras and ONNX files directly', () => {
  it('inspect a Keras model.json', async () => {
    const r = await rnnc('inspect', join(kerasDir, 'model.json'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('bidirectional(concat) resetAfter=true last');
  });

  it('inspect names non-default activations: hard sigmoid gates, a relu RNN', async () => {
    const r = await rnnc('inspect', fileURLToPath(new URL('../fixtures/onnx/patterns/rnn_relu.onnx', import.meta.url)));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/rnn .* relu /);
  });

  it('run an .onnx file matches PyTorch within 1e-5', async () => {
    const expected = JSON.parse(readFileSync(join(onnxDir, 'gru2_seq.json'), 'utf8')) as { input: number[][]; output: number[][] };
    writeFileSync(join(tmp, 'seq.json'), JSON.stringify(expected.input));
    const r = await rnnc('run', join(onnxDir, 'gru2_seq.onnx'), '-i', 'seq.json', '--json');
    expect(r.exitCode).toBe(0);
    const got = (JSON.parse(r.stdout) as { outputs: number[][] }).outputs;
    expect(maxAbsDiff(got, expected.output)).toBeLessThan(1e-5);
  });
});

describe('malformed inputs: one line on stderr, exit code 2', () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['truncated .onnx', () => {
      writeFileSync(join(tmp, 'cut.onnx'), readFileSync(join(onnxDir, 'lstm1.onnx')).subarray(0, 900));
      return 'cut.onnx';
    }, /^rnnc: cut\.onnx: not a readable ONNX model/],
    ['unsupported operators', () => join(onnxDir, 'unsupported.onnx'), /^rnnc: unsupported\.onnx: 4 problems: node 'peephole_clip_lstm'/],
    ['model.json without its weight files', () => {
      mkdirSync(join(tmp, 'noweights'), { recursive: true });
      copyFileSync(join(kerasDir, 'model.json'), join(tmp, 'noweights/model.json'));
      return 'noweights/model.json';
    }, /^rnnc: model\.json: weightsManifest\[0\]\.paths\[0\]: weight file 'group1-shard1of2\.bin' not found/],
    ['a weight shard of the wrong size', () => {
      mkdirSync(join(tmp, 'short'), { recursive: true });
      for (const f of ['model.json', 'group1-shard1of2.bin']) copyFileSync(join(kerasDir, f), join(tmp, 'short', f));
      writeFileSync(join(tmp, 'short/group1-shard2of2.bin'), new Uint8Array(12));
      return 'short/model.json';
    }, /^rnnc: model\.json: weightsManifest\[0\]: the weight files .* hold \d+ bytes, but the 11 float32 tensors listed need \d+/],
    ['a file that is no model', () => {
      writeFileSync(join(tmp, 'notes.txt'), 'hello');
      return 'notes.txt';
    }, /^rnnc: notes\.txt: not a model rnnc reads/],
  ];
  for (const [what, make, message] of cases) {
    it(what, async () => {
      const r = await rnnc('import', make(), '-o', 'out.json');
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }
});
