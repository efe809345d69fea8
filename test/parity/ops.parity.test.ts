// src/fixed/ops.ts against its C twins in runtime-c/include/rnnc/rnnc_fixed.h: the same
// edge and seeded random inputs through TypeScript and a gcc-built stdin/stdout harness
// (test/harness/ops_harness.c, UBSan on), compared exactly. Plus the twin meta-test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ops from '../../src/fixed/ops.js';
import { buildLuts } from '../../src/fixed/lut.js';
import { buildExpFineTable, buildExpTable, buildSoftplusTable } from '../../src/fixed/lut.js';
import { Rng } from '../../src/util/rng.js';
import { ROOT, STRICT, buildC, tempDir } from '../helpers/gcc.js';

/** Every exported op of ops.ts and its C twin (harness op name = C name without rnnc_). */
const TWINS: Record<string, string> = {
  satS16: 'rnnc_sat_s16', satS32: 'rnnc_sat_s32', addSatS32: 'rnnc_add_sat_s32', rshrS32: 'rnnc_rshr_s32',
  mulRshrS16: 'rnnc_mul_rshr_s16', mulQ15S32: 'rnnc_mul_q15_s32', divQ15: 'rnnc_div_q15', requantS32: 'rnnc_requant_s32',
  rshrSatS64: 'rnnc_rshr_sat_s64', rescaleS16: 'rnnc_rescale_s16', lutLookup: 'rnnc_lut_lookup_q15', lutTanh: 'rnnc_lut_tanh_q15',
  lutSigmoid: 'rnnc_lut_sigmoid_q15', hardSigmoidQ15: 'rnnc_hard_sigmoid_q15', reluS16: 'rnnc_relu_s16', avgS16: 'rnnc_avg_s16',
  lerpQ15: 'rnnc_lerp_q15', lstmCellS16: 'rnnc_lstm_cell_s16', lstmCellS32: 'rnnc_lstm_cell_s32', softmaxQ15: 'rnnc_softmax_q15',
  siluS16: 'rnnc_silu_s16', softplusQ15: 'rnnc_softplus_q15', expNegQ15: 'rnnc_exp_neg_q15', mulRshrS32S16: 'rnnc_mul_rshr_s32_s16',
  mulRshrS16S32: 'rnnc_mul_rshr_s16_s32',
};

const I16 = [-32768, -32767, -16385, -16384, -1, 0, 1, 16383, 16384, 32766, 32767];
const I32 = [-2147483648, -2147483647, -1073741824, -65536, -32769, -32768, -1, 0, 1, 32767, 32768, 65535, 1073741823, 2147483646, 2147483647];
const rng = new Rng(20261125);
const N = 400;
const r32 = () => rng.int(-2147483648, 2147483647);
const r16 = () => rng.int(-32768, 32767);
const r52 = () => Math.round(rng.uniform(-1, 1) * 2 ** rng.int(0, 52)) + 0; // + 0: no −0 inputs

/** ts: the TS result, or the results of an op with array output (one C output line each). */
type Call = { op: string; args: number[]; ts: number | number[] };
const calls: Call[] = [];
const add = (fn: string, args: number[], ts: number | number[]) => calls.push({ op: TWINS[fn]!.slice(5), args, ts });

