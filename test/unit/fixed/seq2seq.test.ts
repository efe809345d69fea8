// The decoder of an encoder–decoder in fixed point (src/fixed/seq2seq.ts) against the float
// reference on the committed PyTorch fixtures (every attention kind and route, every init,
// both feedbacks, an end token), calibrated on a few random sequences: the error stays
// within a measured budget with int8 and int16 weights; qcheck refuses a broken decoder in
// one line per problem.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runFloat } from '../../../src/float/model.js';
import { validateModel } from '../../../src/ir/validate.js';
import { randomSequence } from '../../../src/ir/random.js';
import type { FloatModel } from '../../../src/ir/model.js';
import type { QuantModel } from '../../../src/ir/qmodel.js';
import { quantizeInput, runFixed, streamFixed } from '../../../src/fixed/model.js';
import { argmaxS16 } from '../../../src/fixed/seq2seq.js';
import { ExcursionCounter, excursionSummary } from '../../../src/fixed/excursions.js';
import { quantizeWithData } from '../../../src/quantize/pipeline.js';
import { decoderError, evalReport, taskKind } from '../../../src/quantize/report.js';
import { calibrate } from '../../../src/quantize/calibrate.js';
import { calibrateReference } from '../../../src/quantize/calibrate-reference.js';
import { validateQuantModel } from '../../../src/ir/qio.js';

