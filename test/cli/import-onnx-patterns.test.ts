/**
 * The common PyTorch export patterns (test/fixtures/onnx/patterns, made by
 * make_onnx_patterns.py), through the real CLI: each accepted pattern imports, its float
 * reference matches torch within 1e-5 and `rnnc verify` is bit-exact on the host; each
 * refused pattern exits 2 with one line that says what to do. Conv1d front ends, causal
 * and centred (CONV_ACCEPTED), also verify on a Cortex-M4 (QEMU).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFloat } from '../../src/float/model.js';
import { loadModel } from '../../src/ir/io.js';
import { maxAbsDiff } from '../helpers/diff.js';
import { rnnc } from '../helpers/run-cli.js';

const dir = new URL('../fixtures/onnx/patterns/', import.meta.url).pathname;

/** Accepted fixtures: extra import arguments and the IR layer types they become. */
const ACCEPTED: Record<string, { args?: string[]; layers: string }> = {
  bare_lstm11: { layers: 'lstm' },
  bare_lstm13: { layers: 'lstm' },
  bare_lstm14: { layers: 'lstm' },
  bare_lstm17: { layers: 'lstm' },
  bare_gru11: { layers: 'gru' },
  bare_gru13: { layers: 'gru' },
  bare_gru14: { layers: 'gru' },
  bare_gru17: { layers: 'gru' },
  bare_lstm2_bf: { layers: 'lstm -> lstm' },
  bare_gru_bi: { layers: 'gru' },
  pred_state: { layers: 'gru -> dense' },
  two_heads: { args: ['--model-output', 'b'], layers: 'lstm -> dense' },
  // BatchNorm1d (eval, gamma < 0 on feature 1) folded into the input normalisation.
  bn_lstm: { layers: 'lstm -> dense' },
  bn_lstm17: { layers: 'lstm -> dense' },
  // nn.RNN(nonlinearity='relu'): h in a calibrated format instead of Q0.15.
  rnn_relu: { layers: 'rnn' },
};

/**
 * Conv1d front ends (make_onnx_patterns.py conv and centred): import, float, verify on host
 * and QEMU. The centred ones (conv_gru: padding=1 with k = 3) run whole sequences only.
 */
const CONV_ACCEPTED: Record<string, string> = {
  conv_gru: 'conv1d -> gru -> dense',
  centred_sym_lstm: 'conv1d -> lstm -> dense',
  centred_same_bigru: 'conv1d -> gru -> dense',
  conv_gru_pad: 'conv1d -> gru -> dense',
  conv_gru_slice: 'conv1d -> gru -> dense',
  conv_relu_lstm: 'conv1d -> lstm -> dense',
  bn_conv_tanh_gru11: 'conv1d -> gru -> dense',
  conv2_rnn9: 'conv1d -> conv1d -> rnn -> dense',
};

let tmp = '';
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'rnnc-onnx-patterns-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function expected(name: string): { input: number[][]; output: number[][] } {
  return JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as { input: number[][]; output: number[][] };
}

describe('accepted PyTorch export patterns', () => {
  it.concurrent.each(Object.keys(ACCEPTED))('%s: imports, float within 1e-5 of torch, verify bit-exact', async (name) => {
    const { args = [], layers } = ACCEPTED[name]!;
    const out = join(tmp, `${name}.json`);
    const imp = await rnnc(['import', `${dir}${name}.onnx`, '-o', out, ...args]);
    expect(imp.stderr).toBe('');
    expect(imp.exitCode).toBe(0);
    expect(imp.stdout).toContain(`: ${layers}, `);
    const want = expected(name);
    const diff = maxAbsDiff(runFloat(loadModel(out), want.input), want.output);
    expect(diff).toBeLessThan(1e-5);
    const v = await rnnc(['verify', `${dir}${name}.onnx`, '--cases', '3', ...args]);
    expect(v.stderr).not.toMatch(/mismatch|internal error/);
    expect(v.exitCode).toBe(0);
    expect(v.stdout).toMatch(/outputs compared in \d+ cases, all bit-exact/);
  });
});

describe('accepted Conv1d front ends', () => {
  it.concurrent.each(Object.keys(CONV_ACCEPTED))('%s: imports, float within 1e-5 of torch, verify bit-exact on the host and a Cortex-M4', async (name) => {
    const out = join(tmp, `${name}.json`);
    const imp = await rnnc(['import', `${dir}${name}.onnx`, '-o', out]);
    expect(imp.stderr).toBe('');
    expect(imp.exitCode).toBe(0);
    expect(imp.stdout).toContain(`: ${CONV_ACCEPTED[name]}, `);
    const want = expected(name);
    expect(maxAbsDiff(runFloat(loadModel(out), want.input), want.output)).toBeLessThan(1e-5);
    for (const target of ['host', 'cortex-m4']) {
      const v = await rnnc(['verify', `${dir}${name}.onnx`, '--target', target, '--cases', '2']);
      expect(v.stderr).not.toMatch(/mismatch|internal error/);
      expect(v.exitCode).toBe(0);
      expect(v.stdout).toMatch(/outputs compared in \d+ cases, all bit-exact/);
    }
  });
});