function buildCalls(): string {
  const lines: string[] = [];
  for (const x of [...I32, ...Array.from({ length: N }, r32)]) add('satS16', [x], ops.satS16(x));
  for (const x of [...I32, 2 ** 40, -(2 ** 40), 2 ** 52 - 1, -(2 ** 52), ...Array.from({ length: N }, r52)]) add('satS32', [x], ops.satS32(x));
  for (const a of I32) for (const b of I32) add('addSatS32', [a, b], ops.addSatS32(a, b));
  for (let i = 0; i < N; i++) { const a = r32(), b = r32(); add('addSatS32', [a, b], ops.addSatS32(a, b)); }
  for (const x of I32) for (let s = 0; s <= 31; s++) add('rshrS32', [x, s], ops.rshrS32(x, s));
  for (let i = 0; i < N; i++) { const x = r32(), s = rng.int(0, 31); add('rshrS32', [x, s], ops.rshrS32(x, s)); }
  for (const a of I16) for (const b of I16) for (const s of [1, 14, 15, 16, 31]) add('mulRshrS16', [a, b, s], ops.mulRshrS16(a, b, s));
  for (let i = 0; i < N; i++) { const a = r16(), b = r16(), s = rng.int(1, 31); add('mulRshrS16', [a, b, s], ops.mulRshrS16(a, b, s)); }
  for (const a of [0, 1, 16384, 32766, 32767]) for (const b of I32) add('mulQ15S32', [a, b], ops.mulQ15S32(a, b));
  for (let i = 0; i < N; i++) { const a = rng.int(0, 32767), b = r32(); add('mulQ15S32', [a, b], ops.mulQ15S32(a, b)); }
  for (const [n, d] of [[0, 1], [1, 1], [1, 2], [1, 3], [2, 3], [32767, 32767], [1, 65536], [65535, 65536], [2 ** 27 - 1, 2 ** 27 - 1], [1, 2 ** 27 - 1], [3, 7]]) {
    add('divQ15', [n!, d!], ops.divQ15(n!, d!));
  }
  for (let i = 0; i < N; i++) { const d = rng.int(1, 2 ** 27 - 1), n = rng.int(0, d); add('divQ15', [n, d], ops.divQ15(n, d)); }
  const mults = [0, 2 ** 30, 2 ** 30 + 1, 2 ** 31 - 1, 1518500250];
  for (const acc of I32) for (const m of mults) for (const t of [1, 2, 15, 16, 17, 18, 31, 32, 33, 47, 61, 62]) add('requantS32', [acc, m, t], ops.requantS32(acc, m, t));
  for (let i = 0; i < 4 * N; i++) {
    const acc = r32(), m = rng.next() < 0.05 ? 0 : rng.int(2 ** 30, 2 ** 31 - 1), t = rng.int(1, 62);
    add('requantS32', [acc, m, t], ops.requantS32(acc, m, t));
  }
  for (const acc of [0, 1, -1, 2 ** 52 - 1, -(2 ** 52), 2 ** 40 + 3, -(2 ** 40) - 3, ...I32]) for (const k of [1, 2, 8, 20, 31, 52, 62]) add('rshrSatS64', [acc, k], ops.rshrSatS64(acc, k));
  for (let i = 0; i < N; i++) { const acc = r52(), k = rng.int(1, 62); add('rshrSatS64', [acc, k], ops.rshrSatS64(acc, k)); }
  for (const x of I32) for (const [f, t] of [[12, 12], [15, 12], [12, 15], [24, 12], [0, 12], [43, 12], [12, 40], [0, 31]]) add('rescaleS16', [x, f!, t!], ops.rescaleS16(x, f!, t!));
  for (let i = 0; i < N; i++) {
    const x = r32(), f = rng.int(0, 40), t = rng.int(Math.max(0, f - 31), 40);
    add('rescaleS16', [x, f, t], ops.rescaleS16(x, f, t));
  }
  for (const m of [...Object.values(ops.HARD_SIGMOID_MULT), 0, 131071]) {
    for (const x of [...I16, -12289, -12288, -10240, 10240, 12287, 12288, -16385, 16385, ...Array.from({ length: N }, r16)]) add('hardSigmoidQ15', [m, x], ops.hardSigmoidQ15(m, x));
  }
  for (const x of I16) add('reluS16', [x], ops.reluS16(x));
  for (const a of I16) for (const b of I16) add('avgS16', [a, b], ops.avgS16(a, b));
  for (let i = 0; i < N; i++) { const a = r16(), b = r16(); add('avgS16', [a, b], ops.avgS16(a, b)); }
  const gates = [0, 1, 16383, 16384, 32766, 32767];
  for (const z of gates) for (const h of I16) for (const n of I16) add('lerpQ15', [z, h, n], ops.lerpQ15(z, h, n));
  for (let i = 0; i < N; i++) { const z = rng.int(0, 32767), h = r16(), n = r16(); add('lerpQ15', [z, h, n], ops.lerpQ15(z, h, n)); }
  for (const f of gates) for (const i of gates) for (const g of [-32768, -32767, -1, 0, 1, 32767]) {
    for (const s of [0, 1, 15, 18, 30, 31]) {
      for (const c of I16) add('lstmCellS16', [f, c, i, g, s], ops.lstmCellS16(f, c, i, g, s));
      for (const c of I32) add('lstmCellS32', [f, c, i, g, s], ops.lstmCellS32(f, c, i, g, s));
    }
  }
  for (const a of I32) for (const b of I16) for (const s of [1, 2, 15, 16, 30, 31, 45, 46]) add('mulRshrS32S16', [a, b, s], ops.mulRshrS32S16(a, b, s));
  for (let i = 0; i < N; i++) { const a = r32(), b = r16(), s = rng.int(1, 46); add('mulRshrS32S16', [a, b, s], ops.mulRshrS32S16(a, b, s)); }
  for (const a of I16) for (const b of I16) for (let s = 0; s <= 31; s++) add('mulRshrS16S32', [a, b, s], ops.mulRshrS16S32(a, b, s));
  for (let i = 0; i < N; i++) { const a = r16(), b = r16(), s = rng.int(0, 31); add('mulRshrS16S32', [a, b, s], ops.mulRshrS16S32(a, b, s)); }
  for (let k = 0; k < N; k++) {
    const f = rng.int(0, 32767), i = rng.int(0, 32767), g = r16(), s = rng.int(0, 31);
    const c16 = r16(), c32 = r32();
    add('lstmCellS16', [f, c16, i, g, s], ops.lstmCellS16(f, c16, i, g, s));
    add('lstmCellS32', [f, c32, i, g, s], ops.lstmCellS32(f, c32, i, g, s));
  }
  // Each LUT op against real tables at two sizes; "table" lines switch the harness's table.
  const xs = [...I16, -4096, 4096, 32640, -32640, ...Array.from({ length: N }, r16)];
  const emit = () => { for (const c of calls.splice(0)) lines.push(`${c.op} ${c.args.join(' ')}`); };
  const expected: number[] = [];
  const flush = () => { expected.push(...calls.flatMap((c) => c.ts)); emit(); };
  flush();
  for (const size of [16, 256, 4096]) {
    const l = buildLuts(size);
    const exp = buildExpTable(size);
    for (const [fn, table] of [['lutTanh', l.tanh], ['lutSigmoid', l.sigmoid], ['lutLookup', exp], ['lutLookup', l.tanh]] as const) {
      lines.push(`table ${size} ${table.join(' ')}`);
      for (const x of xs) add(fn, [x], (ops[fn] as (t: readonly number[], n: number, x: number) => number)(table, l.log2Size, x));
      flush();
    }
    // silu on the sigmoid table, in formats from coarse to fine (the clamp to Q3.12 at either end).
    lines.push(`table ${size} ${l.sigmoid.join(' ')}`);
    for (const f of [-16, -4, -3, 0, 5, 11, 12, 13, 15]) for (const v of xs) add('siluS16', [v, f], ops.siluS16(l.sigmoid, l.log2Size, v, f));
    flush();
    // The ssm's tables: softplus on Q3.12; exp(−u) over both ranges of u (fine below 1, the exp table from 1).
    const soft = buildSoftplusTable(size);
    lines.push(`table ${size} ${soft.join(' ')}`);
    for (const x of xs) add('softplusQ15', [x], ops.softplusQ15(soft, l.log2Size, x));
    flush();
    const fine = buildExpFineTable(size);
    lines.push(`table ${size} ${fine.join(' ')}`, `table2 ${size} ${exp.join(' ')}`);
    const us = [0, 1, 16383, 32767, 32768, 32769, 65535, 2 ** 19 - 8, 2 ** 19 - 9, 2 ** 19, 2 ** 20, 2 ** 31 - 1, ...Array.from({ length: N }, () => rng.int(0, rng.next() < 0.5 ? 32767 : 2 ** 21))];
    for (const u of us) add('expNegQ15', [u], ops.expNegQ15(fine, exp, l.log2Size, u));
    flush();
    // softmax on the exp table: "softmax_q15 logitFrac expFrac n acc..." gives n outputs.
    lines.push(`table ${size} ${exp.join(' ')}`);
    const softmaxCases: number[][] = [[], [0], [5, 5], [-2147483648, 2147483647, 0], [32767, -32768, 100, -100], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]];
    for (let k = 0; k < 60; k++) softmaxCases.push(Array.from({ length: rng.int(1, 64) }, () => (rng.next() < 0.5 ? r16() : rng.int(-3000, 3000))));
    for (const v of softmaxCases) {
      for (const [lf, ef] of [[11, 11], [12, 11], [8, 11], [15, 11], [3, 11]] as const) {
        const acc = v.slice();
        const y: number[] = new Array<number>(v.length).fill(0);
        ops.softmaxQ15(exp, l.log2Size, acc, y, lf, ef);
        add('softmaxQ15', [lf, ef, v.length, ...v], y);
      }
    }
    flush();
  }
  expectedAll.push(...expected);
  return lines.join('\n') + '\n';
}
const expectedAll: number[] = [];

