// Training converges on a generated gesture task and on a real forecasting series.
// Accuracy and errors are measured on data the training never saw.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readDataset } from '../../../src/data/read.js';
import { runFloat } from '../../../src/float/model.js';
import { prepareModel } from '../../../src/float/kinds.js';
import type { FloatModel } from '../../../src/ir/model.js';
import { parseArch, resolveArch } from '../../../src/train/arch.js';
import { trainModel, type TrainSettings } from '../../../src/train/train.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-converge-'));

const settings = (over: Partial<TrainSettings>): TrainSettings => ({
  name: 'net', epochs: 12, batch: 32, lr: 0.01, clip: 1, val: 0.2, patience: 10, optimizer: 'adam', momentum: 0.9,
  schedule: { kind: 'constant' }, tbptt: 0, seed: 1, ...over,
});

async function gestures(seed: number, count: number): Promise<string> {
  const path = join(dir, `gestures-${seed}.csv`);
  await execa('node', ['examples/gesture/generate.mjs', '--seed', String(seed), '--count', String(count), '-o', path]);
  return path;
}

/** Accuracy of the written model (float reference) on a fresh generated set. */
function heldOutAccuracy(model: FloatModel, path: string): number {
  const ds = readDataset(path, { task: 'classification', outputs: 4, perStep: false });
  const prepared = prepareModel(model);
  const classes = model.meta!.classes as string[];
  let hits = 0;
  ds.seqs.forEach((s, i) => {
    const xs = Array.from({ length: ds.lengths[i]! }, (_, t) => Array.from(s.subarray(t * 3, t * 3 + 3)));
    const p = runFloat(model, xs, prepared)[0]!;
    const guess = p.indexOf(Math.max(...p));
    if (classes[guess] === ds.classes[ds.labels[i]![0]!]) hits++;
  });
  return hits / ds.seqs.length;
}

describe('gesture classification (4 classes, 3 axes, noise, random phase/amplitude/speed)', () => {
  for (const arch of ['lstm:16,dense:4:softmax', 'gru:16,dense:4:softmax']) {
    it(`${arch} reaches >= 95% on validation and on a fresh test set`, async () => {
      const train = readDataset(await gestures(7, 800), { task: 'classification', outputs: 4, perStep: false });
      const { model, result } = await trainModel(train, resolveArch(parseArch(arch).layers, false), settings({}));
      const best = result.history.find((h) => h.epoch === result.bestEpoch)!;
      const test = heldOutAccuracy(model, await gestures(99, 200));
      console.log(`${arch}: validation accuracy ${best.val!.metric}, fresh test accuracy ${test}`);
      expect(best.val!.metric).toBeGreaterThanOrEqual(0.95);
      expect(test).toBeGreaterThanOrEqual(0.95);
    });
  }
});

describe('forecasting the yearly sunspot number (examples/data/sunspots.csv)', () => {
  it('a GRU beats the naive last-value forecast one year ahead on 1947-2008', async () => {
    const lines = readFileSync('examples/data/sunspots.csv', 'utf8').trim().split('\n');
    const header = lines[0]!, rows = lines.slice(1);
    const cut = rows.findIndex((r) => r.startsWith('1947,'));
    writeFileSync(join(dir, 'ss-train.csv'), [header, ...rows.slice(0, cut)].join('\n') + '\n');
    const W = 12;
    const train = readDataset(join(dir, 'ss-train.csv'), { task: 'regression', outputs: 1, perStep: false, window: W, featureColumns: ['sunspots'] });
    const { model } = await trainModel(train, resolveArch(parseArch('gru:8,dense:1').layers, false),
      settings({ epochs: 80, patience: 20, batch: 16 }));
    // Test windows: the 12 years before each target year come from the test period too.
    const test = rows.slice(cut).map((r) => Number(r.split(',')[1]));
    const prepared = prepareModel(model);
    let se = 0, naive = 0, n = 0;
    for (let s = 0; s + W < test.length; s++) {
      const y = test[s + W]!;
      const p = runFloat(model, test.slice(s, s + W).map((v) => [v]), prepared)[0]![0]!;
      se += (p - y) ** 2;
      naive += (test[s + W - 1]! - y) ** 2;
      n++;
    }
    const rmse = Math.sqrt(se / n), naiveRmse = Math.sqrt(naive / n);
    console.log(`sunspots 1959-2008 one year ahead (${n} forecasts): model RMSE ${rmse.toFixed(2)}, naive RMSE ${naiveRmse.toFixed(2)}`);
    expect(rmse).toBeLessThan(naiveRmse);
  });
});
