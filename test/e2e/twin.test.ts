// The TypeScript twin (rnnc compile --target typescript) against the fixed-point reference
// and the C, bit for bit: a sample of the random equivalence models (every layer kind and
// option: see test/helpers/random-models.ts) emitted in memory, transpiled, imported and run
// on the golden cases --emit-test writes, and the four encoder–decoder fixtures through
// encodeStep and decode against runFixed; a few of the former also built as C with gcc and checked
// on the same cases; the emitted modules type-checked under the strictest options with no
// library beyond ES2022 (no DOM, no Node: the module runs in a browser as it is).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wholeSequenceOnly } from '../../src/ir/kinds.js';
import { isQRecurrent, type QuantModel } from '../../src/ir/qmodel.js';
import { getTarget } from '../../src/target/targets.js';
import { runHarness } from '../../src/verify/harness.js';
import { goldenCases } from '../../src/codegen/testdata.js';
import { randomModel, randomSequence } from '../../src/ir/random.js';
import { validateModel } from '../../src/ir/validate.js';
import { quantizeInput, runFixed } from '../../src/fixed/model.js';
import { quantizeWithData } from '../../src/quantize/pipeline.js';
import { quantizeModel } from '../../src/quantize/quantize.js';
import type { HarnessModel } from '../../src/verify/harness.js';
import { equivalenceModels } from '../helpers/random-models.js';
import { type DecoderTwinModule, emitTwinSource, expectedOf, importTwin, runCase, typeCheck } from '../helpers/twin.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-twin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A streaming ssm that keeps only its last output, with a dense layer after it (the tail reads the ssm's buffer). */
function ssmTail(): HarnessModel {
  const float = randomModel({
    name: 'tssmtail', inputSize: 5,
    layers: [{ type: 'ssm', units: 13, stateSize: 5, convSize: 4, dtRank: 2, returnSequences: true }, { type: 'ssm', units: 4, stateSize: 3, convSize: 2, dtRank: 1 }, { type: 'dense', units: 2, activation: 'linear' }],
  }, 531);
  const model = quantizeModel(float, { weightBits: 8 });
  return { model, golden: goldenCases(model, { seed: 933, count: 4, steps: 10 }) };
}

/**
 * 51 models: the first 12 of four of the equivalence test's batches, its two ssm models
 * that keep only their last output (e54 streaming, e231 in a whole-sequence model), and one
 * with a dense layer after such an ssm.
 */
const SAMPLE = [
  ...[0, 2, 5, 7].flatMap((b) => equivalenceModels(12, 1000 + b * 100_003, b * 30)),
  ...[[1, 24], [7, 21]].map(([b, k]) => equivalenceModels(k! + 1, 1000 + b! * 100_003, b! * 30)[k!]!),
  ssmTail(),
];

function features(q: QuantModel): string[] {
  return [`int${q.weightBits}`, `depth${q.layers.filter(isQRecurrent).length}`, ...q.layers.flatMap((l) => (l.type === 'ssm'
    ? ['ssm', `ssm-${l.returnSequences ? 'seq' : 'last'}`, wholeSequenceOnly(q.layers) ? 'ssm-whole' : 'ssm-stream']
    : !isQRecurrent(l)
    ? [l.type, `${l.type}-${l.activation}`, `acc-${l.mm.acc}`, l.type === 'conv1d' && l.lookahead ? 'conv1d-centred' : '']
    : [`acc-${l.forward.x.acc}`, l.forward.h ? `acc-${l.forward.h.acc}` : '', l.bidirectional ? `bidir-${l.bidirectional}` : 'unidir', l.reverse ? 'reverse' : '',
      l.type === 'lstm' ? `cell${l.cell.bits}` : '', l.type === 'gru' ? `gru-reset-${l.resetAfter ? 'after' : 'before'}` : '',
      l.forward.h0 || l.forward.c0 ? 'initial-state' : '', !l.returnSequences ? 'last-only' : '',
      l.type === 'rnn' ? `rnn-${l.activation ?? 'tanh'}` : l.type === 'mingru' || l.type === 'minlstm' ? l.type : `${l.type}-${l.recurrentActivation ?? 'sigmoid'}`]))];
}