let harness = '';
beforeAll(async () => {
  harness = await buildC('gcc', [join(ROOT, 'test/harness/ops_harness.c')], join(tempDir('ops'), 'ops_harness'),
    [...STRICT.filter((f) => f !== '-Wconversion'), '-O1', '-fsanitize=undefined', '-fno-sanitize-recover', `-I${join(ROOT, 'runtime-c/include')}`]);
});

describe('fixed-point ops: TypeScript vs C', () => {
  it('every op gives identical integers on edge and random inputs', async () => {
    const input = buildCalls();
    const r = await execa(harness, [], { input });
    const got = r.stdout.trim().split('\n').map(Number);
    expect(got.length).toBe(expectedAll.length);
    expect(expectedAll.length).toBeGreaterThan(10_000);
    expect(got).toEqual(expectedAll);
  });
});

describe('twin meta-test', () => {
  it('every exported op of src/fixed/ops.ts has a C twin and vice versa', () => {
    const tsOps = Object.entries(ops).filter(([, v]) => typeof v === 'function').map(([k]) => k).sort();
    expect(tsOps).toEqual(Object.keys(TWINS).sort());
    const header = readFileSync(join(ROOT, 'runtime-c/include/rnnc/rnnc_fixed.h'), 'utf8');
    const cOps = [...header.matchAll(/static inline \w+ (rnnc_\w+)\(/g)].map((m) => m[1]!).sort();
    expect(cOps).toEqual(Object.values(TWINS).sort());
    for (const [ts, c] of Object.entries(TWINS)) {
      // Each C twin's doc comment names its TS twin.
      const doc = header.slice(0, header.indexOf(`${c}(`));
      expect(doc.slice(doc.lastIndexOf('/**'))).toContain(`TS twin: ${ts}`);
    }
  });
  it('the runtime has no float or double token', () => {
    for (const f of ['rnnc_fixed.h', 'rnnc_kernels.h']) {
      const text = readFileSync(join(ROOT, 'runtime-c/include/rnnc', f), 'utf8');
      expect(text).not.toMatch(/\b(float|double)\b/);
    }
  });
});
