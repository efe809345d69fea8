// The target kernel families against the fixed-point reference, bit for bit, under QEMU:
// the DSP kernels (Cortex-M4) and the M55 build, each at -O2 and -Os. One ELF per build
// holds every model of the set: hand-picked shapes (every cell, both GRU variants,
// bidirectional, stacked, dense heads with softmax, sizes 1, 3, 5, 17 where the packed
// layout has leftover columns and rows), int8 and int16 weights, huge weights (every
// accumulator and requantization saturates), and random models from the equivalence set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { goldenCases } from '../../src/codegen/testdata.js';
import { getTarget } from '../../src/target/targets.js';
import { type LayerSpec, randomModel } from '../../src/ir/random.js';
import { quantizeModel } from '../../src/quantize/quantize.js';
import { buildForTarget, type OptLevel } from '../../src/target/build.js';
import { runOnTarget } from '../../src/target/run.js';
import { STRICT_FLAGS } from '../../src/target/flags.js';
import { type HarnessModel, parseVerdicts, writeHarness } from '../../src/verify/harness.js';
import { equivalenceModels } from '../helpers/random-models.js';

const SHAPES: Array<{ input: number; layers: LayerSpec[] }> = [
  { input: 1, layers: [{ type: 'lstm', units: 1 }] },
  // 601 inputs: int8 weights need the int64 accumulator (bound > 2^31).
  { input: 601, layers: [{ type: 'lstm', units: 3 }] },
  { input: 3, layers: [{ type: 'lstm', units: 5, returnSequences: true }, { type: 'dense', units: 3, activation: 'softmax' }] },
  { input: 17, layers: [{ type: 'lstm', units: 17 }] },
  { input: 16, layers: [{ type: 'lstm', units: 32, returnSequences: true }] },
  { input: 5, layers: [{ type: 'gru', units: 3, resetAfter: true }] },
  { input: 5, layers: [{ type: 'gru', units: 3, resetAfter: false }] },
  { input: 17, layers: [{ type: 'gru', units: 17, resetAfter: false, returnSequences: true }] },
  { input: 16, layers: [{ type: 'gru', units: 32, resetAfter: true, returnSequences: true }] },
  { input: 3, layers: [{ type: 'rnn', units: 5, returnSequences: true }] },
  { input: 5, layers: [{ type: 'lstm', units: 3, bidirectional: 'concat' }, { type: 'dense', units: 5, activation: 'tanh' }] },
  { input: 17, layers: [{ type: 'gru', units: 5, bidirectional: 'sum', returnSequences: true }, { type: 'rnn', units: 3 }] },
  {
    input: 5,
    layers: [
      { type: 'lstm', units: 17, returnSequences: true }, { type: 'gru', units: 5, returnSequences: true, resetAfter: false },
      { type: 'rnn', units: 3, returnSequences: true }, { type: 'dense', units: 17, activation: 'relu' }, { type: 'dense', units: 1, activation: 'sigmoid' },
    ],
  },
];

function shapeModels(): HarnessModel[] {
  const out: HarnessModel[] = [];
  let i = 0;
  for (const bits of [8, 16] as const) {
    for (const scale of [1, 30]) {
      for (const s of SHAPES) {
        const name = `k${i++}`;
        const model = quantizeModel(randomModel({ name, inputSize: s.input, layers: s.layers, weightScale: scale }, 4000 + i), { weightBits: bits });
        out.push({ model, golden: goldenCases(model, { seed: 77 + i, count: 3, steps: 8 }) });
      }
    }
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'rnnc-kernels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const models = [...shapeModels(), ...equivalenceModels(24, 9001, 100, 8)];

// The M55 image must fit its 512 KiB ITCM: its models go in several ELFs.
const CHUNKS: Record<string, number> = { 'cortex-m4': 1, 'cortex-m55': 6 };

async function runBatch(target: string, opt: OptLevel, batch: readonly HarnessModel[], out: string): Promise<string[]> {
  const t = getTarget(target);
  const sources = writeHarness(batch, out, t, { cc: t.cc, flags: [], version: 'test', maxSeq: 8 });
  const noMain = Object.fromEntries(batch.map((m) => [`${m.model.name.toUpperCase()}_TEST_NO_MAIN`, true]));
  const elf = await buildForTarget({
    target: t, sources: sources.map((s) => join(out, s)), includeDirs: [out], defines: noMain, opt,
    extraCflags: STRICT_FLAGS.filter((f) => f !== '-Wdouble-promotion' && f !== '-std=c99'), outDir: out, name: 'kernels',
  });
  const r = await runOnTarget(t, elf, { timeoutMs: 120_000 });
  const failed = parseVerdicts(r.stdout, batch).filter((v) => !v.pass).map((v) => v.line);
  if (r.exitCode !== 0) failed.push(`${target} -${opt}: exit code ${r.exitCode}`);
  return failed;
}

describe('target kernels are bit-exact under QEMU', () => {
  for (const [target, opt] of [['cortex-m4', 'O2'], ['cortex-m4', 'Os'], ['cortex-m55', 'O2'], ['cortex-m55', 'Os']] as const) {
    it(`${target} -${opt}: ${models.length} models`, async () => {
      const n = CHUNKS[target]!;
      const failed: string[] = [];
      for (let c = 0; c < n; c++) {
        const batch = models.filter((_, i) => i % n === c);
        failed.push(...(await runBatch(target, opt, batch, join(dir, `${target}-${opt}-${c}`))));
      }
      expect(failed).toEqual([]);
    }, 180_000);
  }
});
