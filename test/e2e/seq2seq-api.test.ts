// The C API of an encoder–decoder beyond the golden cases (which encode and decode whole
// cases): NAME_decode before any encoder step, NAME_encode_step on a full memory (refused,
// nothing changed), k_max below K (a prefix of the outputs), encoding more steps after a
// decode, and NAME_reset (with attention, and without: one memory row, read by a bridge,
// after an encoder returning sequences or its last step only); against runFixed, built with the strict flags and UBSan. The
// per-step entry points are seq2seq-step.test.ts's.
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
import { Rng } from '../../src/util/rng.js';
import { STRICT, buildC, tempDir } from '../helpers/gcc.js';

const MAX = 4;

/** Decoders without attention beside the fixture's (init copy): a tanh bridge over the last
 * encoder output, with the encoder returning sequences or its last step only (one memory row). */
type Variant = 'bridge' | 'bridge_last_only';
function variant(model: unknown, v: Variant): unknown {
  const m = structuredClone(model) as { layers: Array<{ returnSequences: boolean; units: number }>; decoder: { units: number; init: unknown } };
  const he = m.layers.at(-1)!.units;
  const rng = new Rng(3);
  m.decoder.init = { kind: 'bridge', kernel: Array.from({ length: m.decoder.units }, () => Array.from({ length: he }, () => rng.normal() * 0.4)), bias: Array.from({ length: m.decoder.units }, () => rng.normal() * 0.1) };
  if (v === 'bridge_last_only') m.layers.at(-1)!.returnSequences = false;
  return m;
}

for (const [fixture, v] of [['bahdanau_lstm'], ['luong_general_bigru'], ['plain_gru_lstm_end'], ['plain_gru_lstm_end', 'bridge'], ['plain_gru_lstm_end', 'bridge_last_only']] as Array<[string, Variant?]>) {
  describe(`encoder–decoder C API (${fixture}${v ? `, ${v}` : ''})`, () => {
    it('error codes, k_max, encoding after a decode, reset: as the reference', async () => {
      const f = JSON.parse(readFileSync(new URL(`../fixtures/torch/seq2seq_${fixture}.json`, import.meta.url), 'utf8')) as { model: unknown };
      const m = validateModel(v ? variant(f.model, v) : f.model, fixture);
      const q = { ...quantizeWithData(m, { sequences: [randomSequence(m.inputSize, 8, 1)], source: 'test' }, { weightBits: 8 }).model, name: 'api' };
      const xs = randomSequence(m.inputSize, MAX + 1, 7).map((x) => quantizeInput(q, x));
      const dir = tempDir(`s2s-api-${fixture}${v ?? ''}`);
      for (const file of emitModel(q, getTarget('host'), { version: 'test', source: 'api', maxSeq: MAX }).files) writeFileSync(join(dir, file.name), file.content);
      // Without attention only the last encoder output is kept (the bridge's input), not MAX rows.
      const header = readFileSync(join(dir, 'api.h'), 'utf8');
      expect(header).toContain(m.decoder!.attention ? 'int16_t memory[API_MAX_SEQ * ' : 'int16_t memory[1 * ');
      const rows = xs.map((x) => `{ ${Array.from(x).join(', ')} }`).join(',\n  ');
      writeFileSync(join(dir, 'main.c'), `#include <stdio.h>
#include "api.h"
static const int16_t xs[${MAX + 1}][API_INPUT_SIZE] = {
  ${rows}
};
static api_state s;
static int16_t y[API_STEPS * API_OUTPUT_SIZE];
static void print(int32_t k) {
  int32_t i;
  printf("k %ld", (long)k);
  for (i = 0; i < (k > 0 ? k : 0) * API_OUTPUT_SIZE; i++) printf(" %d", (int)y[i]);
  printf("\\n");
}
int main(void) {
  int32_t t;
  api_reset(&s);
  print(api_decode(&s, y, API_STEPS));
  for (t = 0; t < 2; t++) printf("enc %d\\n", api_encode_step(&s, xs[t]));
  print(api_decode(&s, y, API_STEPS));
  for (t = 2; t < ${MAX + 1}; t++) printf("enc %d\\n", api_encode_step(&s, xs[t]));
  print(api_decode(&s, y, 2));
  print(api_decode(&s, y, 0));
  api_reset(&s);
  printf("enc %d\\n", api_encode_step(&s, xs[${MAX}]));
  print(api_decode(&s, y, API_STEPS));
  return 0;
}
`);
      const exe = await buildC('gcc', [join(dir, 'api.c'), join(dir, 'main.c')], join(dir, 'api'), [...STRICT, '-O1', '-fsanitize=undefined,address', '-fno-sanitize-recover', `-I${dir}`]);
      const got = (await execa(exe, [])).stdout.trimEnd().split('\n');
      const line = (ys: Int16Array[]) => ['k', ys.length, ...ys.flatMap((v) => Array.from(v))].join(' ');
      const first2 = runFixed(q, xs.slice(0, 2));
      const firstMax = runFixed(q, xs.slice(0, MAX));
      expect(got).toEqual([
        'k -1',
        'enc 0', 'enc 0', line(first2),
        // The memory holds MAX steps: the one after is refused (2) and changes nothing.
        ...Array.from({ length: MAX - 2 }, () => 'enc 0'), 'enc 2', line(firstMax.slice(0, 2)),
        'k 0',
        'enc 0', line(runFixed(q, [xs[MAX]!])),
      ]);
    }, 60_000);
  });
}

describe('encoder–decoder C: what it refuses', () => {
  it('attention over an encoder whose last layer passes on its last step only, in one line', () => {
    const f = JSON.parse(readFileSync(new URL('../fixtures/torch/seq2seq_bahdanau_lstm.json', import.meta.url), 'utf8')) as { model: { layers: Array<{ returnSequences: boolean }> } };
    const bad = structuredClone(f.model);
    bad.layers.at(-1)!.returnSequences = false;
    const problems: string[] = [];
    try {
      const m = validateModel(bad, 'bad');
      emitModel(quantizeWithData(m, undefined, { weightBits: 8 }).model, getTarget('host'), { version: 'test', source: 'bad', maxSeq: 8 });
    } catch (e) {
      problems.push((e as Error).message);
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/attention|attends/);
    expect(problems[0]!.split('\n')).toHaveLength(1);
  });
});
