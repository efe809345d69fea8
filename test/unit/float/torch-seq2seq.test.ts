/**
 * The float encoder–decoder (src/float/seq2seq.ts) against PyTorch models written from
 * docs/seq2seq.md's equations: the committed fixtures test/fixtures/torch/seq2seq_*.json
 * (test/fixtures/make_torch_seq2seq.py: torch's LSTM/GRU/RNN and their cells, attention,
 * feedback and projection written out, float64, the weights mapped into model.json by the
 * script). Every attention kind and route, every init, both feedbacks and an end token.
 * PyTorch is not needed to run this test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runFloat, streamFloat } from '../../../src/float/model.js';
import { validateModel } from '../../../src/ir/validate.js';

interface Fixture { model: unknown; input: number[][]; output: number[][] }

const NAMES = ['bahdanau_lstm', 'luong_general_bigru', 'dot_both_rnn', 'plain_gru_lstm_end'];
const load = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/torch/seq2seq_${name}.json`, import.meta.url), 'utf8')) as Fixture;

describe('encoder–decoder in float against PyTorch', () => {
  for (const name of NAMES) {
    it(`${name}: the same outputs within 1e-12`, () => {
      const f = load(name);
      const model = validateModel(f.model, name);
      const y = runFloat(model, f.input);
      expect(y.length).toBe(f.output.length);
      let diff = 0;
      y.forEach((v, k) => v.forEach((x, i) => { diff = Math.max(diff, Math.abs(x - f.output[k]![i]!)); }));
      expect(diff).toBeLessThan(1e-12);
    });
  }

  it('stops after the end token', () => {
    const f = load('plain_gru_lstm_end');
    const model = validateModel(f.model, 'end');
    expect(model.decoder!.steps).toBe(8);
    expect(runFloat(model, f.input)).toHaveLength(3);
  });

  it('refuses to stream, or to take weights that do not fit, each in one line', () => {
    const f = load('bahdanau_lstm');
    const model = validateModel(f.model, 'm');
    expect(() => streamFloat(model)).toThrow(/whole input sequence/);
    const bad = structuredClone(f.model) as { decoder: { units: number; attention: { kind: string } }; layers: Array<{ returnSequences: boolean }> };
    bad.decoder.units = 9;
    expect(() => validateModel(bad, 'bad.json')).toThrow(/"copy" needs the last encoder layer's 8 units to equal the decoder's 9/);
    const flat = structuredClone(f.model) as typeof bad;
    flat.layers[0]!.returnSequences = false;
    expect(() => validateModel(flat, 'flat.json')).toThrow(/needs returnSequences true/);
  });
});
