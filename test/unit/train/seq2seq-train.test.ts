// Training an encoder–decoder from a series file (src/train/seq2seq-train.ts) and the
// decoder item of --arch (src/train/arch-decoder.ts). The written model, run by the float
// reference on raw windows, must reproduce the validation numbers the trainer reported:
// that checks the input normalisation, the folding of the target scaling into the
// projection, the feedback kernel and the start vector, and the free-running validation.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDataset } from '../../../src/data/read.js';
import { splitDataset } from '../../../src/data/split.js';
import { runFloat } from '../../../src/float/model.js';
import { validateModel } from '../../../src/ir/validate.js';
import { parseArch, resolveArch } from '../../../src/train/arch.js';
import { trainSeq2Seq, type Seq2SeqSettings } from '../../../src/train/seq2seq-train.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-s2s-train-'));
const W = 8;

const settings = (over: Partial<Seq2SeqSettings>): Seq2SeqSettings => ({
  name: 's2s', epochs: 4, batch: 32, lr: 0.01, clip: 1, val: 0.2, patience: 0, optimizer: 'adam', momentum: 0.9,
  schedule: { kind: 'constant' }, tbptt: 0, seed: 1, sampling: 0.25, ...over,
});

/** A series far from mean 0, std 1, so an unfolded scaling would show: v = 20 + 5 sin(0.3 i) + 2 sin(0.11 i), class = its third. */
function series(): string {
  const path = join(dir, 'series.csv');
  const rows = ['v,label'];
  for (let i = 0; i < 300; i++) {
    const v = 20 + 5 * Math.sin(0.3 * i) + 2 * Math.sin(0.11 * i);
    rows.push(`${v.toFixed(5)},${v < 17 ? 'low' : v < 23 ? 'mid' : 'high'}`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

describe('rnnc train with a decoder: --arch', () => {
  it('parses the decoder item and its defaults, and writes it back', () => {
    const a = parseArch('lstm:8:seq,decoder:gru:8:steps=4:out=3:general:softmax:emb=2:end=1:reset-before');
    expect(a.layers).toHaveLength(1);
    expect(a.decoder).toEqual({
      cell: 'gru', units: 8, outputSize: 3, steps: 4, resetAfter: false, init: 'bridge',
      feedback: { kind: 'embedding', dims: 2, start: 0 }, attention: { kind: 'general', into: 'output' }, endToken: 1,
    });
    expect(parseArch('gru:4,decoder:lstm:4:steps=2:out=1:bahdanau=3').decoder!.attention).toEqual({ kind: 'bahdanau', units: 3, into: 'input' });
  });
  it('refuses mistakes in one line', () => {
    const cases: Array<[string, RegExp]> = [
      ['lstm:8,decoder:lstm:8:out=1', /a decoder needs its number of outputs, e\.g\. steps=8/],
      ['lstm:8,decoder:lstm:8:steps=3', /a decoder needs the width of each output/],
      ['lstm:8,decoder:lstm:8:steps=3:out=1,dense:1', /the decoder comes last/],
      ['decoder:lstm:8:steps=3:out=1', /a decoder needs encoder layers before it/],
      ['lstm:8,decoder:ssm:8:steps=3:out=1', /unknown decoder cell 'ssm'; supported: lstm, gru, rnn/],
      ['lstm:8,decoder:lstm:8:steps=3:out=1:dot:general', /'general' conflicts with 'dot'/],
      ['lstm:8,decoder:lstm:8:steps=3:out=1:into=both', /into= needs an attention/],
      ['lstm:8,decoder:lstm:8:steps=3:out=1:emb=4', /emb= needs softmax/],
      ['lstm:8,decoder:lstm:8:steps=0:out=1', /steps must be an integer from 1 to 4096, got '0'/],
      ['lstm:8,decoder:lstm:8:steps=3:out=1:init=carry', /init must be zeros, copy or bridge, got 'carry'/],
      ['lstm:8,decoder:lstm:8:steps=3:out=1:reset-before', /'reset-before' is for a gru decoder/],
      ['lstm:8,decoder:lstm:8:steps=3:out=1:beam=4', /unknown decoder option 'beam=4'/],
    ];
    for (const [text, message] of cases) {
      let error: unknown;
      try { parseArch(text); } catch (e) { error = e; }
      expect((error as Error).message, text).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

describe('rnnc train with a decoder: the written model reproduces the reported validation', () => {
  const path = series();
  it('regression: the next 4 values, raw units through the folded scaling (validation RMSE equal to 1e-9)', async () => {
    const arch = parseArch('lstm:8:seq,decoder:lstm:8:steps=4:out=1:bahdanau=6:init=copy');
    const ds = readDataset(path, { task: 'regression', outputs: 1, perStep: false, window: W, featureColumns: ['v'], labelColumns: ['v'], targetSteps: 4 });
    expect(ds.values[0]).toHaveLength(4);
    const { model, result } = await trainSeq2Seq(ds, resolveArch(arch.layers, false, true), arch.decoder!, settings({}));
    const written = validateModel(JSON.parse(JSON.stringify(model)), 'm.json');
    expect(written.decoder!.feedback.kind === 'prediction' && written.decoder!.feedback.start[0]).toBeGreaterThan(15);
    const { val } = splitDataset(ds, 0.2, 1);
    let sq = 0;
    for (const i of val) {
      const xs = Array.from({ length: W }, (_, t) => [ds.seqs[i]![t]!]);
      runFloat(written, xs).forEach((y, k) => { sq += (y[0]! - ds.values[i]![k]!) ** 2; });
    }
    const rmse = Math.sqrt(sq / (val.length * 4));
    const best = result.history.find((h) => h.epoch === result.bestEpoch)!;
    console.log(`next 4 values: validation RMSE ${best.val!.metric.toFixed(4)} (series std ≈ 3.8), runFloat of the written model ${rmse.toFixed(4)}`);
    expect(Math.abs(rmse - best.val!.metric)).toBeLessThan(1e-9);
    expect(result.history[result.history.length - 1]!.val!.loss).toBeLessThan(result.history[0]!.val!.loss);
  });

  it('classes: the next 3 labels with embedding feedback (validation accuracy equal)', async () => {
    const arch = parseArch('gru:8:seq:bi,decoder:gru:8:steps=3:out=3:general:softmax:emb=4');
    const ds = readDataset(path, { task: 'classification', outputs: 3, perStep: false, window: W, featureColumns: ['v'], targetSteps: 3 });
    const { model, result } = await trainSeq2Seq(ds, resolveArch(arch.layers, false, true), arch.decoder!, settings({ epochs: 3 }));
    const written = validateModel(JSON.parse(JSON.stringify(model)), 'c.json');
    const { val } = splitDataset(ds, 0.2, 1);
    let hits = 0;
    for (const i of val) {
      const xs = Array.from({ length: W }, (_, t) => [ds.seqs[i]![t]!]);
      runFloat(written, xs).forEach((y, k) => { if (y.indexOf(Math.max(...y)) === ds.labels[i]![k]) hits++; });
    }
    const best = result.history.find((h) => h.epoch === result.bestEpoch)!;
    expect(hits / (val.length * 3)).toBe(best.val!.metric);
    expect(model.meta!.arch).toBe('gru:8:bi:seq,decoder:gru:8:steps=3:out=3:general:into=output:init=bridge:softmax:emb=4:start=0');
  });

  it('refuses a task the decoder does not write and truncated BPTT', async () => {
    const arch = parseArch('lstm:8:seq,decoder:lstm:8:steps=2:out=1');
    const ds = readDataset(path, { task: 'regression', outputs: 1, perStep: false, window: W, featureColumns: ['v'], labelColumns: ['v'], targetSteps: 2 });
    const layers = resolveArch(arch.layers, false, true);
    await expect(trainSeq2Seq(ds, layers, arch.decoder!, settings({ tbptt: 4 }))).rejects.toThrow(/--tbptt: an encoder–decoder backpropagates through the whole window/);
    await expect(trainSeq2Seq({ ...ds, task: 'classification' }, layers, arch.decoder!, settings({}))).rejects.toThrow(/a decoder without softmax writes values, so the task is regression/);
  });
});
