/**
 * The float minGRU and minLSTM against PyTorch modules written from the paper's equations
 * (Feng et al. 2024), from the committed fixtures test/fixtures/torch/mingru_2layer.json
 * and minlstm_2layer.json (written by test/fixtures/make_torch_gru.py; float64, weights
 * uniform in ±1.5, 24 steps, a nonzero initial h in the first layer). PyTorch is not
 * needed to run this test.
 *
 * Conversion: the gate Linears' weights ([H][I], row per output) stack into our kernel as
 * gate blocks in our order (minGRU z, h~: linear_z, linear_h; minLSTM f, i, h~: linear_f,
 * linear_i, linear_h), their biases into bias likewise; h0 is the first layer's
 * initialH; the Linear head is a dense linear layer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runFloat, streamFloat } from '../../../src/float/model.js';
import type { FloatModel, Layer } from '../../../src/ir/model.js';
import { validateModel } from '../../../src/ir/validate.js';

interface Fixture {
  stateDict: Record<string, number[][] | number[]>;
  h0: number[];
  input: number[][];
  hidden: number[][];
  output: number[][];
}

const TOLERANCE = 1e-5;
const KINDS = { mingru: ['z', 'h'], minlstm: ['f', 'i', 'h'] } as const;

function load(type: keyof typeof KINDS): Fixture {
  return JSON.parse(readFileSync(new URL(`../../fixtures/torch/${type}_2layer.json`, import.meta.url), 'utf8')) as Fixture;
}

function maxAbsDiff(a: ArrayLike<ArrayLike<number>>, b: number[][]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let t = 0; t < b.length; t++) for (let i = 0; i < b[t]!.length; i++) m = Math.max(m, Math.abs(a[t]![i]! - b[t]![i]!));
  return m;
}

function model(type: keyof typeof KINDS, f: Fixture, head: boolean): FloatModel {
  const get = <T>(k: string): T => {
    const v = f.stateDict[k];
    if (v === undefined) throw new Error(`fixture lacks ${k}`);
    return v as T;
  };
  const layer = (k: number): Layer => ({
    type, units: get<number[]>(`l${k}.linear_h.bias`).length, returnSequences: true,
    weights: {
      kernel: KINDS[type].flatMap((g) => get<number[][]>(`l${k}.linear_${g}.weight`)),
      bias: KINDS[type].flatMap((g) => get<number[]>(`l${k}.linear_${g}.bias`)),
      ...(k === 0 ? { initialH: f.h0 } : {}),
    },
  });
  const layers: Layer[] = [layer(0), layer(1)];
  if (head) layers.push({ type: 'dense', units: 2, activation: 'linear', weights: { kernel: get<number[][]>('head.weight'), bias: get<number[]>('head.bias') } });
  // Through validation, so the converted model is one the CLI would accept.
  return validateModel({ format: 'rnnc-model', version: 1, name: 'torch', inputSize: 3, layers }, 'fixture');
}

describe.each(Object.keys(KINDS) as Array<keyof typeof KINDS>)('float %s vs a PyTorch one', (type) => {
  const f = load(type);

  it('the second layer\'s h and the linear head\'s output at every step, whole sequence and streaming', () => {
    expect(f.input.length).toBeGreaterThanOrEqual(20);
    const hidden = maxAbsDiff(runFloat(model(type, f, false), f.input), f.hidden);
    const out = maxAbsDiff(runFloat(model(type, f, true), f.input), f.output);
    const s = streamFloat(model(type, f, true));
    const stream = maxAbsDiff(f.input.map((x) => s.step(x)), f.output);
    console.log(`float ${type} vs PyTorch, max |difference|: h ${hidden.toExponential(2)}, head ${out.toExponential(2)}, streaming ${stream.toExponential(2)}`);
    for (const d of [hidden, out, stream]) expect(d).toBeLessThan(TOLERANCE);
  });

  it('the fixture is not trivial: h leaves ±1 (h~ is unbounded) and varies', () => {
    const hs = f.hidden.flat();
    expect(Math.max(...hs.map(Math.abs))).toBeGreaterThan(1);
    expect(new Set(hs.map((v) => v.toFixed(3))).size).toBeGreaterThan(hs.length / 2);
  });
});