/**
 * The four encoder–decoder fixtures (test/fixtures/torch/seq2seq_*.json), quantized at int8
 * and int16 on random calibration sequences: Bahdanau attention into the input with the
 * LSTM state copied, dot attention into both, Luong general into the output over a
 * bidirectional encoder (whole-sequence: it runs in decode), and no attention with an
 * embedding fed back and an end token.
 */
const S2S = ['bahdanau_lstm', 'dot_both_rnn', 'luong_general_bigru', 'plain_gru_lstm_end'].flatMap((fixture, fi) => {
  const f = JSON.parse(readFileSync(new URL(`../fixtures/torch/seq2seq_${fixture}.json`, import.meta.url), 'utf8')) as { model: unknown };
  const m = validateModel(f.model, fixture);
  return ([8, 16] as const).map((bits) => {
    const calib = Array.from({ length: 3 }, (_, s) => randomSequence(m.inputSize, 10, 300 + s));
    const model = { ...quantizeWithData(m, { sequences: calib, source: 'test' }, { weightBits: bits }).model, name: `ts2s${fi}_${bits}` };
    // Lengths 1 to MAX_SEQ (16), inputs at three scales (the larger ones reach the end class and saturations).
    const cases = [1, 5, 16, 9, 12].map((T, i) => randomSequence(m.inputSize, T, 700 + i).map((x) => quantizeInput(model, x.map((v) => v * [1, 3, 8][i % 3]!))));
    return { model, cases };
  });
});

