// The attention kernels of an encoder–decoder (runtime-c/include/rnnc/rnnc_kernels.h:
// rnnc_dot_wide_s16, rnnc_weighted_sum_q15, rnnc_argmax_s16) against their TypeScript twins
// (src/fixed/matmul.ts dotWide, weightedSum; src/fixed/seq2seq.ts argmaxS16) on full-scale
// and random vectors, up to the longest memory (T = 4096 rows, α summing to 2^15 + T/2):
// a generated C program (strict flags, UBSan, both compilers) prints each result, compared
// exactly.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { dotWide, weightedSum } from '../../src/fixed/matmul.js';
import { argmaxS16 } from '../../src/fixed/seq2seq.js';
import { MAX_MEMORY } from '../../src/ir/qmodel.js';
import { Rng } from '../../src/util/rng.js';
import { ROOT, STRICT, buildC, tempDir } from '../helpers/gcc.js';

const rng = new Rng(20261130);
const r16 = () => rng.int(-32768, 32767);
const arr = (name: string, ctype: string, v: ArrayLike<number>) => `static const ${ctype} ${name}[${Math.max(1, v.length)}] = { ${Array.from(v).join(', ') || '0'} };\n`;

interface Case { c: string; want: number[] }

function dotCase(k: number, a: Int16Array, b: Int16Array): Case {
  return {
    c: arr(`da${k}`, 'int16_t', a) + arr(`db${k}`, 'int16_t', b),
    want: [dotWide(a, b, a.length)],
  };
}

function buildProgram(): { source: string; want: number[] } {
  let decls = '';
  let body = '';
  const want: number[] = [];
  // dotWide: the int16 extremes (−2^15 · −2^15 summed: beyond int32), and random lengths.
  const dots: Array<[Int16Array, Int16Array]> = [
    [new Int16Array(64).fill(-32768), new Int16Array(64).fill(-32768)],
    [new Int16Array(64).fill(-32768), new Int16Array(64).fill(32767)],
    [new Int16Array(1).fill(32767), new Int16Array(1).fill(32767)],
  ];
  for (let i = 0; i < 40; i++) { const n = rng.int(1, 200); dots.push([Int16Array.from({ length: n }, r16), Int16Array.from({ length: n }, r16)]); }
  dots.forEach(([a, b], k) => {
    const c = dotCase(k, a, b);
    decls += c.c;
    body += `  printf("%lld\\n", (long long)rnnc_dot_wide_s16(da${k}, db${k}, ${a.length}));\n`;
    want.push(...c.want);
  });
  // weightedSum: α from a softmax's bound (Σ α ≤ 2^15 + T/2) over memories of extreme values, T up to 4096.
  const sums: Array<{ w: Int16Array; v: Int16Array[]; n: number }> = [];
  for (const [T, n] of [[MAX_MEMORY, 3], [1, 5], [7, 8], [300, 2]] as const) {
    const w = new Int16Array(T);
    let left = 2 ** 15 + Math.floor(T / 2);
    for (let j = 0; j < T; j++) { const x = j === T - 1 ? Math.min(left, 32767) : Math.min(left, rng.int(0, Math.min(32767, Math.ceil(2 * left / (T - j))))); w[j] = x; left -= x; }
    const v = Array.from({ length: T }, (_, j) => Int16Array.from({ length: n }, (_, i) => (T === MAX_MEMORY ? (i === 0 ? -32768 : i === 1 ? 32767 : r16()) : j % 3 === 0 ? -32768 : r16())));
    sums.push({ w, v, n });
  }
  sums.forEach(({ w, v, n }, k) => {
    const flat = new Int16Array(v.length * n);
    v.forEach((row, j) => flat.set(row, j * n));
    decls += arr(`sw${k}`, 'int16_t', w) + arr(`sv${k}`, 'int16_t', flat);
    body += `  { int32_t out[${n}]; int32_t i; rnnc_weighted_sum_q15(sw${k}, sv${k}, ${v.length}, ${n}, out); for (i = 0; i < ${n}; i++) printf("%ld\\n", (long)out[i]); }\n`;
    const out = new Int32Array(n);
    weightedSum(w, v, out);
    want.push(...out);
  });
  // argmax: ties go to the first, one value, all equal, and random.
  const maxes = [Int16Array.from([3, 7, 7, 1]), Int16Array.from([-5]), new Int16Array(6).fill(-32768), Int16Array.from([1, 2, 3, 32767, 32767])];
  for (let i = 0; i < 20; i++) maxes.push(Int16Array.from({ length: rng.int(1, 12) }, () => rng.int(-3, 3)));
  maxes.forEach((v, k) => {
    decls += arr(`am${k}`, 'int16_t', v);
    body += `  printf("%ld\\n", (long)rnnc_argmax_s16(am${k}, ${v.length}));\n`;
    want.push(argmaxS16(v));
  });
  const source = `#include <stdio.h>\n#include "rnnc/rnnc_kernels.h"\n${decls}int main(void) {\n${body}  return 0;\n}\n`;
  return { source, want };
}

describe('attention kernels: TypeScript vs C', () => {
  for (const cc of ['gcc', 'clang']) {
    it(`${cc}: rnnc_dot_wide_s16, rnnc_weighted_sum_q15 and rnnc_argmax_s16 equal their twins`, async () => {
      const { source, want } = buildProgram();
      const dir = tempDir(`attention-${cc}`);
      writeFileSync(join(dir, 'attention.c'), source);
      const exe = await buildC(cc, [join(dir, 'attention.c')], join(dir, 'attention'),
        [...STRICT, '-O1', '-fsanitize=undefined', '-fno-sanitize-recover', `-I${join(ROOT, 'runtime-c/include')}`]);
      const r = await execa(exe, []);
      const got = r.stdout.trimEnd().split('\n').map(Number);
      expect(got.length).toBe(want.length);
      expect(got).toEqual(want);
      // The sums reach beyond int32 (dot) and near it (the weighted sum at T = 4096): the widths matter.
      expect(Math.max(...want.map(Math.abs))).toBeGreaterThan(2 ** 31);
    }, 60_000);
  }
});