interface Fixture { model: unknown; input: number[][]; output: number[][] }
const NAMES = ['bahdanau_lstm', 'luong_general_bigru', 'dot_both_rnn', 'plain_gru_lstm_end'] as const;
const load = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/torch/seq2seq_${name}.json`, import.meta.url), 'utf8')) as Fixture;

const calibFor = (m: FloatModel, T: number) => Array.from({ length: 8 }, (_, s) => randomSequence(m.inputSize, T, 100 + s));
const testFor = (m: FloatModel, f: Fixture) => [f.input, ...Array.from({ length: 8 }, (_, s) => randomSequence(m.inputSize, f.input.length, 900 + s))];
const quantized = (m: FloatModel, T: number, bits: 8 | 16): QuantModel => quantizeWithData(m, { sequences: calibFor(m, T), source: 'test' }, { weightBits: bits }).model;
const maxAbs = (m: FloatModel, seqs: number[][][]) => Math.max(...seqs.flatMap((s) => runFloat(m, s).flatMap((y) => Array.from(y, Math.abs))));

describe('encoder–decoder in fixed point', () => {
  for (const name of NAMES) {
    it(`${name}: within the error budget of int8 and int16 weights`, () => {
      const f = load(name);
      const m = validateModel(f.model, name);
      const test = testFor(m, f);
      const e8 = decoderError(m, quantized(m, f.input.length, 8), test);
      const e16 = decoderError(m, quantized(m, f.input.length, 16), test);
      const scale = maxAbs(m, test);
      const agree = (e: { agree?: number }) => (e.agree !== undefined ? ` (classes agree on ${(100 * e.agree).toFixed(0)} % of steps)` : '');
      console.log(`${name}: max |y| ${scale.toFixed(3)}, int8 max err ${e8.maxAbs.toExponential(2)} rms ${e8.rms.toExponential(2)}${agree(e8)}, int16 max err ${e16.maxAbs.toExponential(2)} rms ${e16.rms.toExponential(2)}${agree(e16)}`);
      // Measured: int8 at most 0.45 % of max |y|, int16 at most 0.04 %.
      expect(e8.maxAbs).toBeLessThan(0.01 * scale);
      expect(e16.maxAbs).toBeLessThan(0.002 * scale);
      expect(e16.maxAbs).toBeLessThan(e8.maxAbs);
      if (e8.agree !== undefined) expect(Math.min(e8.agree, e16.agree!)).toBeGreaterThan(0.85);
    });
  }

  it('copies the final state of a reverse encoder layer (h after x_0), as the float decoder does', () => {
    const f = load('bahdanau_lstm');
    const json = structuredClone(f.model) as { layers: Array<{ reverse?: boolean }> };
    json.layers[0]!.reverse = true;
    const m = validateModel(json, 'reverse');
    const test = testFor(m, f);
    const e = decoderError(m, quantized(m, f.input.length, 16), test);
    const forward = decoderError(validateModel(f.model, 'fwd'), quantized(validateModel(f.model, 'fwd'), f.input.length, 16), test);
    expect(e.maxAbs).toBeLessThan(0.002 * maxAbs(m, test));
    expect(e.maxAbs).toBeLessThan(10 * forward.maxAbs);
  });

  it('stops at the end token where the float decoder does, and refuses to stream', () => {
    const f = load('plain_gru_lstm_end');
    const m = validateModel(f.model, 'end');
    const q = quantized(m, f.input.length, 16);
    expect(runFixed(q, f.input.map((x) => quantizeInput(q, x)))).toHaveLength(runFloat(m, f.input).length);
    expect(runFloat(m, f.input)).toHaveLength(3);
    expect(() => streamFixed(q)).toThrow(/after the whole input sequence/);
  });

  it("copies an LSTM encoder's cell as it is: the decoder's cell format is the encoder's", () => {
    const f = load('bahdanau_lstm');
    const m = validateModel(f.model, 'copy');
    for (const bits of [8, 16] as const) {
      const q = quantized(m, f.input.length, bits);
      const enc = q.layers[0]!, dec = q.decoder!.cell;
      expect(enc.type === 'lstm' && dec.type === 'lstm' && dec.cell).toEqual(enc.type === 'lstm' && enc.cell);
    }
  });

  it('quantizes without calibration data (default ranges) and still decodes', () => {
    const f = load('dot_both_rnn');
    const m = validateModel(f.model, 'dot');
    const q = quantizeWithData(m, undefined).model;
    const e = decoderError(m, q, [f.input]);
    expect(e.count).toBe(m.decoder!.steps * m.decoder!.outputSize);
    expect(e.maxAbs).toBeLessThan(0.05);
  });

  it('calibrates the decoder the same batched and one sequence at a time', () => {
    for (const name of NAMES) {
      const f = load(name);
      const m = validateModel(f.model, name);
      const seqs = calibFor(m, f.input.length);
      const a = calibrate(m, seqs), b = calibrateReference(m, seqs);
      expect(a).toEqual(b);
      expect(a.ranges.decoder!.projection).toBeGreaterThan(0);
    }
  });

  it('an observer sees the decoder as layer layers.length, and observing changes nothing', () => {
    const f = load('bahdanau_lstm');
    const m = validateModel(f.model, 'b');
    const q = quantized(m, f.input.length, 8);
    const xs = f.input.map((x) => quantizeInput(q, x));
    const calm = new ExcursionCounter();
    expect(runFixed(q, xs, calm)).toEqual(runFixed(q, xs));
    const seen = excursionSummary(q, calm, { data: 't', sequences: 1, timesteps: xs.length }).items.filter((i) => i.type === 'decoder');
    expect(seen.map((i) => `${i.kind} ${i.quantity ?? ''}`.trim()).sort()).toEqual(
      ['cell', 'output attention scores', 'output projection output', 'preactivation', 'preactivation attention tanh input']);
    // The projection requantized 2^6 times too large: its outputs leave their format, and the observer says so.
    const loud = new ExcursionCounter();
    const big = structuredClone(q);
    if (big.decoder!.projection.type === 'dense') big.decoder!.projection.mm.shift = big.decoder!.projection.mm.shift.map((t) => t - 6);
    runFixed(big, xs, loud);
    const hit = excursionSummary(big, loud, { data: 't', sequences: 1, timesteps: xs.length }).items.filter((i) => i.type === 'decoder' && i.valuesSaturated > 0);
    expect(hit.map((i) => i.quantity)).toContain('projection output');
  });

  it('refuses a memory longer than 4096 encoder outputs, where the softmax sum would leave divQ15\'s domain', () => {
    const f = load('dot_both_rnn');
    const m = validateModel(f.model, 'dot');
    const q = quantizeWithData(m, undefined).model;
    const long = Array.from({ length: 4097 }, () => q.inputSize).map((n) => new Array<number>(n).fill(0));
    expect(() => runFixed(q, long)).toThrow(/^an encoder–decoder attends over at most 4096 encoder outputs in fixed point, got 4097$/);
    expect(runFixed(q, long.slice(1))).toHaveLength(m.decoder!.steps);
  });

  it('--eval measures a decoder over its K target rows: RMSE of a value decoder, accuracy of a class decoder', () => {
    const value = validateModel(load('bahdanau_lstm').model, 'v');
    const classes = validateModel(load('luong_general_bigru').model, 'c');
    expect([taskKind(value), taskKind(classes)]).toEqual(['regression', 'classification']);
    for (const m of [value, classes]) {
      const seqs = calibFor(m, 10);
      const float = seqs.map((s) => runFloat(m, s));
      // Targets: the float model's own outputs (classes: their argmax), so float scores 0 RMSE / 100 %.
      const targets = float.map((ys) => ys.map((y) => (m.decoder!.feedback.kind === 'embedding' ? [argmaxS16(Array.from(y))] : Array.from(y))));
      const r = evalReport(m, quantized(m, 10, 8), quantized(m, 10, 16), { sequences: seqs, targets, source: 't' });
      console.log(`${m.name}: eval ${r.metric} float ${r.float}, int8 ${r.int8}, int16 ${r.int16}`);
      if (r.metric === 'rmse') {
        expect(r.float).toBe(0);
        expect(r.int16).toBeLessThan(r.int8);
        expect(r.int8).toBeLessThan(1e-3);
      } else {
        expect(r.float).toBe(1);
        expect(r.int16).toBeGreaterThan(0.9);
      }
    }
  });

  it('argmax of int16 outputs takes the first maximum', () => {
    expect(argmaxS16(Int16Array.from([3, 7, 7, -1]))).toBe(1);
    expect(argmaxS16(Int16Array.from([-5, -5]))).toBe(0);
  });

  it('qcheck refuses a broken decoder, one line per problem', () => {
    const f = load('luong_general_bigru');
    const m = validateModel(f.model, 'g');
    const q = quantized(m, f.input.length, 8);
    expect(validateQuantModel(JSON.parse(JSON.stringify(q)), 'ok.q.json').decoder).toBeDefined();
    const bad = JSON.parse(JSON.stringify(q)) as QuantModel;
    const d = bad.decoder!;
    d.memFrac = 3;
    d.attention!.logitFrac = d.attention!.keyFrac! + 15;
    d.steps = 0;
    if (d.feedback.kind === 'embedding') d.feedback.table.pop();
    if (d.projection.type === 'dense') d.projection.inFrac = 9;
    delete bad.tables;
    let message = '';
    try { validateQuantModel(bad, 'bad.q.json'); } catch (e) { message = (e as Error).message; }
    for (const line of [
      'decoder.memFrac: 3, but the last encoder layer gives 15 fractional bits',
      'decoder.steps: 0 is outside [1, 4096]',
      'decoder.feedback.table: expected 4×3 int16 values',
      'decoder.attention.logitFrac: 30 is outside [-16, 15]',
      'decoder.attention: needs tables.exp (the softmax over the scores)',
      "decoder.attention: the score's shift 15 + keyFrac − logitFrac is 0, outside [1, 62]",
      'decoder.projection.inFrac: 9, expected 15',
    ]) expect(message).toContain(line);
  });

  it('a decoder without attention runs past the 4096 positions attention is bounded to', () => {
    const m = validateModel(load('plain_gru_lstm_end').model, 'p');
    const q = quantized(m, 7, 8);
    const xs = randomSequence(m.inputSize, 5000, 77).map((x) => quantizeInput(q, x));
    expect(runFixed(q, xs).length).toBeGreaterThan(0);
  });

  it('refuses init copy from an encoder whose h is not within ±1 (relu RNN), pointing to bridge', () => {
    const f = load('dot_both_rnn');
    const raw = structuredClone(f.model) as { layers: Array<{ activation?: string; weights: { kernel: number[][] } }> };
    raw.layers[0]!.activation = 'relu';
    // Inputs ×8 through the kernel: the relu h reaches beyond 1 and takes a calibrated format coarser than Q0.15.
    raw.layers[0]!.weights.kernel = raw.layers[0]!.weights.kernel.map((row) => row.map((v) => 8 * v));
    const m = validateModel(raw, 'relu');
    expect(() => quantized(m, f.input.length, 8)).toThrow(/use init "bridge"/);
  });
});

