// The ssm layer in fixed point (src/fixed/ssm.ts) against the float reference: streaming
// equals the whole-sequence run exactly, and the error of the quantized model stays
// within a measured budget (int8 and int16 weights), with and without calibration data.
import { describe, expect, it } from 'vitest';
import type { FloatModel } from '../../../src/ir/model.js';
import { randomModel, randomSequence } from '../../../src/ir/random.js';
import { runFloat } from '../../../src/float/model.js';
import { dequantizeOutput, quantizeInput, runFixed, streamFixed } from '../../../src/fixed/model.js';
import type { QuantModel } from '../../../src/ir/qmodel.js';
import { ExcursionCounter } from '../../../src/fixed/excursions.js';
import { quantizeWithData } from '../../../src/quantize/pipeline.js';
import { buildExpFineTable, buildExpTable, buildLuts, buildSoftplusTable, measureSsmTableError } from '../../../src/fixed/lut.js';

function model(returnSequences: boolean): FloatModel {
  return randomModel({
    name: 's', inputSize: 5,
    layers: [{ type: 'ssm', units: 8, stateSize: 4, convSize: 4, dtRank: 2, returnSequences: true }, { type: 'ssm', units: 6, stateSize: 8, convSize: 3, dtRank: 1, returnSequences }, { type: 'dense', units: 3, activation: 'linear' }],
  }, 11);
}

const ints = (q: QuantModel, s: number[][]) => s.map((x) => quantizeInput(q, x));
const seqs = Array.from({ length: 24 }, (_, s) => randomSequence(5, 60, 300 + s));

/** max |fixed − float| and max |float| over every output of every sequence. */
function error(m: FloatModel, bits: 8 | 16): { err: number; scale: number } {
  const q = quantizeWithData(m, { sequences: seqs, source: 'test' }, { weightBits: bits }).model;
  let err = 0, scale = 0;
  for (const s of seqs) {
    const f = runFloat(m, s);
    const y = runFixed(q, ints(q, s)).map((v) => dequantizeOutput(q, v));
    f.forEach((v, t) => v.forEach((x, j) => { err = Math.max(err, Math.abs(x - y[t]![j]!)); scale = Math.max(scale, Math.abs(x)); }));
  }
  return { err, scale };
}

describe('ssm in fixed point', () => {
  it('streams exactly what the whole-sequence run gives', () => {
    const m = model(true);
    const q = quantizeWithData(m, { sequences: seqs, source: 'test' }).model;
    const s = streamFixed(q);
    const xs = ints(q, seqs[0]!);
    const whole = runFixed(q, xs);
    xs.forEach((x, t) => expect(Array.from(s.step(x))).toEqual(Array.from(whole[t]!)));
  });

  it('stays within the error budget of int8 and int16 weights', () => {
    for (const rs of [true, false]) {
      const e8 = error(model(rs), 8);
      const e16 = error(model(rs), 16);
      console.log(`ssm returnSequences=${rs}: max |out| ${e8.scale.toFixed(3)}, int8 err ${e8.err.toExponential(2)}, int16 err ${e16.err.toExponential(2)}`);
      expect(e8.err).toBeLessThan(0.05 * e8.scale);
      expect(e16.err).toBeLessThan(e8.err);
    }
  });

  it('its table-based functions stay within their stated bounds (256 entries, exhaustive)', () => {
    const e = measureSsmTableError(buildLuts(256), buildSoftplusTable(256), buildExpFineTable(256), buildExpTable(256));
    // softplus: the table's interpolation and Q0.15 rounding; exp(−u): the coarse table's step 1/16 just above u = 1;
    // silu: 8·e^−8 where the Q3.12 clamp takes over (v beyond ±8 gives v or 0).
    expect(e.softplus).toBeLessThan(1e-4);
    expect(e.expNeg).toBeLessThan(3e-4);
    expect(e.silu).toBeLessThanOrEqual(8 * Math.exp(-8) + 2 ** -9);
  });

  it('counts each saturating value of its step apart, and observing changes nothing', () => {
    const m = model(true);
    const q = quantizeWithData(m, { sequences: seqs, source: 'test' }).model;
    const calm = new ExcursionCounter();
    const xs = ints(q, seqs[1]!);
    expect(runFixed(q, xs, calm)).toEqual(runFixed(q, xs));
    expect(calm.tallyList().filter((t) => t.layer === 0 && t.valuesSaturated > 0)).toEqual([]);
    // Inputs six times the calibration data's: the in-projection's x' and z leave their formats first.
    const loud = new ExcursionCounter();
    const big = ints(q, seqs[1]!.map((x) => x.map((v) => 6 * v)));
    expect(runFixed(q, big, loud)).toEqual(runFixed(q, big));
    const hit = loud.tallyList().filter((t) => t.layer === 0 && t.valuesSaturated > 0).map((t) => t.quantity);
    expect(hit).toContain("x' (in-projection)");
    const seen = loud.tallyList().filter((t) => t.layer === 0).map((t) => `${t.kind} ${t.quantity}`);
    expect(seen).toEqual(expect.arrayContaining(['cell state h', 'preactivation softplus input (Δ before softplus)', 'output output', 'hidden Δ']));
  });

  it('quantizes a layer of a million weights (no argument spread) and refuses ranges decades apart in one line', () => {
    const big = randomModel({ name: 'b', inputSize: 2, layers: [{ type: 'ssm', units: 512, stateSize: 256, convSize: 2, dtRank: 1, returnSequences: true }] }, 5);
    expect(quantizeWithData(big, undefined).model.layers[0]!.type).toBe('ssm');
    // B and C rows ×1e5 and ×1e6, A ≈ 0, D = 1e-6: y and h formats far from D's and C's.
    const m = randomModel({ name: 'w', inputSize: 3, layers: [{ type: 'ssm', units: 4, stateSize: 3, convSize: 4, dtRank: 2, returnSequences: true }] }, 6);
    const l = m.layers[0]!;
    if (l.type !== 'ssm') throw new Error('kind');
    l.weights.xKernel = l.weights.xKernel.map((row, j) => row.map((v) => (j >= 2 && j < 5 ? v * 1e5 : j >= 5 ? v * 1e6 : v)));
    l.weights.aLog = l.weights.aLog.map((row) => row.map(() => -30));
    l.weights.d = l.weights.d.map(() => 1e-6);
    const data = { sequences: [Array.from({ length: 60 }, () => [1, 1, 1]), Array.from({ length: 60 }, () => [0.5, -1, 1])], source: 'd.json' };
    let code = 'ok';
    try { quantizeWithData(m, data); } catch (e) { code = (e as { code?: string }).code ?? String(e); }
    // Either D takes a coarser format and the model is written, or the quantizer says why: never an internal error.
    expect(['ok', 'quantize/range_overflow']).toContain(code);
  });
});
