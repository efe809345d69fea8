// The emitted C against the TypeScript fixed-point reference, bit for bit, on 240 random
// models (see test/helpers/random-models.ts): 8 programs of 30 models, built with
// gcc -O1 and run two at a time. Each model's test compares every output of NAME_run
// and of NAME_step with the reference's, exactly. Then the encoder–decoder fixtures (below).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wholeSequenceOnly } from '../../src/ir/kinds.js';
import { isQRecurrent } from '../../src/ir/qmodel.js';
import { getTarget } from '../../src/target/targets.js';
import { type HarnessModel, expectedCount, runHarness, type ModelVerdict } from '../../src/verify/harness.js';
import { validateModel } from '../../src/ir/validate.js';
import { randomSequence } from '../../src/ir/random.js';
import { quantizeInput } from '../../src/fixed/model.js';
import { quantizeWithData } from '../../src/quantize/pipeline.js';
import { goldenCases } from '../../src/codegen/testdata.js';
import { equivalenceModels } from '../helpers/random-models.js';
import { pool } from '../helpers/pool.js';

const BATCHES = 8;
const PER_BATCH = 30;
const dir = mkdtempSync(join(tmpdir(), 'rnnc-equiv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('C equivalence with the fixed-point reference', () => {
  it(`${BATCHES * PER_BATCH} random models: every output bit-exact`, async () => {
    const batches = Array.from({ length: BATCHES }, (_, b) => equivalenceModels(PER_BATCH, 1000 + b * 100_003, b * PER_BATCH));
    const kinds = new Set(batches.flat().flatMap((m) => m.model.layers.map((l) => (l.type === 'gru' ? `gru-${l.resetAfter}` : l.type))));
    expect([...kinds].sort()).toEqual(['conv1d', 'dense', 'gru-false', 'gru-true', 'lstm', 'mingru', 'minlstm', 'rnn', 'ssm']);
    // The numeric paths that must all be exercised.
    const features = new Set(batches.flat().flatMap(({ model: q }) => [
      `int${q.weightBits}`, `depth${q.layers.filter((l) => isQRecurrent(l)).length}`,
      ...q.layers.flatMap((l) => l.type === 'ssm'
        ? [`ssm-${l.returnSequences ? 'seq' : 'last'}`, `ssm-k${l.convSize > 1 ? 'n' : '1'}`, `ssm-int${l.weightBits ?? q.weightBits}`,
          wholeSequenceOnly(q.layers) ? 'ssm-whole' : 'ssm-stream']
        : !isQRecurrent(l)
        ? [l.activation, `acc-${l.mm.acc}`, l.type, l.type === 'conv1d' && l.lookahead ? 'conv1d-centred' : '']
        : [`acc-${l.forward.x.acc}`, l.forward.h ? `acc-${l.forward.h.acc}` : '', l.bidirectional ? `bidir-${l.bidirectional}` : 'unidir',
          l.type === 'lstm' ? `cell${l.cell.bits}` : '', l.units === 128 ? 'units128' : '',
          l.type === 'rnn' ? `rnn-${l.activation ?? 'tanh'}` : l.type === 'mingru' || l.type === 'minlstm' ? l.type : `${l.type}-${l.recurrentActivation ?? 'sigmoid'}`]),
    ]));
    for (const f of ['int8', 'int16', 'depth1', 'depth2', 'depth3', 'linear', 'relu', 'tanh', 'sigmoid', 'softmax', 'acc-int32', 'acc-int64',
      'bidir-concat', 'bidir-sum', 'unidir', 'cell16', 'cell32', 'units128',
      'lstm-hard_sigmoid', 'lstm-hard_sigmoid_v3', 'gru-hard_sigmoid', 'gru-hard_sigmoid_v3', 'rnn-tanh', 'rnn-relu', 'conv1d', 'conv1d-centred',
      // ssm: both outputs, with and without a conv history, both widths, in streaming and whole-sequence models.
      'ssm-seq', 'ssm-last', 'ssm-kn', 'ssm-k1', 'ssm-int8', 'ssm-int16', 'ssm-stream', 'ssm-whole']) expect(features).toContain(f);
    expect(Math.max(...batches.flat().map((m) => m.model.inputSize))).toBe(64);
    // Both many-to-one bidirectional outputs (backward at t = 0 or T−1), with both merges.
    const lastOutputs = new Set(batches.flat().flatMap(({ model: q }) => q.layers.flatMap((l) => (
      isQRecurrent(l) && l.bidirectional && !l.returnSequences ? [`${l.lastOutput ?? 'final'}-${l.bidirectional}`] : []))));
    expect([...lastOutputs].sort()).toEqual(['final-concat', 'final-sum', 'last-index-concat', 'last-index-sum']);
    // Reverse layers (the one direction reads x_{T−1} … x_0), with sequence and last-step outputs.
    const reverses = new Set(batches.flat().flatMap(({ model: q }) => q.layers.flatMap((l) => (
      isQRecurrent(l) && l.reverse ? [`${l.type}-${l.returnSequences ? 'seq' : 'last'}`] : []))));
    for (const r of ['rnn-seq', 'rnn-last', 'lstm-seq', 'lstm-last', 'gru-seq', 'gru-last']) expect(reverses).toContain(r);
    // The minimal kinds in every direction: forward, reverse, bidirectional concat and sum.
    const minimal = new Set(batches.flat().flatMap(({ model: q }) => q.layers.flatMap((l) => (
      isQRecurrent(l) && (l.type === 'mingru' || l.type === 'minlstm') ? [`${l.type}-${l.bidirectional ?? (l.reverse ? 'reverse' : 'forward')}`] : []))));
    expect([...minimal].sort()).toEqual(['mingru-concat', 'mingru-forward', 'mingru-reverse', 'mingru-sum', 'minlstm-concat', 'minlstm-forward', 'minlstm-reverse', 'minlstm-sum']);
    const verdicts = (await pool(batches.map((models, b) => () =>
      runHarness(models, join(dir, `b${b}`), getTarget('host'), { cc: 'gcc', flags: ['-O1'], version: 'test', maxSeq: 16 })), 2)).flat();
    const failed = verdicts.filter((v: ModelVerdict) => !v.pass).map((v) => v.line);
    expect(failed).toEqual([]);
    const compared = verdicts.reduce((s, v) => s + v.compared, 0);
    expect(compared).toBe(batches.reduce((s, b) => s + expectedCount(b), 0));
    console.log(`equivalence: ${verdicts.length} models, ${compared} outputs compared, all bit-exact`);
    // About 60 s on 2 idle cores (gcc builds 240 models); a loaded machine takes 2-3 times that.
  }, 360_000);
});

