// The TypeScript twin's runtime (runtime-ts/rnnc_twin.ts, embedded in every emitted NAME.ts)
// against the one definition of the fixed-point rules, src/fixed/ops.ts (and the cells'
// gate input, and fixed/model.ts quantizeInput): the same inputs, exhaustive where the
// domain is int16 (every table lookup and hard sigmoid input), seeded random plus every edge
// elsewhere, compared exactly. requantS32 is the one rewritten primitive (no BigInt): every
// shift 1..62 with the edges of acc and the multiplier.
import { describe, expect, it } from 'vitest';
import * as ops from '../../src/fixed/ops.js';
import { gateInput } from '../../src/fixed/cells/gate.js';
import { LUT_SIZES, buildExpFineTable, buildExpTable, buildLuts, buildSoftplusTable } from '../../src/fixed/lut.js';
import { quantizeInput } from '../../src/fixed/model.js';
import { dotWide, matmulRows, weightedSum } from '../../src/fixed/matmul.js';
import { argmaxS16 } from '../../src/fixed/seq2seq.js';
import type { QMatmul, QuantModel } from '../../src/ir/qmodel.js';
import { Rng } from '../../src/util/rng.js';
import * as rt from '../../runtime-ts/rnnc_twin.js';

const I16 = [-32768, -32767, -16385, -16384, -1, 0, 1, 16383, 16384, 32766, 32767];
const I32 = [-2147483648, -2147483647, -1073741824, -65536, -32769, -32768, -1, 0, 1, 32767, 32768, 65535, 1073741823, 2147483646, 2147483647];
const rng = new Rng(20261129);
const N = 20_000;
const r32 = () => rng.int(-2147483648, 2147483647);
const r16 = () => rng.int(-32768, 32767);
const gate = () => (rng.next() < 0.1 ? rng.pick([0, 1, 16384, 32766, 32767]) : rng.int(0, 32767));

/** Calls `a` and `b` on every argument list and returns the first that differs. */
function firstDiff(args: number[][], a: (...x: number[]) => number, b: (...x: number[]) => number): string | undefined {
  for (const x of args) {
    const ra = a(...x);
    const rb = b(...x);
    if (!Object.is(ra, rb)) return `(${x.join(', ')}): twin ${ra}, reference ${rb}`;
  }
  return undefined;
}

function cases(n: number, draw: () => number[], edges: number[][] = []): number[][] {
  return [...edges, ...Array.from({ length: n }, draw)];
}

function cross(...sets: number[][]): number[][] {
  return sets.reduce<number[][]>((acc, set) => acc.flatMap((a) => set.map((v) => [...a, v])), [[]]);
}

