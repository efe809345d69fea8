// Tuned weights (--tune, src/quantize/tune-rows.ts) change only which integers the model
// stores, so the emitted C must still equal the fixed-point reference bit for bit: a few
// random models of each kind, calibrated and tuned with every technique, through the
// same host harness as equivalence.test.ts (gcc -O1), every output of NAME_run and
// NAME_step compared exactly. Each model's weights are checked to differ from the
// untuned ones, so the test exercises tuned integers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { goldenCases } from '../../src/codegen/testdata.js';
import { type LayerSpec, randomModel, randomSequence } from '../../src/ir/random.js';
import { listMatmuls } from '../../src/quantize/meta.js';
import { quantizeWithData } from '../../src/quantize/pipeline.js';
import { parseTechniques } from '../../src/quantize/tune.js';
import { getTarget } from '../../src/target/targets.js';
import { type HarnessModel, runHarness } from '../../src/verify/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-tune-equiv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPECS: Array<{ inputs: number; layers: LayerSpec[]; bits: 8 | 16; tune: string }> = [
  { inputs: 4, bits: 8, tune: 'all', layers: [{ type: 'lstm', units: 10, returnSequences: true, bidirectional: 'concat' }, { type: 'dense', units: 3, activation: 'softmax' }] },
  { inputs: 3, bits: 16, tune: 'bias,round', layers: [{ type: 'gru', units: 9, returnSequences: true, resetAfter: false }, { type: 'gru', units: 6, resetAfter: true }, { type: 'dense', units: 2, activation: 'linear' }] },
  { inputs: 5, bits: 8, tune: 'bias,round', layers: [{ type: 'conv1d', units: 6, kernelSize: 3, dilation: 1, activation: 'relu' }, { type: 'rnn', units: 8, returnSequences: true, activation: 'relu' }] },
  { inputs: 2, bits: 16, tune: 'all', layers: [{ type: 'lstm', units: 7, returnSequences: true, initialState: true }, { type: 'dense', units: 4, activation: 'tanh' }] },
  { inputs: 6, bits: 8, tune: 'round', layers: [{ type: 'rnn', units: 12, bidirectional: 'sum' }, { type: 'dense', units: 1, activation: 'sigmoid' }] },
];

describe('C equivalence of tuned models', () => {
  it(`${SPECS.length} tuned random models: every output bit-exact`, async () => {
    const models: HarnessModel[] = SPECS.map((s, i) => {
      const float = randomModel({ name: `t${i}`, inputSize: s.inputs, layers: s.layers, weightScale: 0.8 }, 40 + i);
      const calib = Array.from({ length: 8 }, (_, k) => randomSequence(s.inputs, 40, 500 + 10 * i + k));
      const quant = (tune: string) => quantizeWithData(float, { sequences: calib, source: 'calib' }, { weightBits: s.bits, tune: parseTechniques(tune)! }).model;
      const q = quant(s.tune);
      const base = quant('none');
      const changed = listMatmuls(q).filter((m, k) => m.mm.weights.some((w, j) => w !== listMatmuls(base)[k]!.mm.weights[j]) || m.mm.bias.some((b, j) => b !== listMatmuls(base)[k]!.mm.bias[j]));
      expect(changed.length, `t${i}: tuned products`).toBeGreaterThan(0);
      return { model: q, golden: goldenCases(q, { seed: 70 + i, count: 3, steps: 12 }) };
    });
    const verdicts = await runHarness(models, join(dir, 'b0'), getTarget('host'), { cc: 'gcc', flags: ['-O1'], version: 'test', maxSeq: 16 });
    expect(verdicts.filter((v) => !v.pass).map((v) => v.line)).toEqual([]);
    expect(verdicts).toHaveLength(SPECS.length);
    expect(verdicts.every((v) => v.compared > 0)).toBe(true);
  }, 120_000);
});
