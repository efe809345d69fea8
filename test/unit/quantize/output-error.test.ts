// outputRms, the measure --weights auto and --cell auto choose by: the RMS of the fixed-point
// outputs against float; an output vector only one side wrote (a class decoder's end token
// reached at another step) is compared with zeros instead of crashing or being skipped.
import { describe, expect, it } from 'vitest';
import { dequantizeOutput, quantizeInput, runFixed } from '../../../src/fixed/model.js';
import { randomModel, randomSequence } from '../../../src/ir/random.js';
import { errorBench, outputRms } from '../../../src/quantize/output-error.js';
import { quantizeWithData } from '../../../src/quantize/pipeline.js';

const model = randomModel({ inputSize: 2, layers: [{ type: 'gru', units: 4, returnSequences: true }, { type: 'dense', units: 2, activation: 'linear' }] }, 4);
const seq = randomSequence(2, 5, 9);
const q = quantizeWithData(model, { sequences: [seq], source: 'test' }, { weightBits: 8 }).model;
const fixed = runFixed(q, seq.map((x) => quantizeInput(q, x))).map((y) => Array.from(dequantizeOutput(q, y)));

describe('outputRms', () => {
  it('is the RMS over every output value against float', () => {
    const bench = errorBench(model, [seq]);
    const sq = fixed.flatMap((y, t) => y.map((v, j) => (v - bench.want[0]![t]![j]!) ** 2));
    expect(outputRms(q, bench)).toBeCloseTo(Math.sqrt(sq.reduce((a, b) => a + b, 0) / sq.length), 15);
  });
  it('an output only fixed point wrote, or only float, counts with its whole magnitude', () => {
    const bench = errorBench(model, [seq]);
    const full = bench.want[0]!;
    const shorter = { seqs: bench.seqs, want: [full.slice(0, 3)] };
    const extra = Float64Array.from([0.5, -0.25]);
    const longer = { seqs: bench.seqs, want: [[...full, extra]] };
    const sqOf = (want: Float64Array[], t: number) => fixed[t]!.map((v, j) => (v - (want[t]?.[j] ?? 0)) ** 2);
    const shortSq = fixed.flatMap((_, t) => sqOf(shorter.want[0]!, t));
    expect(outputRms(q, shorter)).toBeCloseTo(Math.sqrt(shortSq.reduce((a, b) => a + b, 0) / shortSq.length), 15);
    const longSq = [...fixed.flatMap((_, t) => sqOf(full, t)), 0.25, 0.0625];
    expect(outputRms(q, longer)).toBeCloseTo(Math.sqrt(longSq.reduce((a, b) => a + b, 0) / longSq.length), 15);
  });
});