/** One line on stderr, exit 2. */
function expectOneLine(r: { exitCode: number; stdout: string; stderr: string }): string {
  expect(r.exitCode).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('input BatchNorm1d', () => {
  it('becomes the input normalisation; the negative gamma flips the first layer\'s input weights', async () => {
    const out = join(tmp, 'bn_check.json');
    expect((await rnnc(['import', `${dir}bn_lstm.onnx`, '-o', out])).exitCode).toBe(0);
    const model = loadModel(out);
    // std = 1/|a| with a = γ/√(σ² + ε): γ = [1.5, −0.75, 0.5], σ² = [0.25, 4, 1.5] (make_onnx_patterns.py).
    const std = [1.5, -0.75, 0.5].map((g, i) => Math.sqrt([0.25, 4, 1.5][i]! + 1e-5) / Math.abs(g));
    model.normalization!.std.forEach((s, i) => expect(s).toBeCloseTo(std[i]!, 6));
  });
});

describe('accepted PyTorch export patterns on a QEMU Cortex-M4', () => {
  it.concurrent.each(Object.keys(ACCEPTED))('%s: verify bit-exact on the board', async (name) => {
    const v = await rnnc(['verify', `${dir}${name}.onnx`, '--target', 'cortex-m4', '--cases', '2', ...(ACCEPTED[name]!.args ?? [])]);
    expect(v.stderr).not.toMatch(/mismatch|internal error/);
    expect(v.exitCode).toBe(0);
    expect(v.stdout).toMatch(/on cortex-m4 .*outputs compared in \d+ cases, all bit-exact/);
  });
});

describe('--model-output', () => {
  it('is required when several outputs could be the prediction; the error lists them', async () => {
    const line = expectOneLine(await rnnc(['import', `${dir}two_heads.onnx`, '-o', join(tmp, 'x.json')]));
    expect(line).toContain("2 outputs that could be the prediction, 'a', 'b' ('h_n': final states, dropped); choose one with --model-output NAME");
  });

  it('refuses a name that is no output of the graph, listing the outputs', async () => {
    const line = expectOneLine(await rnnc(['inspect', `${dir}two_heads.onnx`, '--model-output', 'c']));
    expect(line).toContain("--model-output 'c' is not an output of the graph; its outputs are 'a', 'b', 'h_n'");
  });

  it('picks either head, in every command that loads a model', async () => {
    const a = await rnnc(['inspect', `${dir}two_heads.onnx`, '--model-output', 'a', '--json']);
    expect(a.exitCode).toBe(0);
    expect((JSON.parse(a.stdout) as { outputSize: number }).outputSize).toBe(2);
    const input = join(tmp, 'two_heads.in.json');
    writeFileSync(input, JSON.stringify(expected('two_heads').input));
    const b = await rnnc(['run', `${dir}two_heads.onnx`, '--model-output', 'b', '-i', input, '--json']);
    expect(b.exitCode).toBe(0);
    expect(maxAbsDiff((JSON.parse(b.stdout) as { outputs: number[][] }).outputs, expected('two_heads').output)).toBeLessThan(1e-5);
  });

  it('picks a final state explicitly (h_n of a bare GRU is its last output)', async () => {
    const r = await rnnc(['inspect', `${dir}bare_gru14.onnx`, '--model-output', 'h_n', '--json']);
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as { sequenceOutput: boolean }).sequenceOutput).toBe(false);
  });

  it('refuses the LSTM cell state c_n, and the option on a file with one output', async () => {
    expect(expectOneLine(await rnnc(['inspect', `${dir}bare_lstm14.onnx`, '--model-output', 'c_n']))).toMatch(/c_n.*cannot express/);
    const ir = join(tmp, 'one_output.json');
    expect((await rnnc(['import', `${dir}bare_gru14.onnx`, '-o', ir])).exitCode).toBe(0);
    const line = expectOneLine(await rnnc(['inspect', ir, '--model-output', 'y']));
    expect(line).toContain('--model-output picks one output of a multi-output ONNX or Keras model');
  });
});

/** Refused fixtures and what their one line must say. */
const REFUSED: Record<string, RegExp> = {
  layernorm_gru13: /node '\/ln\/ReduceMean' \(ReduceMean\) starts a LayerNorm exported as ReduceMean\/Sub\/Pow\/Sqrt\/Div: LayerNorm is not supported.*retrain without it/,
  layernorm_gru17: /node '\/ln\/LayerNormalization' \(LayerNormalization\): LayerNorm is not supported.*retrain without it/,
  embedding_lstm: /an Embedding \(rows of 'emb\.weight' picked by the integer input 'tokens'\) is not supported; export the model after the embedding/,
  conv_noslice: /node '\/rnn\/GRU' \(GRU\): the time axis still holds the last 2 outputs of '\/convs\/convs\.0\/conv\/Conv', computed past the end of the input.*drop them \(y\[\.\.\., :-2\]\)/,
  conv_stride2: /\(Conv\): stride 2 is not supported; rnnc's conv1d emits one output per input step \(stride 1\)$/,
  conv_depthwise: /\(Conv\): groups 3 \(a grouped or depthwise convolution\) is not supported/,
};

describe('refused patterns: exit 2, one line saying what to do', () => {
  it.concurrent.each(Object.keys(REFUSED))('%s', async (name) => {
    const line = expectOneLine(await rnnc(['import', `${dir}${name}.onnx`, '-o', join(tmp, `${name}.json`)]));
    expect(line).toMatch(REFUSED[name]!);
    expect(line.length).toBeLessThan(400);
  });
});
