/**
 * The float input helper, NAME_quantize_input in the emitted C, against rnnc's twin
 * (fixed/model.ts quantizeInput) on every sample of a real recording (examples/data,
 * 108,000 ECG samples): the same int16 for each, so `rnnc run` and the device agree from
 * the first step. The samples go to the C as float32 bit patterns, so both sides start
 * from the same floats. The recording does exercise the float32 arithmetic: a float64
 * version of the same formula gives a different int16 on some samples.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { emitModel } from '../../src/codegen/emit.js';
import { quantizeInput } from '../../src/fixed/model.js';
import type { FloatModel } from '../../src/ir/model.js';
import type { QuantModel } from '../../src/ir/qmodel.js';
import { quantizeModel } from '../../src/quantize/quantize.js';
import { getTarget } from '../../src/target/targets.js';
import { STRICT, tempDir } from '../helpers/gcc.js';

const csv = readFileSync(new URL('../../examples/data/ecg_mitdb208.csv', import.meta.url), 'utf8');
const samples = csv.trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
const dir = tempDir('quantize-input');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAIN = `#include <stdio.h>
#include <string.h>
#include "ecg.h"
int main(void) {
  unsigned long bits;
  while (scanf("%lx", &bits) == 1) {
    unsigned int b = (unsigned int)bits;
    float x;
    int16_t q;
    memcpy(&x, &b, sizeof x);
    ecg_quantize_input(&x, &q);
    printf("%d\\n", q);
  }
  return 0;
}
`;

/** float32 bit pattern of v (rounded to float32 first). */
function bits(v: number): string {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, v);
  return b.getUint32(0).toString(16);
}

/** The int16 the emitted helper gives for each sample, built with `cc`. */
async function device(cc: string, q: QuantModel, tag: string): Promise<number[]> {
  const out = join(dir, `${cc}-${tag}`);
  mkdirSync(out, { recursive: true });
  for (const f of emitModel(q, getTarget('host'), { version: 'test', source: 'ecg', maxSeq: 8 }).files) writeFileSync(join(out, f.name), f.content);
  writeFileSync(join(out, 'main.c'), MAIN);
  await execa(cc, [...STRICT, '-O2', '-Wno-missing-prototypes', '-I', out, join(out, 'main.c'), join(out, 'ecg.c'), '-o', join(out, 'main')]);
  const r = await execa(join(out, 'main'), { input: `${samples.map(bits).join('\n')}\n` });
  return r.stdout.trim().split('\n').map(Number);
}

describe('NAME_quantize_input is bit-exact with rnnc', () => {
  // Normalisation as rnnc train computes it (mean and std of the data); the input range
  // as calibration on this recording gives it (±6.4, Q3.12), and a wider one (±20, Q5.10)
  // as calibration on noisier data would: there float64 arithmetic would differ.
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const std = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length);
  const zmax = Math.max(...samples.map((v) => Math.abs((v - mean) / std)));
  const model: FloatModel = {
    format: 'rnnc-model', version: 1, name: 'ecg', inputSize: 1, normalization: { mean: [mean], std: [std] },
    layers: [{ type: 'dense', units: 1, activation: 'linear', weights: { kernel: [[0.5]], bias: [0] } }],
  };
  const models = { calibrated: quantizeModel(model, { ranges: { input: zmax, layers: [{ dense: zmax }] } }), wide: quantizeModel(model, { ranges: { input: 20, layers: [{ dense: 20 }] } }) };

  it.each(['gcc', 'clang'])('%s: all 108,000 ECG samples quantize to the same int16', async (cc) => {
    expect(samples.length).toBe(108000);
    let f64Differ = 0;
    for (const [tag, q] of Object.entries(models)) {
      const got = await device(cc, q, tag);
      const ours = samples.map((x) => quantizeInput(q, [x])[0]!);
      expect({ tag, frac: q.input.frac, differ: got.filter((v, i) => v !== ours[i]).length }).toEqual({ tag, frac: tag === 'wide' ? 10 : 12, differ: 0 });
      // The same formula in float64 (rnnc's helper before its float32 twin).
      const scale = 2 ** q.input.frac;
      f64Differ += samples.filter((x, i) => Math.max(-32768, Math.min(32767, Math.floor(((Math.fround(x) - Math.fround(mean)) / Math.fround(std)) * scale + 0.5))) !== got[i]).length;
    }
    expect(f64Differ).toBeGreaterThan(0);
  }, 120_000);
});
