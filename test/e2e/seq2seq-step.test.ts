// NAME_decode_begin / NAME_decode_step, the per-step decoding of an encoder–decoder, for the
// four PyTorch fixtures: the steps' outputs and return values against runFixed's outputs
// (every value, the count, the end token) and against NAME_decode on the same state; begin
// before any encoder step, a step without a begin, a step after the last output, and an
// encoder step in the middle of a decoding (refused until a begin over the longer memory).
// Built with the strict flags and UBSan/ASan by gcc, and warning-free by clang.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { emitModel } from '../../src/codegen/emit.js';
import { quantizeInput, runFixed } from '../../src/fixed/model.js';
import { randomSequence } from '../../src/ir/random.js';
import { validateModel } from '../../src/ir/validate.js';
import { quantizeWithData } from '../../src/quantize/pipeline.js';
import { getTarget } from '../../src/target/targets.js';
import { STRICT, buildC, tempDir } from '../helpers/gcc.js';

const MAX = 6;
const FIRST = 3;

for (const fixture of ['bahdanau_lstm', 'dot_both_rnn', 'luong_general_bigru', 'plain_gru_lstm_end']) {
  describe(`encoder–decoder per-step decoding (${fixture})`, () => {
    it('decode_begin / decode_step: as NAME_decode and the reference, bit for bit', async () => {
      const f = JSON.parse(readFileSync(new URL(`../fixtures/torch/seq2seq_${fixture}.json`, import.meta.url), 'utf8')) as { model: unknown; input: number[][] };
      const m = validateModel(f.model, fixture);
      const q = { ...quantizeWithData(m, { sequences: [randomSequence(m.inputSize, 8, 1)], source: 'test' }, { weightBits: 8 }).model, name: 'stp' };
      // The fixture's own input first (its end-token case stops early on it), then random steps.
      const real = [...f.input, ...randomSequence(m.inputSize, MAX, 5)].slice(0, MAX);
      const xs = real.map((x) => quantizeInput(q, x));
      const dir = tempDir(`s2s-step-${fixture}`);
      for (const file of emitModel(q, getTarget('host'), { version: 'test', source: 'step', maxSeq: MAX }).files) writeFileSync(join(dir, file.name), file.content);
      const rows = xs.map((x) => `{ ${Array.from(x).join(', ')} }`).join(',\n  ');
      writeFileSync(join(dir, 'main.c'), `#include <stdio.h>
#include "stp.h"
static const int16_t xs[${MAX}][STP_INPUT_SIZE] = {
  ${rows}
};
static stp_state s;
static int16_t y[STP_STEPS * STP_OUTPUT_SIZE];
static int16_t yk[STP_OUTPUT_SIZE];
/* One step: its return value, then the vector it wrote (nothing after an error). */
static int step(void) {
  int32_t i;
  int r;
  for (i = 0; i < STP_OUTPUT_SIZE; i++) yk[i] = 12345;
  r = stp_decode_step(&s, yk);
  printf("step %d", r);
  if (r >= 0) for (i = 0; i < STP_OUTPUT_SIZE; i++) printf(" %d", (int)yk[i]);
  else for (i = 0; i < STP_OUTPUT_SIZE; i++) if (yk[i] != 12345) printf(" wrote");
  printf("\\n");
  return r;
}
static void steps(void) {
  while (step() == 1) {}
}
static void decode(void) {
  int32_t i, k = stp_decode(&s, y, STP_STEPS);
  printf("decode %ld", (long)k);
  for (i = 0; i < (k > 0 ? k : 0) * STP_OUTPUT_SIZE; i++) printf(" %d", (int)y[i]);
  printf("\\n");
}
int main(void) {
  int32_t t;
  stp_reset(&s);
  printf("begin %d\\n", stp_decode_begin(&s));
  step();
  for (t = 0; t < ${FIRST}; t++) printf("enc %d\\n", stp_encode_step(&s, xs[t]));
  step();
  printf("begin %d\\n", stp_decode_begin(&s));
  steps();
  step();
  decode();
  step();
  printf("begin %d\\n", stp_decode_begin(&s));
  step();
  for (t = ${FIRST}; t < ${MAX}; t++) printf("enc %d\\n", stp_encode_step(&s, xs[t]));
  step();
  printf("begin %d\\n", stp_decode_begin(&s));
  steps();
  decode();
  printf("begin %d\\n", stp_decode_begin(&s));
  steps();
  return 0;
}
`);
      const srcs = [join(dir, 'stp.c'), join(dir, 'main.c')];
      await buildC('clang', srcs, join(dir, 'stp-clang'), [...STRICT, '-O2', `-I${dir}`]);
      const exe = await buildC('gcc', srcs, join(dir, 'stp'), [...STRICT, '-O1', '-fsanitize=undefined,address', '-fno-sanitize-recover', `-I${dir}`]);
      const got = (await execa(exe, [])).stdout.trimEnd().split('\n');
      const stepLines = (ys: Int16Array[]) => ys.map((v, k) => ['step', k + 1 < ys.length ? 1 : 0, ...Array.from(v)].join(' '));
      const decodeLine = (ys: Int16Array[]) => ['decode', ys.length, ...ys.flatMap((v) => Array.from(v))].join(' ');
      const first = runFixed(q, xs.slice(0, FIRST));
      const all = runFixed(q, xs);
      expect(first.length).toBeGreaterThan(1);
      if (q.decoder!.endToken !== undefined) {
        // The end token stops one of the two decodings early: its step returns 0.
        expect(Math.min(first.length, all.length)).toBeLessThan(q.decoder!.steps);
      } else {
        expect([first.length, all.length]).toEqual([q.decoder!.steps, q.decoder!.steps]);
      }
      const ERR_EMPTY = -1;
      const ERR_NOT_BEGUN = -2;
      expect(got).toEqual([
        `begin ${ERR_EMPTY}`, `step ${ERR_NOT_BEGUN}`,
        ...Array.from({ length: FIRST }, () => 'enc 0'),
        `step ${ERR_NOT_BEGUN}`,
        'begin 0', ...stepLines(first),
        `step ${ERR_NOT_BEGUN}`,
        decodeLine(first),
        `step ${ERR_NOT_BEGUN}`,
        'begin 0', stepLines(first)[0]!,
        ...Array.from({ length: MAX - FIRST }, () => 'enc 0'),
        `step ${ERR_NOT_BEGUN}`,
        'begin 0', ...stepLines(all),
        decodeLine(all),
        'begin 0', ...stepLines(all),
      ]);
    }, 60_000);
  });
}
