// The batch harness on a QEMU target reports a mismatch exactly as on the host: a
// golden output changed by one makes that model FAIL at that case, step and index,
// while the other model of the same ELF still passes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenCases } from '../../../src/codegen/testdata.js';
import { getTarget } from '../../../src/target/targets.js';
import { randomModel } from '../../../src/ir/random.js';
import { quantizeModel } from '../../../src/quantize/quantize.js';
import { runHarness } from '../../../src/verify/harness.js';
import { tempDir } from '../../helpers/gcc.js';

describe('runHarness on a QEMU target', () => {
  it('finds a one-off golden output (cortex-m0, -Os) and passes the untouched model', async () => {
    const a = quantizeModel(randomModel({ name: 'ma', inputSize: 3, layers: [{ type: 'gru', units: 5, returnSequences: true }] }, 11), { weightBits: 16 });
    const b = quantizeModel(randomModel({ name: 'mb', inputSize: 2, layers: [{ type: 'rnn', units: 3 }] }, 12));
    const golden = goldenCases(a, { seed: 3, count: 2, steps: 4 });
    const bad = golden[1]!.expected[2]!;
    const want = bad[4]! === 32767 ? 32766 : bad[4]! + 1;
    const got = bad[4]!;
    bad[4] = want;
    const v = await runHarness([{ model: a, golden }, { model: b, golden: goldenCases(b, { seed: 4, count: 2, steps: 4 }) }],
      join(tempDir('target-harness'), 'm0'), getTarget('cortex-m0'), { cc: '', flags: [], opt: 'Os', version: 't', maxSeq: 8 });
    expect(v[0]!.pass).toBe(false);
    expect(v[0]!.mismatch).toEqual({ caseIndex: 1, label: golden[1]!.label, mode: 'step', step: 2, index: 4, expected: want, got });
    expect(v[1]!.line).toMatch(/^mb: PASS/);
  });
});
