/**
 * The float ssm (src/float/ssm.ts): two steps worked by hand on a one-channel layer, streaming
 * equals the whole-sequence run (step t = the output of the prefix 0..t), reset starts over,
 * and validation refuses every wrong shape with one line naming the field. runBatch against
 * run bit for bit is test/unit/float/batch.test.ts (ssm cases in test/helpers/every-float-kind.ts);
 * PyTorch agreement is torch-ssm.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { runFloat, streamFloat } from '../../../src/float/model.js';
import { modelToJson } from '../../../src/ir/io.js';
import type { FloatModel } from '../../../src/ir/model.js';
import { type LayerSpec, randomModel, randomSequence } from '../../../src/ir/random.js';
import { summarize } from '../../../src/ir/shapes.js';
import { validateModel } from '../../../src/ir/validate.js';
import { problemsOf as problemsOfRun } from '../../helpers/refusals.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests break raw JSON on purpose */
type Json = any;

const sigma = (v: number) => 1 / (1 + Math.exp(-v));
const silu = (v: number) => v * sigma(v);

describe('float ssm by hand', () => {
  it('E = N = R = 1, k = 2, one input: two steps of conv, Δ, the scan and the gate', () => {
    const model = validateModel({
      format: 'rnnc-model', version: 1, name: 'h', inputSize: 1,
      layers: [{
        type: 'ssm', units: 1, stateSize: 1, convSize: 2, dtRank: 1, returnSequences: true,
        weights: {
          inKernel: [[0.5], [-1.5]], inBias: [0.1, 0.2], convKernel: [[0.3, 0.7]], convBias: [-0.1],
          xKernel: [[0.9], [1.2], [-0.8]], dtKernel: [[0.6]], dtBias: [0.4], aLog: [[Math.log(2)]], d: [0.25],
        },
      }],
    }, 'hand');
    const xs = [[1.2], [-0.7]];
    // Written out from ir/model.ts's equations, step by step.
    let h = 0, prevX = 0;
    const want = xs.map(([x]) => {
      const xp = 0.5 * x! + 0.1, z = -1.5 * x! + 0.2;
      const u = silu(-0.1 + 0.3 * prevX + 0.7 * xp);
      prevX = xp;
      const delta = 0.9 * u, b = 1.2 * u, c = -0.8 * u;
      const dt = Math.log(1 + Math.exp(0.6 * delta + 0.4));
      h = Math.exp(dt * -2) * h + dt * u * b;
      return (c * h + 0.25 * u) * silu(z);
    });
    const got = runFloat(model, xs).map((v) => v[0]!);
    got.forEach((v, t) => expect(v).toBeCloseTo(want[t]!, 14));
    expect(Math.abs(got[1]!)).toBeGreaterThan(1e-3);
  });
});

describe('float ssm streaming equals whole-sequence', () => {
  const STEPS = 20;
  const streamed = (layers: LayerSpec[], seed: number) => {
    const model = randomModel({ inputSize: 3, layers, normalization: true, weightScale: 1.5 }, seed);
    const xs = randomSequence(3, STEPS, seed + 1, 2);
    const stream = streamFloat(model);
    return { model, xs, stream, outs: xs.map((x) => Array.from(stream.step(x))) };
  };
  const ssm = (units: number, stateSize: number, convSize: number, dtRank: number, returnSequences: boolean): LayerSpec => (
    { type: 'ssm', units, stateSize, convSize, dtRank, returnSequences });

  it('returnSequences true: step t is the whole-sequence output t', () => {
    for (const k of [1, 4, 25]) {
      const { model, xs, outs } = streamed([ssm(5, 4, k, 2, true)], 3 + k);
      expect(outs).toEqual(runFloat(model, xs).map((v) => Array.from(v)));
    }
  });

  it('stacked, many-to-one, dense head: step t is the output of the prefix 0..t; reset starts over', () => {
    const { model, xs, stream, outs } = streamed([ssm(6, 3, 3, 1, true), ssm(4, 2, 2, 3, false), { type: 'dense', units: 2, activation: 'tanh' }], 11);
    outs.forEach((o, t) => expect(o).toEqual(Array.from(runFloat(model, xs.slice(0, t + 1))[0]!)));
    // The state matters (outputs differ with the history), and reset clears h and the conv history.
    expect(outs[STEPS - 1]).not.toEqual(Array.from(runFloat(model, xs.slice(STEPS - 1))[0]!));
    stream.reset();
    expect(Array.from(stream.step(xs[0]!))).toEqual(outs[0]);
  });

  it('after a conv1d and before a gru', () => {
    const { model, xs, outs } = streamed([{ type: 'conv1d', units: 4, kernelSize: 3, activation: 'relu' }, ssm(5, 3, 4, 2, true), { type: 'gru', units: 3, returnSequences: true }], 17);
    expect(outs).toEqual(runFloat(model, xs).map((v) => Array.from(v)));
  });
});