describe('the TypeScript twin', () => {
  it(`${SAMPLE.length} random models: every output of run and step equals the reference's`, async () => {
    const seen = new Set(SAMPLE.flatMap(({ model }) => features(model)));
    for (const f of ['int8', 'int16', 'depth1', 'depth2', 'depth3', 'dense-linear', 'dense-relu', 'dense-tanh', 'dense-sigmoid', 'dense-softmax',
      'conv1d', 'conv1d-centred', 'acc-int32', 'acc-int64', 'bidir-concat', 'bidir-sum', 'reverse', 'cell16', 'cell32', 'gru-reset-after', 'gru-reset-before',
      'initial-state', 'last-only', 'lstm-hard_sigmoid', 'gru-hard_sigmoid_v3', 'rnn-tanh', 'rnn-relu', 'mingru', 'minlstm',
      'ssm', 'ssm-seq', 'ssm-last', 'ssm-stream', 'ssm-whole']) expect(seen).toContain(f);
    let compared = 0;
    const failed: string[] = [];
    for (const { model, golden } of SAMPLE) {
      const m = await importTwin(await emitTwinSource(model), dir, model.name);
      for (const c of golden) {
        const got = runCase(m, c);
        const want = expectedOf(c);
        compared += want.length;
        if (got.join() !== want.join()) failed.push(`${model.name} (${model.layers.map((l) => l.type).join(', ')}): ${c.label}`);
      }
    }
    expect(failed).toEqual([]);
    console.log(`twin: ${SAMPLE.length} models, ${compared} outputs compared with the reference, all equal`);
  }, 300_000);

  it(`${S2S.length} encoder–decoders: every output of encodeStep then decode equals the reference's`, async () => {
    const seen = new Set(S2S.flatMap(({ model: { decoder: d } }) => [d!.attention ? `${d!.attention.kind}-${d!.attention.into}` : 'no-attention',
      `init-${d!.init.kind}`, `feedback-${d!.feedback.kind}`, d!.endToken !== undefined ? 'end-token' : '']));
    for (const f of ['bahdanau-input', 'dot-both', 'general-output', 'no-attention', 'init-copy', 'init-bridge', 'feedback-prediction', 'feedback-embedding', 'end-token']) expect(seen).toContain(f);
    const failed: string[] = [];
    let compared = 0;
    let ended = 0;
    for (const { model, cases } of S2S) {
      const m = await importTwin(await emitTwinSource(model), dir, model.name) as unknown as DecoderTwinModule;
      const s = m.createState();
      for (const xs of cases) {
        const want = runFixed(model, xs);
        m.reset(s);
        for (const x of xs) expect(m.encodeStep(s, x)).toBe(m.OK);
        const y = new Int16Array(m.STEPS * m.OUTPUT_SIZE);
        const n = m.decode(s, y, m.STEPS);
        compared += want.length;
        if (want.length < m.STEPS) ended++;
        const got = Array.from({ length: Math.max(0, n) }, (_, k) => Array.from(y.subarray(k * m.OUTPUT_SIZE, (k + 1) * m.OUTPUT_SIZE)).join());
        if (got.join(';') !== want.map((v) => Array.from(v).join()).join(';')) failed.push(`${model.name}, T = ${xs.length}`);
      }
    }
    expect(failed).toEqual([]);
    // The end token stops some decodes early (the test reaches that branch).
    expect(ended).toBeGreaterThan(0);
    console.log(`twin: ${S2S.length} encoder–decoders, ${compared} output vectors compared with the reference (${ended} decodes ended early), all equal`);
  }, 120_000);

  it('an encoder–decoder\'s API: ERR_EMPTY, ERR_FULL (nothing changed), kMax, encoding after a decode, reset, ERR_SIZE, one output at a time', async () => {
    for (const { model, cases } of [S2S[0]!, S2S[4]!]) {
      const m = await importTwin(await emitTwinSource(model, 4), dir, `${model.name}api`) as unknown as DecoderTwinModule;
      const xs = cases[2]!.slice(0, 5);
      const s = m.createState();
      const y = new Int16Array(m.STEPS * m.OUTPUT_SIZE);
      const out = (n: number) => Array.from(y.subarray(0, n * m.OUTPUT_SIZE)).join();
      const ref = (v: Int16Array[]) => v.map((r) => Array.from(r).join()).join();
      expect(m.decode(s, y, m.STEPS)).toBe(m.ERR_EMPTY);
      for (const x of xs.slice(0, 2)) expect(m.encodeStep(s, x)).toBe(m.OK);
      expect(out(m.decode(s, y, m.STEPS))).toBe(ref(runFixed(model, xs.slice(0, 2))));
      for (const x of xs.slice(2, 4)) expect(m.encodeStep(s, x)).toBe(m.OK);
      expect(m.encodeStep(s, xs[4]!)).toBe(m.ERR_FULL);
      expect(m.decode(s, y, 2)).toBe(2);
      expect(out(2)).toBe(ref(runFixed(model, xs.slice(0, 4)).slice(0, 2)));
      expect(m.decode(s, y, 0)).toBe(0);
      expect(m.decode(s, new Int16Array(m.OUTPUT_SIZE), 2)).toBe(m.ERR_SIZE);
      expect(m.encodeStep(s, new Int16Array(0))).toBe(m.ERR_SIZE);
      m.reset(s);
      expect(m.encodeStep(s, xs[4]!)).toBe(m.OK);
      expect(out(m.decode(s, y, m.STEPS))).toBe(ref(runFixed(model, [xs[4]!])));
      // One output at a time: the same vectors as one decode; not begun after reset, after an
      // encoder step, or after the last output; a short y is refused before anything changes.
      const one = new Int16Array(m.OUTPUT_SIZE);
      expect(m.decodeStep(s, one)).toBe(m.ERR_NOT_BEGUN);
      expect(m.encodeStep(s, xs[0]!)).toBe(m.OK);
      expect(m.decodeBegin(s)).toBe(m.OK);
      expect(m.decodeStep(s, new Int16Array(0))).toBe(m.ERR_SIZE);
      const steps: Int16Array[] = [];
      for (let r = 1; r === 1;) {
        r = m.decodeStep(s, one);
        expect([0, 1]).toContain(r);
        steps.push(one.slice());
      }
      expect(ref(steps)).toBe(ref(runFixed(model, [xs[4]!, xs[0]!])));
      expect(m.decodeStep(s, one)).toBe(m.ERR_NOT_BEGUN);
      expect(m.decodeBegin(s)).toBe(m.OK);
      expect(m.decodeStep(s, one)).toBe(1);
      expect(m.encodeStep(s, xs[1]!)).toBe(m.OK);
      expect(m.decodeStep(s, one)).toBe(m.ERR_NOT_BEGUN);
      m.reset(s);
      expect(m.decodeBegin(s)).toBe(m.ERR_EMPTY);
    }
  }, 60_000);

  it('the C of six of them, built with gcc, passes the same cases (so C = twin = reference)', async () => {
    const six = SAMPLE.filter((_, i) => i % 8 === 0);
    const verdicts = await runHarness(six, join(dir, 'c'), getTarget('host'), { cc: 'gcc', flags: ['-O1'], version: 'test', maxSeq: 16 });
    expect(verdicts.filter((v) => !v.pass).map((v) => v.line)).toEqual([]);
    expect(verdicts).toHaveLength(six.length);
  }, 300_000);

  it('the emitted modules type-check under strict, noUnused*, noUncheckedIndexedAccess with the ES2022 library only', async () => {
    const paths: string[] = [];
    for (const { model } of [...SAMPLE.slice(0, 16), S2S[0]!, S2S[5]!]) {
      const path = join(dir, `${model.name}.ts`);
      writeFileSync(path, await emitTwinSource(model));
      paths.push(path);
    }
    expect(typeCheck(paths)).toEqual([]);
    // The check can fail: a Node API is an error without @types/node.
    const bad = join(dir, 'bad.ts');
    writeFileSync(bad, 'export const x: number = process.pid;\n');
    expect(typeCheck([bad]).join('\n')).toMatch(/process/);
  }, 300_000);

  it('run refuses T out of range and short arrays with ERR_SIZE; a reset state repeats its outputs', async () => {
    const stream = SAMPLE.find(({ model }) => !model.layers.some((l) => isQRecurrent(l) && (l.bidirectional || l.reverse)))!;
    const whole = SAMPLE.find(({ model }) => model.layers.some((l) => isQRecurrent(l) && l.bidirectional))!;
    const s = await importTwin(await emitTwinSource(stream.model), dir, 'stream');
    const w = await importTwin(await emitTwinSource(whole.model, 16), dir, 'whole');
    expect(s.run(new Int16Array(s.INPUT_SIZE), 0, new Int16Array(64 * s.OUTPUT_SIZE))).toBe(s.ERR_SIZE);
    expect(s.run(new Int16Array(s.INPUT_SIZE), 2, new Int16Array(64 * s.OUTPUT_SIZE))).toBe(s.ERR_SIZE);
    expect(w.MAX_SEQ).toBe(16);
    expect(w.run(new Int16Array(17 * w.INPUT_SIZE), 17, new Int16Array(17 * w.OUTPUT_SIZE))).toBe(w.ERR_SIZE);
    expect(w.step).toBeUndefined();
    // reset brings the state back: the same input gives the same output.
    const st = s.createState!();
    const x = new Int16Array(s.INPUT_SIZE).fill(1000);
    const y1 = new Int16Array(s.OUTPUT_SIZE);
    const y2 = new Int16Array(s.OUTPUT_SIZE);
    s.step!(st, x, y1);
    s.reset!(st);
    s.step!(st, x, y2);
    expect([...y2]).toEqual([...y1]);
  }, 60_000);
});
