// Truncated BPTT (state carried across chunks), many-to-many training, SGD, schedules.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../src/data/dataset.js';
import { parseArch, resolveArch } from '../../../src/train/arch.js';
import { Net } from '../../../src/train/net.js';
import { learningRate, parseSchedule } from '../../../src/train/schedule.js';
import { trainModel, type TrainSettings } from '../../../src/train/train.js';
import { Rng } from '../../../src/util/rng.js';
import { delayTask } from '../../helpers/train.js';

describe('carried state', () => {
  it('running a sequence in chunks with carry equals running it whole', () => {
    const F = 2, T = 12, B = 3;
    const net = new Net(resolveArch(parseArch('lstm:5,gru:4,rnn:3:seq,dense:2').layers, true), F);
    net.init(4);
    const rng = new Rng(5);
    const x = Float64Array.from({ length: T * B * F }, () => rng.uniform(-1, 1));
    const whole = Float64Array.from(net.forward(x, T, B).out);
    const parts: number[] = [];
    for (const [t0, t1] of [[0, 5], [5, 9], [9, 12]] as const) {
      net.setCarry(t0 > 0);
      parts.push(...net.forward(x.subarray(t0 * B * F, t1 * B * F), t1 - t0, B).out);
    }
    expect(parts).toEqual(Array.from(whole));
  });
});


const base: TrainSettings = {
  name: 'net', epochs: 25, batch: 16, lr: 0.01, clip: 1, val: 0.2, patience: 0, optimizer: 'adam', momentum: 0.9,
  schedule: { kind: 'constant' }, tbptt: 16, seed: 2,
};

describe('truncated BPTT, many-to-many', () => {
  it('a GRU learns a 3-step delay on 96-step sequences trained in 16-step chunks', async () => {
    const { result } = await trainModel(delayTask(120, 96, 3, 1), resolveArch(parseArch('gru:8,dense:1').layers, true), base);
    const last = result.history[result.history.length - 1]!;
    // Predicting 0 gives RMSE ≈ 1; the delay is learnt far below that.
    expect(last.val!.metric).toBeLessThan(0.2);
  });
  it('SGD with momentum and a step schedule also learns it', async () => {
    const { result } = await trainModel(delayTask(120, 96, 3, 1), resolveArch(parseArch('lstm:8,dense:1').layers, true),
      { ...base, optimizer: 'sgd', lr: 0.1, epochs: 40, schedule: parseSchedule('step:20:0.5') });
    expect(result.history[result.history.length - 1]!.val!.metric).toBeLessThan(0.5);
    expect(result.history[25]!.lr).toBe(0.05);
  });
  it('refuses truncation with a bidirectional layer', async () => {
    await expect(trainModel(delayTask(10, 20, 3, 1), resolveArch(parseArch('gru:4:bi,dense:1').layers, true), base))
      .rejects.toThrow(/--tbptt: a bidirectional layer needs the whole sequence/);
  });
});

describe('truncated BPTT, many-to-one', () => {
  it('earlier chunks run forward only; the label from the last chunk is learnt', async () => {
    const rng = new Rng(9);
    const seqs: Float64Array[] = [], labels: Int32Array[] = [];
    for (let s = 0; s < 160; s++) {
      const x = Float64Array.from({ length: 60 }, () => rng.uniform(-1, 1));
      seqs.push(x);
      labels.push(Int32Array.of(x[57]! + x[58]! + x[59]! > 0 ? 1 : 0));
    }
    const ds: Dataset = {
      source: 'sum', featureNames: ['x'], seqs, lengths: seqs.map(() => 60), perStep: false, task: 'classification',
      labels, values: [], targetSize: 2, classes: ['0', '1'], ordered: false,
    };
    const { result } = await trainModel(ds, resolveArch(parseArch('gru:8,dense:2:softmax').layers, false), { ...base, tbptt: 20, epochs: 30 });
    expect(Math.max(...result.history.map((h) => h.val!.metric))).toBeGreaterThanOrEqual(0.9);
  });
});

describe('learning-rate schedules', () => {
  it('step and cosine', () => {
    expect(learningRate(parseSchedule('step:10:0.5'), 0.1, 25, 50)).toBeCloseTo(0.025, 15);
    const cos = parseSchedule('cosine:0');
    expect(learningRate(cos, 0.1, 0, 10)).toBe(0.1);
    expect(learningRate(cos, 0.1, 5, 10)).toBeCloseTo(0.05, 15);
    expect(() => parseSchedule('linear')).toThrow(/expected constant, step:EPOCHS:FACTOR or cosine/);
  });
});