describe('twin runtime = src/fixed/ops.ts', () => {
  it('has a twin of every primitive of ops.ts that the C has (addSatS32 is inside gateInput, its one use)', () => {
    // The C twins' list of test/parity/ops.parity.test.ts; observer helpers of ops.ts have no C twin and no twin here.
    const mirrored = ['satS16', 'satS32', 'rshrS32', 'mulRshrS16', 'mulQ15S32', 'divQ15', 'requantS32', 'rshrSatS64', 'rescaleS16', 'lutLookup', 'lutTanh',
      'lutSigmoid', 'hardSigmoidQ15', 'reluS16', 'avgS16', 'lerpQ15', 'lstmCellS16', 'lstmCellS32', 'softmaxQ15',
      'addSatS32', 'siluS16', 'softplusQ15', 'expNegQ15', 'mulRshrS32S16', 'mulRshrS16S32'];
    const reference = ops as unknown as Record<string, unknown>;
    const twin = rt as unknown as Record<string, unknown>;
    expect(mirrored.filter((n) => typeof reference[n] !== 'function' || typeof twin[n] !== 'function')).toEqual([]);
    expect(typeof reference['addSatS32']).toBe('function');
  });

  it('clamps, shifts, products, division', () => {
    expect(firstDiff(cases(N, () => [Math.round(rng.uniform(-(2 ** 40), 2 ** 40))], [...I32.map((v) => [v]), [2 ** 40], [-(2 ** 40)]]), rt.satS16, ops.satS16)).toBeUndefined();
    expect(firstDiff(cases(N, () => [Math.round(rng.uniform(-1, 1) * 2 ** 40)], [...I32.map((v) => [v]), [2 ** 33], [-(2 ** 33)]]), rt.satS32, ops.satS32)).toBeUndefined();
    const shifts = Array.from({ length: 32 }, (_, s) => s);
    expect(firstDiff(cases(N, () => [r32(), rng.int(0, 31)], cross(I32, shifts)), rt.rshrS32, ops.rshrS32)).toBeUndefined();
    expect(firstDiff(cases(N, () => [r16(), r16(), rng.int(1, 31)], cross(I16, I16, shifts.slice(1))), rt.mulRshrS16, ops.mulRshrS16)).toBeUndefined();
    expect(firstDiff(cases(N, () => [gate(), r32()], cross([0, 1, 16384, 32767], I32)), rt.mulQ15S32, ops.mulQ15S32)).toBeUndefined();
    expect(firstDiff(cases(N, () => { const d = rng.int(1, 2 ** 27 - 1); return [rng.int(0, d), d]; }, [[0, 1], [1, 1], [2 ** 27 - 1, 2 ** 27 - 1], [1, 2 ** 27 - 1]]),
      rt.divQ15, ops.divQ15)).toBeUndefined();
    expect(firstDiff(cases(N, () => [Math.round(rng.uniform(-1, 1) * 2 ** rng.int(0, 51)) + 0, rng.int(1, 62)],
      cross([0, 1, -1, 2 ** 52 - 1, -(2 ** 52 - 1), 2 ** 31, -(2 ** 31)], [1, 2, 15, 16, 17, 31, 32, 52, 61, 62])), rt.rshrSatS64, ops.rshrSatS64)).toBeUndefined();
  });

  it("the ssm's rules: saturating sum, silu, int32·int16 and int16·int16 products with shifts, softplus and exp(−u) on their tables", () => {
    expect(firstDiff(cases(N, () => [r32(), r32()], cross(I32, I32)), rt.addSatS32, ops.addSatS32)).toBeUndefined();
    expect(firstDiff(cases(N, () => [r32(), r16(), rng.int(1, 46)], cross(I32, I16, [1, 2, 15, 16, 30, 31, 45, 46])), rt.mulRshrS32S16, ops.mulRshrS32S16)).toBeUndefined();
    const shifts = Array.from({ length: 32 }, (_, k) => k);
    expect(firstDiff(cases(N, () => [r16(), r16(), rng.int(0, 31)], cross(I16, I16, shifts)), rt.mulRshrS16S32, ops.mulRshrS16S32)).toBeUndefined();
    const xs = Array.from({ length: 65536 }, (_, i) => [i - 32768]);
    const us = [0, 1, 32767, 32768, 32769, 2 ** 19 - 8, 2 ** 19 - 9, 2 ** 19, 2 ** 20, 2 ** 31 - 1].map((u) => [u]);
    for (const size of LUT_SIZES) {
      const log2 = Math.log2(size);
      const [soft, fine, exp] = [buildSoftplusTable(size), buildExpFineTable(size), buildExpTable(size)];
      const [softT, fineT, expT] = [soft, fine, exp].map((t) => Int16Array.from(t)) as [Int16Array, Int16Array, Int16Array];
      expect(firstDiff(xs, (x) => rt.softplusQ15(softT, log2, x), (x) => ops.softplusQ15(soft, log2, x)), `softplus ${size}`).toBeUndefined();
      const l = buildLuts(size);
      const sig = Int16Array.from(l.sigmoid);
      for (const frac of [0, 7, 12, 15]) {
        expect(firstDiff(xs, (v) => rt.siluS16(sig, log2, v, frac), (v) => ops.siluS16(l.sigmoid, log2, v, frac)), `silu ${size} Q.${frac}`).toBeUndefined();
      }
      expect(firstDiff(cases(N, () => [rng.int(0, rng.next() < 0.5 ? 32767 : 2 ** 21)], us), (u) => rt.expNegQ15(fineT, expT, log2, u),
        (u) => ops.expNegQ15(fine, exp, log2, u)), `exp(-u) ${size}`).toBeUndefined();
    }
  });

  it('requantS32 without BigInt: every shift 1..62 with the edges of acc and m, and random', () => {
    const mults = [0, 2 ** 30, 2 ** 30 + 1, 2 ** 30 + 65535, 2 ** 30 + 65536, 1518500250, 2 ** 31 - 65536, 2 ** 31 - 1];
    const ts = Array.from({ length: 62 }, (_, i) => i + 1);
    const m = () => (rng.next() < 0.05 ? 0 : rng.int(2 ** 30, 2 ** 31 - 1));
    expect(firstDiff(cross(I32, mults, ts), rt.requantS32, ops.requantS32)).toBeUndefined();
    expect(firstDiff(cases(5 * N, () => [r32(), m(), rng.int(1, 62)]), rt.requantS32, ops.requantS32)).toBeUndefined();
    // Small accumulators with small shifts: the results that do not saturate.
    expect(firstDiff(cases(5 * N, () => [rng.int(-70000, 70000), m(), rng.int(1, 16)]), rt.requantS32, ops.requantS32)).toBeUndefined();
  });

  it('tables and gates on every int16 input, every table size', () => {
    const xs = Array.from({ length: 65536 }, (_, i) => [i - 32768]);
    for (const size of LUT_SIZES) {
      const l = buildLuts(size);
      const sig = Int16Array.from(l.sigmoid);
      const tanh = Int16Array.from(l.tanh);
      const expRef = buildExpTable(size);
      const exp = Int16Array.from(expRef);
      expect(firstDiff(xs, (x) => rt.lutTanh(tanh, l.log2Size, x), (x) => ops.lutTanh(l.tanh, l.log2Size, x)), `tanh ${size}`).toBeUndefined();
      expect(firstDiff(xs, (x) => rt.lutSigmoid(sig, l.log2Size, x), (x) => ops.lutSigmoid(l.sigmoid, l.log2Size, x)), `sigmoid ${size}`).toBeUndefined();
      expect(firstDiff(xs, (x) => rt.lutLookup(exp, l.log2Size, x), (x) => ops.lutLookup(expRef, l.log2Size, x)), `exp ${size}`).toBeUndefined();
    }
    for (const m of Object.values(ops.HARD_SIGMOID_MULT)) {
      expect(firstDiff(xs, (x) => rt.hardSigmoidQ15(m, x), (x) => ops.hardSigmoidQ15(m, x)), `hard sigmoid ${m}`).toBeUndefined();
    }
  });

  it('rescale, relu, merge, GRU and LSTM updates, gate input', () => {
    const fr = () => rng.int(0, 24);
    expect(firstDiff(cases(N, () => [r32(), fr(), fr()], cross(I32, [0, 8, 12, 24], [0, 12, 15])), rt.rescaleS16, ops.rescaleS16)).toBeUndefined();
    expect(firstDiff(cases(N, () => [r16()], I16.map((v) => [v])), rt.reluS16, ops.reluS16)).toBeUndefined();
    expect(firstDiff(cases(N, () => [r16(), r16()], cross(I16, I16)), rt.avgS16, ops.avgS16)).toBeUndefined();
    expect(firstDiff(cases(N, () => [gate(), r16(), r16()], cross([0, 1, 32767], I16, I16)), rt.lerpQ15, ops.lerpQ15)).toBeUndefined();
    const s = () => rng.int(0, 31);
    expect(firstDiff(cases(N, () => [gate(), r16(), gate(), r16(), s()], cross([0, 32767], I16, [0, 32767], [-32768, 32767], [0, 15, 22, 31])),
      rt.lstmCellS16, ops.lstmCellS16)).toBeUndefined();
    expect(firstDiff(cases(N, () => [gate(), r32(), gate(), r16(), s()], cross([0, 32767], I32, [0, 32767], [-32768, 32767], [0, 6, 14, 31])),
      rt.lstmCellS32, ops.lstmCellS32)).toBeUndefined();
    expect(firstDiff(cases(N, () => [r32(), r32()], cross(I32, I32)), rt.gateInput, gateInput)).toBeUndefined();
  });

  it('matmulRows (four rows at a time, int32 and int64 accumulators) = fixed/matmul.ts on full-scale weights and inputs', () => {
    for (let k = 0; k < 300; k++) {
      const bits = rng.pick([8, 16]);
      const qmax = bits === 8 ? 127 : 32767;
      const rows = rng.int(1, 23);
      const cols = rng.int(1, 70);
      const full = rng.next() < 0.3;
      const weights = Array.from({ length: rows * cols }, () => (full ? rng.pick([-qmax - 1, qmax]) : rng.int(-qmax - 1, qmax)));
      const bias = Array.from({ length: rows }, () => (rng.next() < 0.3 ? 0 : rng.int(-(2 ** 30), 2 ** 30)));
      let bound = 0;
      for (let r = 0; r < rows; r++) bound = Math.max(bound, Math.abs(bias[r]!) + weights.slice(r * cols, (r + 1) * cols).reduce((a, w) => a + Math.abs(w) * 32768, 0));
      const acc = bound > 2 ** 31 - 1 ? 'int64' : 'int32';
      const preShift = acc === 'int64' ? Math.max(1, Math.ceil(Math.log2(bound / (2 ** 31 - 1)))) : 0;
      const mm: QMatmul = {
        rows, cols, weights, bias: rng.next() < 0.2 ? new Array<number>(rows).fill(0) : bias, acc, preShift, accBound: bound, scale: [],
        mult: Array.from({ length: rows }, () => rng.int(2 ** 30, 2 ** 31 - 1)), shift: Array.from({ length: rows }, () => rng.int(1, 40)),
      };
      const v = Int16Array.from({ length: cols + 3 }, () => (full ? rng.pick([-32768, 32767]) : r16()));
      const r0 = rng.int(0, rows - 1);
      const want = new Int32Array(rows);
      matmulRows(mm, v.subarray(3), r0, rows, want, 1);
      const got = new Int32Array(rows);
      const allZero = mm.bias.every((b) => b === 0);
      rt.matmulRows({
        rows, cols, w: bits === 8 ? Int8Array.from(weights) : Int16Array.from(weights), bias: allZero ? null : Int32Array.from(mm.bias),
        mult: Int32Array.from(mm.mult), shift: Uint8Array.from(mm.shift), preShift,
      }, v, 3, r0, rows, got, 1);
      expect([...got], `${rows}x${cols} int${bits} ${acc}`).toEqual([...want]);
    }
  });

  it('softmax: random logits of every width, frac and table size (and an offset output)', () => {
    for (let k = 0; k < 2000; k++) {
      const size = rng.pick(LUT_SIZES);
      const log2 = Math.log2(size);
      const exp = buildExpTable(size);
      const n = rng.int(1, 40);
      const acc = Array.from({ length: n }, () => (rng.next() < 0.2 ? rng.pick(I32) : rng.int(-40000, 40000)));
      const frac = rng.int(-16, 15);
      const want = new Int16Array(n);
      ops.softmaxQ15(exp, log2, acc.slice(), want, frac, 11);
      const got = new Int16Array(n + 3);
      rt.softmaxQ15(Int16Array.from(exp), log2, Int32Array.from(acc), n, got, 3, frac, 11);
      expect([...got.subarray(3)], `softmax ${acc.join(',')} frac ${frac}`).toEqual([...want]);
    }
  });

  it("the attention's sums and the decoder's argmax: dotWide, weightedSum (softmax weights over up to 4096 rows), argmaxS16 (ties)", () => {
    for (let k = 0; k < 300; k++) {
      const n = rng.int(1, 64);
      const a = Int16Array.from({ length: n + 2 }, () => (rng.next() < 0.3 ? rng.pick(I16) : r16()));
      const b = Int16Array.from({ length: n + 5 }, () => (rng.next() < 0.3 ? rng.pick(I16) : r16()));
      expect(rt.dotWide(a, 2, b, 5, n)).toBe(dotWide(a.subarray(2), b.subarray(5), n));
      // Ties and full-scale values: the first largest wins.
      const v = Int16Array.from({ length: n + 3 }, () => rng.pick([-32768, -1, 0, 7, 32767]));
      expect(rt.argmaxS16(v, 3, n)).toBe(argmaxS16(v.subarray(3)));
    }
    // Full scale: n terms of (−32768)² stay exact.
    const full = new Int16Array(4096).fill(-32768);
    expect(rt.dotWide(full, 0, full, 0, 4096)).toBe(dotWide(full, full, 4096));
    for (const T of [1, 2, 7, 100, 4096]) {
      for (let k = 0; k < (T > 100 ? 3 : 30); k++) {
        const width = rng.int(1, 12);
        const scores = Int32Array.from({ length: T }, () => rng.int(-40000, 40000));
        const exp = buildExpTable(256);
        // α from the twin's softmax (= the reference's, checked above): the weights decode feeds weightedSum.
        const alpha = new Int16Array(T);
        rt.softmaxQ15(Int16Array.from(exp), 8, scores, T, alpha, 0, rng.int(0, 12), 11);
        if (k === 0) alpha.fill(0).fill(32767, 0, 1);
        const rows = Array.from({ length: T }, () => Int16Array.from({ length: width }, () => (k % 2 === 0 ? rng.pick([-32768, 32767]) : r16())));
        const flat = new Int16Array(T * width);
        rows.forEach((r, j) => flat.set(r, j * width));
        const want = new Int32Array(width);
        weightedSum(alpha, rows, want);
        const got = new Int32Array(width + 2).fill(99);
        rt.weightedSum(alpha, flat, T, width, got);
        expect([...got.subarray(0, width)], `T ${T} width ${width}`).toEqual([...want]);
      }
    }
  });

  it('quantizeInputF32 = fixed/model.ts quantizeInput (float32 step by step), with and without normalisation', () => {
    const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 3.4e38, -3.4e38, 1e300, 0.5, -0.5, 32767, -32768, 32767.5, -32768.5];
    for (let k = 0; k < 400; k++) {
      const n = rng.int(1, 8);
      const frac = rng.int(-16, 15);
      const norm = k % 2 === 0
        ? { mean: Array.from({ length: n }, () => rng.uniform(-100, 100)), std: Array.from({ length: n }, () => 10 ** rng.uniform(-6, 3)) }
        : undefined;
      const q = { input: { frac, ...(norm ? { normalization: norm } : {}) } } as unknown as QuantModel;
      for (let j = 0; j < 25; j++) {
        const x = Array.from({ length: n }, () => (rng.next() < 0.15 ? rng.pick(specials) : rng.uniform(-1, 1) * 10 ** rng.uniform(-3, 6)));
        const got = new Int16Array(n);
        rt.quantizeInputF32(x, norm ? Float32Array.from(norm.mean) : null, norm ? Float32Array.from(norm.std) : null, 2 ** frac, got, n);
        expect([...got], `x ${x.join(',')}`).toEqual([...quantizeInput(q, x)]);
      }
    }
  });
});
