/**
 * GRU with resetAfter true against PyTorch's nn.GRU (the variant tfjs cannot build),
 * from committed fixtures written by test/fixtures/make_torch_gru.py (float64, weights
 * uniform in ±1.5, 24 steps). PyTorch is not needed to run this test.
 *
 * Conversion: PyTorch's weight_ih / weight_hh are already row-per-output with gate
 * blocks r, z, n, exactly our layout; bias_ih is our bias and bias_hh our
 * recurrentBias. Layer k > 0 of a stacked GRU reads layer k−1's output sequence
 * ([forward, backward] concatenated when bidirectional).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runFloat } from '../../../src/float/model.js';
import type { FloatModel, GruLayer, RecurrentWeights } from '../../../src/ir/model.js';
import { validateModel } from '../../../src/ir/validate.js';
import { maxAbsDiff } from '../../helpers/keras.js';

interface TorchGruFixture {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  stateDict: Record<string, number[][] | number[]>;
  input: number[][];
  output: number[][];
  h_n: number[][];
}

const TOLERANCE = 1e-5;
const CASES = ['gru_1layer', 'gru_2layer', 'gru_2layer_bidirectional'];
const measured: Array<[string, number]> = [];

afterAll(() => {
  console.log('float reference vs PyTorch nn.GRU (resetAfter true), max |difference|:\n' +
    measured.map(([n, d]) => `  ${n.padEnd(44)}  ${d.toExponential(2)}`).join('\n'));
});

function load(name: string): TorchGruFixture {
  return JSON.parse(readFileSync(new URL(`../../fixtures/torch/${name}.json`, import.meta.url), 'utf8')) as TorchGruFixture;
}

function direction(f: TorchGruFixture, layer: number, reverse: boolean): RecurrentWeights {
  const suffix = `_l${layer}${reverse ? '_reverse' : ''}`;
  const get = <T>(k: string): T => {
    const v = f.stateDict[k + suffix];
    if (v === undefined) throw new Error(`fixture lacks ${k + suffix}`);
    return v as T;
  };
  return {
    kernel: get<number[][]>('weight_ih'), recurrentKernel: get<number[][]>('weight_hh'),
    bias: get<number[]>('bias_ih'), recurrentBias: get<number[]>('bias_hh'),
  };
}

/** The fixture's GRU as our IR; the last layer returns sequences or only its last output. */
function toModel(f: TorchGruFixture, lastReturnsSequences: boolean): FloatModel {
  const layers = Array.from({ length: f.numLayers }, (_, k): GruLayer => ({
    type: 'gru', units: f.hiddenSize, resetAfter: true,
    returnSequences: k < f.numLayers - 1 || lastReturnsSequences,
    weights: direction(f, k, false),
    ...(f.bidirectional ? { bidirectional: 'concat' as const, backwardWeights: direction(f, k, true) } : {}),
  }));
  // Through validation, so the converted model is one the CLI would accept.
  return validateModel({ format: 'rnnc-model', version: 1, name: 'torch', inputSize: f.inputSize, layers }, 'fixture');
}

describe('float GRU (resetAfter true) vs PyTorch nn.GRU', () => {
  for (const name of CASES) {
    const f = load(name);

    it(`${name}: output at every step`, () => {
      expect(f.input.length).toBeGreaterThanOrEqual(20);
      const diff = maxAbsDiff(runFloat(toModel(f, true), f.input), f.output);
      measured.push([`${name} output`, diff]);
      expect(diff).toBeLessThan(TOLERANCE);
    });

    it(`${name}: returnSequences false gives PyTorch's final hidden state of the last layer`, () => {
      // h_n rows are (layer, direction); the last layer's forward row, then its backward
      // row (which the backward direction reached at t = 0): the Keras last-output merge.
      const d = f.bidirectional ? 2 : 1;
      const lastLayer = f.h_n.slice((f.numLayers - 1) * d).flat();
      const diff = maxAbsDiff(runFloat(toModel(f, false), f.input), [lastLayer]);
      measured.push([`${name} h_n`, diff]);
      expect(diff).toBeLessThan(TOLERANCE);
    });
  }

  it('the fixtures are not trivial: outputs vary and some units saturate', () => {
    const outs = CASES.flatMap((n) => load(n).output.flat());
    expect(Math.max(...outs.map(Math.abs))).toBeGreaterThan(0.95);
    expect(new Set(outs.map((v) => v.toFixed(3))).size).toBeGreaterThan(outs.length / 2);
  });
});
