// On-target equivalence: the C that `rnnc compile --target T` emits (whatever kernels
// the target selects), built with T's cross compiler and flags at -O2 and at -Os,
// runs under QEMU and gives every output of NAME_run and NAME_step bit-identical to
// the TypeScript fixed-point reference. One ELF per target and level holds all the
// models of test/helpers/target-models.ts (39, one an encoder–decoder), in two ELFs per target and level (one
// would overflow the Cortex-M55 board's 512 KiB code region); ELFs are built and run two
// at a time. RNNC_TEST_TARGETS=cortex-m4,riscv32 runs only
// those targets (while working on one kernel family; CI runs them all).
import { isMixedWidth, isQRecurrent, layerWeightBits, ssmMatmuls } from '../../src/ir/qmodel.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTarget } from '../../src/target/targets.js';
import type { OptLevel } from '../../src/target/build.js';
import { expectedCount, runHarness, type ModelVerdict } from '../../src/verify/harness.js';
import { targetModels } from '../helpers/target-models.js';
import { pool } from '../helpers/pool.js';

const ALL_TARGETS = ['cortex-m0', 'cortex-m3', 'cortex-m4', 'cortex-m7', 'cortex-m33', 'cortex-m55', 'riscv32'];
const only = process.env.RNNC_TEST_TARGETS?.split(',').map((t) => t.trim());
const TARGETS = only ? ALL_TARGETS.filter((t) => only.includes(t)) : ALL_TARGETS;
const LEVELS: OptLevel[] = ['O2', 'Os'];
const models = targetModels();
const dir = mkdtempSync(join(tmpdir(), 'rnnc-target-equiv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runs = TARGETS.flatMap((target) => LEVELS.map((opt) => ({ target, opt })));
const halves = [models.filter((_, k) => k % 2 === 0), models.filter((_, k) => k % 2 === 1)];
const results = new Map<string, ModelVerdict[] | Error>();

beforeAll(async () => {
  const started = Date.now();
  await pool(runs.flatMap(({ target, opt }) => halves.map((half, h) => async () => {
    const key = `${target} -${opt}`;
    try {
      const verdicts = await runHarness(half, join(dir, `${target}-${opt}-${h}`), getTarget(target), { cc: '', flags: [], opt, version: 'test', maxSeq: 16 });
      const before = results.get(key);
      if (!(before instanceof Error)) results.set(key, [...(before ?? []), ...verdicts]);
    } catch (e) {
      results.set(key, e as Error);
    }
  })), 2);
  const cases = models.reduce((s, m) => s + m.golden.length, 0);
  console.log(`target equivalence: ${runs.length * 2} ELFs x about ${Math.ceil(models.length / 2)} models (${models.length} models, ${cases} cases, ${expectedCount(models)} outputs per target and level) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

describe('the model set', () => {
  it('covers every layer kind, both GRU variants, bidirectional merges, stacks, dense and conv1d activations, both weight sizes (and both in one model) and accumulators', () => {
    const kinds = new Set(models.flatMap(({ model: q }) => [
      `int${q.weightBits}`, isMixedWidth(q) ? 'mixed-width' : '', `depth${q.layers.filter((l) => isQRecurrent(l)).length}`,
      ...q.layers.map((l) => (l.type === 'ssm' ? 'ssm' : !isQRecurrent(l) ? `${l.type}-${l.activation}` : l.type === 'gru' ? `gru-${l.resetAfter}` : l.type === 'lstm' ? `lstm-cell${l.cell.bits}` : l.type)),
      ...q.layers.map((l) => (isQRecurrent(l) && l.bidirectional ? `bidir-${l.bidirectional}` : '')),
      ...q.layers.flatMap((l) => (l.type === 'ssm' ? ssmMatmuls(l).map(([, mm]) => mm.acc) : !isQRecurrent(l) ? [l.mm.acc] : [l.forward.x.acc, ...(l.forward.h ? [l.forward.h.acc] : [])])
        .map((acc) => `w${layerWeightBits(q, l)}-${acc}`)),
    ]));
    for (const k of ['int8', 'int16', 'mixed-width', 'depth1', 'depth2', 'depth3', 'lstm-cell16', 'lstm-cell32', 'gru-true', 'gru-false', 'rnn', 'mingru', 'minlstm',
      'ssm', 'bidir-concat', 'bidir-sum', 'dense-linear', 'dense-relu', 'dense-tanh', 'dense-sigmoid', 'dense-softmax', 'conv1d-relu', 'conv1d-tanh',
      'w8-int32', 'w8-int64', 'w16-int32', 'w16-int64']) expect(kinds).toContain(k);
  });
});

describe('on target: every output bit-identical to the reference', () => {
  for (const { target, opt } of runs) {
    it(`${target} -${opt}`, () => {
      const r = results.get(`${target} -${opt}`);
      if (r instanceof Error) throw r;
      expect(r).toBeDefined();
      expect(r!.filter((v) => !v.pass).map((v) => v.line)).toEqual([]);
      expect(r!.reduce((s, v) => s + v.compared, 0)).toBe(expectedCount(models));
    });
  }
});
