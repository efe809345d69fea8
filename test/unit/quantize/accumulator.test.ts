// Accumulator safety: a product whose worst-case int32 sum really overflows takes the
// int64 path (with a pre-shift), says so in meta and the report, and computes exactly
// what BigInt arithmetic says; rows whose bias dwarfs their weights still quantize.
import { describe, expect, it } from 'vitest';
import { runFixed } from '../../../src/fixed/model.js';
import { runFloat } from '../../../src/float/model.js';
import type { FloatModel } from '../../../src/ir/model.js';
import type { QDenseLayer } from '../../../src/ir/qmodel.js';
import type { QuantizationMeta } from '../../../src/quantize/meta.js';
import { quantizeWithData } from '../../../src/quantize/pipeline.js';
import { quantizeInput } from '../../../src/fixed/model.js';

const INT32_MAX = 2n ** 31n - 1n;
const roundHalfUp = (p: bigint, s: number) => (s === 0 ? p : (p + (1n << BigInt(s - 1))) >> BigInt(s));
const clamp = (p: bigint, lo: bigint, hi: bigint) => (p < lo ? lo : p > hi ? hi : p);

function denseModel(n: number, rows: number[][], bias: number[]): FloatModel {
  return {
    format: 'rnnc-model', version: 1, name: 'wide', inputSize: n,
    layers: [{ type: 'dense', units: rows.length, activation: 'linear', weights: { kernel: rows, bias } }],
  };
}

describe('int64 accumulator path', () => {
  const n = 1024;
  const model = denseModel(n, [new Array<number>(n).fill(0.5), new Array<number>(n).fill(-0.25)], [0.1, 0]);
  const calib = [[new Array<number>(n).fill(1)], [new Array<number>(n).fill(-1)]];
  const q = quantizeWithData(model, { sequences: calib, source: 'calib' }, { weightBits: 8 }).model;
  const layer = q.layers[0] as QDenseLayer;
  const mm = layer.mm;

  it('the int32 sum really would overflow for an int16 input', () => {
    // every weight quantizes to ±127; the all-32767 input sums to 1024·127·32767 + bias
    expect(mm.weights.slice(0, n).every((w) => w === 127)).toBe(true);
    const x = new Array<number>(n).fill(32767);
    let acc = BigInt(mm.bias[0]!);
    for (let k = 0; k < n; k++) acc += BigInt(mm.weights[k]!) * BigInt(x[k]!);
    expect(acc > INT32_MAX).toBe(true);
    const bound = mm.weights.slice(0, n).reduce((s, w) => s + Math.abs(w), 0) * 32768 + Math.abs(mm.bias[0]!);
    expect(mm.accBound).toBe(bound);
    expect(bound).toBeGreaterThan(2 ** 31 - 1);
  });

  it('so the quantizer chose int64 with the smallest sufficient pre-shift, and recorded it', () => {
    expect(mm.acc).toBe('int64');
    expect(mm.preShift).toBeGreaterThanOrEqual(1);
    expect(mm.accBound / 2 ** mm.preShift).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(mm.accBound / 2 ** (mm.preShift - 1)).toBeGreaterThan(2 ** 31 - 1);
    const meta = q.meta!.quantization as QuantizationMeta;
    expect(meta.accumulators).toEqual([{ what: 'layers[0].mm', rows: 2, cols: n, acc: 'int64', preShift: mm.preShift, accBound: mm.accBound }]);
  });

  it('the fixed-point result equals exact BigInt arithmetic at the extremes', () => {
    for (const v of [32767, -32768, 12345]) {
      const x = new Array<number>(n).fill(v);
      const got = Array.from(runFixed(q, [x])[0]!);
      const want = [0, 1].map((r) => {
        let acc = BigInt(mm.bias[r]!);
        for (let k = 0; k < n; k++) acc += BigInt(mm.weights[r * n + k]!) * BigInt(x[k]!);
        const acc32 = clamp(roundHalfUp(acc, mm.preShift), -INT32_MAX - 1n, INT32_MAX);
        const out = clamp(roundHalfUp(acc32 * BigInt(mm.mult[r]!), mm.shift[r]!), -INT32_MAX - 1n, INT32_MAX);
        return Number(clamp(out, -32768n, 32767n));
      });
      expect(got).toEqual(want);
    }
  });

  it('and stays close to float inside the calibrated range', () => {
    const x = new Array<number>(n).fill(0.75);
    const f = runFloat(model, [x])[0]!;
    const y = runFixed(q, [quantizeInput(q, x)])[0]!;
    for (let j = 0; j < 2; j++) expect(Math.abs(y[j]! / 2 ** q.output.frac - f[j]!)).toBeLessThan(0.1);
  });
});

describe('rows whose bias is large next to their weights', () => {
  it('an all-zero row with a bias, and a tiny row with a large bias at int16, quantize and run', () => {
    const model = denseModel(2, [[0, 0], [1e-4, -1e-4]], [20, 3]);
    for (const bits of [8, 16] as const) {
      const q = quantizeWithData(model, { sequences: [[[1, 1], [-1, 0.5]]], source: 'calib' }, { weightBits: bits }).model;
      const mm = (q.layers[0] as QDenseLayer).mm;
      for (const b of mm.bias) expect(Math.abs(b)).toBeLessThanOrEqual(2 ** 31 - 1);
      const y = runFixed(q, [quantizeInput(q, [1, -1])])[0]!;
      const f = runFloat(model, [[1, -1]])[0]!;
      for (let j = 0; j < 2; j++) expect(Math.abs(y[j]! / 2 ** q.output.frac - f[j]!)).toBeLessThan(1e-2);
    }
  });
});