describe('ssm validation', () => {
  const valid = (): Json => JSON.parse(modelToJson(randomModel({
    inputSize: 3, layers: [{ type: 'ssm', units: 4, stateSize: 2, convSize: 3, dtRank: 2 }, { type: 'dense', units: 2, activation: 'linear' }],
  }, 1)));
  const problemsOf = (json: unknown): readonly string[] => problemsOfRun(() => validateModel(json, 'm.json'));

  it('accepts a valid layer (returnSequences defaults to false); parameters and MACs as docs/ssm.md counts them', () => {
    const m = valid();
    delete m.layers[0].returnSequences;
    const model: FloatModel = validateModel(m, 'm.json');
    expect(model.layers[0]).toMatchObject({ type: 'ssm', returnSequences: false });
    // E = 4, N = 2, k = 3, R = 2, I = 3: 2E(I+1) + E(k+1) + (R+2N)E + E(R+1) + EN + E.
    expect(summarize(model).layers[0]).toMatchObject({ params: 32 + 16 + 24 + 12 + 8 + 4, macsPerStep: 24 + 12 + 24 + 8 + 32 });
  });

  it('names every wrong weight shape, each in one line, all at once', () => {
    const m = valid(), w = m.layers[0].weights;
    w.inKernel.pop();
    w.inBias.push(0);
    w.convKernel[1].push(0);
    w.convBias.pop();
    w.xKernel.pop();
    w.dtKernel = w.dtKernel.map((r: number[]) => r.slice(1));
    w.dtBias.push(0);
    w.aLog.pop();
    w.d.push(1);
    expect(problemsOf(m)).toEqual([
      'layers[0].weights.inKernel: expected 8×3, got 7×3',
      'layers[0].weights.inBias: expected 8 values, got 9',
      'layers[0].weights.convKernel: expected 4×3, got 4 ragged rows',
      'layers[0].weights.convBias: expected 4 values, got 3',
      'layers[0].weights.xKernel: expected 6×4, got 5×4',
      'layers[0].weights.dtKernel: expected 4×2, got 4×1',
      'layers[0].weights.dtBias: expected 4 values, got 5',
      'layers[0].weights.aLog: expected 4×2, got 3×2',
      'layers[0].weights.d: expected 4 values, got 5',
    ]);
  });

  it('refuses sizes out of range, an aLog beyond ±30, a missing or unknown weight, and a sequence reader after a many-to-one ssm', () => {
    const sizes = valid();
    Object.assign(sizes.layers[0], { stateSize: 0, convSize: 65, dtRank: 4097 });
    expect(problemsOf(sizes)).toEqual([
      'layers[0].stateSize: expected an integer from 1 to 256, got 0',
      'layers[0].convSize: expected an integer from 1 to 64, got 65',
      'layers[0].dtRank: expected an integer from 1 to 4096, got 4097',
    ]);
    const a = valid();
    a.layers[0].weights.aLog[2][1] = 31;
    expect(problemsOf(a)).toEqual(['layers[0].weights.aLog[2][1]: 31 is outside [−30, 30] (A = −exp(aLog) would be -2.90e+13)']);
    const fields = valid();
    delete fields.layers[0].weights.d;
    fields.layers[0].weights.b = [];
    expect(problemsOf(fields)).toEqual(["layers[0].weights: unknown field 'b'", 'layers[0].weights.d: missing (expected an array)']);
    let message = '';
    try { validateModel(fields, 'm.json'); } catch (e) { message = (e as Error).message; }
    expect(message).toBe("m.json: 2 problems: layers[0].weights: unknown field 'b'; layers[0].weights.d: missing (expected an array)");
    const chain: Json = JSON.parse(modelToJson(randomModel({
      inputSize: 3, layers: [{ type: 'ssm', units: 4, stateSize: 2, convSize: 3, dtRank: 2, returnSequences: true }, { type: 'ssm', units: 2, stateSize: 2, convSize: 2, dtRank: 1 }],
    }, 2)));
    expect(problemsOf(chain)).toEqual([]);
    chain.layers[0].returnSequences = false;
    expect(problemsOf(chain)).toEqual(['layers[1]: an ssm layer needs a sequence, but layers[0] has returnSequences false']);
  });
});
