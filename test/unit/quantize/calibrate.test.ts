// Calibration: the ranges it records are the ones the float reference really produces,
// percentiles clip, bad data is refused with one line, and no data means defaults + warning.
import { describe, expect, it } from 'vitest';
import { lstmCell } from '../../../src/float/cells/lstm.js';
import { normalizeInput, runFloat } from '../../../src/float/model.js';
import { newCellState } from '../../../src/float/recurrent.js';
import { prepareModel } from '../../../src/float/kinds.js';
import { randomModel, randomSequence } from '../../../src/ir/random.js';
import { Rng } from '../../../src/util/rng.js';
import { calibrate } from '../../../src/quantize/calibrate.js';
import { AbsHistogram, ClipCounter } from '../../../src/quantize/histogram.js';
import type { QuantizationMeta } from '../../../src/quantize/meta.js';
import { NO_CALIBRATION_WARNING, quantizeWithData } from '../../../src/quantize/pipeline.js';
import { DEFAULT_RANGES } from '../../../src/quantize/formats.js';

const model = randomModel({
  inputSize: 3, normalization: true, weightScale: 1,
  layers: [{ type: 'lstm', units: 5, returnSequences: true }, { type: 'dense', units: 2, activation: 'linear' }],
}, 11);
const seqs = [1, 2, 3].map((s) => randomSequence(3, 30, s, 6));

describe('calibrate', () => {
  const { ranges, summary } = calibrate(model, seqs);

  it('records max |normalised input|, max |c| of the LSTM and max |W x + b| of the dense layer', () => {
    let inMax = 0;
    let cMax = 0;
    let outMax = 0;
    const p = prepareModel(model)[0]!;
    if (p.kind !== 'recurrent') throw new Error('expected an LSTM first');
    for (const seq of seqs) {
      const st = newCellState(5);
      const scratch = new Float64Array(40);
      for (const x of seq) {
        const z = normalizeInput(model, x);
        for (const v of z) inMax = Math.max(inMax, Math.abs(v));
        lstmCell.step(p.forward, z, st, scratch);
        for (const c of st.c) cMax = Math.max(cMax, Math.abs(c));
      }
      for (const y of runFloat(model, seq)) for (const v of y) outMax = Math.max(outMax, Math.abs(v));
    }
    expect(ranges.input).toBe(inMax);
    expect(ranges.layers[0]!.cell).toBe(cMax);
    expect(ranges.layers[1]!.dense).toBe(outMax); // linear: output = pre-activation
    expect(summary).toMatchObject({ sequences: 3, timesteps: 90, percentile: 100 });
    expect(summary.layers[0]!.gates!.maxAbs).toBeGreaterThan(0);
  });

  it('a percentile below 100 clips: range <= max-abs, and formats follow', () => {
    const c = calibrate(model, seqs, { percentile: 90 });
    expect(c.ranges.input).toBeLessThan(ranges.input);
    expect(c.ranges.layers[0]!.cell).toBeLessThanOrEqual(ranges.layers[0]!.cell!);
    expect(c.summary.input.maxAbs).toBe(ranges.input);
  });

  it('refuses a feature-count mismatch, empty data and a bad percentile with one line', () => {
    expect(() => calibrate(model, [[[1, 2]]], {}, 'd.json')).toThrow('d.json: sequence 0, timestep 0: 2 features, but the model takes 3');
    expect(() => calibrate(model, [], {}, 'd.json')).toThrow('d.json: no sequences: calibration needs at least one');
    expect(() => calibrate(model, [[]], {}, 'd.json')).toThrow('d.json: sequence 0 is empty');
    expect(() => calibrate(model, seqs, { percentile: 0 })).toThrow(/percentile/);
  });

  it('reports gate pre-activations beyond ±8', () => {
    const big = randomModel({ inputSize: 3, weightScale: 6, layers: [{ type: 'gru', units: 4 }] }, 3);
    const g = calibrate(big, seqs).summary.layers[0]!.gates!;
    expect(g.maxAbs).toBeGreaterThan(8);
    expect(g.clippedFraction).toBeGreaterThan(0);
  });
});

