/**
 * Imported models go on through the rest of the pipeline that exists so far:
 * quantize → fixed-point reference. The C side (compile, verify bit-exact) joins when
 * those commands land. Fixed vs float is an error budget, not an equality.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dequantizeOutput, quantizeInput, runFixed } from '../../../src/fixed/model.js';
import { runFloat } from '../../../src/float/model.js';
import { loadAnyModel } from '../../../src/import/detect.js';
import { quantizeModel } from '../../../src/quantize/quantize.js';
import { maxAbsDiff } from '../../helpers/diff.js';

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;
const CASES: Array<[string, string]> = [
  ['onnx/lstm2_bi.onnx', 'onnx/lstm2_bi.json'],
  ['onnx/gru2_seq.onnx', 'onnx/gru2_seq.json'],
  ['onnx/gru_lbr0.onnx', 'onnx/gru_lbr0.json'],
  ['onnx/rnn_bi_sum17.onnx', 'onnx/rnn_bi_sum17.json'],
  ['onnx/lstm_reverse.onnx', 'onnx/lstm_reverse.json'],
  ['keras/gru_reset_after/model.json', 'keras/gru_reset_after/expected.json'],
];
/** Measured worst case over these cases is 4.7e-3 (int8 weights, 256-entry LUTs). */
const BUDGET = 1e-2;

describe('import → quantize → fixed-point reference', () => {
  for (const [model, expected] of CASES) {
    it(`${model}: fixed point within ${BUDGET} of float`, () => {
      const { input } = JSON.parse(readFileSync(fixtures + expected, 'utf8')) as { input: number[][] };
      const float = loadAnyModel(fixtures + model).model;
      const q = quantizeModel(float);
      const fixed = runFixed(q, input.map((x) => quantizeInput(q, x))).map((y) => dequantizeOutput(q, y));
      const want = runFloat(float, input).map((y) => Array.from(y));
      expect(maxAbsDiff(fixed, want)).toBeLessThan(BUDGET);
    });
  }
});