// Encoder–decoders: the committed PyTorch fixtures (every attention kind and route, every
// init, both feedbacks, an end token), quantized on a few random sequences with int8 and
// int16 weights; NAME_encode_step per input step, then NAME_decode, against runFixed's K
// outputs (and their count), exactly.
const SEQ2SEQ = ['bahdanau_lstm', 'luong_general_bigru', 'dot_both_rnn', 'plain_gru_lstm_end'] as const;

describe('encoder–decoder C equivalence with the fixed-point reference', () => {
  it('every fixture with int8 and int16 weights: every output and count bit-exact', async () => {
    const models: HarnessModel[] = SEQ2SEQ.flatMap((name) => {
      const f = JSON.parse(readFileSync(new URL(`../fixtures/torch/seq2seq_${name}.json`, import.meta.url), 'utf8')) as { model: unknown; input: number[][] };
      const m = validateModel(f.model, name);
      const T = f.input.length;
      const calib = Array.from({ length: 4 }, (_, s) => randomSequence(m.inputSize, T, 100 + s));
      return ([8, 16] as const).map((bits) => {
        const q = { ...quantizeWithData(m, { sequences: calib, source: 'test' }, { weightBits: bits }).model, name: `s2s_${name.split('_').map((w) => w[0]).join('')}${bits}` };
        return { model: q, golden: goldenCases(q, { seed: bits, count: 4, steps: T, extra: [f.input.map((x) => quantizeInput(q, x))] }) };
      });
    });
    const ends = models.filter((m) => m.model.decoder?.endToken !== undefined);
    // The end token stops some case early: the count is compared, not only the values.
    expect(ends.some((m) => m.golden.some((c) => c.expected.length < m.model.decoder!.steps))).toBe(true);
    const verdicts = await runHarness(models, join(dir, 's2s'), getTarget('host'), { cc: 'gcc', flags: ['-O1'], version: 'test', maxSeq: 16 });
    expect(verdicts.filter((v) => !v.pass).map((v) => v.line)).toEqual([]);
    expect(verdicts.reduce((s, v) => s + v.compared, 0)).toBe(expectedCount(models));
  }, 120_000);
});