describe('without calibration data', () => {
  it('warns once, uses the defaults and records that in meta', () => {
    const r = quantizeWithData(model, undefined);
    expect(r.warnings).toEqual([NO_CALIBRATION_WARNING]);
    const meta = r.model.meta!.quantization as QuantizationMeta;
    expect(meta.calibration).toBeNull();
    expect(meta.defaults).toEqual(DEFAULT_RANGES);
    expect(r.model.input.frac).toBe(12); // ±7.9 needs 3 integer bits
  });
  it('with data, meta carries the summary, margin and LUT error', () => {
    const r = quantizeWithData(model, { sequences: seqs, source: 'x' }, { margin: 1.5, lutSize: 128 });
    const meta = r.model.meta!.quantization as QuantizationMeta;
    expect(r.warnings).toEqual([]);
    expect(meta.margin).toBe(1.5);
    expect(meta.calibration!.sequences).toBe(3);
    expect(meta.lut.size).toBe(128);
    expect(meta.lut.lsb.tanh).toBeGreaterThan(12);
    expect(meta.lut.lsb.tanh).toBeLessThan(12.9);
  });
});

describe('AbsHistogram', () => {
  it('percentiles are within 1.1 % above the exact order statistic, never below', () => {
    const rng = new Rng(5);
    const h = new AbsHistogram();
    const xs = Array.from({ length: 5000 }, () => rng.normal() * 3);
    h.addAll(xs);
    const sorted = xs.map(Math.abs).sort((a, b) => a - b);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = sorted[Math.ceil((p / 100) * xs.length) - 1]!;
      expect(h.percentile(p)).toBeGreaterThanOrEqual(exact);
      expect(h.percentile(p)).toBeLessThanOrEqual(exact * 1.011);
    }
    expect(h.percentile(100)).toBe(sorted[sorted.length - 1]);
    expect(h.fractionAbove(sorted[4499]!)).toBeCloseTo(0.1, 2);
  });
});

describe('the lighter records calibration keeps', () => {
  // Values around each limit's bin edge (a few ulps either side), far below and above it,
  // at 0, below 2^−24 and at or past 2^24.
  const values = (limit: number, rng: Rng) => {
    const out = [0, 2 ** -30, 2 ** 24, 2 ** 24 * (1 - 2 ** -50), 3e9, limit];
    for (let k = -60; k <= 60; k++) out.push(limit * (1 + k * 2 ** -52), -limit * (1 + k * 1e-4));
    for (let i = 0; i < 3000; i++) out.push(rng.normal() * limit * 1.5);
    return out;
  };

  it('ClipCounter gives AbsHistogram\'s maxAbs and fractionAbove(limit) exactly', () => {
    const rng = new Rng(9);
    for (const limit of [8, 7.999, 1, 0.3, 2 ** -25, 2 ** 24, 2 ** 25]) {
      const h = new AbsHistogram();
      const c = new ClipCounter(limit);
      const xs = values(limit, rng);
      h.addAll(xs);
      c.addAll(xs);
      expect(c.maxAbs).toBe(h.maxAbs);
      expect(c.fraction()).toBe(h.fractionAbove(limit));
    }
  });

  it('an unbinned AbsHistogram has the same maximum and 100th percentile, and refuses the rest', () => {
    const xs = values(8, new Rng(4));
    const h = new AbsHistogram();
    const u = new AbsHistogram(false);
    h.addAll(xs);
    u.addAll(xs);
    expect([u.maxAbs, u.count, u.percentile(100)]).toEqual([h.maxAbs, h.count, h.percentile(100)]);
    expect(() => u.percentile(99)).toThrow(/unbinned/);
    expect(() => u.fractionAbove(8)).toThrow(/unbinned/);
  });
});
