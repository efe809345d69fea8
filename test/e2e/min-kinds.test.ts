// The minGRU and minLSTM kinds end to end on the host: a few models (stacked with the other kinds, a
// dense head, reverse, returnSequences, an initial state, int8 and int16 weights, a
// calibrated and a default h format) quantized, emitted as C, built with gcc and checked
// bit for bit against the fixed-point reference. (The twin: test/e2e/twin.test.ts draws
// minGRUs and minLSTMs from the random suite.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { goldenCases } from '../../src/codegen/testdata.js';
import { type LayerSpec, randomModel } from '../../src/ir/random.js';
import { quantizeModel } from '../../src/quantize/quantize.js';
import { getTarget } from '../../src/target/targets.js';
import { type HarnessModel, runHarness } from '../../src/verify/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-mingru-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPECS: Array<{ layers: LayerSpec[]; inputSize: number; bits: 8 | 16; hidden?: number; scale?: number }> = [
  { inputSize: 3, bits: 8, layers: [{ type: 'mingru', units: 5, returnSequences: true }, { type: 'dense', units: 2, activation: 'linear' }] },
  { inputSize: 6, bits: 16, hidden: 3, layers: [{ type: 'mingru', units: 17, initialState: true }] },
  { inputSize: 4, bits: 8, layers: [{ type: 'gru', units: 6, returnSequences: true }, { type: 'mingru', units: 8, reverse: true }, { type: 'dense', units: 3, activation: 'softmax' }] },
  { inputSize: 2, bits: 16, scale: 20, layers: [{ type: 'conv1d', units: 4, kernelSize: 3, activation: 'relu' }, { type: 'mingru', units: 33, returnSequences: true }, { type: 'mingru', units: 7, returnSequences: true }] },
  { inputSize: 3, bits: 8, layers: [{ type: 'minlstm', units: 6, returnSequences: true, initialState: true }, { type: 'dense', units: 2, activation: 'linear' }] },
  { inputSize: 5, bits: 16, hidden: 2, layers: [{ type: 'minlstm', units: 19, reverse: true, returnSequences: true }, { type: 'mingru', units: 4 }] },
  { inputSize: 4, bits: 8, scale: 20, layers: [{ type: 'lstm', units: 5, returnSequences: true }, { type: 'minlstm', units: 33 }, { type: 'dense', units: 3, activation: 'softmax' }] },
  { inputSize: 3, bits: 16, hidden: 5, layers: [{ type: 'mingru', units: 6, bidirectional: 'sum', returnSequences: true, initialState: true }, { type: 'minlstm', units: 4, bidirectional: 'concat' }] },
  { inputSize: 2, bits: 8, layers: [{ type: 'minlstm', units: 5, bidirectional: 'sum', lastOutput: 'last-index' }, { type: 'dense', units: 2, activation: 'linear' }] },
];

function models(): HarnessModel[] {
  return SPECS.map((s, k) => {
    const float = randomModel({ name: `mg${k}`, inputSize: s.inputSize, layers: s.layers, ...(s.scale ? { weightScale: s.scale } : {}) }, 70 + k);
    const ranges = s.hidden ? { input: 1, layers: s.layers.map((l) => (l.type === 'mingru' || l.type === 'minlstm' ? { hidden: s.hidden } : {})) } : undefined;
    const model = quantizeModel(float, { weightBits: s.bits, ...(ranges ? { ranges } : {}) });
    return { model, golden: goldenCases(model, { seed: 300 + k, count: 3, steps: 9 }) };
  });
}

describe('minGRU and minLSTM on the host', () => {
  const all = models();

  it('the C (gcc) equals the fixed-point reference, bit for bit', async () => {
    const verdicts = await runHarness(all, join(dir, 'c'), getTarget('host'), { cc: 'gcc', flags: ['-O1'], version: 'test', maxSeq: 16 });
    expect(verdicts.filter((v) => !v.pass).map((v) => v.line)).toEqual([]);
    expect(verdicts).toHaveLength(all.length);
  }, 60_000);
});
