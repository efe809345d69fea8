/**
 * The float ssm against Mamba's mixer written in plain PyTorch (in_proj, causal depthwise
 * Conv1d, x_proj, dt_proj, softplus, the sequential selective scan, D skip, silu(z) gate; then
 * out_proj in two of the cases), from the committed fixtures test/fixtures/torch/ssm_*.json
 * (written by test/fixtures/make_torch_ssm.py; float64, Δ of order 1, 17 to 24 steps, 2 or 3
 * sequences each). PyTorch is not needed to run this test.
 *
 * Conversion (docs/ssm.md, and checked here against the model.json the script wrote):
 * inKernel = in_proj.weight, inBias = in_proj.bias or zeros, convKernel = conv1d.weight[:, 0, :],
 * convBias = conv1d.bias, xKernel = x_proj.weight, dtKernel = dt_proj.weight, dtBias =
 * dt_proj.bias, aLog = A_log, d = D; out_proj is a dense linear layer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runFloat, streamFloat } from '../../../src/float/model.js';
import { softplus } from '../../../src/float/ssm.js';
import type { FloatModel, Layer } from '../../../src/ir/model.js';
import { validateModel } from '../../../src/ir/validate.js';

interface Fixture {
  config: { dModel: number; dInner: number; dState: number; dConv: number; dtRank: number; inProjBias: boolean; returnSequences: boolean; outProj: boolean };
  stateDict: Record<string, number[] | number[][] | number[][][]>;
  model: unknown;
  inputs: number[][][];
  outputs: number[][][];
}

const TOLERANCE = 1e-5;
const CASES = ['ssm_e8_n4_k4_r2', 'ssm_e16_n16_k3_r1', 'ssm_e8_n4_k4_r2_last'];

function load(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`../../fixtures/torch/${name}.json`, import.meta.url), 'utf8')) as Fixture;
}

/** The model from the PyTorch tensors, by the conversion in the header. */
function fromStateDict(f: Fixture): FloatModel {
  const get = <T>(k: string): T => {
    const v = f.stateDict[k];
    if (v === undefined) throw new Error(`fixture lacks ${k}`);
    return v as T;
  };
  const { dModel, dInner: e, dState, dConv, dtRank, inProjBias, returnSequences, outProj } = f.config;
  const layers: Layer[] = [{
    type: 'ssm', units: e, stateSize: dState, convSize: dConv, dtRank, returnSequences,
    weights: {
      inKernel: get('in_proj.weight'), inBias: inProjBias ? get('in_proj.bias') : new Array(2 * e).fill(0),
      convKernel: get<number[][][]>('conv1d.weight').map((row) => row[0]!), convBias: get('conv1d.bias'),
      xKernel: get('x_proj.weight'), dtKernel: get('dt_proj.weight'), dtBias: get('dt_proj.bias'),
      aLog: get('A_log'), d: get('D'),
    },
  }];
  if (outProj) layers.push({ type: 'dense', units: dModel, activation: 'linear', weights: { kernel: get('out_proj.weight'), bias: get('out_proj.bias') } });
  return { format: 'rnnc-model', version: 1, name: 'torch_ssm', inputSize: dModel, layers };
}

function maxAbsDiff(a: ArrayLike<ArrayLike<number>>, b: number[][]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let t = 0; t < b.length; t++) {
    expect(a[t]!.length).toBe(b[t]!.length);
    for (let i = 0; i < b[t]!.length; i++) m = Math.max(m, Math.abs(a[t]![i]! - b[t]![i]!));
  }
  return m;
}

describe.each(CASES)('float ssm vs PyTorch: %s', (name) => {
  const f = load(name);
  // Through validation, so the converted model is one the CLI would accept.
  const model = validateModel(f.model, `${name}.json`);

  it('the fixture\'s model.json is the PyTorch tensors converted as documented', () => {
    expect(model).toEqual(validateModel(fromStateDict(f), 'state dict'));
  });

  it('every output within 1e-5 of PyTorch, whole sequence and streaming', () => {
    let whole = 0, stream = 0;
    f.inputs.forEach((xs, b) => {
      whole = Math.max(whole, maxAbsDiff(runFloat(model, xs), f.outputs[b]!));
      const s = streamFloat(model);
      const steps = xs.map((x) => s.step(x));
      stream = Math.max(stream, maxAbsDiff(f.config.returnSequences ? steps : steps.slice(-1), f.outputs[b]!));
    });
    console.log(`float ssm vs PyTorch (${name}), max |difference|: whole ${whole.toExponential(2)}, streaming ${stream.toExponential(2)}`);
    expect(whole).toBeLessThan(TOLERANCE);
    expect(stream).toBeLessThan(TOLERANCE);
  });

  it('the fixture is not trivial: Δ of order 1, outputs that vary, and the history matters', () => {
    const l = model.layers[0]!;
    if (l.type !== 'ssm') throw new Error('expected an ssm first');
    const deltas = l.weights.dtBias.map(softplus);
    expect(Math.max(...deltas)).toBeGreaterThan(0.5);
    const ys = f.outputs.flat(2);
    expect(new Set(ys.map((v) => v.toFixed(3))).size).toBeGreaterThan(ys.length / 2);
    // The last step from the last 3 inputs only differs from the last step of the whole sequence.
    const xs = f.inputs[0]!, last = runFloat(model, xs).at(-1)!, short = runFloat(model, xs.slice(-3)).at(-1)!;
    expect(Math.max(...Array.from(last, (v, i) => Math.abs(v - short[i]!)))).toBeGreaterThan(1e-3);
  });
});
